using System.Text.Json.Nodes;
using Nimbus.StepFunctions.Asl.Intrinsics;
using Nimbus.StepFunctions.Asl.Paths;
using Nimbus.StepFunctions.Execution;

namespace Nimbus.StepFunctions.Tests;

public class IntrinsicTests
{
    private static JsonNode? Eval(string expr, string input = "{}") =>
        IntrinsicFunctions.Evaluate(IntrinsicCall.Parse(expr), new PathScope(JsonNode.Parse(input), null), new Random(7));

    private static void AssertJson(string expected, JsonNode? actual) =>
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(expected), actual), actual?.ToJsonString() ?? "null");

    [Theory]
    [InlineData("States.Format('Hello, {}!', $.name)", "\"Hello, Ann!\"")]
    [InlineData("States.Format('{} and {}', 1, true)", "\"1 and true\"")]
    [InlineData("States.Format('literal \\{\\} {}', 'x')", "\"literal {} x\"")]
    [InlineData("States.Format('it\\'s {}', $.name)", "\"it's Ann\"")]
    public void Format_Arguments_Interpolates(string expr, string expected) => AssertJson(expected, Eval(expr, """{"name":"Ann"}"""));

    [Fact]
    public void Format_ArgumentCountMismatch_ThrowsIntrinsicFailure()
    {
        var ex = Assert.Throws<StatesException>(() => Eval("States.Format('{} {}', 1)"));
        Assert.Equal(StatesErrors.IntrinsicFailure, ex.Error);
    }

    [Theory]
    [InlineData("""States.StringToJson('{"a":1}')""", """{"a":1}""")]
    [InlineData("States.StringToJson('')", "null")]
    [InlineData("States.JsonToString($.o)", "\"{\\\"x\\\":[1,2]}\"")]
    [InlineData("States.Array(1, 'a', $.o.x)", """[1,"a",[1,2]]""")]
    [InlineData("States.ArrayPartition($.o.x, 1)", "[[1],[2]]")]
    [InlineData("States.ArrayPartition(States.Array(1,2,3,4,5), 2)", "[[1,2],[3,4],[5]]")]
    [InlineData("States.ArrayContains($.o.x, 2)", "true")]
    [InlineData("States.ArrayContains($.o.x, 3)", "false")]
    [InlineData("States.ArrayRange(1, 9, 2)", "[1,3,5,7,9]")]
    [InlineData("States.ArrayRange(5, 1, -2)", "[5,3,1]")]
    [InlineData("States.ArrayGetItem($.o.x, 1)", "2")]
    [InlineData("States.ArrayLength($.o.x)", "2")]
    [InlineData("States.ArrayUnique(States.Array(1,2,2,'a','a'))", """[1,2,"a"]""")]
    [InlineData("States.Base64Encode('Data to encode')", "\"RGF0YSB0byBlbmNvZGU=\"")]
    [InlineData("States.Base64Decode('RGF0YSB0byBlbmNvZGU=')", "\"Data to encode\"")]
    [InlineData("States.Hash('input data', 'SHA-1')", "\"aaff4a450a104cd177d28d18d74485e8cae074b7\"")]
    [InlineData("States.Hash('input data', 'MD5')", "\"812f45842bc6d66ee14572ce20db8e86\"")]
    [InlineData("""States.JsonMerge(States.StringToJson('{"a":{"x":1},"b":2}'), States.StringToJson('{"a":{"y":2}}'), false)""", """{"a":{"y":2},"b":2}""")]
    [InlineData("States.MathAdd(1.5, 2.5)", "5")]
    [InlineData("States.MathAdd(-1.5, 0)", "-1")]
    [InlineData("States.MathAdd(111, -1)", "110")]
    [InlineData("States.StringSplit('1,2,,3', ',')", """["1","2","3"]""")]
    [InlineData("States.StringSplit('a-b+c', '-+')", """["a","b","c"]""")]
    public void Evaluate_ValidArguments_ReturnsAwsResult(string expr, string expected) => AssertJson(expected, Eval(expr, """{"o":{"x":[1,2]}}"""));

    [Theory]
    [InlineData("States.ArrayPartition(States.Array(1), 0)")]
    [InlineData("States.ArrayRange(1, 5, 0)")]
    [InlineData("States.ArrayRange(0, 2000, 1)")]
    [InlineData("States.ArrayGetItem(States.Array(1), 5)")]
    [InlineData("States.ArrayLength('x')")]
    [InlineData("States.Hash('x', 'SHA-3')")]
    [InlineData("States.JsonMerge(States.StringToJson('{}'), States.StringToJson('{}'), true)")]
    [InlineData("States.MathAdd('1', 2)")]
    [InlineData("States.MathRandom(5, 1)")]
    [InlineData("States.Base64Decode('%%%')")]
    [InlineData("States.StringToJson('{bad')")]
    [InlineData("States.UUID(1)")]
    public void Evaluate_InvalidArguments_ThrowsIntrinsicFailure(string expr)
    {
        var ex = Assert.Throws<StatesException>(() => Eval(expr));
        Assert.Equal(StatesErrors.IntrinsicFailure, ex.Error);
    }

    [Fact]
    public void Uuid_NoArguments_ReturnsV4Guid()
    {
        var value = Eval("States.UUID()")!.GetValue<string>();
        Assert.True(Guid.TryParse(value, out var g));
        Assert.Equal(4, g.Version);
    }

    [Fact]
    public void MathRandom_Range_IsWithinBounds()
    {
        var v = Eval("States.MathRandom(1, 10)")!.GetValue<long>();
        Assert.InRange(v, 1, 9);
    }

    [Fact]
    public void MathRandom_NonIntegerBounds_AreRounded()
    {
        for (var i = 0; i < 50; i++)
        {
            var v = Eval("States.MathRandom(12.5, 14.4)")!.GetValue<long>();
            Assert.True(v == 13, $"got {v}");
        }
    }

    [Fact]
    public void MathRandom_Seed_IsDeterministic() =>
        Assert.Equal(Eval("States.MathRandom(1, 1000, 42)")!.ToJsonString(), Eval("States.MathRandom(1, 1000, 42)")!.ToJsonString());

    [Fact]
    public void Evaluate_MissingPathArgument_ThrowsRuntime()
    {
        var ex = Assert.Throws<StatesException>(() => Eval("States.Array($.nope)"));
        Assert.Equal(StatesErrors.Runtime, ex.Error);
    }

    [Theory]
    [InlineData("States.Nope(1)")]
    [InlineData("States.Array(1")]
    [InlineData("States.Format('unterminated)")]
    public void Parse_Invalid_Throws(string expr) => Assert.Throws<FormatException>(() => IntrinsicCall.Parse(expr));
}
