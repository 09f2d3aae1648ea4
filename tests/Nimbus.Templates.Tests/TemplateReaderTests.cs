using System.Text.Json.Nodes;
using Nimbus.Templates.Parsing;

namespace Nimbus.Templates.Tests;

public class TemplateReaderTests
{
    private static JsonNode? Value(string yaml) => TemplateReader.ReadYaml("V: " + yaml + "\n")["V"];

    [Fact]
    public void ShortFormTagsBecomeLongForm()
    {
        var t = TemplateReader.ReadYaml("""
            A: !Ref Param
            B: !GetAtt Res.Arn
            C: !GetAtt [Res, Out.Attr]
            D: !Sub "${AWS::Region}-x"
            E: !Sub ["${a}", {a: !Ref P}]
            F: !Join [",", [a, b]]
            G: !If [Cond, !Ref AWS::NoValue, x]
            H: !Condition IsProd
            I: !GetAtt Res.Out.Attr
            J: !Equals [a, b]
            K: !Base64 text
            L: !Cidr [10.0.0.0/16, 2, 8]
            M: !ToJsonString {a: 1}
            N: !Length [1, 2]
            O: !FindInMap [Map, Top, Second]
            P: !Transform {Name: AWS::Include, Parameters: {Location: s3://b/k}}
            """);
        Assert.Equal("""{"Ref":"Param"}""", t["A"]!.ToJsonString());
        Assert.Equal("""{"Fn::GetAtt":["Res","Arn"]}""", t["B"]!.ToJsonString());
        Assert.Equal("""{"Fn::GetAtt":["Res","Out.Attr"]}""", t["C"]!.ToJsonString());
        Assert.Equal("""{"Fn::Sub":"${AWS::Region}-x"}""", t["D"]!.ToJsonString());
        Assert.Equal("""{"Fn::Sub":["${a}",{"a":{"Ref":"P"}}]}""", t["E"]!.ToJsonString());
        Assert.Equal("""{"Fn::Join":[",",["a","b"]]}""", t["F"]!.ToJsonString());
        Assert.Equal("""{"Fn::If":["Cond",{"Ref":"AWS::NoValue"},"x"]}""", t["G"]!.ToJsonString());
        Assert.Equal("""{"Condition":"IsProd"}""", t["H"]!.ToJsonString());
        Assert.Equal("""{"Fn::GetAtt":["Res","Out.Attr"]}""", t["I"]!.ToJsonString());
        Assert.Equal("""{"Fn::Cidr":["10.0.0.0/16",2,8]}""", t["L"]!.ToJsonString());
        Assert.Equal("""{"Fn::Length":[1,2]}""", t["N"]!.ToJsonString());
        Assert.Equal("""{"Fn::Transform":{"Name":"AWS::Include","Parameters":{"Location":"s3://b/k"}}}""", t["P"]!.ToJsonString());
    }

    [Theory]
    [InlineData("yes", "true")]
    [InlineData("No", "false")]
    [InlineData("on", "true")]
    [InlineData("OFF", "false")]
    [InlineData("true", "true")]
    [InlineData("~", "null")]
    [InlineData("null", "null")]
    [InlineData("0777", "511")]
    [InlineData("0x1F", "31")]
    [InlineData("0b101", "5")]
    [InlineData("1_000", "1000")]
    [InlineData("-12", "-12")]
    [InlineData("1:30", "90")]
    [InlineData("1.0", "1.0")]
    [InlineData("1.5e+3", "1500.0")]
    [InlineData("1e3", "\"1e3\"")]
    [InlineData("'1.0'", "\"1.0\"")]
    [InlineData("\"yes\"", "\"yes\"")]
    [InlineData("'0777'", "\"0777\"")]
    [InlineData("2010-09-09", "\"2010-09-09\"")]
    [InlineData("09", "\"09\"")]
    [InlineData("y", "\"y\"")]
    [InlineData("!!str 0777", "\"0777\"")]
    [InlineData("hello world", "\"hello world\"")]
    public void PlainScalarsResolveAsYaml11(string yaml, string json)
    {
        Assert.Equal(json, Value(yaml)?.ToJsonString() ?? "null");
    }

    [Fact]
    public void AnchorsAliasesAndMergeKeys()
    {
        var t = TemplateReader.ReadYaml("""
            Base: &base {A: 1, B: 2}
            Copy: *base
            Merged:
              <<: *base
              B: 3
            """);
        Assert.Equal("""{"A":1,"B":2}""", t["Copy"]!.ToJsonString());
        Assert.Equal("""{"B":3,"A":1}""", t["Merged"]!.ToJsonString());
    }

    [Fact]
    public void JsonTemplatesAreReadAsJson()
    {
        var t = TemplateReader.Read("""{"Resources": {"Q": {"Type": "AWS::SQS::Queue"}}}""");
        Assert.Equal("AWS::SQS::Queue", t["Resources"]!["Q"]!["Type"]!.GetValue<string>());
    }

    [Fact]
    public void YamlErrorsCarryTheLine()
    {
        var e = Assert.Throws<TemplateParseException>(() => TemplateReader.ReadYaml("A: 1\nB:\n  - x\n  y: [\n"));
        Assert.True(e.Line >= 3, e.Message);
        Assert.Contains("line", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void DuplicateKeysAndUnknownTagsAreErrorsWithTheirLine()
    {
        var dup = Assert.Throws<TemplateParseException>(() => TemplateReader.ReadYaml("A: 1\nB: 2\nA: 3\n"));
        Assert.Equal(3, dup.Line);
        Assert.Contains("duplicate key 'A'", dup.Message, StringComparison.Ordinal);
        var tag = Assert.Throws<TemplateParseException>(() => TemplateReader.ReadYaml("A: 1\nB: !Bogus x\n"));
        Assert.Equal(2, tag.Line);
        Assert.Contains("!Bogus", tag.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void JsonErrorsCarryTheLine()
    {
        var e = Assert.Throws<TemplateParseException>(() => TemplateReader.Read("{\n \"A\": 1,\n \"B\": }\n"));
        Assert.Equal(3, e.Line);
    }

    [Fact]
    public void PythonJsonMatchesJsonDumpsSortKeysCompact()
    {
        var node = JsonNode.Parse("""{"b": [1, "é"], "a": {"z": true, "y": null}}""");
        Assert.Equal("""{"a":{"y":null,"z":true},"b":[1,"\u00e9"]}""", TemplateReader.ToPythonJson(node));
    }
}
