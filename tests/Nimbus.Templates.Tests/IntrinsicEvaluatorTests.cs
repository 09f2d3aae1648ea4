using System.Text.Json.Nodes;
using Nimbus.Templates.Intrinsics;

namespace Nimbus.Templates.Tests;

public class IntrinsicEvaluatorTests
{
    private sealed class FakeResources : IResourceResolver
    {
        public List<string> Calls { get; } = [];

        public JsonNode? Ref(string logicalId)
        {
            Calls.Add("Ref " + logicalId);
            return logicalId == "Queue" ? "https://sqs/q" : null;
        }

        public JsonNode? GetAtt(string logicalId, string attribute)
        {
            Calls.Add($"GetAtt {logicalId}.{attribute}");
            return logicalId == "Queue" && attribute == "Arn" ? "arn:aws:sqs:eu-west-1:123456789012:q" : null;
        }

        public JsonNode? ImportValue(string exportName) => exportName == "shared-vpc" ? "vpc-123" : null;
    }

    private static IntrinsicEvaluator Evaluator(FakeResources? resources = null) => new(new IntrinsicContext
    {
        Region = "eu-west-1",
        AccountId = "123456789012",
        StackName = "app",
        Parameters = new Dictionary<string, JsonNode?> { ["Env"] = "prod", ["Subnets"] = new JsonArray("s-1", "s-2"), ["Size"] = "3" },
        Mappings = JsonNode.Parse("""{"Regions": {"eu-west-1": {"Ami": "ami-1"}}}""")!.AsObject(),
        Conditions = JsonNode.Parse("""
            {"IsProd": {"Fn::Equals": [{"Ref": "Env"}, "prod"]},
             "IsDev": {"Fn::Not": [{"Condition": "IsProd"}]},
             "Both": {"Fn::And": [{"Condition": "IsProd"}, {"Fn::Or": [{"Condition": "IsDev"}, true]}]}}
            """)!.AsObject(),
        Resources = resources ?? new FakeResources(),
    });

    private static string Eval(string json, FakeResources? resources = null) =>
        Evaluator(resources).Evaluate(JsonNode.Parse(json))?.ToJsonString() ?? "null";

    [Theory]
    [InlineData("""{"Ref": "AWS::Region"}""", "\"eu-west-1\"")]
    [InlineData("""{"Ref": "AWS::AccountId"}""", "\"123456789012\"")]
    [InlineData("""{"Ref": "AWS::Partition"}""", "\"aws\"")]
    [InlineData("""{"Ref": "AWS::URLSuffix"}""", "\"amazonaws.com\"")]
    [InlineData("""{"Ref": "AWS::StackName"}""", "\"app\"")]
    [InlineData("""{"Ref": "Env"}""", "\"prod\"")]
    [InlineData("""{"Fn::Sub": "${AWS::StackName}-${Env}-${!Literal}"}""", "\"app-prod-${Literal}\"")]
    [InlineData("""{"Fn::Sub": ["${A}/${Env}", {"A": {"Ref": "AWS::Region"}}]}""", "\"eu-west-1/prod\"")]
    [InlineData("""{"Fn::Join": ["-", ["a", {"Ref": "Env"}, 3]]}""", "\"a-prod-3\"")]
    [InlineData("""{"Fn::Join": [",", {"Ref": "Subnets"}]}""", "\"s-1,s-2\"")]
    [InlineData("""{"Fn::Select": ["1", {"Ref": "Subnets"}]}""", "\"s-2\"")]
    [InlineData("""{"Fn::Split": [",", "a,b,,c"]}""", """["a","b","","c"]""")]
    [InlineData("""{"Fn::If": ["IsProd", "big", "small"]}""", "\"big\"")]
    [InlineData("""{"Fn::If": ["IsDev", "big", "small"]}""", "\"small\"")]
    [InlineData("""{"Fn::If": ["Both", 1, 0]}""", "1")]
    [InlineData("""{"Fn::FindInMap": ["Regions", {"Ref": "AWS::Region"}, "Ami"]}""", "\"ami-1\"")]
    [InlineData("""{"Fn::FindInMap": ["Regions", "us-east-1", "Ami", {"DefaultValue": "ami-0"}]}""", "\"ami-0\"")]
    [InlineData("""{"Fn::Base64": "hello"}""", "\"aGVsbG8=\"")]
    [InlineData("""{"Fn::GetAZs": ""}""", """["eu-west-1a","eu-west-1b","eu-west-1c"]""")]
    [InlineData("""{"Fn::Cidr": ["10.0.0.0/16", 3, 8]}""", """["10.0.0.0/24","10.0.1.0/24","10.0.2.0/24"]""")]
    [InlineData("""{"Fn::Cidr": ["192.168.0.0/24", 2, 6]}""", """["192.168.0.0/26","192.168.0.64/26"]""")]
    [InlineData("""{"Fn::Cidr": ["2001:db8::/56", 2, 64]}""", """["2001:db8::/64","2001:db8:0:1::/64"]""")]
    [InlineData("""{"Fn::Length": {"Ref": "Subnets"}}""", "2")]
    [InlineData("""{"Fn::ImportValue": "shared-vpc"}""", "\"vpc-123\"")]
    [InlineData("""{"Fn::Equals": ["true", true]}""", "true")]
    public void EvaluatesIntrinsics(string json, string expected)
    {
        Assert.Equal(expected, Eval(json));
    }

    [Fact]
    public void ToJsonStringSerialisesTheResolvedValue()
    {
        var result = Evaluator().Evaluate(JsonNode.Parse("""{"Fn::ToJsonString": {"a": {"Ref": "Env"}, "b": [1, true]}}"""));
        Assert.Equal("""{"a":"prod","b":[1,true]}""", result!.GetValue<string>());
    }

    [Fact]
    public void NoValueRemovesThePropertyOrItem()
    {
        Assert.Equal("""{"Keep":1,"List":["a"]}""",
            Eval("""{"Keep": 1, "Drop": {"Ref": "AWS::NoValue"}, "List": ["a", {"Fn::If": ["IsDev", "b", {"Ref": "AWS::NoValue"}]}]}"""));
    }

    [Fact]
    public void ResourceRefsAndGetAttsGoThroughTheCallback()
    {
        var resources = new FakeResources();
        Assert.Equal("\"https://sqs/q arn:aws:sqs:eu-west-1:123456789012:q\"",
            Eval("""{"Fn::Join": [" ", [{"Ref": "Queue"}, {"Fn::GetAtt": ["Queue", "Arn"]}]]}""", resources));
        Assert.Equal("\"arn:aws:sqs:eu-west-1:123456789012:q\"", Eval("""{"Fn::Sub": "${Queue.Arn}"}""", resources));
        Assert.Contains("GetAtt Queue.Arn", resources.Calls);
    }

    [Theory]
    [InlineData("""{"Ref": "Missing"}""", "Unresolved resource dependencies [Missing]")]
    [InlineData("""{"Fn::GetAtt": ["Queue", "Nope"]}""", "does not support attribute type Nope")]
    [InlineData("""{"Fn::Select": [5, ["a"]]}""", "nonexistent value at index 5")]
    [InlineData("""{"Fn::If": ["Unknown", 1, 2]}""", "Unresolved dependencies [Unknown]")]
    [InlineData("""{"Fn::FindInMap": ["Regions", "x", "Ami"]}""", "Unable to get mapping for Regions::x::Ami")]
    [InlineData("""{"Fn::ImportValue": "nothing"}""", "No export named nothing found.")]
    [InlineData("""{"Fn::Bogus": 1}""", "Unrecognized function Fn::Bogus")]
    public void ErrorsSayWhatIsWrong(string json, string message)
    {
        var e = Assert.Throws<IntrinsicException>(() => Eval(json));
        Assert.Contains(message, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TheInputIsNotChanged()
    {
        var input = JsonNode.Parse("""{"A": {"Ref": "Env"}, "B": {"Ref": "AWS::NoValue"}}""");
        var before = input!.ToJsonString();
        Evaluator().Evaluate(input);
        Assert.Equal(before, input.ToJsonString());
    }
}
