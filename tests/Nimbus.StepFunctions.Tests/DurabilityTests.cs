using System.Text.Json.Nodes;

namespace Nimbus.StepFunctions.Tests;

public sealed class DurabilityTests
{
    private const string TaskThenWait = """
        {"StartAt":"Call","States":{
          "Call":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","Parameters":{"FunctionName":"echo","Payload.$":"$"},"ResultSelector":{"call.$":"$.Payload.call"},"ResultPath":"$.first","Next":"Nap"},
          "Nap":{"Type":"Wait","Seconds":3600,"Next":"After"},
          "After":{"Type":"Pass","Assign":{"seen.$":"$.first.call"},"Next":"Again"},
          "Again":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","Parameters":{"FunctionName":"echo","Payload":{"v.$":"$seen"}},"OutputPath":"$.Payload","End":true}}}
        """;

    [Fact]
    public async Task AWaitDueWhileNimbusWasDownFiresAtStartupWithoutRepeatingWork()
    {
        using var dir = new TempDir();
        var functions = new CountingFunctions();
        string exec;
        await using (var first = await ServiceHost.StartAsync(dir.Path, functions))
        {
            var sm = await first.CreateMachineAsync("durable", TaskThenWait);
            exec = await first.StartAsync(sm, """{"in":1}""", "restart-me");
            await ServiceHost.PollAsync(
                () => first.HistoryAsync(exec),
                h => h.Any(e => e["type"]!.GetValue<string>() == "WaitStateEntered"),
                "the execution to reach the Wait");
        }

        Assert.Equal(1, functions.Calls);

        // Two hours later: the one-hour wait is overdue and fires as soon as the service starts.
        await using var second = await ServiceHost.StartAsync(dir.Path, functions, new ShiftedClock(TimeSpan.FromHours(2)));
        var done = await second.WaitForStatusAsync(exec, "SUCCEEDED");
        Assert.Equal(2, functions.Calls);
        var output = JsonNode.Parse(done["output"]!.GetValue<string>())!;
        Assert.Equal(1, output["echo"]!["v"]!.GetValue<int>());
        Assert.Equal(2, output["call"]!.GetValue<int>());

        var history = await second.HistoryAsync(exec);
        Assert.Equal(Enumerable.Range(1, history.Count).Select(i => (long)i), history.Select(e => e["id"]!.GetValue<long>()));
        var types = history.Select(e => e["type"]!.GetValue<string>()).ToList();
        Assert.Equal(
            [
                "ExecutionStarted", "TaskStateEntered", "TaskScheduled", "TaskStarted", "TaskSucceeded", "TaskStateExited",
                "WaitStateEntered", "WaitStateExited", "PassStateEntered", "PassStateExited",
                "TaskStateEntered", "TaskScheduled", "TaskStarted", "TaskSucceeded", "TaskStateExited", "ExecutionSucceeded",
            ],
            types);
        Assert.Equal(history[6]["id"]!.GetValue<long>(), history[7]["previousEventId"]!.GetValue<long>());
        Assert.Equal("""{"seen":"1"}""", history[9]["stateExitedEventDetails"]!["assignedVariables"]!.ToJsonString());
    }

    [Fact]
    public async Task AWaitInterruptedByARestartKeepsItsDueTime()
    {
        using var dir = new TempDir();
        string exec;
        double entered;
        await using (var first = await ServiceHost.StartAsync(dir.Path))
        {
            var sm = await first.CreateMachineAsync("short", """{"StartAt":"Nap","States":{"Nap":{"Type":"Wait","Seconds":1,"Next":"Done"},"Done":{"Type":"Succeed"}}}""");
            exec = await first.StartAsync(sm);
            var h = await ServiceHost.PollAsync(
                () => first.HistoryAsync(exec),
                h => h.Any(e => e["type"]!.GetValue<string>() == "WaitStateEntered"),
                "the execution to reach the Wait");
            entered = h.Single(e => e["type"]!.GetValue<string>() == "WaitStateEntered")["timestamp"]!.GetValue<double>();
        }

        await using var second = await ServiceHost.StartAsync(dir.Path);
        await second.WaitForStatusAsync(exec, "SUCCEEDED");
        var history = await second.HistoryAsync(exec);
        Assert.Equal(["ExecutionStarted", "WaitStateEntered", "WaitStateExited", "SucceedStateEntered", "SucceedStateExited", "ExecutionSucceeded"], history.Select(e => e["type"]!.GetValue<string>()));
        Assert.Equal(entered, history[1]["timestamp"]!.GetValue<double>());
        Assert.True(history[2]["timestamp"]!.GetValue<double>() >= entered + 0.9, "the wait must not be cut short by the restart");
    }

    [Fact]
    public async Task ACallbackTaskSurvivesARestartWithTheSameToken()
    {
        using var dir = new TempDir();
        const string definition = """
            {"StartAt":"Ask","States":{"Ask":{"Type":"Task","Resource":"arn:aws:states:::sqs:sendMessage.waitForTaskToken","Parameters":{"MessageBody":{"token.$":"$$.Task.Token"}},"End":true}}}
            """;
        string exec, token;
        await using (var first = await ServiceHost.StartAsync(dir.Path))
        {
            var sm = await first.CreateMachineAsync("cb", definition);
            exec = await first.StartAsync(sm);
            token = await TokenAsync(first, exec);
        }

        await using var second = await ServiceHost.StartAsync(dir.Path);
        var resumedToken = await TokenAsync(second, exec);
        Assert.Equal(token, resumedToken);
        await ServiceHost.PollAsync(
            () => second.CallAsync("SendTaskSuccess", new JsonObject { ["taskToken"] = token, ["output"] = """{"done":true}""" }),
            r => !r.ContainsKey("__type"),
            "the resumed task to accept its token");
        var d = await second.WaitForStatusAsync(exec, "SUCCEEDED");
        Assert.Equal("""{"done":true}""", d["output"]!.GetValue<string>());
        var history = await second.HistoryAsync(exec);
        Assert.Single(history, e => e["type"]!.GetValue<string>() == "TaskScheduled");
        Assert.Single(history, e => e["type"]!.GetValue<string>() == "TaskStateEntered");
    }

    private static async Task<string> TokenAsync(ServiceHost host, string exec)
    {
        var h = await ServiceHost.PollAsync(
            () => host.HistoryAsync(exec),
            h => h.Any(e => e["type"]!.GetValue<string>() == "TaskScheduled"),
            "the callback task to be scheduled");
        var p = h.Single(e => e["type"]!.GetValue<string>() == "TaskScheduled")["taskScheduledEventDetails"]!["parameters"]!.GetValue<string>();
        return JsonNode.Parse(p)!["MessageBody"]!["token"]!.GetValue<string>();
    }
}
