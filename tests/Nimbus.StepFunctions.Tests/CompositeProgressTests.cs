using System.Collections.Concurrent;
using System.Text;
using System.Text.Json.Nodes;
using Nimbus.Core.Functions;
using Nimbus.Storage.Sqlite;

namespace Nimbus.StepFunctions.Tests;

/// <summary>
/// A Lambda stand-in: <c>ok</c> echoes its payload; <c>flaky</c> fails (errorType <c>Flaky</c>) for payloads with
/// <c>"fail": true</c> while <see cref="Failing"/> is set; <c>slow</c> waits for <see cref="Release"/> (when set). Calls are
/// counted by function and by payload item <c>i</c>.
/// </summary>
internal sealed class ScriptedFunctions : IFunctionInvoker
{
    private int _inFlight;

    public volatile bool Failing = true;

    public volatile TaskCompletionSource? Release;

    public ConcurrentDictionary<string, int> Calls { get; } = new(StringComparer.Ordinal);

    public int InFlight => Volatile.Read(ref _inFlight);

    public int MaxInFlight;

    public int CallsOf(string key) => Calls.GetValueOrDefault(key);

    public async ValueTask<FunctionInvocationResult> InvokeAsync(FunctionInvocation invocation, CancellationToken cancellationToken = default)
    {
        var payload = JsonNode.Parse(invocation.Payload.Span) ?? new JsonObject();
        var name = invocation.FunctionName;
        Calls.AddOrUpdate(name, 1, (_, n) => n + 1);
        if (payload["i"] is { } i)
        {
            Calls.AddOrUpdate($"{name}:{i.ToJsonString()}", 1, (_, n) => n + 1);
        }

        if (name == "slow" && Release is { } release)
        {
            var now = Interlocked.Increment(ref _inFlight);
            InterlockedMax(ref MaxInFlight, now);
            try
            {
                await release.Task.WaitAsync(cancellationToken);
            }
            finally
            {
                Interlocked.Decrement(ref _inFlight);
            }
        }

        if (name == "flaky" && Failing && payload["fail"]?.GetValue<bool>() == true)
        {
            return new FunctionInvocationResult(200, Encoding.UTF8.GetBytes("""{"errorType":"Flaky","errorMessage":"not yet"}"""), "Unhandled", "$LATEST", null);
        }

        return new FunctionInvocationResult(200, Encoding.UTF8.GetBytes(payload.ToJsonString()), null, "$LATEST", null);
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int current;
        while ((current = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, current) != current)
        {
        }
    }
}

public sealed class CompositeProgressTests
{
    private static string Call(string function) =>
        """{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","Parameters":{"FunctionName":"@@0@@","Payload.$":"$"},"OutputPath":"$.Payload","End":true}""".Replace("@@0@@", function, StringComparison.Ordinal);

    private static string MapMachine(string mode, string limits = "\"ToleratedFailureCount\":0") => """
        {"StartAt":"Fan","States":{"Fan":{"Type":"Map","ItemsPath":"$.items",@@0@@,
          "ItemProcessor":{"ProcessorConfig":{"Mode":"@@1@@","ExecutionType":"STANDARD"},"StartAt":"Route","States":{
            "Route":{"Type":"Choice","Choices":[{"Variable":"$.slow","IsPresent":true,"Next":"Slow"}],"Default":"Call"},
            "Slow":@@2@@,
            "Call":@@3@@}},"End":true}}}
        """.Replace("@@0@@", limits, StringComparison.Ordinal).Replace("@@1@@", mode, StringComparison.Ordinal).Replace("@@2@@", Call("slow"), StringComparison.Ordinal).Replace("@@3@@", Call("flaky"), StringComparison.Ordinal);

    private const string FiveItems = """{"items":[{"i":0},{"i":1,"fail":true},{"i":2},{"i":3,"fail":true},{"i":4}]}""";

    private static List<string> Types(List<JsonObject> history) => [.. history.Select(e => e["type"]!.GetValue<string>())];

    private static List<int> IterationIndexes(IEnumerable<JsonObject> events, string type) =>
        [.. events.Where(e => e["type"]!.GetValue<string>() == type).Select(e => e["mapIterationStartedEventDetails"]!["index"]!.GetValue<int>()).Order()];

    private static void AssertContiguous(List<JsonObject> history)
    {
        Assert.Equal(Enumerable.Range(1, history.Count).Select(i => (long)i), history.Select(e => e["id"]!.GetValue<long>()));
        foreach (var e in history)
        {
            Assert.True(e["previousEventId"]!.GetValue<long>() < e["id"]!.GetValue<long>());
        }
    }

    [Fact]
    public async Task ARedrivenInlineMapRerunsOnlyTheFailedIterationsAndKeepsTheOthersResults()
    {
        using var dir = new TempDir();
        var functions = new ScriptedFunctions();
        await using var host = await ServiceHost.StartAsync(dir.Path, functions);
        var sm = await host.CreateMachineAsync("inline", MapMachine("INLINE"));
        var exec = await host.StartAsync(sm, FiveItems);
        var failed = await host.WaitForStatusAsync(exec, "FAILED");
        Assert.Equal("States.ExceedToleratedFailureThreshold", failed["error"]!.GetValue<string>());
        Assert.Equal(5, functions.CallsOf("flaky"));
        var before = (await host.HistoryAsync(exec)).Count;

        functions.Failing = false;
        await host.OkAsync("RedriveExecution", new JsonObject { ["executionArn"] = exec });
        var done = await host.WaitForStatusAsync(exec, "SUCCEEDED");
        Assert.Equal(7, functions.CallsOf("flaky"));
        Assert.Equal(2, functions.CallsOf("flaky:1"));
        Assert.Equal(2, functions.CallsOf("flaky:3"));
        Assert.Equal(1, functions.CallsOf("flaky:0"));
        Assert.Equal(1, done["redriveCount"]!.GetValue<int>());
        Assert.Equal(
            """[{"i":0},{"i":1,"fail":true},{"i":2},{"i":3,"fail":true},{"i":4}]""",
            done["output"]!.GetValue<string>());

        var history = await host.HistoryAsync(exec);
        AssertContiguous(history);
        var after = history.Skip(before).ToList();
        Assert.Equal("ExecutionRedriven", after[0]["type"]!.GetValue<string>());
        Assert.Equal("MapStateEntered", after[1]["type"]!.GetValue<string>());
        Assert.Equal([1, 3], IterationIndexes(after, "MapIterationStarted"));
        Assert.Equal("ExecutionSucceeded", after[^1]["type"]!.GetValue<string>());
    }

    [Fact]
    public async Task ARedrivenParallelRerunsOnlyTheFailedBranch()
    {
        using var dir = new TempDir();
        var functions = new ScriptedFunctions();
        await using var host = await ServiceHost.StartAsync(dir.Path, functions);
        var sm = await host.CreateMachineAsync("par", """
            {"StartAt":"Both","States":{"Both":{"Type":"Parallel","End":true,"Branches":[
              {"StartAt":"A","States":{"A":@@0@@}},
              {"StartAt":"B","States":{"B":@@1@@}}]}}}
            """.Replace("@@0@@", Call("ok"), StringComparison.Ordinal).Replace("@@1@@", Call("flaky"), StringComparison.Ordinal));
        var exec = await host.StartAsync(sm, """{"i":9,"fail":true}""");
        await host.WaitForStatusAsync(exec, "FAILED");
        Assert.Equal(1, functions.CallsOf("ok"));

        functions.Failing = false;
        await host.OkAsync("RedriveExecution", new JsonObject { ["executionArn"] = exec });
        var done = await host.WaitForStatusAsync(exec, "SUCCEEDED");
        Assert.Equal(1, functions.CallsOf("ok"));
        Assert.Equal(2, functions.CallsOf("flaky"));
        Assert.Equal("""[{"i":9,"fail":true},{"i":9,"fail":true}]""", done["output"]!.GetValue<string>());
        var history = await host.HistoryAsync(exec);
        AssertContiguous(history);
        var redriven = history.FindIndex(e => e["type"]!.GetValue<string>() == "ExecutionRedriven");
        Assert.DoesNotContain(history.Skip(redriven), e => e["stateEnteredEventDetails"]?["name"]?.GetValue<string>() == "A");
        Assert.Single(history.Skip(redriven), e => e["stateEnteredEventDetails"]?["name"]?.GetValue<string>() == "B");
    }

    [Fact]
    public async Task ARedrivenDistributedMapRedrivesItsMapRun()
    {
        using var dir = new TempDir();
        var functions = new ScriptedFunctions();
        await using var host = await ServiceHost.StartAsync(dir.Path, functions);
        // The run fails as soon as the threshold is exceeded (item 3): item 4 never starts.
        var sm = await host.CreateMachineAsync("dist", MapMachine("DISTRIBUTED", "\"MaxConcurrency\":1,\"ToleratedFailureCount\":1"));
        var exec = await host.StartAsync(sm, FiveItems);
        await host.WaitForStatusAsync(exec, "FAILED");
        var mapRunArn = Assert.Single((await host.OkAsync("ListMapRuns", new JsonObject { ["executionArn"] = exec }))["mapRuns"]!.AsArray())!["mapRunArn"]!.GetValue<string>();
        var failedRun = await host.OkAsync("DescribeMapRun", new JsonObject { ["mapRunArn"] = mapRunArn });
        Assert.Equal("FAILED", failedRun["status"]!.GetValue<string>());
        Assert.Equal(2, failedRun["itemCounts"]!["failed"]!.GetValue<int>());
        Assert.Equal(2, failedRun["itemCounts"]!["succeeded"]!.GetValue<int>());
        Assert.Equal(1, failedRun["itemCounts"]!["aborted"]!.GetValue<int>());
        Assert.Equal(0, failedRun["redriveCount"]!.GetValue<int>());

        functions.Failing = false;
        await host.OkAsync("RedriveExecution", new JsonObject { ["executionArn"] = exec });
        await host.WaitForStatusAsync(exec, "SUCCEEDED");
        Assert.Equal(7, functions.CallsOf("flaky"));
        Assert.Equal(1, functions.CallsOf("flaky:4"));
        Assert.Equal(1, functions.CallsOf("flaky:2"));

        var run = await host.OkAsync("DescribeMapRun", new JsonObject { ["mapRunArn"] = mapRunArn });
        Assert.Equal("SUCCEEDED", run["status"]!.GetValue<string>());
        Assert.Equal(1, run["redriveCount"]!.GetValue<int>());
        Assert.NotNull(run["redriveDate"]);
        Assert.Equal(5, run["itemCounts"]!["succeeded"]!.GetValue<int>());
        Assert.Equal(0, run["itemCounts"]!["failed"]!.GetValue<int>());
        Assert.Equal(0, run["executionCounts"]!["pendingRedrive"]!.GetValue<int>());
        Assert.Single((await host.OkAsync("ListMapRuns", new JsonObject { ["executionArn"] = exec }))["mapRuns"]!.AsArray());

        var history = await host.HistoryAsync(exec);
        AssertContiguous(history);
        var redriven = Assert.Single(history, e => e["type"]!.GetValue<string>() == "MapRunRedriven");
        Assert.Equal(mapRunArn, redriven["mapRunRedrivenEventDetails"]!["mapRunArn"]!.GetValue<string>());
        Assert.Equal(1, redriven["mapRunRedrivenEventDetails"]!["redriveCount"]!.GetValue<int>());
        Assert.Single(history, e => e["type"]!.GetValue<string>() == "MapRunStarted");
    }

    private static long ProgressRows(ServiceHost host)
    {
        using var c = host.Service<StateStore>().Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = "SELECT COUNT(*) FROM sfn_composite_progress";
        return (long)cmd.ExecuteScalar()!;
    }

    [Theory]
    [InlineData("INLINE")]
    [InlineData("DISTRIBUTED")]
    public async Task ARestartInTheMiddleOfAMapRunsOnlyTheUnfinishedIterations(string mode)
    {
        using var dir = new TempDir();
        var functions = new ScriptedFunctions { Release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously) };
        string exec;
        const string items = """{"items":[{"i":0},{"i":1,"slow":1},{"i":2},{"i":3,"slow":1}]}""";
        await using (var first = await ServiceHost.StartAsync(dir.Path, functions))
        {
            var sm = await first.CreateMachineAsync("resume", MapMachine(mode, "\"MaxConcurrency\":4"));
            exec = await first.StartAsync(sm, items);

            // Items 0 and 2 are durably recorded (with the header row); 1 and 3 are in flight.
            await ServiceHost.PollAsync(() => Task.FromResult((ProgressRows(first), functions.InFlight)), p => p == (3, 2), "two finished iterations and two in flight");
        }

        Assert.Equal(2, functions.CallsOf("flaky"));
        functions.Release = null;
        await using var second = await ServiceHost.StartAsync(dir.Path, functions);
        var done = await second.WaitForStatusAsync(exec, "SUCCEEDED");
        Assert.Equal(2, functions.CallsOf("flaky"));
        Assert.Equal(4, functions.CallsOf("slow"));
        Assert.Equal("""[{"i":0},{"i":1,"slow":1},{"i":2},{"i":3,"slow":1}]""", done["output"]!.GetValue<string>());

        var history = await second.HistoryAsync(exec);
        AssertContiguous(history);
        var types = Types(history);
        Assert.Single(types, t => t == "MapStateStarted");
        Assert.Single(types, t => t == "MapStateSucceeded");
        if (mode == "INLINE")
        {
            Assert.Equal([0, 1, 2, 3], IterationIndexes(history, "MapIterationStarted"));
            Assert.Equal(4, types.Count(t => t == "MapIterationSucceeded"));
        }
        else
        {
            Assert.Single(types, t => t == "MapRunStarted");
            var run = Assert.Single((await second.OkAsync("ListMapRuns", new JsonObject { ["executionArn"] = exec }))["mapRuns"]!.AsArray())!;
            var d = await second.OkAsync("DescribeMapRun", new JsonObject { ["mapRunArn"] = run["mapRunArn"]!.GetValue<string>() });
            Assert.Equal("SUCCEEDED", d["status"]!.GetValue<string>());
            Assert.Equal(4, d["itemCounts"]!["succeeded"]!.GetValue<int>());
        }
    }

    [Fact]
    public async Task ARestartInTheMiddleOfAParallelRunsOnlyTheUnfinishedBranches()
    {
        using var dir = new TempDir();
        var functions = new ScriptedFunctions { Release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously) };
        string exec;
        await using (var first = await ServiceHost.StartAsync(dir.Path, functions))
        {
            var sm = await first.CreateMachineAsync("par", """
                {"StartAt":"Both","States":{"Both":{"Type":"Parallel","Next":"Done","Branches":[
                  {"StartAt":"A","States":{"A":@@0@@}},
                  {"StartAt":"B","States":{"B":@@1@@}}]},
                  "Done":{"Type":"Pass","End":true}}}
                """.Replace("@@0@@", Call("ok"), StringComparison.Ordinal).Replace("@@1@@", Call("slow"), StringComparison.Ordinal));
            exec = await first.StartAsync(sm, """{"i":5}""");
            await ServiceHost.PollAsync(() => Task.FromResult((ProgressRows(first), functions.InFlight)), p => p == (2, 1), "branch A recorded, B in flight");
        }

        functions.Release = null;
        await using var second = await ServiceHost.StartAsync(dir.Path, functions);
        var done = await second.WaitForStatusAsync(exec, "SUCCEEDED");
        Assert.Equal(1, functions.CallsOf("ok"));
        Assert.Equal(2, functions.CallsOf("slow"));
        Assert.Equal("""[{"i":5},{"i":5}]""", done["output"]!.GetValue<string>());
        var history = await second.HistoryAsync(exec);
        AssertContiguous(history);
        var types = Types(history);
        Assert.Single(types, t => t == "ParallelStateStarted");
        Assert.Single(history, e => e["stateEnteredEventDetails"]?["name"]?.GetValue<string>() == "A");
        Assert.Single(history, e => e["stateEnteredEventDetails"]?["name"]?.GetValue<string>() == "B");
        Assert.Equal(2, types.Count(t => t == "TaskSucceeded"));
    }

    [Fact]
    public async Task UpdateMapRunRaisesConcurrencyWhileTheRunRuns()
    {
        using var dir = new TempDir();
        var functions = new ScriptedFunctions { Release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously) };
        await using var host = await ServiceHost.StartAsync(dir.Path, functions);
        var sm = await host.CreateMachineAsync("live", MapMachine("DISTRIBUTED", "\"MaxConcurrency\":1"));
        var exec = await host.StartAsync(sm, """{"items":[{"i":0,"slow":1},{"i":1,"slow":1},{"i":2,"slow":1},{"i":3,"slow":1},{"i":4,"slow":1}]}""");
        await ServiceHost.PollAsync(() => Task.FromResult(functions.InFlight), n => n == 1, "one child run in flight");
        var mapRunArn = (await host.OkAsync("ListMapRuns", new JsonObject { ["executionArn"] = exec }))["mapRuns"]![0]!["mapRunArn"]!.GetValue<string>();
        await Task.Delay(100);
        Assert.Equal(1, functions.MaxInFlight);

        await host.OkAsync("UpdateMapRun", new JsonObject { ["mapRunArn"] = mapRunArn, ["maxConcurrency"] = 3 });
        await ServiceHost.PollAsync(() => Task.FromResult(functions.InFlight), n => n == 3, "three child runs in flight");
        var d = await host.OkAsync("DescribeMapRun", new JsonObject { ["mapRunArn"] = mapRunArn });
        Assert.Equal(3, d["maxConcurrency"]!.GetValue<int>());
        Assert.Equal(3, d["itemCounts"]!["running"]!.GetValue<int>());
        Assert.Equal(2, d["itemCounts"]!["pending"]!.GetValue<int>());

        functions.Release!.SetResult();
        await host.WaitForStatusAsync(exec, "SUCCEEDED");
        Assert.Equal(3, functions.MaxInFlight);
    }

    [Fact]
    public async Task UpdateMapRunLowersTheToleratedFailuresWhileTheRunRuns()
    {
        using var dir = new TempDir();
        var functions = new ScriptedFunctions { Release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously) };
        await using var host = await ServiceHost.StartAsync(dir.Path, functions);
        var sm = await host.CreateMachineAsync("threshold", MapMachine("DISTRIBUTED", "\"MaxConcurrency\":1,\"ToleratedFailureCount\":10"));
        var exec = await host.StartAsync(sm, """{"items":[{"i":0,"slow":1},{"i":1,"fail":true},{"i":2,"fail":true},{"i":3}]}""");
        await ServiceHost.PollAsync(() => Task.FromResult(functions.InFlight), n => n == 1, "the first child run in flight");
        var mapRunArn = (await host.OkAsync("ListMapRuns", new JsonObject { ["executionArn"] = exec }))["mapRuns"]![0]!["mapRunArn"]!.GetValue<string>();
        await host.OkAsync("UpdateMapRun", new JsonObject { ["mapRunArn"] = mapRunArn, ["toleratedFailureCount"] = 0 });

        functions.Release!.SetResult();
        var failed = await host.WaitForStatusAsync(exec, "FAILED");
        Assert.Equal("States.ExceedToleratedFailureThreshold", failed["error"]!.GetValue<string>());
        Assert.Equal(1, functions.CallsOf("flaky"));
        var d = await host.OkAsync("DescribeMapRun", new JsonObject { ["mapRunArn"] = mapRunArn });
        Assert.Equal("FAILED", d["status"]!.GetValue<string>());
        Assert.Equal(0, d["toleratedFailureCount"]!.GetValue<int>());
    }
}
