using System.Text.Json.Nodes;
using Nimbus.Core.Identity;
using Nimbus.Core.Targets;

namespace Nimbus.StepFunctions.Tests;

public sealed class NestedExecutionTests
{
    private const string Child = """
        {"StartAt":"Check","States":{
          "Check":{"Type":"Choice","Choices":[{"Variable":"$.fail","IsPresent":true,"Next":"Boom"},{"Variable":"$.wait","IsPresent":true,"Next":"Sleep"}],"Default":"Done"},
          "Sleep":{"Type":"Wait","SecondsPath":"$.wait","Next":"Done"},
          "Done":{"Type":"Pass","Parameters":{"child.$":"$.v"},"End":true},
          "Boom":{"Type":"Fail","Error":"Child.Broke","Cause":"as asked"}}}
        """;

    private static string Parent(string resource, string childArn) => """
        {"StartAt":"Run","States":{"Run":{"Type":"Task","Resource":"RESOURCE","Parameters":{"StateMachineArn":"CHILD","Input":{"v.$":"$.v","AWS_STEP_FUNCTIONS_STARTED_BY_EXECUTION_ID.$":"$$.Execution.Id"}},"End":true}}}
        """.Replace("RESOURCE", resource, StringComparison.Ordinal).Replace("CHILD", childArn, StringComparison.Ordinal);

    private static string[] Types(List<JsonObject> history) => [.. history.Select(e => e["type"]!.GetValue<string>())];

    [Fact]
    public async Task StartExecutionReturnsAtOnceAndTheChildSeesTheParentId()
    {
        using var dir = new TempDir();
        await using var host = await ServiceHost.StartAsync(dir.Path);
        var child = await host.CreateMachineAsync("child", Child);
        var parent = await host.CreateMachineAsync("parent", Parent("arn:aws:states:::states:startExecution", child));
        var exec = await host.StartAsync(parent, """{"v":1}""");
        var output = JsonNode.Parse((await host.WaitForStatusAsync(exec, "SUCCEEDED"))["output"]!.GetValue<string>())!;
        var childArn = output["ExecutionArn"]!.GetValue<string>();
        Assert.StartsWith("arn:aws:states:us-east-1:000000000000:execution:child:", childArn, StringComparison.Ordinal);
        Assert.True(output["StartDate"]!.GetValue<long>() > 1_600_000_000_000);
        var c = await host.WaitForStatusAsync(childArn, "SUCCEEDED");
        var childInput = JsonNode.Parse(c["input"]!.GetValue<string>())!;
        Assert.Equal(exec, childInput["AWS_STEP_FUNCTIONS_STARTED_BY_EXECUTION_ID"]!.GetValue<string>());
        Assert.Equal(1, childInput["v"]!.GetValue<int>());
    }

    [Fact]
    public async Task SyncWaitsForTheChildAndReturnsItsDescription()
    {
        using var dir = new TempDir();
        await using var host = await ServiceHost.StartAsync(dir.Path);
        var child = await host.CreateMachineAsync("child", Child);
        var sync = await host.CreateMachineAsync("sync", Parent("arn:aws:states:::states:startExecution.sync", child));
        var sync2 = await host.CreateMachineAsync("sync2", Parent("arn:aws:states:::states:startExecution.sync:2", child));

        var e1 = await host.StartAsync(sync, """{"v":5}""");
        var o1 = JsonNode.Parse((await host.WaitForStatusAsync(e1, "SUCCEEDED"))["output"]!.GetValue<string>())!;
        Assert.Equal("SUCCEEDED", o1["Status"]!.GetValue<string>());
        Assert.Equal("""{"child":5}""", o1["Output"]!.GetValue<string>());
        Assert.Equal(child, o1["StateMachineArn"]!.GetValue<string>());
        Assert.True(o1["StopDate"]!.GetValue<long>() >= o1["StartDate"]!.GetValue<long>());
        Assert.Equal(
            ["ExecutionStarted", "TaskStateEntered", "TaskScheduled", "TaskStarted", "TaskSubmitted", "TaskSucceeded", "TaskStateExited", "ExecutionSucceeded"],
            Types(await host.HistoryAsync(e1)));

        var e2 = await host.StartAsync(sync2, """{"v":6}""");
        var o2 = JsonNode.Parse((await host.WaitForStatusAsync(e2, "SUCCEEDED"))["output"]!.GetValue<string>())!;
        Assert.Equal(6, o2["Output"]!["child"]!.GetValue<int>());

        var failing = await host.CreateMachineAsync("failing", """
            {"StartAt":"Run","States":{"Run":{"Type":"Task","Resource":"arn:aws:states:::states:startExecution.sync","Parameters":{"StateMachineArn":"CHILD","Input":{"fail":true}},"End":true}}}
            """.Replace("CHILD", child, StringComparison.Ordinal));
        var e3 = await host.StartAsync(failing);
        var d3 = await host.WaitForStatusAsync(e3, "FAILED");
        Assert.Equal("States.TaskFailed", d3["error"]!.GetValue<string>());
        var cause = JsonNode.Parse(d3["cause"]!.GetValue<string>())!;
        Assert.Equal("FAILED", cause["Status"]!.GetValue<string>());
        Assert.Equal("Child.Broke", cause["Error"]!.GetValue<string>());

        var missing = await host.CreateMachineAsync("missing", Parent("arn:aws:states:::states:startExecution.sync", "arn:aws:states:us-east-1:000000000000:stateMachine:nope"));
        var d4 = await host.WaitForStatusAsync(await host.StartAsync(missing, """{"v":1}"""), "FAILED");
        Assert.Equal("StepFunctions.StateMachineDoesNotExistException", d4["error"]!.GetValue<string>());
    }

    [Fact]
    public async Task StoppingTheParentStopsItsSyncChild()
    {
        using var dir = new TempDir();
        await using var host = await ServiceHost.StartAsync(dir.Path);
        var child = await host.CreateMachineAsync("child", Child);
        var parent = await host.CreateMachineAsync("parent", """
            {"StartAt":"Run","States":{"Run":{"Type":"Task","Resource":"arn:aws:states:::states:startExecution.sync:2","Parameters":{"StateMachineArn":"CHILD","Name":"the-child","Input":{"wait":300}},"End":true}}}
            """.Replace("CHILD", child, StringComparison.Ordinal));
        var exec = await host.StartAsync(parent);
        var childArn = "arn:aws:states:us-east-1:000000000000:execution:child:the-child";
        await ServiceHost.PollAsync(() => host.CallAsync("DescribeExecution", new JsonObject { ["executionArn"] = childArn }), d => d["status"]?.GetValue<string>() == "RUNNING", "the child to run");
        await host.OkAsync("StopExecution", new JsonObject { ["executionArn"] = exec });
        await host.WaitForStatusAsync(exec, "ABORTED");
        await host.WaitForStatusAsync(childArn, "ABORTED");
    }

    [Fact]
    public async Task WaitForTaskTokenStartsTheChildAndWaitsForTheToken()
    {
        using var dir = new TempDir();
        await using var host = await ServiceHost.StartAsync(dir.Path);
        var child = await host.CreateMachineAsync("child", """{"StartAt":"A","States":{"A":{"Type":"Pass","End":true}}}""");
        var parent = await host.CreateMachineAsync("parent", """
            {"StartAt":"Run","States":{"Run":{"Type":"Task","Resource":"arn:aws:states:::states:startExecution.waitForTaskToken","Parameters":{"StateMachineArn":"CHILD","Input":{"token.$":"$$.Task.Token"}},"End":true}}}
            """.Replace("CHILD", child, StringComparison.Ordinal));
        var exec = await host.StartAsync(parent);
        var history = await ServiceHost.PollAsync(() => host.HistoryAsync(exec), h => h.Any(e => e["type"]!.GetValue<string>() == "TaskSubmitted"), "the child to be started");
        var childArn = JsonNode.Parse(history.Single(e => e["type"]!.GetValue<string>() == "TaskSubmitted")["taskSubmittedEventDetails"]!["output"]!.GetValue<string>())!["ExecutionArn"]!.GetValue<string>();
        var token = JsonNode.Parse((await host.WaitForStatusAsync(childArn, "SUCCEEDED"))["output"]!.GetValue<string>())!["token"]!.GetValue<string>();
        await host.OkAsync("SendTaskSuccess", new JsonObject { ["taskToken"] = token, ["output"] = """{"answered":true}""" });
        Assert.Equal("""{"answered":true}""", (await host.WaitForStatusAsync(exec, "SUCCEEDED"))["output"]!.GetValue<string>());
    }

    [Fact]
    public async Task TheStatesArnTargetStartsAnExecutionWithTheMessageBody()
    {
        using var dir = new TempDir();
        await using var host = await ServiceHost.StartAsync(dir.Path);
        var child = await host.CreateMachineAsync("target", Child);
        var target = host.Service<IEnumerable<IArnTarget>>().Single(t => t.Service == "states");
        var caller = new AwsRequestContext(AwsRequestContext.DefaultAccountId, AwsRequestContext.DefaultRegion, RequestIds.New());
        Assert.True(Arn.TryParse(child, out var arn));
        var result = await target.DeliverAsync(arn, new ArnMessage("""{"v":"from-event"}""", caller), CancellationToken.None);
        var d = await host.WaitForStatusAsync(result.Id!, "SUCCEEDED");
        Assert.Equal("""{"child":"from-event"}""", d["output"]!.GetValue<string>());

        Assert.True(Arn.TryParse("arn:aws:states:us-east-1:000000000000:stateMachine:none", out var missing));
        var e = await Assert.ThrowsAsync<ArnDeliveryException>(() => target.DeliverAsync(missing, new ArnMessage("{}", caller), CancellationToken.None));
        Assert.Equal("StateMachineDoesNotExist", e.ErrorCode);
    }

    [Fact]
    public async Task AParentWaitingOnASyncChildResumesAfterARestartWithoutStartingASecondChild()
    {
        using var dir = new TempDir();
        string exec, child;
        await using (var first = await ServiceHost.StartAsync(dir.Path))
        {
            child = await first.CreateMachineAsync("child", Child);
            var parent = await first.CreateMachineAsync("parent", """
                {"StartAt":"Run","States":{"Run":{"Type":"Task","Resource":"arn:aws:states:::states:startExecution.sync:2","Parameters":{"StateMachineArn":"CHILD","Input":{"wait":1,"v":9}},"End":true}}}
                """.Replace("CHILD", child, StringComparison.Ordinal));
            exec = await first.StartAsync(parent);
            await ServiceHost.PollAsync(() => first.HistoryAsync(exec), h => h.Any(e => e["type"]!.GetValue<string>() == "TaskScheduled"), "the child to be started");
        }

        await using var second = await ServiceHost.StartAsync(dir.Path);
        var d = await second.WaitForStatusAsync(exec, "SUCCEEDED");
        Assert.Equal(9, JsonNode.Parse(d["output"]!.GetValue<string>())!["Output"]!["child"]!.GetValue<int>());
        var children = await second.OkAsync("ListExecutions", new JsonObject { ["stateMachineArn"] = child });
        Assert.Single(children["executions"]!.AsArray());
    }
}
