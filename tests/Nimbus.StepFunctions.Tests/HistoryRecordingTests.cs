using System.Text.Json.Nodes;
using Nimbus.StepFunctions.Asl.Parsing;
using Nimbus.StepFunctions.Execution;
using Nimbus.StepFunctions.History;
using Nimbus.StepFunctions.Service;

namespace Nimbus.StepFunctions.Tests;

/// <summary>
/// Which history events an execution records (EXPRESS ones only what their logging selects), and the direct UTF-8
/// rendering of the events and checkpoints a STANDARD execution commits at every transition.
/// </summary>
public sealed class HistoryRecordingTests
{
    private static async Task<ExecutionResult> RunAsync(string definition, string input, Func<HistoryEventType, bool>? recorded)
    {
        var clock = new FakeClock();
        var interpreter = new AslInterpreter(new InterpreterOptions { TimeProvider = clock, WaitScheduler = clock, Random = new Random(1) });
        var request = new ExecutionRequest(
            "arn:aws:states:us-east-1:000000000000:execution:sm:exec1", "exec1", "arn:aws:states:us-east-1:000000000000:stateMachine:sm", "sm", input)
        {
            RecordedEvents = recorded,
        };
        return await interpreter.ExecuteAsync(AslParser.Parse(definition).Definition!, request);
    }

    private const string Chain = """
        {"StartAt":"A","States":{
          "A":{"Type":"Pass","Next":"B"},
          "B":{"Type":"Pass","Parameters":{"v.$":"$.n","s.$":"States.Format('{}!', $.n)"},"ResultPath":"$.p","Next":"C"},
          "C":{"Type":"Choice","Choices":[{"Variable":"$.n","NumericEquals":1,"Next":"D"}],"Default":"F"},
          "D":{"Type":"Pass","Assign":{"x.$":"$.p.v"},"Next":"E"},
          "E":{"Type":"Pass","Parameters":{"x.$":"$x","all.$":"$"},"End":true},
          "F":{"Type":"Fail","Error":"E","Cause":"C"}}}
        """;

    [Fact]
    public async Task WithoutRecording_TheOutcomeIsTheSame_AndNoEventIsBuilt()
    {
        var full = await RunAsync(Chain, """{"n":1}""", null);
        var none = await RunAsync(Chain, """{"n":1}""", ExecutionRequest.NoEvents);
        Assert.Equal(ExecutionStatus.Succeeded, none.Status);
        Assert.Equal(full.Output, none.Output);
        Assert.Equal("""{"x":1,"all":{"n":1,"p":{"v":1,"s":"1!"}}}""", none.Output);
        Assert.Empty(none.History);
        Assert.Equal(12, full.History.Count);
    }

    [Fact]
    public async Task FilteredRecording_KeepsTheIdsAndChainingOfTheFullHistory()
    {
        var failures = new Func<HistoryEventType, bool>(t => t is HistoryEventType.ExecutionFailed or HistoryEventType.FailStateEntered);
        var full = await RunAsync(Chain, """{"n":2}""", null);
        var some = await RunAsync(Chain, """{"n":2}""", failures);
        Assert.Equal(ExecutionStatus.Failed, some.Status);
        Assert.Equal(["FailStateEntered", "ExecutionFailed"], some.History.Select(e => e.Type.ToString()));
        foreach (var e in some.History)
        {
            var same = full.History.Single(f => f.Id == e.Id);
            Assert.Equal(same.Type, e.Type);
            Assert.Equal(same.PreviousEventId, e.PreviousEventId);
            Assert.Equal(same.Details, e.Details);
        }
    }

    [Fact]
    public async Task WithoutRecording_PayloadLimitsAndRuntimeErrorsNamingEventIdsAreUnchanged()
    {
        // A runtime error's cause names the state's entered event id: the same with or without a recorded history.
        const string bad = """{"StartAt":"A","States":{"A":{"Type":"Pass","Next":"B"},"B":{"Type":"Pass","Parameters":{"v.$":"$.missing"},"End":true}}}""";
        var full = await RunAsync(bad, "{}", null);
        var none = await RunAsync(bad, "{}", ExecutionRequest.NoEvents);
        Assert.Equal(ExecutionStatus.Failed, none.Status);
        Assert.Equal(full.Error, none.Error);
        Assert.Equal(full.Cause, none.Cause);

        // An output over 256 KiB fails the state that produced it, and so does a pass-through of a too large input.
        var bigInput = new JsonObject { ["big"] = new string('x', 300_000) }.ToJsonString();
        foreach (var big in new[]
        {
            """{"StartAt":"A","States":{"A":{"Type":"Pass","Parameters":{"s.$":"$.big"},"Next":"B"},"B":{"Type":"Pass","End":true}}}""",
            """{"StartAt":"A","States":{"A":{"Type":"Pass","Next":"B"},"B":{"Type":"Pass","End":true}}}""",
        })
        {
            var overFull = await RunAsync(big, bigInput, null);
            var overNone = await RunAsync(big, bigInput, ExecutionRequest.NoEvents);
            Assert.Equal(StatesErrors.DataLimitExceeded, overNone.Error);
            Assert.Equal(overFull.Error, overNone.Error);
            Assert.Equal(overFull.Cause, overNone.Cause);
            Assert.Contains("'A'", overNone.Cause, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void EventBody_IsTheJsonObjectRendering_ByteForByte()
    {
        var t = new DateTimeOffset(2026, 11, 27, 8, 0, 1, 234, TimeSpan.Zero);
        const string tricky = "{\"s\":\"é <b>&amp; 'q' \\\"x\\\" \\u2028 \\ud83d\\ude00 +\"}";
        HistoryEvent[] events =
        [
            new(1, 0, t, HistoryEventType.ExecutionStarted, new ExecutionStartedEventDetails(tricky, "arn:aws:iam::000000000000:role/r", "arn:alias", "arn:version")),
            new(2, 0, t, HistoryEventType.ExecutionStarted, new ExecutionStartedEventDetails("{}", null)),
            new(3, 2, t, HistoryEventType.PassStateEntered, new StateEnteredEventDetails("Stäte \"1\"", tricky)),
            new(4, 3, t, HistoryEventType.PassStateExited, new StateExitedEventDetails("S", tricky)),
            new(5, 4, t, HistoryEventType.ChoiceStateExited, new StateExitedEventDetails("S", "[1,2]", new Dictionary<string, string> { ["a"] = "1", ["ü"] = tricky })),
            new(6, 5, t, HistoryEventType.ExecutionSucceeded, new ExecutionSucceededEventDetails("null")),
            new(7, 6, t, HistoryEventType.MapStateSucceeded, null),
            new(8, 7, t, HistoryEventType.TaskFailed, new TaskFailedEventDetails("lambda", "invoke", "E", "C")),
        ];
        foreach (var e in events)
        {
            var o = e.ToJson();
            o["timestamp"] = JsonValue.Create(e.Timestamp.ToUnixTimeMilliseconds() / 1000.0);
            Assert.Equal(o.ToJsonString(), SfnJson.EventBody(e));
        }
    }

    [Fact]
    public void Checkpoint_RoundTrips()
    {
        var cp = new ExecutionCheckpoint("Stäte", """{"a":"<é>"}""", new Dictionary<string, string> { ["x"] = "1", ["y"] = "\"s\"" }, 42, new DateTimeOffset(2026, 11, 27, 8, 0, 1, 234, TimeSpan.Zero));
        foreach (var reenter in new[] { false, true })
        {
            var text = SfnJson.Checkpoint(cp, reenter);
            var back = SfnJson.ParseCheckpoint(text);
            Assert.Equal(reenter, SfnJson.IsReentry(text));
            Assert.Equal(cp.StateName, back.StateName);
            Assert.Equal(cp.Input, back.Input);
            Assert.Equal(cp.Variables, back.Variables);
            Assert.Equal(cp.EnteredEventId, back.EnteredEventId);
            Assert.Equal(cp.EnteredTime, back.EnteredTime);
        }

        Assert.Equal(
            """{"state":"S","input":"{}","variables":{},"enteredEventId":3,"enteredTime":"2026-11-27T08:00:01.2340000Z","reenter":false}""",
            SfnJson.Checkpoint(cp with { StateName = "S", Input = "{}", Variables = new Dictionary<string, string>(), EnteredEventId = 3 }));
    }

    [Fact]
    public async Task ExpressExecutions_HaveNoExecutionHistory_ButStandardOnesDo()
    {
        using var dir = new TempDir();
        await using var host = await ServiceHost.StartAsync(dir.Path);
        var express = await host.CreateMachineAsync("x", Chain, "EXPRESS");
        var r = await host.OkAsync("StartSyncExecution", new JsonObject { ["stateMachineArn"] = express, ["input"] = """{"n":1}""" });
        Assert.Equal("SUCCEEDED", r["status"]!.GetValue<string>());
        Assert.Equal("""{"x":1,"all":{"n":1,"p":{"v":1,"s":"1!"}}}""", r["output"]!.GetValue<string>());

        // AWS: GetExecutionHistory "is not supported by EXPRESS state machines".
        var refused = await host.CallAsync("GetExecutionHistory", new JsonObject { ["executionArn"] = r["executionArn"]!.GetValue<string>() });
        Assert.Equal("StateMachineTypeNotSupported", refused["__type"]!.GetValue<string>());

        var standard = await host.CreateMachineAsync("s", Chain);
        var arn = await host.StartAsync(standard, """{"n":1}""");
        await host.WaitForStatusAsync(arn, "SUCCEEDED");
        var history = await host.HistoryAsync(arn);
        Assert.Equal(12, history.Count);
        Assert.Equal(Enumerable.Range(1, 12).Select(i => (long)i), history.Select(e => e["id"]!.GetValue<long>()));
        Assert.Equal("D", history[7]["stateEnteredEventDetails"]!["name"]!.GetValue<string>());
        Assert.Equal("1", history[8]["stateExitedEventDetails"]!["assignedVariables"]!["x"]!.GetValue<string>());
        Assert.Equal("""{"n":1,"p":{"v":1,"s":"1!"}}""", history[8]["stateExitedEventDetails"]!["output"]!.GetValue<string>());
    }

    [Fact]
    public async Task AStandardExecutionStoppedWhilePassStatesRunAhead_ResumesFromItsLastCommittedCheckpoint()
    {
        // 300 Pass states (each adds 1) and then a callback task: the Pass states run while their entries commit
        // (pipelined). Nimbus stops mid-chain; the restarted one resumes from the last committed checkpoint, runs the
        // remaining states once, and the history has each state entered exactly once, ids contiguous.
        const int n = 300;
        var states = new JsonObject();
        for (var i = 0; i < n; i++)
        {
            states[$"P{i}"] = new JsonObject
            {
                ["Type"] = "Pass", ["Parameters"] = new JsonObject { ["n.$"] = "States.MathAdd($.n, 1)" }, ["Next"] = i == n - 1 ? "Ask" : $"P{i + 1}",
            };
        }

        states["Ask"] = JsonNode.Parse("""
            {"Type":"Task","Resource":"arn:aws:states:::sqs:sendMessage.waitForTaskToken","Parameters":{"MessageBody":{"token.$":"$$.Task.Token","n.$":"$.n"}},"End":true}
            """);
        var definition = new JsonObject { ["StartAt"] = "P0", ["States"] = states }.ToJsonString();
        using var dir = new TempDir();
        string exec;
        await using (var first = await ServiceHost.StartAsync(dir.Path))
        {
            var sm = await first.CreateMachineAsync("ahead", definition);
            exec = await first.StartAsync(sm, """{"n":0}""");
            await ServiceHost.PollAsync(() => first.HistoryAsync(exec), h => h.Count >= 40, "the chain to be under way");
        }

        await using var second = await ServiceHost.StartAsync(dir.Path);
        var scheduled = await ServiceHost.PollAsync(
            () => second.HistoryAsync(exec),
            h => h.Any(e => e["type"]!.GetValue<string>() == "TaskScheduled"),
            "the callback task to be scheduled");
        var body = JsonNode.Parse(scheduled.Single(e => e["type"]!.GetValue<string>() == "TaskScheduled")["taskScheduledEventDetails"]!["parameters"]!.GetValue<string>())!["MessageBody"]!;
        Assert.Equal(n, body["n"]!.GetValue<int>());
        await ServiceHost.PollAsync(
            () => second.CallAsync("SendTaskSuccess", new JsonObject { ["taskToken"] = body["token"]!.GetValue<string>(), ["output"] = """{"done":true}""" }),
            r => !r.ContainsKey("__type"),
            "the resumed task to accept its token");
        await second.WaitForStatusAsync(exec, "SUCCEEDED");
        var history = await second.HistoryAsync(exec);
        Assert.Equal(Enumerable.Range(1, history.Count).Select(i => (long)i), history.Select(e => e["id"]!.GetValue<long>()));
        var entered = history.Where(e => e["type"]!.GetValue<string>() == "PassStateEntered").Select(e => e["stateEnteredEventDetails"]!["name"]!.GetValue<string>()).ToList();
        Assert.Equal(Enumerable.Range(0, n).Select(i => $"P{i}"), entered);
        var exited = history.Where(e => e["type"]!.GetValue<string>() == "PassStateExited").ToList();
        Assert.Equal(n, exited.Count);
        Assert.Equal($$"""{"n":{{n}}}""", exited[^1]["stateExitedEventDetails"]!["output"]!.GetValue<string>());
    }
}
