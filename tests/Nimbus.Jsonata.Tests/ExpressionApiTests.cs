using System.Text.Json;
using System.Text.Json.Nodes;

namespace Nimbus.Jsonata.Tests;

public class ExpressionApiTests
{
    [Fact]
    public void Evaluate_NoMatch_ReturnsCSharpNullForUndefined()
    {
        var result = Eval.Run("missing", """{"a":1}""");

        Assert.Null(result);
    }

    [Fact]
    public void Evaluate_JsonNullResult_ReturnsNullKindValue()
    {
        var result = Eval.Run("a", """{"a":null}""");

        Assert.NotNull(result);
        Assert.True(JsonataExpression.IsJsonNull(result));
        Assert.Equal(JsonValueKind.Null, result!.GetValueKind());
        Assert.Equal("null", result.ToJsonString());
    }

    [Fact]
    public void Evaluate_UndefinedInput_DollarIsUndefined()
    {
        var result = JsonataExpression.Compile("$").Evaluate(null);

        Assert.Null(result);
    }

    [Fact]
    public void Evaluate_JsonNullInput_DollarIsNull()
    {
        var result = JsonataExpression.Compile("$").Evaluate(JsonataExpression.CreateJsonNull());

        Assert.True(JsonataExpression.IsJsonNull(result));
    }

    [Fact]
    public void Evaluate_Bindings_AreVisibleAsVariables()
    {
        var bindings = new Dictionary<string, JsonNode?> { ["x"] = JsonValue.Create(5), ["name"] = JsonValue.Create("n") };

        var result = Eval.Run("$x * 2 & $name", null, bindings);

        Assert.Equal("\"10n\"", result!.ToJsonString());
    }

    [Fact]
    public void Compile_SyntaxError_ThrowsWithCodeAndPosition()
    {
        var ex = Assert.Throws<JsonataException>(() => JsonataExpression.Compile("a.(b"));

        Assert.Equal("S0203", ex.Code);
        Assert.NotNull(ex.Position);
    }

    [Fact]
    public void Evaluate_TypeError_ExposesTokenAndValue()
    {
        var ex = Eval.Error("\"a\" + 1");

        Assert.Equal("T2001", ex.Code);
        Assert.Equal("+", ex.Token);
        Assert.Equal("\"a\"", ex.Value!.ToJsonString());
        Assert.Equal("The left side of the \"+\" operator must evaluate to a number", ex.Message);
    }

    [Fact]
    public void WithFunction_RegisteredFunction_IsCallable()
    {
        var expr = JsonataExpression.Compile("$double(21)")
            .WithFunction("double", args => JsonValue.Create(args[0]!.GetValue<double>() * 2), "<n:n>");

        Assert.Equal("42", expr.Evaluate(null)!.ToJsonString());
    }

    [Fact]
    public void WithFunction_SignatureMismatch_ThrowsT0410WithFunctionName()
    {
        var expr = JsonataExpression.Compile("$double('x')")
            .WithFunction("double", args => args[0], "<n:n>");

        var ex = Assert.Throws<JsonataException>(() => expr.Evaluate(null));

        Assert.Equal("T0410", ex.Code);
        Assert.Equal("double", ex.Token);
    }

    [Fact]
    public void WithFunction_UndefinedArgument_IsCSharpNullAndNullIsNullKind()
    {
        var seen = new List<string>();
        var expr = JsonataExpression.Compile("[$probe(nothing), $probe(null)]")
            .WithFunction("probe", args =>
            {
                seen.Add(args.Count == 0 || args[0] is null ? "undefined" : JsonataExpression.IsJsonNull(args[0]) ? "null" : "other");
                return null;
            });

        expr.Evaluate(JsonNode.Parse("{}"));

        Assert.Equal(["undefined", "null"], seen);
    }

    [Fact]
    public void WithFunction_OriginalExpression_IsUnchanged()
    {
        var original = JsonataExpression.Compile("$f()");
        _ = original.WithFunction("f", _ => JsonValue.Create(1));

        var ex = Assert.Throws<JsonataException>(() => original.Evaluate(null));

        Assert.Equal("T1006", ex.Code);
    }

    [Fact]
    public void Evaluate_ConcurrentCalls_ShareOneCompiledExpression()
    {
        var expr = JsonataExpression.Compile("$sum(items[price > 2].price)");
        var input = JsonNode.Parse("""{"items":[{"price":1},{"price":3},{"price":5}]}""");

        var results = new string[64];
        Parallel.For(0, results.Length, i => results[i] = expr.Evaluate(input)!.ToJsonString());

        Assert.All(results, r => Assert.Equal("8", r));
    }

    [Fact]
    public void Evaluate_InfiniteTailRecursion_ThrowsU1001WithTimeLimit()
    {
        var expr = JsonataExpression.Compile("($inf := function(){$inf()}; $inf())");

        var ex = Assert.Throws<JsonataException>(() =>
            expr.Evaluate(null, null, new JsonataEvaluationOptions { TimeLimit = TimeSpan.FromMilliseconds(200) }));

        Assert.Equal("U1001", ex.Code);
    }

    [Fact]
    public void Evaluate_DeepRecursion_ThrowsU1001WithDepthLimit()
    {
        var expr = JsonataExpression.Compile("($f := function($n){$n = 0 ? 0 : 1 + $f($n - 1)}; $f(1000))");

        var ex = Assert.Throws<JsonataException>(() =>
            expr.Evaluate(null, null, new JsonataEvaluationOptions { MaxDepth = 200 }));

        Assert.Equal("U1001", ex.Code);
    }

    [Fact]
    public void Evaluate_UnboundedRecursionWithoutLimits_ThrowsU1001InsteadOfCrashing()
    {
        var expr = JsonataExpression.Compile("($f := function($n){1 + $f($n + 1)}; $f(0))");

        var ex = Assert.Throws<JsonataException>(() => expr.Evaluate(null));

        Assert.Equal("U1001", ex.Code);
    }

    [Fact]
    public void Evaluate_JsonNullResult_SerializesAsNullWithJsonSerializer()
    {
        var result = Eval.Run("null");

        Assert.Equal("null", JsonSerializer.Serialize(result));
        Assert.Equal("[null]", new JsonArray(Eval.Run("null")).ToJsonString());
    }

    [Fact]
    public void Evaluate_ArrayInput_IsTreatedAsSingleContextValue()
    {
        Assert.Equal("3", Eval.Json("$count($)", "[1,2,3]"));
        Assert.Equal("[2,3]", Eval.Json("$[$ > 1]", "[1,2,3]"));
    }

    [Fact]
    public void Evaluate_InfiniteNumericResult_ThrowsD1001AtOutput()
    {
        Assert.Equal("D1001", Eval.Error("1/0").Code);
    }

    [Fact]
    public void Evaluate_InputWithClrValues_ConvertsThemAsJson()
    {
        var input = new JsonObject
        {
            ["when"] = JsonValue.Create(new DateTime(2024, 1, 2, 3, 4, 5, DateTimeKind.Utc)),
            ["n"] = JsonValue.Create(7L),
            ["d"] = JsonValue.Create(1.5m),
        };

        var result = JsonataExpression.Compile("[when, n + d]").Evaluate(input);

        Assert.Equal("[\"2024-01-02T03:04:05Z\",8.5]", result!.ToJsonString());
    }
}
