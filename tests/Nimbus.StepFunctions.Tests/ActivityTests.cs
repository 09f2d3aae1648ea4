using System.Text.Json.Nodes;

namespace Nimbus.StepFunctions.Tests;

/// <summary>Timers run <c>factor</c> times faster than the wall clock (a 60 s long poll ends in 60 ms); the time of day is real.</summary>
internal sealed class FastTimers(int factor) : TimeProvider
{
    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period) =>
        base.CreateTimer(callback, state, Scale(dueTime), Scale(period));

    private TimeSpan Scale(TimeSpan t) => t == Timeout.InfiniteTimeSpan || t <= TimeSpan.Zero ? t : t / factor;
}

public sealed class ActivityTests
{
    private static string Machine(string activityArn, string extra = "") => """
        {"StartAt":"Work","States":{"Work":{"Type":"Task","Resource":"ACTIVITY",EXTRA"Parameters":{"n.$":"$.n"},"ResultPath":"$.r","End":true}}}
        """.Replace("ACTIVITY", activityArn, StringComparison.Ordinal).Replace("EXTRA", extra, StringComparison.Ordinal);

    private static string[] Types(List<JsonObject> history) => [.. history.Select(e => e["type"]!.GetValue<string>())];

    [Fact]
    public async Task ActivitiesAreCreatedIdempotentlyDescribedListedAndDeleted()
    {
        using var dir = new TempDir();
        await using var host = await ServiceHost.StartAsync(dir.Path);
        var created = await host.OkAsync("CreateActivity", new JsonObject { ["name"] = "worker-a" });
        var arn = created["activityArn"]!.GetValue<string>();
        Assert.Equal("arn:aws:states:us-east-1:000000000000:activity:worker-a", arn);
        var again = await host.OkAsync("CreateActivity", new JsonObject { ["name"] = "worker-a", ["tags"] = new JsonArray(new JsonObject { ["key"] = "k", ["value"] = "v" }) });
        Assert.Equal(created["creationDate"]!.GetValue<double>(), again["creationDate"]!.GetValue<double>());
        Assert.Empty((await host.OkAsync("ListTagsForResource", new JsonObject { ["resourceArn"] = arn }))["tags"]!.AsArray());

        for (var i = 0; i < 3; i++)
        {
            await host.OkAsync("CreateActivity", new JsonObject { ["name"] = $"w{i}" });
        }

        var page = await host.OkAsync("ListActivities", new JsonObject { ["maxResults"] = 3 });
        Assert.Equal(3, page["activities"]!.AsArray().Count);
        var rest = await host.OkAsync("ListActivities", new JsonObject { ["nextToken"] = page["nextToken"]!.GetValue<string>() });
        Assert.Single(rest["activities"]!.AsArray());
        Assert.Null(rest["nextToken"]);

        var described = await host.OkAsync("DescribeActivity", new JsonObject { ["activityArn"] = arn });
        Assert.Equal("worker-a", described["name"]!.GetValue<string>());

        await host.OkAsync("DeleteActivity", new JsonObject { ["activityArn"] = arn });
        await host.OkAsync("DeleteActivity", new JsonObject { ["activityArn"] = arn });
        var gone = await host.CallAsync("DescribeActivity", new JsonObject { ["activityArn"] = arn });
        Assert.Equal("ActivityDoesNotExist", gone["__type"]!.GetValue<string>());
        var poll = await host.CallAsync("GetActivityTask", new JsonObject { ["activityArn"] = arn });
        Assert.Equal("ActivityDoesNotExist", poll["__type"]!.GetValue<string>());
        var bad = await host.CallAsync("DescribeActivity", new JsonObject { ["activityArn"] = "arn:aws:states:us-east-1:000000000000:stateMachine:x" });
        Assert.Equal("InvalidArn", bad["__type"]!.GetValue<string>());
        var badName = await host.CallAsync("CreateActivity", new JsonObject { ["name"] = "a b" });
        Assert.Equal("InvalidName", badName["__type"]!.GetValue<string>());
    }

    [Fact]
    public async Task AWaitingWorkerIsWokenByTheScheduledTaskAndItsAnswerCompletesTheState()
    {
        using var dir = new TempDir();
        await using var host = await ServiceHost.StartAsync(dir.Path);
        var activity = (await host.OkAsync("CreateActivity", new JsonObject { ["name"] = "act" }))["activityArn"]!.GetValue<string>();
        var sm = await host.CreateMachineAsync("uses-act", Machine(activity, "\"TimeoutSeconds\":30,\"HeartbeatSeconds\":20,"));

        // The poll starts first and is answered when the execution schedules the task (no busy polling on either side).
        var poll = host.OkAsync("GetActivityTask", new JsonObject { ["activityArn"] = activity, ["workerName"] = "w-1" });
        await Task.Delay(100);
        Assert.False(poll.IsCompleted);
        var exec = await host.StartAsync(sm, """{"n":7}""");
        var task = await poll.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal("""{"n":7}""", task["input"]!.GetValue<string>());
        var token = task["taskToken"]!.GetValue<string>();

        await host.OkAsync("SendTaskHeartbeat", new JsonObject { ["taskToken"] = token });
        await host.OkAsync("SendTaskSuccess", new JsonObject { ["taskToken"] = token, ["output"] = """{"done":7}""" });
        var d = await host.WaitForStatusAsync(exec, "SUCCEEDED");
        Assert.Equal("""{"n":7,"r":{"done":7}}""", d["output"]!.GetValue<string>());

        var history = await host.HistoryAsync(exec);
        Assert.Equal(
            ["ExecutionStarted", "TaskStateEntered", "ActivityScheduled", "ActivityStarted", "ActivitySucceeded", "TaskStateExited", "ExecutionSucceeded"],
            Types(history));
        var scheduled = history[2]["activityScheduledEventDetails"]!;
        Assert.Equal(activity, scheduled["resource"]!.GetValue<string>());
        Assert.Equal("""{"n":7}""", scheduled["input"]!.GetValue<string>());
        Assert.Equal(30, scheduled["timeoutInSeconds"]!.GetValue<long>());
        Assert.Equal(20, scheduled["heartbeatInSeconds"]!.GetValue<long>());
        Assert.Equal("w-1", history[3]["activityStartedEventDetails"]!["workerName"]!.GetValue<string>());
        Assert.Equal("""{"done":7}""", history[4]["activitySucceededEventDetails"]!["output"]!.GetValue<string>());

        var twice = await host.CallAsync("SendTaskSuccess", new JsonObject { ["taskToken"] = token, ["output"] = "{}" });
        Assert.Equal("TaskDoesNotExist", twice["__type"]!.GetValue<string>());
    }

    [Fact]
    public async Task TasksQueueUntilAWorkerPollsAndFailuresAreCatchable()
    {
        using var dir = new TempDir();
        await using var host = await ServiceHost.StartAsync(dir.Path);
        var activity = (await host.OkAsync("CreateActivity", new JsonObject { ["name"] = "act" }))["activityArn"]!.GetValue<string>();
        var sm = await host.CreateMachineAsync("catching", """
            {"StartAt":"Work","States":{
              "Work":{"Type":"Task","Resource":"ACTIVITY","Catch":[{"ErrorEquals":["Worker.Bad"],"ResultPath":"$.err","Next":"Handled"}],"End":true},
              "Handled":{"Type":"Pass","End":true}}}
            """.Replace("ACTIVITY", activity, StringComparison.Ordinal));
        var first = await host.StartAsync(sm, """{"i":1}""");
        var second = await host.StartAsync(sm, """{"i":2}""");
        await ServiceHost.PollAsync(() => host.HistoryAsync(second), h => h.Any(e => e["type"]!.GetValue<string>() == "ActivityScheduled"), "the second task to be scheduled");

        var a = await host.OkAsync("GetActivityTask", new JsonObject { ["activityArn"] = activity });
        var b = await host.OkAsync("GetActivityTask", new JsonObject { ["activityArn"] = activity });
        var byInput = new[] { a, b }.ToDictionary(t => t["input"]!.GetValue<string>(), t => t["taskToken"]!.GetValue<string>());
        Assert.Equal(2, byInput.Count);
        await host.OkAsync("SendTaskFailure", new JsonObject { ["taskToken"] = byInput["""{"i":1}"""], ["error"] = "Worker.Bad", ["cause"] = "broken" });
        await host.OkAsync("SendTaskFailure", new JsonObject { ["taskToken"] = byInput["""{"i":2}"""], ["error"] = "Other", ["cause"] = "nope" });

        var d1 = await host.WaitForStatusAsync(first, "SUCCEEDED");
        Assert.Equal("""{"i":1,"err":{"Error":"Worker.Bad","Cause":"broken"}}""", d1["output"]!.GetValue<string>());
        var d2 = await host.WaitForStatusAsync(second, "FAILED");
        Assert.Equal("Other", d2["error"]!.GetValue<string>());
        var failed = (await host.HistoryAsync(second)).Single(e => e["type"]!.GetValue<string>() == "ActivityFailed");
        Assert.Equal("nope", failed["activityFailedEventDetails"]!["cause"]!.GetValue<string>());
        Assert.Equal("ActivityStarted", (await host.HistoryAsync(first))[3]["type"]!.GetValue<string>());
    }

    [Fact]
    public async Task AStartedTaskWithoutHeartbeatsTimesOutAndHeartbeatsKeepItAlive()
    {
        using var dir = new TempDir();
        await using var host = await ServiceHost.StartAsync(dir.Path);
        var activity = (await host.OkAsync("CreateActivity", new JsonObject { ["name"] = "hb" }))["activityArn"]!.GetValue<string>();
        var sm = await host.CreateMachineAsync("hb", Machine(activity, "\"HeartbeatSeconds\":1,"));

        var silent = await host.StartAsync(sm, """{"n":1}""");
        await host.OkAsync("GetActivityTask", new JsonObject { ["activityArn"] = activity });
        var d = await host.WaitForStatusAsync(silent, "FAILED");
        Assert.Equal("States.HeartbeatTimeout", d["error"]!.GetValue<string>());
        Assert.Contains("ActivityTimedOut", Types(await host.HistoryAsync(silent)));

        var alive = await host.StartAsync(sm, """{"n":2}""");
        var token = (await host.OkAsync("GetActivityTask", new JsonObject { ["activityArn"] = activity }))["taskToken"]!.GetValue<string>();
        for (var i = 0; i < 5; i++)
        {
            await Task.Delay(400);
            await host.OkAsync("SendTaskHeartbeat", new JsonObject { ["taskToken"] = token });
        }

        await host.OkAsync("SendTaskSuccess", new JsonObject { ["taskToken"] = token, ["output"] = "1" });
        await host.WaitForStatusAsync(alive, "SUCCEEDED");
    }

    [Fact]
    public async Task AnUntakenTaskTimesOutIsWithdrawnAndAnEmptyPollAnswersWithoutAToken()
    {
        using var dir = new TempDir();
        await using var host = await ServiceHost.StartAsync(dir.Path, clock: new FastTimers(1000));
        var activity = (await host.OkAsync("CreateActivity", new JsonObject { ["name"] = "slow" }))["activityArn"]!.GetValue<string>();
        var sm = await host.CreateMachineAsync("to", Machine(activity, "\"TimeoutSeconds\":5,"));
        var exec = await host.StartAsync(sm, """{"n":1}""");
        var d = await host.WaitForStatusAsync(exec, "FAILED");
        Assert.Equal("States.Timeout", d["error"]!.GetValue<string>());
        Assert.Equal(
            ["ExecutionStarted", "TaskStateEntered", "ActivityScheduled", "ActivityTimedOut", "ExecutionFailed"],
            Types(await host.HistoryAsync(exec)));

        // The long poll (60 s, here 60 ms of fast timers) finds nothing: the timed-out task was withdrawn.
        var empty = await host.OkAsync("GetActivityTask", new JsonObject { ["activityArn"] = activity });
        Assert.False(empty.ContainsKey("taskToken"));
    }

    [Fact]
    public async Task ActivitiesAndTheirWaitingTasksSurviveARestart()
    {
        using var dir = new TempDir();
        string activity, exec;
        await using (var first = await ServiceHost.StartAsync(dir.Path))
        {
            activity = (await first.OkAsync("CreateActivity", new JsonObject { ["name"] = "durable" }))["activityArn"]!.GetValue<string>();
            var sm = await first.CreateMachineAsync("durable", Machine(activity));
            exec = await first.StartAsync(sm, """{"n":3}""");
            await ServiceHost.PollAsync(() => first.HistoryAsync(exec), h => h.Any(e => e["type"]!.GetValue<string>() == "ActivityScheduled"), "the task to be scheduled");
        }

        await using var second = await ServiceHost.StartAsync(dir.Path);
        Assert.Equal("durable", (await second.OkAsync("DescribeActivity", new JsonObject { ["activityArn"] = activity }))["name"]!.GetValue<string>());
        var task = await second.OkAsync("GetActivityTask", new JsonObject { ["activityArn"] = activity, ["workerName"] = "after-restart" });
        Assert.Equal("""{"n":3}""", task["input"]!.GetValue<string>());
        await second.OkAsync("SendTaskSuccess", new JsonObject { ["taskToken"] = task["taskToken"]!.GetValue<string>(), ["output"] = "\"ok\"" });
        await second.WaitForStatusAsync(exec, "SUCCEEDED");
        var history = await second.HistoryAsync(exec);
        Assert.Single(history, e => e["type"]!.GetValue<string>() == "ActivityScheduled");
        Assert.Equal("after-restart", history.Single(e => e["type"]!.GetValue<string>() == "ActivityStarted")["activityStartedEventDetails"]!["workerName"]!.GetValue<string>());
    }
}
