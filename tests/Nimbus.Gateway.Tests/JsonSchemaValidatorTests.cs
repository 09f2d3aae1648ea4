using System.Text.Json.Nodes;
using Nimbus.Gateway.Validation;

namespace Nimbus.Gateway.Tests;

public sealed class JsonSchemaValidatorTests
{
    private static List<string> Validate(string schema, string instance, Func<string, JsonNode?>? models = null) =>
        new JsonSchemaValidator(models ?? (_ => null)).Validate(JsonNode.Parse(schema), JsonNode.Parse(instance));

    [Theory]
    [InlineData("""{"type":"integer"}""", "1", true)]
    [InlineData("""{"type":"integer"}""", "1.5", false)]
    [InlineData("""{"type":"number"}""", "1", true)]
    [InlineData("""{"type":["string","null"]}""", "null", true)]
    [InlineData("""{"enum":["a","b"]}""", "\"c\"", false)]
    [InlineData("""{"type":"string","pattern":"^[a-z]+$"}""", "\"abc\"", true)]
    [InlineData("""{"type":"string","maxLength":2}""", "\"abc\"", false)]
    [InlineData("""{"minimum":1,"exclusiveMinimum":true}""", "1", false)]
    [InlineData("""{"maximum":10}""", "10", true)]
    [InlineData("""{"multipleOf":0.5}""", "1.5", true)]
    [InlineData("""{"type":"array","minItems":1,"uniqueItems":true}""", "[1,1]", false)]
    [InlineData("""{"type":"array","items":{"type":"string"}}""", "[\"a\",2]", false)]
    [InlineData("""{"properties":{"a":{"type":"string"}},"additionalProperties":false}""", """{"a":"x","b":1}""", false)]
    [InlineData("""{"anyOf":[{"type":"string"},{"type":"integer"}]}""", "true", false)]
    [InlineData("""{"oneOf":[{"type":"integer"},{"minimum":0}]}""", "5", false)]
    [InlineData("""{"not":{"type":"null"}}""", "1", true)]
    [InlineData("""{"definitions":{"p":{"type":"object","required":["id"]}},"type":"array","items":{"$ref":"#/definitions/p"}}""", """[{"id":1},{}]""", false)]
    public void Validates(string schema, string instance, bool valid) => Assert.Equal(valid, Validate(schema, instance).Count == 0);

    [Fact]
    public void Messages_FollowTheJavaValidator()
    {
        Assert.Equal(["object has missing required properties ([\"a\",\"b\"])"], Validate("""{"type":"object","required":["b","a"]}""", "{}"));
        Assert.Equal(["instance type (string) does not match any allowed primitive type (allowed: [\"integer\"])"], Validate("""{"type":"integer"}""", "\"x\""));
    }

    [Fact]
    public void ModelReferences_ResolveOtherModels()
    {
        var pet = JsonNode.Parse("""{"type":"object","required":["name"]}""");
        var schema = """{"type":"array","items":{"$ref":"https://apigateway.amazonaws.com/restapis/abc/models/Pet"}}""";
        Assert.Single(Validate(schema, """[{"name":"a"},{}]""", name => name == "Pet" ? pet : null));
    }
}
