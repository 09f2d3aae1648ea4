using System.Text.Json.Nodes;
using Nimbus.StepFunctions.Execution;

namespace Nimbus.StepFunctions.Tests;

public class ChoiceTests
{
    private static async Task<string?> ChooseAsync(string rule, string input)
    {
        var def = "{\"StartAt\":\"C\",\"States\":{\"C\":{\"Type\":\"Choice\",\"Choices\":[{" + rule
            + "," + "\"Next\":\"Yes\"}],\"Default\":\"No\"},"
            + "\"Yes\":{\"Type\":\"Pass\",\"Result\":\"yes\",\"End\":true},"
            + "\"No\":{\"Type\":\"Pass\",\"Result\":\"no\",\"End\":true}}}";
        var r = await TestMachine.RunAsync(def, input);
        return TestMachine.Output(r)!.GetValue<string>();
    }

    [Theory]
    [InlineData("\"Variable\":\"$.s\",\"StringEquals\":\"b\"", """{"s":"b"}""", "yes")]
    [InlineData("\"Variable\":\"$.s\",\"StringEquals\":\"b\"", """{"s":1}""", "no")]
    [InlineData("\"Variable\":\"$.s\",\"StringLessThan\":\"c\"", """{"s":"b"}""", "yes")]
    [InlineData("\"Variable\":\"$.s\",\"StringGreaterThan\":\"c\"", """{"s":"b"}""", "no")]
    [InlineData("\"Variable\":\"$.s\",\"StringLessThanEquals\":\"b\"", """{"s":"b"}""", "yes")]
    [InlineData("\"Variable\":\"$.s\",\"StringGreaterThanEquals\":\"b\"", """{"s":"b"}""", "yes")]
    [InlineData("\"Variable\":\"$.s\",\"StringEqualsPath\":\"$.t\"", """{"s":"b","t":"b"}""", "yes")]
    [InlineData("\"Variable\":\"$.n\",\"NumericEquals\":1", """{"n":1.0}""", "yes")]
    [InlineData("\"Variable\":\"$.n\",\"NumericEquals\":1", """{"n":"1"}""", "no")]
    [InlineData("\"Variable\":\"$.n\",\"NumericLessThan\":2", """{"n":1.5}""", "yes")]
    [InlineData("\"Variable\":\"$.n\",\"NumericGreaterThan\":2", """{"n":1.5}""", "no")]
    [InlineData("\"Variable\":\"$.n\",\"NumericLessThanEquals\":2", """{"n":2}""", "yes")]
    [InlineData("\"Variable\":\"$.n\",\"NumericGreaterThanEquals\":2", """{"n":2}""", "yes")]
    [InlineData("\"Variable\":\"$.n\",\"NumericGreaterThanPath\":\"$.m\"", """{"n":3,"m":2}""", "yes")]
    [InlineData("\"Variable\":\"$.b\",\"BooleanEquals\":true", """{"b":true}""", "yes")]
    [InlineData("\"Variable\":\"$.b\",\"BooleanEqualsPath\":\"$.c\"", """{"b":true,"c":false}""", "no")]
    [InlineData("\"Variable\":\"$.t\",\"TimestampEquals\":\"2024-01-01T00:00:00Z\"", """{"t":"2024-01-01T01:00:00+01:00"}""", "yes")]
    [InlineData("\"Variable\":\"$.t\",\"TimestampLessThan\":\"2024-01-01T00:00:00Z\"", """{"t":"2023-12-31T23:59:59Z"}""", "yes")]
    [InlineData("\"Variable\":\"$.t\",\"TimestampGreaterThan\":\"2024-01-01T00:00:00Z\"", """{"t":"2023-12-31T23:59:59Z"}""", "no")]
    [InlineData("\"Variable\":\"$.t\",\"TimestampLessThanEquals\":\"2024-01-01T00:00:00Z\"", """{"t":"2024-01-01T00:00:00Z"}""", "yes")]
    [InlineData("\"Variable\":\"$.t\",\"TimestampGreaterThanEqualsPath\":\"$.u\"", """{"t":"2024-01-02T00:00:00Z","u":"2024-01-01T00:00:00Z"}""", "yes")]
    [InlineData("\"Variable\":\"$.t\",\"TimestampEquals\":\"2024-01-01T00:00:00Z\"", """{"t":"not a date"}""", "no")]
    [InlineData("\"Variable\":\"$.s\",\"StringMatches\":\"log-*.txt\"", """{"s":"log-2024.txt"}""", "yes")]
    [InlineData("\"Variable\":\"$.s\",\"StringMatches\":\"a\\\\*b\"", """{"s":"a*b"}""", "yes")]
    [InlineData("\"Variable\":\"$.s\",\"StringMatches\":\"a\\\\*b\"", """{"s":"axxb"}""", "no")]
    [InlineData("\"Variable\":\"$.x\",\"IsNull\":true", """{"x":null}""", "yes")]
    [InlineData("\"Variable\":\"$.x\",\"IsNull\":false", """{"x":1}""", "yes")]
    [InlineData("\"Variable\":\"$.x\",\"IsPresent\":false", """{}""", "yes")]
    [InlineData("\"Variable\":\"$.x\",\"IsPresent\":true", """{"x":null}""", "yes")]
    [InlineData("\"Variable\":\"$.x\",\"IsNumeric\":true", """{"x":1.5}""", "yes")]
    [InlineData("\"Variable\":\"$.x\",\"IsString\":true", """{"x":"1"}""", "yes")]
    [InlineData("\"Variable\":\"$.x\",\"IsBoolean\":true", """{"x":false}""", "yes")]
    [InlineData("\"Variable\":\"$.x\",\"IsTimestamp\":true", """{"x":"2016-03-14T01:59:00Z"}""", "yes")]
    [InlineData("\"Variable\":\"$.x\",\"IsTimestamp\":true", """{"x":"2016-03-14"}""", "no")]
    [InlineData("\"And\":[{\"Variable\":\"$.a\",\"NumericEquals\":1},{\"Variable\":\"$.b\",\"NumericEquals\":2}]", """{"a":1,"b":2}""", "yes")]
    [InlineData("\"Or\":[{\"Variable\":\"$.a\",\"NumericEquals\":5},{\"Variable\":\"$.b\",\"NumericEquals\":2}]", """{"a":1,"b":2}""", "yes")]
    [InlineData("\"Not\":{\"Variable\":\"$.a\",\"NumericEquals\":1}", """{"a":1}""", "no")]
    [InlineData("\"Variable\":\"$$.Execution.Name\",\"StringEquals\":\"exec1\"", "{}", "yes")]
    public async Task Choose_Operator_MatchesAsAws(string rule, string input, string expected) =>
        Assert.Equal(expected, await ChooseAsync(rule, input));

    [Fact]
    public async Task Choose_MissingVariable_FailsWithRuntime()
    {
        var def = """{"StartAt":"C","States":{"C":{"Type":"Choice","Choices":[{"Variable":"$.x","NumericEquals":1,"Next":"E"}],"Default":"E"},"E":{"Type":"Succeed"}}}""";
        var r = await TestMachine.RunAsync(def, "{}");
        Assert.Equal(ExecutionStatus.Failed, r.Status);
        Assert.Equal(StatesErrors.Runtime, r.Error);
    }

    [Fact]
    public async Task Choose_NoMatchNoDefault_FailsWithNoChoiceMatched()
    {
        var def = """{"StartAt":"C","States":{"C":{"Type":"Choice","Choices":[{"Variable":"$.x","NumericEquals":1,"Next":"E"}]},"E":{"Type":"Succeed"}}}""";
        var r = await TestMachine.RunAsync(def, """{"x":2}""");
        Assert.Equal(StatesErrors.NoChoiceMatched, r.Error);
    }

    [Fact]
    public async Task Choose_RuleAssign_OverridesStateAssign()
    {
        var def = """
            {"StartAt":"C","States":{"C":{"Type":"Choice","Assign":{"v":"state"},
              "Choices":[{"Variable":"$.x","NumericEquals":1,"Assign":{"v":"rule"},"Next":"E"}],"Default":"E"},
             "E":{"Type":"Pass","Parameters":{"v.$":"$v"},"End":true}}}
            """;
        Assert.True(TestMachine.JsonEquals("""{"v":"rule"}""", TestMachine.Output(await TestMachine.RunAsync(def, """{"x":1}"""))));
        Assert.True(TestMachine.JsonEquals("""{"v":"state"}""", TestMachine.Output(await TestMachine.RunAsync(def, """{"x":2}"""))));
    }
}
