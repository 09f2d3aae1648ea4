using System.Text.Json.Nodes;
using Nimbus.Core.Errors;
using Nimbus.Gateway.Management;

namespace Nimbus.Gateway.Tests;

public sealed class OpenApiYamlTests
{
    [Fact]
    public void Read_AppliesTheCoreSchemaToPlainScalarsOnly()
    {
        var node = OpenApiYaml.Read("""
            openapi: 3.0.1
            a: "1.0"
            b: 30000
            c: true
            d: ~
            e: 'yes'
            f: 2.5
            list: [x, 2]
            base: &anchor { k: v }
            copy: *anchor
            """)!;

        Assert.Equal("3.0.1", node["openapi"]!.GetValue<string>());
        Assert.Equal("1.0", node["a"]!.GetValue<string>());
        Assert.Equal(30000, node["b"]!.GetValue<int>());
        Assert.True(node["c"]!.GetValue<bool>());
        Assert.Null(node["d"]);
        Assert.Equal("yes", node["e"]!.GetValue<string>());
        Assert.Equal(2.5, node["f"]!.GetValue<double>());
        Assert.Equal(2, node["list"]![1]!.GetValue<int>());
        Assert.Equal("v", node["copy"]!["k"]!.GetValue<string>());
    }

    [Fact]
    public void Write_ThenRead_RoundTripsTypes()
    {
        var original = JsonNode.Parse("""
            {"openapi":"3.0.1","info":{"title":"t: colon","version":"2.0"},"n":42,"t":true,"s":"true","empty":"","nested":{"200":{"d":"multi\nline"}},"arr":["a",1,null]}
            """)!;

        var yaml = OpenApiYaml.Write(original);
        Assert.Contains("openapi: 3.0.1", yaml, StringComparison.Ordinal);
        Assert.Contains("version: \"2.0\"", yaml, StringComparison.Ordinal);
        Assert.True(JsonNode.DeepEquals(original, OpenApiYaml.Read(yaml)), yaml);
    }

    [Fact]
    public void Read_MalformedYaml_IsBadRequest()
    {
        var e = Assert.Throws<AwsServiceException>(() => OpenApiYaml.Read("a: [1\n  b: c"));
        Assert.Equal("BadRequestException", e.Error.Code);
    }

    [Theory]
    [InlineData("  {\"a\":1}", true)]
    [InlineData("\n[1]", true)]
    [InlineData("openapi: 3.0.1", false)]
    public void IsJson_LooksAtTheFirstCharacter(string text, bool json) => Assert.Equal(json, OpenApiYaml.IsJson(text));
}
