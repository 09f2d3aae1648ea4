using System.Text.Json.Nodes;
using Nimbus.StepFunctions.Asl.Paths;

namespace Nimbus.StepFunctions.Tests;

public class JsonPathTests
{
    private static readonly JsonNode Doc = JsonNode.Parse("""
        {"a":{"b":[1,2,3],"c":"x","n":null},"items":[{"p":1,"k":"a"},{"p":5,"k":"b"},{"p":9}],"weird-key":7}
        """)!;

    [Theory]
    [InlineData("$", """{"a":{"b":[1,2,3],"c":"x","n":null},"items":[{"p":1,"k":"a"},{"p":5,"k":"b"},{"p":9}],"weird-key":7}""")]
    [InlineData("$.a.c", "\"x\"")]
    [InlineData("$.a.b[1]", "2")]
    [InlineData("$.a.b[-1]", "3")]
    [InlineData("$['a']['c']", "\"x\"")]
    [InlineData("$.weird-key", "7")]
    [InlineData("$.a.n", "null")]
    public void TryEvaluate_DefinitePath_ReturnsValue(string path, string expected)
    {
        Assert.True(JsonPath.Parse(path).TryEvaluate(Doc, out var value));
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(expected), value));
    }

    [Theory]
    [InlineData("$.missing")]
    [InlineData("$.a.b[7]")]
    [InlineData("$.a.c.d")]
    public void TryEvaluate_MissingDefinitePath_ReturnsFalse(string path) =>
        Assert.False(JsonPath.Parse(path).TryEvaluate(Doc, out _));

    [Theory]
    [InlineData("$.items[*].p", "[1,5,9]")]
    [InlineData("$.a.b[0:2]", "[1,2]")]
    [InlineData("$.a.b[1:]", "[2,3]")]
    [InlineData("$.a.b[0,2]", "[1,3]")]
    [InlineData("$..p", "[1,5,9]")]
    [InlineData("$.items[?(@.p > 2)].p", "[5,9]")]
    [InlineData("$.items[?(@.k == 'b')].p", "[5]")]
    [InlineData("$.items[?(@.k)].k", "[\"a\",\"b\"]")]
    [InlineData("$.items[*].missing", "[]")]
    public void TryEvaluate_IndefinitePath_ReturnsArray(string path, string expected)
    {
        var p = JsonPath.Parse(path);
        Assert.False(p.IsDefinite);
        Assert.True(p.TryEvaluate(Doc, out var value));
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(expected), value), value?.ToJsonString());
    }

    [Theory]
    [InlineData("$$.Execution.Id", 1)]
    [InlineData("$myVar.field", 2)]
    [InlineData("$.x", 0)]
    public void Parse_Root_IsRecognised(string path, int root) => Assert.Equal((PathRoot)root, JsonPath.Parse(path).Root);

    [Theory]
    [InlineData("a.b")]
    [InlineData("$.a[")]
    [InlineData("$.a[?(@.x ==)]")]
    [InlineData("$..")]
    public void TryParse_InvalidPath_Fails(string path) => Assert.False(JsonPath.TryParse(path, out _, out _));

    [Fact]
    public void Normalized_NamesAndIndexes_UsesJaywayForm() =>
        Assert.Equal("$['a']['b'][0]", JsonPath.Parse("$.a.b[0]").Normalized);

    [Theory]
    [InlineData("$.a.b", true)]
    [InlineData("$.a[0]", true)]
    [InlineData("$.a[*]", false)]
    [InlineData("$..a", false)]
    public void IsReferencePath_Classifies(string path, bool expected) => Assert.Equal(expected, JsonPath.Parse(path).IsReferencePath);
}
