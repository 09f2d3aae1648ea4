using System.Text;
using System.Text.Json.Nodes;
using Nimbus.Core.Functions;

namespace Nimbus.StepFunctions.Tests;

/// <summary>A Lambda stand-in that fails while <see cref="Failing"/> is set, and echoes its payload otherwise.</summary>
internal sealed class SwitchableFunctions : IFunctionInvoker
{
    private int _calls;

    public volatile bool Failing = true;

    public int Calls => Volatile.Read(ref _calls);

    public ValueTask<FunctionInvocationResult> InvokeAsync(FunctionInvocation invocation, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _calls);
        var body = Failing ? """{"errorType":"Down","errorMessage":"not yet"}""" : Encoding.UTF8.GetString(invocation.Payload.Span);
        return ValueTask.FromResult(new FunctionInvocationResult(200, Encoding.UTF8.GetBytes(body), Failing ? "Unhandled" : null, "$LATEST", null));
    }
}

public sealed class RedriveTests
{
    private const string Machine = """
        {"StartAt":"Prepare","States":{
          "Prepare":{"Type":"Pass","Result":{"n":1},"ResultPath":"$.prep","Assign":{"marker":"kept"},"Next":"Call"},
          "Call":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","Parameters":{"FunctionName":"f","Payload":{"in.$":"$.prep","v.$":"$marker","redrives.$":"$$.Execution.RedriveCount"}},"OutputPath":"$.Payload","End":true}}}
        """;

    [Fact]
    public async Task AFailedExecutionIsRedrivenFromTheFailedStateWithItsInputAndVariables()
    {
        using var dir = new TempDir();
        var functions = new SwitchableFunctions();
        await using var host = await ServiceHost.StartAsync(dir.Path, functions);
        var sm = await host.CreateMachineAsync("redrive", Machine);
        var exec = await host.StartAsync(sm);
        var failed = await host.WaitForStatusAsync(exec, "FAILED");
        Assert.Equal("REDRIVABLE", failed["redriveStatus"]!.GetValue<string>());
        Assert.Equal(0, failed["redriveCount"]!.GetValue<int>());
        var failedEvents = (await host.HistoryAsync(exec)).Count;

        functions.Failing = false;
        var r = await host.OkAsync("RedriveExecution", new JsonObject { ["executionArn"] = exec });
        Assert.True(r["redriveDate"]!.GetValue<double>() > 1_600_000_000);
        var d = await host.WaitForStatusAsync(exec, "SUCCEEDED");
        Assert.Equal("""{"in":{"n":1},"v":"kept","redrives":1}""", d["output"]!.GetValue<string>());
        Assert.Equal(1, d["redriveCount"]!.GetValue<int>());
        Assert.NotNull(d["redriveDate"]);
        Assert.Equal("NOT_REDRIVABLE", d["redriveStatus"]!.GetValue<string>());
        Assert.Equal("Execution is SUCCEEDED and cannot be redriven", d["redriveStatusReason"]!.GetValue<string>());
        Assert.Equal(2, functions.Calls);

        var history = await host.HistoryAsync(exec);
        Assert.Equal(Enumerable.Range(1, history.Count).Select(i => (long)i), history.Select(e => e["id"]!.GetValue<long>()));
        var redriven = history[failedEvents];
        Assert.Equal("ExecutionRedriven", redriven["type"]!.GetValue<string>());
        Assert.Equal(1, redriven["executionRedrivenEventDetails"]!["redriveCount"]!.GetValue<int>());
        Assert.Equal(failedEvents, redriven["previousEventId"]!.GetValue<long>());
        var reentered = history[failedEvents + 1];
        Assert.Equal("TaskStateEntered", reentered["type"]!.GetValue<string>());
        Assert.Equal("Call", reentered["stateEnteredEventDetails"]!["name"]!.GetValue<string>());
        Assert.Equal(redriven["id"]!.GetValue<long>(), reentered["previousEventId"]!.GetValue<long>());
        Assert.Single(history, e => e["type"]!.GetValue<string>() == "PassStateEntered");

        var again = await host.CallAsync("RedriveExecution", new JsonObject { ["executionArn"] = exec });
        Assert.Equal("ExecutionNotRedrivable", again["__type"]!.GetValue<string>());
        var listed = await host.OkAsync("ListExecutions", new JsonObject { ["stateMachineArn"] = sm, ["redriveFilter"] = "REDRIVEN" });
        Assert.Single(listed["executions"]!.AsArray());
        Assert.Equal(1, listed["executions"]![0]!["redriveCount"]!.GetValue<int>());
    }

    [Fact]
    public async Task ARedriveSurvivesARestartAndUnknownExecutionsAreReported()
    {
        using var dir = new TempDir();
        var functions = new SwitchableFunctions();
        string exec;
        await using (var first = await ServiceHost.StartAsync(dir.Path, functions))
        {
            var sm = await first.CreateMachineAsync("redrive", Machine);
            exec = await first.StartAsync(sm);
            await first.WaitForStatusAsync(exec, "FAILED");
            var missing = await first.CallAsync("RedriveExecution", new JsonObject { ["executionArn"] = exec + "x" });
            Assert.Equal("ExecutionDoesNotExist", missing["__type"]!.GetValue<string>());
        }

        // The failed state's checkpoint is kept across a restart.
        functions.Failing = false;
        await using var second = await ServiceHost.StartAsync(dir.Path, functions);
        Assert.Equal("REDRIVABLE", (await second.DescribeAsync(exec))["redriveStatus"]!.GetValue<string>());
        await second.OkAsync("RedriveExecution", new JsonObject { ["executionArn"] = exec });
        await second.WaitForStatusAsync(exec, "SUCCEEDED");
    }
}
