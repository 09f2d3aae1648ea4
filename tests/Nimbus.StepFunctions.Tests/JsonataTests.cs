using System.Text.Json.Nodes;
using Nimbus.StepFunctions.Asl.Parsing;
using Nimbus.StepFunctions.Asl.QueryLanguages;
using Nimbus.StepFunctions.Execution;
using Nimbus.StepFunctions.History;

namespace Nimbus.StepFunctions.Tests;

/// <summary>JSONata state machines (QueryLanguage "JSONata") run through the built-in Nimbus.Jsonata evaluator.</summary>
public sealed class JsonataTests
{
    private static string Machine(string states, string startAt = "A") =>
        "{\"QueryLanguage\":\"JSONata\",\"StartAt\":\"" + startAt + "\",\"States\":" + states + "}";

    private static string One(string state) => Machine("{\"A\":" + state + "}");

    private static Task<ExecutionResult> RunAsync(string definition, string input = "{}", ITaskInvoker? invoker = null, FakeClock? clock = null) =>
        TestMachine.RunAsync(definition, input, invoker, clock);

    private static void AssertJson(string expected, JsonNode? actual) =>
        Assert.True(TestMachine.JsonEquals(expected, actual), $"expected {expected}, got {actual?.ToJsonString() ?? "null"}");

    // ---- Output / whole-string semantics / $states ----

    [Fact]
    public async Task Output_NestedExpressions_AreEvaluatedAtAnyDepth()
    {
        var r = await RunAsync(
            One("""{"Type":"Pass","Output":{"a":"{% $states.input.x * 2 %}","b":["{% $uppercase($states.input.s) %}",{"c":"{% $states.input.x %}"}],"lit":5},"End":true}"""),
            """{"x":21,"s":"hi"}""");
        AssertJson("""{"a":42,"b":["HI",{"c":21}],"lit":5}""", TestMachine.Output(r));
    }

    [Fact]
    public async Task Output_StringNotWhollyDelimited_IsLiteral()
    {
        var r = await RunAsync(One("""{"Type":"Pass","Output":{"a":" {% 1 %}","b":"{% 1 %} x","c":"x {% 1 %}"},"End":true}"""));
        AssertJson("""{"a":" {% 1 %}","b":"{% 1 %} x","c":"x {% 1 %}"}""", TestMachine.Output(r));
    }

    [Fact]
    public async Task Output_Absent_PassesInputThrough()
    {
        var r = await RunAsync(One("""{"Type":"Pass","End":true}"""), """{"k":[1,2]}""");
        AssertJson("""{"k":[1,2]}""", TestMachine.Output(r));
    }

    [Fact]
    public async Task Output_JsonNull_IsKeptAsNull()
    {
        var r = await RunAsync(One("""{"Type":"Pass","Output":{"v":"{% $states.input.bar %}","w":["{% null %}"]},"End":true}"""), """{"bar":null}""");
        AssertJson("""{"v":null,"w":[null]}""", TestMachine.Output(r));
    }

    [Fact]
    public async Task StatesContext_ExposesExecutionAndState()
    {
        var r = await RunAsync(One("""{"Type":"Pass","Output":{"exec":"{% $states.context.Execution.Name %}","state":"{% $states.context.State.Name %}","in":"{% $states.context.Execution.Input.k %}"},"End":true}"""), """{"k":7}""");
        AssertJson("""{"exec":"exec1","state":"A","in":7}""", TestMachine.Output(r));
    }

    [Fact]
    public async Task QueryLanguage_PerState_MixesWithJsonPathMachine()
    {
        var def = """
            {"StartAt":"A","States":{
              "A":{"Type":"Pass","QueryLanguage":"JSONata","Assign":{"v":"{% $states.input.n + 1 %}"},"Output":{"n":"{% $states.input.n %}"},"Next":"B"},
              "B":{"Type":"Pass","Parameters":{"fromVar.$":"$v","n.$":"$.n"},"End":true}}}
            """;
        var r = await TestMachine.RunAsync(def, """{"n":1}""");
        AssertJson("""{"fromVar":2,"n":1}""", TestMachine.Output(r));
    }

    // ---- Assign and variables ----

    [Fact]
    public async Task Assign_SeesPreStateVariables_AndRunsBeforeOutput()
    {
        var def = Machine("""
            {"A":{"Type":"Pass","Assign":{"x":1},"Next":"B"},
             "B":{"Type":"Pass","Assign":{"x":"{% $x + 10 %}","y":"{% $x %}"},"Output":{"x":"{% $x %}"},"Next":"C"},
             "C":{"Type":"Pass","Output":{"x":"{% $x %}","y":"{% $y %}"},"End":true}}
            """);
        var r = await RunAsync(def);
        AssertJson("""{"x":11,"y":1}""", TestMachine.Output(r));
        var exited = r.History.Where(e => e.Type == HistoryEventType.PassStateExited).ToList();
        AssertJson("""{"x":1}""", JsonNode.Parse(exited[1].ToJson()["stateExitedEventDetails"]!["output"]!.GetValue<string>()));
        Assert.Equal("11", exited[1].ToJson()["stateExitedEventDetails"]!["assignedVariables"]!["x"]!.GetValue<string>());
    }

    [Fact]
    public async Task Assign_TaskResult_IsVisibleAsStatesResult()
    {
        var invoker = new DelegateInvoker(_ => TaskInvocationResult.Success(JsonNode.Parse("""{"id":9}""")));
        var def = Machine("""
            {"A":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","Arguments":{"p":"{% $states.input.p %}"},
                  "Assign":{"id":"{% $states.result.id %}"},"Output":{"r":"{% $states.result %}","in":"{% $states.input %}"},"Next":"B"},
             "B":{"Type":"Pass","Output":"{% $id %}","End":true}}
            """);
        var r = await RunAsync(def, """{"p":"q"}""", invoker);
        Assert.Equal("9", r.Output);
        AssertJson("""{"p":"q"}""", Assert.Single(invoker.Calls).Parameters);
        var taskExited = r.History.Single(e => e.Type == HistoryEventType.TaskStateExited);
        AssertJson("""{"r":{"id":9},"in":{"p":"q"}}""", JsonNode.Parse(taskExited.ToJson()["stateExitedEventDetails"]!["output"]!.GetValue<string>()));
    }

    [Fact]
    public async Task Assign_InsideMap_ReadsOuterButDoesNotLeakOutward()
    {
        var def = Machine("""
            {"A":{"Type":"Pass","Assign":{"outer":"o","counter":0},"Next":"M"},
             "M":{"Type":"Map","Items":[1,2],"ItemProcessor":{"StartAt":"P","States":{
                "P":{"Type":"Pass","Assign":{"counter":"{% $states.input %}"},"Output":{"seen":"{% $outer %}","c":"{% $counter %}"},"End":true}}},
                  "Next":"B"},
             "B":{"Type":"Pass","Output":{"counter":"{% $counter %}","m":"{% $states.input %}"},"End":true}}
            """);
        var r = await RunAsync(def);
        AssertJson("""{"counter":0,"m":[{"seen":"o","c":0},{"seen":"o","c":0}]}""", TestMachine.Output(r));
    }

    [Fact]
    public async Task Assign_InsideParallel_DoesNotLeakOutward()
    {
        var def = Machine("""
            {"A":{"Type":"Pass","Assign":{"v":1},"Next":"P"},
             "P":{"Type":"Parallel","Branches":[{"StartAt":"X","States":{"X":{"Type":"Pass","Assign":{"v":2},"Output":"{% $v %}","End":true}}}],
                  "Output":{"branch":"{% $states.result %}","v":"{% $v %}"},"End":true}}
            """);
        var r = await RunAsync(def);
        AssertJson("""{"branch":[1],"v":1}""", TestMachine.Output(r));
    }

    [Fact]
    public async Task Assign_ValueLargerThanLimit_FailsWithDataLimitExceeded()
    {
        var r = await RunAsync(One("""{"Type":"Pass","Assign":{"big":"{% $join($map([1..30000], function($i){ '0123456789' }), '') %}"},"End":true}"""));
        Assert.Equal(ExecutionStatus.Failed, r.Status);
        Assert.Equal(StatesErrors.DataLimitExceeded, r.Error);
        Assert.Contains("'big'", r.Cause, StringComparison.Ordinal);
    }

    // ---- Task / Catch / Retry ----

    [Fact]
    public async Task TimeoutSeconds_Expression_IsPassedToTheInvoker()
    {
        var invoker = new DelegateInvoker(_ => TaskInvocationResult.Success(JsonValue.Create(1)));
        var r = await RunAsync(
            One("""{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","TimeoutSeconds":"{% $states.input.t %}","HeartbeatSeconds":"{% 2 %}","End":true}"""),
            """{"t":30}""",
            invoker);
        Assert.Equal(ExecutionStatus.Succeeded, r.Status);
        var call = Assert.Single(invoker.Calls);
        Assert.Equal(30, call.TimeoutSeconds);
        Assert.Equal(2, call.HeartbeatSeconds);
    }

    [Fact]
    public async Task TimeoutSeconds_ExpressionNotPositiveInteger_FailsWithQueryEvaluationError()
    {
        var invoker = new DelegateInvoker(_ => TaskInvocationResult.Success(null));
        var r = await RunAsync(One("""{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","TimeoutSeconds":"{% 'x' %}","End":true}"""), invoker: invoker);
        Assert.Equal(StatesErrors.QueryEvaluationError, r.Error);
        Assert.Contains("'TimeoutSeconds'", r.Cause, StringComparison.Ordinal);
        Assert.Empty(invoker.Calls);
    }

    [Fact]
    public async Task Catch_OutputAndAssign_SeeErrorOutput()
    {
        var invoker = new DelegateInvoker(_ => TaskInvocationResult.Failure("Boom", "bad thing"));
        var def = Machine("""
            {"A":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke",
                  "Catch":[{"ErrorEquals":["States.ALL"],"Assign":{"err":"{% $states.errorOutput.Error %}"},
                            "Output":{"cause":"{% $states.errorOutput.Cause %}","in":"{% $states.input.k %}"},"Next":"B"}],"End":true},
             "B":{"Type":"Pass","Output":{"err":"{% $err %}","prev":"{% $states.input %}"},"End":true}}
            """);
        var r = await RunAsync(def, """{"k":1}""", invoker);
        AssertJson("""{"err":"Boom","prev":{"cause":"bad thing","in":1}}""", TestMachine.Output(r));
    }

    [Fact]
    public async Task Catch_UndefinedExpression_IsCatchableAsQueryEvaluationError()
    {
        var invoker = new DelegateInvoker(_ => TaskInvocationResult.Success(JsonNode.Parse("{}")));
        var def = Machine("""
            {"A":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","Arguments":{"v":"{% $states.input.absent %}"},
                  "Catch":[{"ErrorEquals":["States.QueryEvaluationError"],"Next":"B"}],"End":true},
             "B":{"Type":"Pass","End":true}}
            """);
        var r = await RunAsync(def, "{}", invoker);
        var output = TestMachine.Output(r)!;
        Assert.Equal(StatesErrors.QueryEvaluationError, output["Error"]!.GetValue<string>());
        Assert.Equal(
            "An error occurred while executing the state 'A' (entered at the event id #2). The JSONata expression '$states.input.absent' specified for the field 'Arguments/v' returned nothing (undefined).",
            output["Cause"]!.GetValue<string>());
        Assert.Empty(invoker.Calls);
    }

    [Fact]
    public async Task Retry_QueryEvaluationError_RecordsEvaluationFailedPerAttempt()
    {
        var def = Machine("""
            {"A":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","Arguments":"{% $states.input.absent %}",
                  "Retry":[{"ErrorEquals":["States.QueryEvaluationError"],"MaxAttempts":2,"IntervalSeconds":1}],"End":true}}
            """);
        var r = await RunAsync(def, "{}", new DelegateInvoker(_ => TaskInvocationResult.Success(null)));
        Assert.Equal(StatesErrors.QueryEvaluationError, r.Error);
        Assert.Equal(3, r.History.Count(e => e.Type == HistoryEventType.EvaluationFailed));
    }

    // ---- Errors ----

    [Fact]
    public async Task Output_UndefinedExpression_FailsWithFieldPathAndEvaluationFailedEvent()
    {
        var r = await RunAsync(One("""{"Type":"Pass","Output":{"a":{"b":["{% $states.input.absent %}"]}},"End":true}"""));
        Assert.Equal(ExecutionStatus.Failed, r.Status);
        Assert.Equal(StatesErrors.QueryEvaluationError, r.Error);
        Assert.Equal(
            "An error occurred while executing the state 'A' (entered at the event id #2). The JSONata expression '$states.input.absent' specified for the field 'Output/a/b[0]' returned nothing (undefined).",
            r.Cause);
        var failed = r.History.Single(e => e.Type == HistoryEventType.EvaluationFailed).ToJson();
        Assert.Equal("Output/a/b[0]", failed["evaluationFailedEventDetails"]!["location"]!.GetValue<string>());
        Assert.Equal("A", failed["evaluationFailedEventDetails"]!["state"]!.GetValue<string>());
    }

    [Fact]
    public async Task Output_EvaluationError_ReportsJsonataMessage()
    {
        var r = await RunAsync(One("""{"Type":"Pass","Output":"{% $states.input.s + 1 %}","End":true}"""), """{"s":"text"}""");
        Assert.Equal(StatesErrors.QueryEvaluationError, r.Error);
        Assert.Contains("The JSONata expression '$states.input.s + 1' specified for the field 'Output' threw an error during evaluation: ", r.Cause, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Map_ItemsNotArray_FailsLikeAws()
    {
        var def = Machine("""{"M":{"Type":"Map","ItemProcessor":{"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}},"End":true}}""", "M");
        var r = await RunAsync(def, "1");
        Assert.Equal(StatesErrors.QueryEvaluationError, r.Error);
        Assert.Equal("An error occurred while executing the state 'M' (entered at the event id #2). Map state input must be an array but was: 1", r.Cause);
        Assert.Equal(
            [HistoryEventType.ExecutionStarted, HistoryEventType.MapStateEntered, HistoryEventType.EvaluationFailed, HistoryEventType.MapStateFailed, HistoryEventType.ExecutionFailed],
            r.History.Select(e => e.Type));
    }

    // ---- Choice / Wait / Fail / Map ----

    [Fact]
    public async Task Choice_Condition_SelectsRuleWithItsOwnAssignAndOutput()
    {
        var def = Machine("""
            {"C":{"Type":"Choice","Choices":[
                 {"Condition":"{% $states.input.n > 10 %}","Next":"Big"},
                 {"Condition":"{% $states.input.n > 1 %}","Assign":{"kind":"mid"},"Output":{"n":"{% $states.input.n %}"},"Next":"Mid"}],
               "Default":"Small"},
             "Big":{"Type":"Succeed"},
             "Mid":{"Type":"Pass","Output":{"kind":"{% $kind %}","in":"{% $states.input %}"},"End":true},
             "Small":{"Type":"Succeed"}}
            """, "C");
        var r = await RunAsync(def, """{"n":5,"extra":true}""");
        AssertJson("""{"kind":"mid","in":{"n":5}}""", TestMachine.Output(r));
    }

    [Fact]
    public async Task Choice_ConditionNotBoolean_FailsWithQueryEvaluationError()
    {
        var def = Machine("""{"C":{"Type":"Choice","Choices":[{"Condition":"{% $states.input.n %}","Next":"D"}],"Default":"D"},"D":{"Type":"Succeed"}}""", "C");
        var r = await RunAsync(def, """{"n":5}""");
        Assert.Equal(StatesErrors.QueryEvaluationError, r.Error);
        Assert.Contains("'Choices[0]/Condition'", r.Cause, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Wait_SecondsAndTimestampExpressions_AreHonoured()
    {
        var clock = new FakeClock();
        var def = Machine("""
            {"W1":{"Type":"Wait","Seconds":"{% $states.input.s %}","Next":"W2"},
             "W2":{"Type":"Wait","Timestamp":"{% $states.input.t %}","End":true}}
            """, "W1");
        var r = await RunAsync(def, """{"s":30,"t":"2024-01-02T00:00:00Z"}""", clock: clock);
        Assert.Equal(ExecutionStatus.Succeeded, r.Status);
        Assert.Equal([new DateTimeOffset(2024, 1, 1, 0, 0, 30, TimeSpan.Zero), new DateTimeOffset(2024, 1, 2, 0, 0, 0, TimeSpan.Zero)], clock.Waits);
    }

    [Fact]
    public async Task Fail_ErrorAndCauseExpressions_AreEvaluated()
    {
        var r = await RunAsync(One("""{"Type":"Fail","Error":"{% 'E.' & $states.input.code %}","Cause":"{% 'because ' & $states.input.why %}"}"""), """{"code":"X","why":"y"}""");
        Assert.Equal("E.X", r.Error);
        Assert.Equal("because y", r.Cause);
    }

    [Fact]
    public async Task Map_ItemsAndItemSelector_UseContextItem()
    {
        var def = Machine("""
            {"M":{"Type":"Map","Items":"{% $states.input.list %}","MaxConcurrency":"{% 1 %}",
                  "ItemSelector":{"v":"{% $states.context.Map.Item.Value %}","i":"{% $states.context.Map.Item.Index %}","k":"{% $states.input.k %}"},
                  "ItemProcessor":{"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}},"End":true}}
            """, "M");
        var r = await RunAsync(def, """{"list":["a","b"],"k":0}""");
        AssertJson("""[{"v":"a","i":0,"k":0},{"v":"b","i":1,"k":0}]""", TestMachine.Output(r));
    }

    // ---- AWS extension functions ----

    [Theory]
    [InlineData("$partition([1,2,3,4,5], 2)", "[[1,2],[3,4],[5]]")]
    [InlineData("$range(0, 10, 3)", "[0,3,6,9]")]
    [InlineData("$range(10, 0, -5)", "[10,5,0]")]
    [InlineData("$range(1, 1, 1)", "1")]
    [InlineData("$hash('abc', 'MD5')", "\"900150983cd24fb0d6963f7d28e17f72\"")]
    [InlineData("$hash('abc', 'SHA-1')", "\"a9993e364706816aba3e25717850c26c9cd0d89d\"")]
    [InlineData("$hash('abc', 'SHA-256')", "\"ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad\"")]
    [InlineData("$parse('{\"a\":[1,true,null]}')", "{\"a\":[1,true,null]}")]
    [InlineData("$random(7) = $random(7)", "true")]
    [InlineData("$random() >= 0 and $random() < 1", "true")]
    [InlineData("$length($uuid())", "36")]
    public void Evaluate_StepFunctionsFunctions_FollowAws(string expression, string expected)
    {
        var value = JsonataEvaluator.Default.Evaluate(expression, new JsonObject(), new Dictionary<string, JsonNode?>());
        AssertJson(expected, value);
    }

    [Theory]
    [InlineData("$partition([], 2)")]
    [InlineData("$partition([1], 0)")]
    [InlineData("$range(0, 10)")]
    [InlineData("$range(0, 10, -1)")]
    [InlineData("$hash('abc')")]
    public void Evaluate_StepFunctionsFunctionsEdgeCases_ReturnUndefined(string expression) =>
        Assert.Null(JsonataEvaluator.Default.Evaluate(expression, new JsonObject(), new Dictionary<string, JsonNode?>()));

    [Theory]
    [InlineData("$hash('abc', 'SHA-999')")]
    [InlineData("$parse('{nope')")]
    [InlineData("$eval('1')")]
    [InlineData("$range(1, 1000000, 1)")]
    public void Evaluate_InvalidCalls_ThrowQueryEvaluationError(string expression)
    {
        var ex = Assert.Throws<StatesException>(() => JsonataEvaluator.Default.Evaluate(expression, new JsonObject(), new Dictionary<string, JsonNode?>()));
        Assert.Equal(StatesErrors.QueryEvaluationError, ex.Error);
    }

    [Fact]
    public void Compile_SameTextTwice_IsCached()
    {
        var evaluator = new JsonataEvaluator();
        Assert.Same(evaluator.Compile("$a.b"), evaluator.Compile("$a.b"));
    }

    [Fact]
    public void Evaluate_Variables_AreBoundByName()
    {
        var value = JsonataEvaluator.Default.Evaluate("$x & $states.input.y", new JsonObject { ["input"] = new JsonObject { ["y"] = "b" } }, new Dictionary<string, JsonNode?> { ["x"] = "a" });
        Assert.Equal("ab", value!.GetValue<string>());
    }

    // ---- Validation ----

    [Fact]
    public void Parse_JsonPathFieldsInJsonataState_AreAllReportedAtTheState()
    {
        var result = AslParser.Parse(One("""{"Type":"Pass","InputPath":"$.a","ResultPath":"$.b","Parameters":{"x":1},"End":true}"""));
        Assert.False(result.IsValid);
        var messages = result.Diagnostics.Where(d => d.Location == "/States/A").Select(d => d.Message).ToList();
        Assert.Contains("The QueryLanguage is set to 'JSONata', but field 'InputPath' is only supported for the 'JSONPath' QueryLanguage", messages);
        Assert.Contains("The QueryLanguage is set to 'JSONata', but field 'ResultPath' is only supported for the 'JSONPath' QueryLanguage", messages);
        Assert.Contains("The QueryLanguage is set to 'JSONata', but field 'Parameters' is only supported for the 'JSONPath' QueryLanguage", messages);
    }

    [Fact]
    public void Parse_JsonataFieldsInJsonPathState_AreRejected()
    {
        var result = AslParser.Parse("""
            {"StartAt":"A","States":{
              "A":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","Arguments":{},"Output":{},
                   "Catch":[{"ErrorEquals":["States.ALL"],"Output":{},"Next":"C"}],"Next":"C"},
              "C":{"Type":"Choice","Choices":[{"Condition":"{% true %}","Next":"D"}],"Default":"D"},
              "D":{"Type":"Map","Items":[1],"ItemProcessor":{"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}},"End":true}}}
            """);
        Assert.False(result.IsValid);
        var text = string.Join("\n", result.Diagnostics);
        foreach (var field in new[] { "Arguments", "Output", "Condition", "Items" })
        {
            Assert.Contains($"field '{field}' is only supported for the 'JSONata' QueryLanguage", text, StringComparison.Ordinal);
        }

        Assert.Contains(result.Diagnostics, d => d.Location == "/States/A/Catch/0" && d.Message.Contains("'Output'", StringComparison.Ordinal));
    }

    [Fact]
    public void Parse_CatchResultPathInJsonataState_IsRejected()
    {
        var result = AslParser.Parse(Machine("""
            {"A":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","Catch":[{"ErrorEquals":["States.ALL"],"ResultPath":"$.e","Next":"B"}],"End":true},
             "B":{"Type":"Succeed"}}
            """));
        Assert.Contains(result.Diagnostics, d => d.Location == "/States/A/Catch/0" && d.Message.Contains("'ResultPath'", StringComparison.Ordinal));
    }

    [Fact]
    public void Parse_DollarKeyAndBadExpression_AreReportedTogether()
    {
        var result = AslParser.Parse(One("""{"Type":"Pass","Output":{"a.$":"$.x","b":"{% $states.input.( %}"},"Assign":{"c":"{% 1 + %}"},"End":true}"""));
        Assert.False(result.IsValid);
        Assert.Contains(result.Diagnostics, d => d.Location == "/States/A/Output/a.$");
        Assert.Contains(result.Diagnostics, d => d.Location == "/States/A/Output/b" && d.Code == "INVALID_JSONATA_EXPRESSION");
        Assert.Contains(result.Diagnostics, d => d.Location == "/States/A/Assign/c" && d.Code == "INVALID_JSONATA_EXPRESSION");
    }

    [Fact]
    public void Parse_JsonPathStateUnderJsonataMachine_IsRejected()
    {
        var result = AslParser.Parse(One("""{"Type":"Pass","QueryLanguage":"JSONPath","End":true}"""));
        Assert.Contains(result.Diagnostics, d => d.Location == "/States/A" && d.Message.Contains("can not be 'JSONPath'", StringComparison.Ordinal));
    }

    // ---- Service ----

    [Fact]
    public async Task Service_JsonataMachine_RunsThroughTheApi()
    {
        using var dir = new TempDir();
        await using var host = await ServiceHost.StartAsync(dir.Path);
        var sm = await host.CreateMachineAsync("j", One("""{"Type":"Pass","Output":{"sum":"{% $sum($states.input.v) %}","h":"{% $hash('abc', 'MD5') %}"},"End":true}"""));
        var exec = await host.StartAsync(sm, """{"v":[1,2,3]}""", "run1");
        var done = await host.WaitForStatusAsync(exec, "SUCCEEDED");
        AssertJson("""{"sum":6,"h":"900150983cd24fb0d6963f7d28e17f72"}""", JsonNode.Parse(done["output"]!.GetValue<string>()));
    }
}
