using System.Text.Json.Nodes;
using Nimbus.StepFunctions.Asl.Parsing;
using Nimbus.StepFunctions.Asl.Validation;

namespace Nimbus.StepFunctions.Tests;

public class ValidationTests
{
    private const string StatelintDir = "/work/shared/corpora/asl-spec/statelint";

    public static TheoryData<string> StatelintCases()
    {
        var data = new TheoryData<string>();
        var path = Path.Combine(StatelintDir, "expected_results.json");
        if (File.Exists(path))
        {
            foreach (var (key, _) in JsonNode.Parse(File.ReadAllText(path))!.AsObject())
            {
                data.Add(key);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(StatelintCases))]
    public void Parse_StatelintFixture_ReportsExpectedProblems(string fixture)
    {
        var expected = JsonNode.Parse(File.ReadAllText(Path.Combine(StatelintDir, "expected_results.json")))![fixture]![0]!;
        var result = AslParser.Parse(File.ReadAllText(Path.Combine(StatelintDir, fixture)));
        var count = expected["expected_problems"]!.GetValue<int>();
        var messages = string.Join("\n", result.Diagnostics);
        Assert.True(count == result.Diagnostics.Count, $"expected {count} problems, got:\n{messages}");
        foreach (var include in expected["includes"]!.AsArray())
        {
            var text = include!.GetValue<string>().Trim('\'');
            Assert.Contains(text, messages, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Parse_ManyProblems_ReportsAllAtOnce()
    {
        var result = AslParser.Parse("""
            {"StartAt":"Missing","States":{
              "A":{"Type":"Pass","Next":"Nowhere"},
              "B":{"Type":"Bogus"},
              "C":{"Type":"Task","End":true}}}
            """);
        Assert.False(result.IsValid);
        var codes = result.Diagnostics.Select(d => d.Code).ToList();
        Assert.Contains(AslDiagnostic.MissingTransitionTarget, codes);
        Assert.Contains(AslDiagnostic.SchemaValidationFailed, codes);
        Assert.True(result.Diagnostics.Count >= 4, string.Join("\n", result.Diagnostics));
        Assert.Contains(result.Diagnostics, d => d.Location == "/StartAt");
    }

    [Fact]
    public void Parse_InvalidJson_ReportsInvalidJsonDescription()
    {
        var result = AslParser.Parse("{\"StartAt\":");
        Assert.Equal(AslDiagnostic.InvalidJson, Assert.Single(result.Diagnostics).Code);
    }

    [Fact]
    public void Parse_DuplicateKeys_IsRejected() =>
        Assert.False(AslParser.Parse("""{"StartAt":"A","StartAt":"A","States":{"A":{"Type":"Succeed"}}}""").IsValid);

    [Fact]
    public void Parse_UnreachableState_IsReported()
    {
        var result = AslParser.Parse("""{"StartAt":"A","States":{"A":{"Type":"Succeed"},"B":{"Type":"Succeed"}}}""");
        Assert.Contains(result.Diagnostics, d => d.Code == AslDiagnostic.UnreachableState && d.Location == "/States/B");
    }

    [Fact]
    public void Parse_JsonataMachine_IsAcceptedWithQueryLanguage()
    {
        var result = AslParser.Parse("""{"QueryLanguage":"JSONata","StartAt":"A","States":{"A":{"Type":"Pass","Output":"{% $states.input %}","End":true}}}""");
        Assert.True(result.IsValid, string.Join("\n", result.Diagnostics));
        Assert.Equal(Asl.Model.QueryLanguageKind.Jsonata, result.Definition!.States["A"].QueryLanguage);
    }

    [Fact]
    public void Parse_JsonPathFieldInJsonataState_IsRejected() =>
        Assert.False(AslParser.Parse("""{"QueryLanguage":"JSONata","StartAt":"A","States":{"A":{"Type":"Pass","InputPath":"$.x","End":true}}}""").IsValid);

    [Fact]
    public void Parse_StatesAllNotLast_IsRejected() =>
        Assert.False(AslParser.Parse("""
            {"StartAt":"T","States":{"T":{"Type":"Task","Resource":"arn:aws:lambda:us-east-1:1:function:f","End":true,
             "Retry":[{"ErrorEquals":["States.ALL"]},{"ErrorEquals":["X"]}]}}}
            """).IsValid);

    [Fact]
    public void Parse_ResultPathWithWildcard_IsRejected() =>
        Assert.False(AslParser.Parse("""{"StartAt":"A","States":{"A":{"Type":"Pass","ResultPath":"$.a[*]","End":true}}}""").IsValid);
}
