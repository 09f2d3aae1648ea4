using System.Diagnostics;
using System.Text.Json.Nodes;
using Nimbus.StepFunctions.Execution;
using Nimbus.StepFunctions.History;
using Nimbus.StepFunctions.Tasks;

namespace Nimbus.StepFunctions.Tests;

public class InterpreterTests
{
    private static string[] Types(ExecutionResult r) => r.History.Select(e => e.Type.ToString()).ToArray();

    [Fact]
    public async Task Execute_PassChain_RecordsAwsHistory()
    {
        var r = await TestMachine.RunAsync("""{"StartAt":"A","States":{"A":{"Type":"Pass","Result":{"x":1},"ResultPath":"$.r","Next":"B"},"B":{"Type":"Succeed"}}}""", """{"in":true}""");
        Assert.True(TestMachine.JsonEquals("""{"in":true,"r":{"x":1}}""", TestMachine.Output(r)));
        Assert.Equal(["ExecutionStarted", "PassStateEntered", "PassStateExited", "SucceedStateEntered", "SucceedStateExited", "ExecutionSucceeded"], Types(r));
        Assert.Equal([0L, 0, 2, 3, 4, 5], r.History.Select(e => e.PreviousEventId));
        Assert.Equal([1L, 2, 3, 4, 5, 6], r.History.Select(e => e.Id));
    }

    [Theory]
    [InlineData("""{"Type":"Pass","InputPath":"$.a","End":true}""", """{"a":{"b":1}}""", """{"b":1}""")]
    [InlineData("""{"Type":"Pass","InputPath":null,"End":true}""", """{"a":1}""", "{}")]
    [InlineData("""{"Type":"Pass","OutputPath":null,"End":true}""", """{"a":1}""", "{}")]
    [InlineData("""{"Type":"Pass","ResultPath":null,"Result":5,"End":true}""", """{"a":1}""", """{"a":1}""")]
    [InlineData("""{"Type":"Pass","ResultPath":"$.x.y","Result":5,"End":true}""", """{"a":1}""", """{"a":1,"x":{"y":5}}""")]
    [InlineData("""{"Type":"Pass","Parameters":{"v.$":"$.a","c":"k","ctx.$":"$$.State.Name"},"End":true}""", """{"a":1}""", """{"v":1,"c":"k","ctx":"S"}""")]
    [InlineData("""{"Type":"Pass","Parameters":{"f.$":"States.Format('{}-{}', $.a, $$.Execution.Name)"},"OutputPath":"$.f","End":true}""", """{"a":1}""", "\"1-exec1\"")]
    [InlineData("""{"Type":"Pass","Parameters":{"l.$":"$.xs[*].v"},"End":true}""", """{"xs":[{"v":1},{"v":2}]}""", """{"l":[1,2]}""")]
    public async Task Execute_InputOutputProcessing_MatchesAws(string state, string input, string expected) =>
        Assert.True(TestMachine.JsonEquals(expected, TestMachine.Output(await TestMachine.RunAsync(TestMachine.Single(state), input))));

    /// <summary>
    /// A pass-through Pass hands its input on without copying it: the same document then feeds a ResultPath, a Map whose
    /// results array adopts the items, Parallel branches and variables — none of which may see another's changes.
    /// </summary>
    [Fact]
    public async Task Execute_PassThroughStates_ShareNoMutableState()
    {
        var r = await TestMachine.RunAsync("""
            {"StartAt":"P1","States":{
              "P1":{"Type":"Pass","Assign":{"saved.$":"$"},"Next":"P2"},
              "P2":{"Type":"Pass","ResultPath":"$.copy","Next":"M"},
              "M":{"Type":"Map","ItemsPath":"$.items","ResultPath":"$.mapped","Next":"Par",
                   "ItemProcessor":{"StartAt":"I1","States":{"I1":{"Type":"Pass","Next":"I2"},"I2":{"Type":"Pass","ResultPath":"$.again","End":true}}}},
              "Par":{"Type":"Parallel","ResultPath":"$.branches","Next":"End",
                     "Branches":[{"StartAt":"B","States":{"B":{"Type":"Pass","End":true}}},{"StartAt":"C","States":{"C":{"Type":"Pass","ResultPath":"$.c","Result":1,"End":true}}}]},
              "End":{"Type":"Pass","Parameters":{"saved.$":"$saved","mapped.$":"$.mapped","b0.$":"$.branches[0].items","c.$":"$.branches[1].c"},"End":true}}}
            """, """{"items":[{"v":1},{"v":2}]}""");
        Assert.True(r.Status == ExecutionStatus.Succeeded, r.Error + " " + r.Cause);
        Assert.True(TestMachine.JsonEquals(
            """{"saved":{"items":[{"v":1},{"v":2}]},"mapped":[{"v":1,"again":{"v":1}},{"v":2,"again":{"v":2}}],"b0":[{"v":1},{"v":2}],"c":1}""",
            TestMachine.Output(r)));

        // Each exited event records the state's own output, and a pass-through's output text equals its input text.
        var p1 = r.History.Single(e => e.Details is StateExitedEventDetails { Name: "P1" }).Details as StateExitedEventDetails;
        var p1In = r.History.Single(e => e.Details is StateEnteredEventDetails { Name: "P1" }).Details as StateEnteredEventDetails;
        Assert.Equal(p1In!.Input, p1!.Output);
        var p2 = r.History.Single(e => e.Details is StateExitedEventDetails { Name: "P2" }).Details as StateExitedEventDetails;
        Assert.True(TestMachine.JsonEquals("""{"items":[{"v":1},{"v":2}],"copy":{"items":[{"v":1},{"v":2}]}}""", JsonNode.Parse(p2!.Output)));
    }

    [Fact]
    public async Task Execute_ParametersPathMissing_FailsWithRuntimeAndStatePrefix()
    {
        var r = await TestMachine.RunAsync(TestMachine.Single("""{"Type":"Pass","Parameters":{"v.$":"$.nope"},"End":true}"""));
        Assert.Equal(StatesErrors.Runtime, r.Error);
        Assert.StartsWith("An error occurred while executing the state 'S' (entered at the event id #2).", r.Cause, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Execute_ResultPathOnScalarInput_FailsWithResultPathMatchFailure()
    {
        var r = await TestMachine.RunAsync(TestMachine.Single("""{"Type":"Pass","Result":1,"ResultPath":"$.a.b","End":true}"""), "[1]");
        Assert.Equal(StatesErrors.ResultPathMatchFailure, r.Error);
    }

    [Fact]
    public async Task Execute_AssignVariables_VisibleToLaterStatesAndRecorded()
    {
        var r = await TestMachine.RunAsync("""
            {"StartAt":"A","States":{"A":{"Type":"Pass","Result":{"n":42},"Assign":{"v.$":"$.n","k":"lit"},"Next":"B"},
             "B":{"Type":"Pass","Parameters":{"v.$":"$v","k.$":"$k"},"End":true}}}
            """);
        Assert.True(TestMachine.JsonEquals("""{"v":42,"k":"lit"}""", TestMachine.Output(r)));
        var exited = (StateExitedEventDetails)r.History[2].Details!;
        Assert.Equal("42", exited.AssignedVariables!["v"]);
        Assert.Equal("\"lit\"", exited.AssignedVariables!["k"]);
    }

    [Fact]
    public async Task Execute_LambdaInvoke_WrapsPayloadAndRecordsTaskEvents()
    {
        var invoker = new LambdaTaskInvoker((req, _) => ValueTask.FromResult(new LambdaInvokeResponse(200, "{\"echo\":" + req.Payload + "}")));
        var r = await TestMachine.RunAsync("""
            {"StartAt":"T","States":{"T":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke",
              "Parameters":{"FunctionName":"f","Payload.$":"$"},"ResultSelector":{"p.$":"$.Payload","s.$":"$.StatusCode"},"End":true}}}
            """, """{"a":1}""", invoker);
        Assert.True(TestMachine.JsonEquals("""{"p":{"echo":{"a":1}},"s":200}""", TestMachine.Output(r)));
        Assert.Equal(["ExecutionStarted", "TaskStateEntered", "TaskScheduled", "TaskStarted", "TaskSucceeded", "TaskStateExited", "ExecutionSucceeded"], Types(r));
        var scheduled = (TaskScheduledEventDetails)r.History[2].Details!;
        Assert.Equal("lambda", scheduled.ResourceType);
        Assert.Equal("invoke", scheduled.Resource);
    }

    [Fact]
    public async Task Execute_LambdaFunctionError_MapsErrorTypeAndIsCaught()
    {
        var invoker = new LambdaTaskInvoker((_, _) => ValueTask.FromResult(new LambdaInvokeResponse(200, """{"errorType":"ValueError","errorMessage":"bad"}""", "Unhandled")));
        var r = await TestMachine.RunAsync("""
            {"StartAt":"T","States":{"T":{"Type":"Task","Resource":"arn:aws:lambda:us-east-1:1:function:f","End":true,
              "Catch":[{"ErrorEquals":["ValueError"],"ResultPath":"$.err","Next":"H"}]},"H":{"Type":"Pass","End":true}}}
            """, "{}", invoker);
        var output = TestMachine.Output(r)!;
        Assert.Equal("ValueError", output["err"]!["Error"]!.GetValue<string>());
        Assert.Contains("LambdaFunctionFailed", Types(r));
        Assert.Contains("TaskStateExited", Types(r));
    }

    [Fact]
    public void ErrorType_NoErrorTypeInPayload_IsLambdaUnknown() => Assert.Equal("Lambda.Unknown", LambdaTaskInvoker.ErrorType("oops"));

    [Fact]
    public async Task Execute_RetryWithBackoff_WaitsAndRetries()
    {
        var calls = 0;
        var invoker = new DelegateInvoker(_ => ++calls < 3 ? TaskInvocationResult.Failure("Boom", "c") : TaskInvocationResult.Success(JsonValue.Create("ok")));
        var clock = new FakeClock();
        var start = clock.Now;
        var r = await TestMachine.RunAsync("""
            {"StartAt":"T","States":{"T":{"Type":"Task","Resource":"arn:aws:states:::x:y","End":true,
              "Retry":[{"ErrorEquals":["Boom"],"IntervalSeconds":2,"BackoffRate":3,"MaxAttempts":5}]}}}
            """, "{}", invoker, clock);
        Assert.Equal("\"ok\"", r.Output);
        Assert.Equal([start.AddSeconds(2), start.AddSeconds(8)], clock.Waits);
        Assert.Equal(3, Types(r).Count(t => t == "TaskScheduled"));
    }

    [Fact]
    public async Task Execute_RetryMaxDelaySeconds_CapsDelay()
    {
        var invoker = new DelegateInvoker(_ => TaskInvocationResult.Failure("Boom", null));
        var clock = new FakeClock();
        var start = clock.Now;
        var r = await TestMachine.RunAsync("""
            {"StartAt":"T","States":{"T":{"Type":"Task","Resource":"arn:aws:states:::x:y","End":true,
              "Retry":[{"ErrorEquals":["States.ALL"],"IntervalSeconds":10,"BackoffRate":10,"MaxAttempts":3,"MaxDelaySeconds":15}]}}}
            """, "{}", invoker, clock);
        Assert.Equal("Boom", r.Error);
        Assert.Equal([start.AddSeconds(10), start.AddSeconds(25), start.AddSeconds(40)], clock.Waits);
    }

    [Fact]
    public async Task Execute_StatesAll_DoesNotCatchRuntime()
    {
        var r = await TestMachine.RunAsync("""
            {"StartAt":"T","States":{"T":{"Type":"Task","Resource":"arn:aws:states:::x:y","InputPath":"$.missing","End":true,
              "Catch":[{"ErrorEquals":["States.ALL"],"Next":"H"}]},"H":{"Type":"Succeed"}}}
            """, "{}", new DelegateInvoker(_ => TaskInvocationResult.Success(null)));
        Assert.Equal(StatesErrors.Runtime, r.Error);
    }

    [Fact]
    public async Task Execute_TaskTimeout_FailsWithStatesTimeout()
    {
        var invoker = new SlowInvoker();
        var parsed = Asl.Parsing.AslParser.Parse("""{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"arn:aws:states:::x:y","TimeoutSeconds":1,"End":true}}}""");
        var interpreter = new AslInterpreter(new InterpreterOptions { TaskInvoker = invoker });
        var r = await interpreter.ExecuteAsync(parsed.Definition!, new ExecutionRequest("e", "e", "s", "s", "{}"));
        Assert.Equal(StatesErrors.Timeout, r.Error);
        Assert.Contains("TaskTimedOut", Types(r));
    }

    [Fact]
    public async Task Execute_TaskTimeout_WinsOverAnInvokerThatIgnoresCancellation()
    {
        using var release = new CancellationTokenSource();
        var invoker = new DelegateInvokerAsync(async _ =>
        {
            await Task.Delay(TimeSpan.FromSeconds(30), release.Token).ContinueWith(static _ => { }, TaskScheduler.Default);
            return TaskInvocationResult.Success(JsonValue.Create("too late"));
        });
        var parsed = Asl.Parsing.AslParser.Parse("""{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","TimeoutSeconds":1,"Parameters":{"FunctionName":"f"},"End":true}}}""");
        var interpreter = new AslInterpreter(new InterpreterOptions { TaskInvoker = invoker });
        var r = await interpreter.ExecuteAsync(parsed.Definition!, new ExecutionRequest("e", "e", "s", "s", "{}"));
        release.Cancel();
        Assert.Equal(StatesErrors.Timeout, r.Error);
        Assert.Contains("TaskTimedOut", Types(r));
    }

    private sealed class DelegateInvokerAsync(Func<TaskInvocation, Task<TaskInvocationResult>> invoke) : ITaskInvoker
    {
        public async ValueTask<TaskInvocationResult> InvokeAsync(TaskInvocation invocation, CancellationToken cancellationToken) => await invoke(invocation);
    }

    private sealed class SlowInvoker : ITaskInvoker
    {
        public async ValueTask<TaskInvocationResult> InvokeAsync(TaskInvocation invocation, CancellationToken cancellationToken)
        {
            await Task.Delay(TimeSpan.FromSeconds(30), cancellationToken);
            return TaskInvocationResult.Success(null);
        }
    }

    [Fact]
    public async Task Execute_WaitSeconds_UsesScheduler()
    {
        var clock = new FakeClock();
        var start = clock.Now;
        var r = await TestMachine.RunAsync(TestMachine.Single("""{"Type":"Wait","SecondsPath":"$.s","End":true}"""), """{"s":30}""", clock: clock);
        Assert.Equal(ExecutionStatus.Succeeded, r.Status);
        Assert.Equal([start.AddSeconds(30)], clock.Waits);
    }

    [Fact]
    public async Task Execute_WaitTimestampWithoutOffset_FailsWithRuntime()
    {
        var r = await TestMachine.RunAsync(TestMachine.Single("""{"Type":"Wait","TimestampPath":"$.t","End":true}"""), """{"t":"2016-12-05T21:29:29"}""");
        Assert.Equal(StatesErrors.Runtime, r.Error);
        Assert.Contains("ISO-8601", r.Cause, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Execute_FailState_ReportsErrorAndCause()
    {
        var r = await TestMachine.RunAsync(TestMachine.Single("""{"Type":"Fail","ErrorPath":"$.e","CausePath":"States.Format('c={}', $.c)"}"""), """{"e":"E1","c":"x"}""");
        Assert.Equal("E1", r.Error);
        Assert.Equal("c=x", r.Cause);
        Assert.Equal(["ExecutionStarted", "FailStateEntered", "ExecutionFailed"], Types(r));
    }

    [Fact]
    public async Task Execute_Parallel_CollectsBranchOutputsInOrder()
    {
        var r = await TestMachine.RunAsync("""
            {"StartAt":"P","States":{"P":{"Type":"Parallel","End":true,"Branches":[
              {"StartAt":"A","States":{"A":{"Type":"Pass","Result":1,"End":true}}},
              {"StartAt":"B","States":{"B":{"Type":"Pass","Result":2,"End":true}}}]}}}
            """);
        Assert.Equal("[1,2]", r.Output);
        Assert.Contains("ParallelStateSucceeded", Types(r));
    }

    [Fact]
    public async Task Execute_ParallelBranchFails_PropagatesBranchError()
    {
        var r = await TestMachine.RunAsync("""
            {"StartAt":"P","States":{"P":{"Type":"Parallel","End":true,"Branches":[
              {"StartAt":"A","States":{"A":{"Type":"Fail","Error":"X","Cause":"y"}}}]}}}
            """);
        Assert.Equal("X", r.Error);
        Assert.Equal(["ExecutionStarted", "ParallelStateEntered", "ParallelStateStarted", "FailStateEntered", "ParallelStateFailed", "ExecutionFailed"], Types(r));
    }

    [Fact]
    public async Task Execute_MapWithItemSelector_UsesMapContextAndChainsIds()
    {
        var r = await TestMachine.RunAsync("""
            {"StartAt":"M","States":{"M":{"Type":"Map","ItemsPath":"$.xs","MaxConcurrency":1,
              "ItemSelector":{"i.$":"$$.Map.Item.Index","v.$":"$$.Map.Item.Value"},
              "ItemProcessor":{"StartAt":"I","States":{"I":{"Type":"Pass","End":true}}},"End":true}}}
            """, """{"xs":["a","b"]}""");
        Assert.True(TestMachine.JsonEquals("""[{"i":0,"v":"a"},{"i":1,"v":"b"}]""", TestMachine.Output(r)));
        var prev = r.History.Select(e => (e.Type.ToString(), e.PreviousEventId)).ToArray();
        Assert.Equal(("MapIterationSucceeded", 6L), prev[6]);
        Assert.Equal(("MapIterationStarted", 6L), prev[7]);
        Assert.Equal(("MapStateSucceeded", 11L), prev[11]);
        Assert.Equal(("MapStateExited", 11L), prev[12]);
    }

    [Fact]
    public async Task Execute_MapToleratedFailures_SucceedsUnderThreshold()
    {
        var def = """
            {"StartAt":"M","States":{"M":{"Type":"Map","ToleratedFailureCount":1,
              "ItemProcessor":{"StartAt":"C","States":{"C":{"Type":"Choice","Choices":[{"Variable":"$","NumericEquals":2,"Next":"F"}],"Default":"OK"},
                "F":{"Type":"Fail","Error":"Two"},"OK":{"Type":"Pass","End":true}}},"End":true}}}
            """;
        Assert.Equal(ExecutionStatus.Succeeded, (await TestMachine.RunAsync(def, "[1,2,3]")).Status);
        var failed = await TestMachine.RunAsync(def, "[2,2,3]");
        Assert.Equal(StatesErrors.ExceedToleratedFailureThreshold, failed.Error);
    }

    [Fact]
    public async Task Execute_MapItemBatcher_GroupsItems()
    {
        var r = await TestMachine.RunAsync("""
            {"StartAt":"M","States":{"M":{"Type":"Map","ItemBatcher":{"MaxItemsPerBatch":2,"BatchInput":{"k":1}},
              "ItemProcessor":{"StartAt":"I","States":{"I":{"Type":"Pass","End":true}}},"End":true}}}
            """, "[1,2,3]");
        Assert.True(TestMachine.JsonEquals("""[{"k":1,"Items":[1,2]},{"k":1,"Items":[3]}]""", TestMachine.Output(r)));
    }

    [Fact]
    public async Task Execute_MapNonArrayInput_FailsWithRuntime()
    {
        var r = await TestMachine.RunAsync("""{"StartAt":"M","States":{"M":{"Type":"Map","ItemProcessor":{"StartAt":"I","States":{"I":{"Type":"Pass","End":true}}},"End":true}}}""", "1");
        Assert.Equal(StatesErrors.Runtime, r.Error);
        Assert.Contains("Map state input must be an array but was: 1", r.Cause, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Execute_PayloadOverLimit_FailsWithDataLimitExceeded()
    {
        var big = new string('x', 300_000);
        var r = await TestMachine.RunAsync(TestMachine.Single("""{"Type":"Pass","End":true}"""), "\"" + big + "\"");
        Assert.Equal(StatesErrors.DataLimitExceeded, r.Error);
    }

    [Fact]
    public async Task Execute_HistoryLimit_FailsExecution()
    {
        var parsed = Asl.Parsing.AslParser.Parse("""{"StartAt":"A","States":{"A":{"Type":"Pass","Next":"A2"},"A2":{"Type":"Pass","Next":"A"}}}""".Replace("\"Next\":\"A\"}", "\"Next\":\"A\"}", StringComparison.Ordinal));
        Assert.True(parsed.Diagnostics.Any());
        var loop = Asl.Parsing.AslParser.Parse("""
            {"StartAt":"A","States":{"A":{"Type":"Choice","Choices":[{"Variable":"$.stop","IsPresent":true,"Next":"E"}],"Default":"B"},
             "B":{"Type":"Pass","Next":"A"},"E":{"Type":"Succeed"}}}
            """);
        var interpreter = new AslInterpreter(new InterpreterOptions { MaxHistoryEvents = 100 });
        var r = await interpreter.ExecuteAsync(loop.Definition!, new ExecutionRequest("e", "e", "s", "s", "{}"));
        Assert.Equal(ExecutionStatus.Failed, r.Status);
        Assert.Equal(100, r.History.Count);
        Assert.Equal(HistoryEventType.ExecutionFailed, r.History[^1].Type);
    }

    [Fact]
    public async Task Execute_HistorySink_ReceivesEveryEventInOrder()
    {
        var sink = new ListSink();
        var parsed = Asl.Parsing.AslParser.Parse(TestMachine.Single("""{"Type":"Pass","End":true}"""));
        var r = await new AslInterpreter(new InterpreterOptions()).ExecuteAsync(parsed.Definition!, new ExecutionRequest("e", "e", "s", "s", "{}") { HistorySink = sink });
        Assert.Equal(r.History.Select(e => e.Id), sink.Events.Select(e => e.Id));
    }

    private sealed class ListSink : IHistoryEventSink
    {
        public List<HistoryEvent> Events { get; } = [];

        public void OnEventAppended(HistoryEvent historyEvent) => Events.Add(historyEvent);
    }

    [Fact]
    public async Task Execute_JsonataWithoutConfiguredEvaluator_UsesBuiltInEvaluator()
    {
        var r = await TestMachine.RunAsync("""{"QueryLanguage":"JSONata","StartAt":"A","States":{"A":{"Type":"Pass","Output":"{% 1 + 1 %}","End":true}}}""");
        Assert.Equal("2", r.Output);
    }
}
