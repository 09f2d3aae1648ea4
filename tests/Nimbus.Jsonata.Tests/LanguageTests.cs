namespace Nimbus.Jsonata.Tests;

public class LanguageTests
{
    private const string Orders = """
        {"Account":{"Name":"Firefly","Order":[
          {"OrderID":"o1","Product":[{"Name":"Hat","Price":10,"Quantity":2},{"Name":"Scarf","Price":5,"Quantity":1}]},
          {"OrderID":"o2","Product":[{"Name":"Hat","Price":10,"Quantity":1}]}]}}
        """;

    [Theory]
    [InlineData("Account.Name", "\"Firefly\"")]
    [InlineData("Account.Order[0].OrderID", "\"o1\"")]
    [InlineData("Account.Order.Product.Name", "[\"Hat\",\"Scarf\",\"Hat\"]")]
    [InlineData("Account.Order[1].Product.Name", "\"Hat\"")]
    [InlineData("Account.Order[1].Product.Name[]", "[\"Hat\"]")]
    [InlineData("Account.Order.Product[Price > 5].Quantity", "[2,1]")]
    [InlineData("$sum(Account.Order.Product.(Price * Quantity))", "35")]
    [InlineData("Account.Order.Product^(>Price, Name).Name", "[\"Hat\",\"Hat\",\"Scarf\"]")]
    [InlineData("**.Price", "[10,5,10]")]
    [InlineData("Account.*.OrderID", "[\"o1\",\"o2\"]")]
    public void Evaluate_Paths_MatchReference(string expression, string expected)
    {
        Assert.Equal(expected, Eval.Json(expression, Orders));
    }

    [Fact]
    public void Evaluate_GroupingObjectConstructor_AggregatesPerKey()
    {
        var result = Eval.Json("Account.Order.Product{Name: $sum(Price)}", Orders);

        Assert.Equal("{\"Hat\":20,\"Scarf\":5}", result);
    }

    [Fact]
    public void Evaluate_ParentOperator_ReachesEnclosingObject()
    {
        var result = Eval.Json("Account.Order.Product.{'p': Name, 'o': %.OrderID}", Orders);

        Assert.Equal("[{\"p\":\"Hat\",\"o\":\"o1\"},{\"p\":\"Scarf\",\"o\":\"o1\"},{\"p\":\"Hat\",\"o\":\"o2\"}]", result);
    }

    [Fact]
    public void Evaluate_PositionalBinding_ExposesIndex()
    {
        var result = Eval.Json("Account.Order#$i.{'id': OrderID, 'i': $i}", Orders);

        Assert.Equal("[{\"id\":\"o1\",\"i\":0},{\"id\":\"o2\",\"i\":1}]", result);
    }

    [Fact]
    public void Evaluate_ContextBinding_JoinsTwoStreams()
    {
        var json = """{"a":[{"k":1,"v":"x"},{"k":2,"v":"y"}],"b":[{"k":2,"w":"B"}]}""";

        var result = Eval.Json("a@$a.b@$b[$a.k = $b.k].{'v': $a.v, 'w': $b.w}", json);

        Assert.Equal("{\"v\":\"y\",\"w\":\"B\"}", result);
    }

    [Theory]
    [InlineData("1 + 2 * 3", "7")]
    [InlineData("7 % 3", "1")]
    [InlineData("-7 % 3", "-1")]
    [InlineData("0.1 + 0.2", "0.30000000000000004")]
    [InlineData("'a' & 1 & true", "\"a1true\"")]
    [InlineData("[1..4]", "[1,2,3,4]")]
    [InlineData("3 in [1,2,3]", "true")]
    [InlineData("1 < 2 and 'a' < 'b'", "true")]
    [InlineData("true ? 'y' : 'n'", "\"y\"")]
    [InlineData("nothing ?? 'default'", "\"default\"")]
    [InlineData("0 ?: 'falsy'", "\"falsy\"")]
    [InlineData("[[1,2],[3]]", "[[1,2],[3]]")]
    [InlineData("[1,[2,3]][1]", "[2,3]")]
    [InlineData("[1,[2,3]][1][0]", "2")]
    public void Evaluate_Operators_FollowJavaScriptSemantics(string expression, string expected)
    {
        Assert.Equal(expected, Eval.Json(expression));
    }

    [Fact]
    public void Evaluate_LambdaClosureAndPartialApplication_Work()
    {
        var result = Eval.Json("($add := function($a, $b){ $a + $b }; $inc := $add(?, 1); [$inc(1), $inc(41)])");

        Assert.Equal("[2,42]", result);
    }

    [Fact]
    public void Evaluate_FunctionChain_ComposesLeftToRight()
    {
        var result = Eval.Json("($f := $uppercase ~> $trim; $f('  hi  '))");

        Assert.Equal("\"HI\"", result);
    }

    [Fact]
    public void Evaluate_TailRecursion_DoesNotGrowTheStack()
    {
        var result = Eval.Json("($loop := function($n, $acc){ $n = 0 ? $acc : $loop($n - 1, $acc + 1) }; $loop(100000, 0))");

        Assert.Equal("100000", result);
    }

    [Fact]
    public void Evaluate_Transform_CopiesAndUpdates()
    {
        var result = Eval.Json("$ ~> |a|{'y': 2}, ['x']|", """{"a":{"x":1}}""");

        Assert.Equal("{\"a\":{\"y\":2}}", result);
    }

    [Fact]
    public void Evaluate_RegexLiteral_MatchesAndReplaces()
    {
        Assert.Equal("\"h-ll-\"", Eval.Json("$replace('hello', /[aeiou]/, '-')"));
        Assert.Equal("true", Eval.Json("$contains('Hello', /^h/i)"));
        Assert.Equal("[\"a\",\"b\",\"c\"]", Eval.Json("$split('a1b22c', /\\d+/)"));
    }

    [Fact]
    public void Evaluate_NonNumericArithmetic_ThrowsT2002()
    {
        Assert.Equal("T2002", Eval.Error("1 + 'x'").Code);
    }

    [Fact]
    public void Compile_UnknownOperator_ThrowsS0204()
    {
        Assert.Equal("S0204", Assert.Throws<JsonataException>(() => JsonataExpression.Compile("1 ! 2")).Code);
    }
}
