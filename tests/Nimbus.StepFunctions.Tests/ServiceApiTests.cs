using System.Text.Json.Nodes;

namespace Nimbus.StepFunctions.Tests;

public sealed class ServiceApiTests
{
    private const string PassMachine = """{"StartAt":"A","States":{"A":{"Type":"Pass","Result":{"x":1},"ResultPath":"$.a","Next":"B"},"B":{"Type":"Pass","End":true}}}""";

    [Fact]
    public async Task CreateIsIdempotentForTheSameDefinitionAndConflictsOtherwise()
    {
        using var dir = new TempDir();
        await using var host = await ServiceHost.StartAsync(dir.Path);
        var arn = await host.CreateMachineAsync("m1", PassMachine);
        Assert.Equal("arn:aws:states:us-east-1:000000000000:stateMachine:m1", arn);
        Assert.Equal(arn, await host.CreateMachineAsync("m1", PassMachine));

        var conflict = await host.CallAsync("CreateStateMachine", new JsonObject
        {
            ["name"] = "m1", ["definition"] = """{"StartAt":"A","States":{"A":{"Type":"Succeed"}}}""", ["roleArn"] = "arn:aws:iam::000000000000:role/sfn",
        });
        Assert.Equal("StateMachineAlreadyExists", conflict["__type"]!.GetValue<string>());

        var described = await host.OkAsync("DescribeStateMachine", new JsonObject { ["stateMachineArn"] = arn });
        Assert.Equal(PassMachine, described["definition"]!.GetValue<string>());
        Assert.Equal("STANDARD", described["type"]!.GetValue<string>());
        Assert.True(described["creationDate"]!.GetValue<double>() > 1_600_000_000);
    }

    [Fact]
    public async Task InvalidDefinitionReportsEveryDiagnosticInAwsStyle()
    {
        using var dir = new TempDir();
        await using var host = await ServiceHost.StartAsync(dir.Path);
        var r = await host.CallAsync("CreateStateMachine", new JsonObject
        {
            ["name"] = "bad", ["definition"] = """{"StartAt":"A","States":{"A":{"Type":"Pass","Next":"Nope"},"C":{"Type":"Succeed"}}}""", ["roleArn"] = "arn:aws:iam::000000000000:role/r",
        });
        Assert.Equal("InvalidDefinition", r["__type"]!.GetValue<string>());
        var message = r["message"]!.GetValue<string>();
        Assert.StartsWith("Invalid State Machine Definition: '", message, StringComparison.Ordinal);
        Assert.Contains("MISSING_TRANSITION_TARGET", message, StringComparison.Ordinal);
        Assert.Contains("/States/A/Next", message, StringComparison.Ordinal);

        var v = await host.OkAsync("ValidateStateMachineDefinition", new JsonObject { ["definition"] = """{"StartAt":"A","States":{"A":{"Type":"Pass","Next":"Nope"}}}""" });
        Assert.Equal("FAIL", v["result"]!.GetValue<string>());
        Assert.NotEmpty(v["diagnostics"]!.AsArray());
        var ok = await host.OkAsync("ValidateStateMachineDefinition", new JsonObject { ["definition"] = PassMachine });
        Assert.Equal("OK", ok["result"]!.GetValue<string>());
    }

    [Fact]
    public async Task ListStateMachinesPaginates()
    {
        using var dir = new TempDir();
        await using var host = await ServiceHost.StartAsync(dir.Path);
        for (var i = 0; i < 5; i++)
        {
            await host.CreateMachineAsync($"m{i}", PassMachine);
        }

        var names = new List<string>();
        string? token = null;
        var pages = 0;
        do
        {
            var body = new JsonObject { ["maxResults"] = 2 };
            if (token is not null)
            {
                body["nextToken"] = token;
            }

            var page = await host.OkAsync("ListStateMachines", body);
            names.AddRange(page["stateMachines"]!.AsArray().Select(m => m!["name"]!.GetValue<string>()));
            token = page["nextToken"]?.GetValue<string>();
            pages++;
        }
        while (token is not null);
        Assert.Equal(3, pages);
        Assert.Equal(["m0", "m1", "m2", "m3", "m4"], names.Order());
    }

    [Fact]
    public async Task ExecutionRunsAndHistoryPaginatesBothWays()
    {
        using var dir = new TempDir();
        await using var host = await ServiceHost.StartAsync(dir.Path);
        var sm = await host.CreateMachineAsync("p", PassMachine);
        var exec = await host.StartAsync(sm, """{"in":true}""", "run1");
        Assert.Equal("arn:aws:states:us-east-1:000000000000:execution:p:run1", exec);
        var done = await host.WaitForStatusAsync(exec, "SUCCEEDED");
        Assert.Equal("""{"in":true,"a":{"x":1}}""", done["output"]!.GetValue<string>());
        Assert.True(done["stopDate"]!.GetValue<double>() >= done["startDate"]!.GetValue<double>());

        var full = await host.HistoryAsync(exec);
        Assert.Equal(
            ["ExecutionStarted", "PassStateEntered", "PassStateExited", "PassStateEntered", "PassStateExited", "ExecutionSucceeded"],
            full.Select(e => e["type"]!.GetValue<string>()));
        Assert.Equal(Enumerable.Range(1, 6).Select(i => (long)i), full.Select(e => e["id"]!.GetValue<long>()));
        Assert.IsType<double>(full[0]["timestamp"]!.GetValue<double>());

        var paged = await host.HistoryAsync(exec, pageSize: 4);
        Assert.Equal(full.Select(e => e.ToJsonString()), paged.Select(e => e.ToJsonString()));
        var reversed = await host.HistoryAsync(exec, pageSize: 4, reverse: true);
        Assert.Equal(full.Select(e => e["id"]!.GetValue<long>()).Reverse(), reversed.Select(e => e["id"]!.GetValue<long>()));

        var noData = await host.OkAsync("GetExecutionHistory", new JsonObject { ["executionArn"] = exec, ["includeExecutionData"] = false });
        Assert.Null(noData["events"]![0]!["executionStartedEventDetails"]!["input"]);

        var forExec = await host.OkAsync("DescribeStateMachineForExecution", new JsonObject { ["executionArn"] = exec });
        Assert.Equal(PassMachine, forExec["definition"]!.GetValue<string>());

        var list = await host.OkAsync("ListExecutions", new JsonObject { ["stateMachineArn"] = sm, ["statusFilter"] = "SUCCEEDED" });
        Assert.Single(list["executions"]!.AsArray());
        var none = await host.OkAsync("ListExecutions", new JsonObject { ["stateMachineArn"] = sm, ["statusFilter"] = "FAILED" });
        Assert.Empty(none["executions"]!.AsArray());
    }

    [Fact]
    public async Task StartExecutionIsIdempotentByNameAndInput()
    {
        using var dir = new TempDir();
        await using var host = await ServiceHost.StartAsync(dir.Path);
        var sm = await host.CreateMachineAsync("w", """{"StartAt":"W","States":{"W":{"Type":"Wait","Seconds":600,"End":true}}}""");
        var first = await host.OkAsync("StartExecution", new JsonObject { ["stateMachineArn"] = sm, ["name"] = "once", ["input"] = """{"k":1}""" });
        var again = await host.OkAsync("StartExecution", new JsonObject { ["stateMachineArn"] = sm, ["name"] = "once", ["input"] = """{"k":1}""" });
        Assert.Equal(first.ToJsonString(), again.ToJsonString());
        var other = await host.CallAsync("StartExecution", new JsonObject { ["stateMachineArn"] = sm, ["name"] = "once", ["input"] = """{"k":2}""" });
        Assert.Equal("ExecutionAlreadyExists", other["__type"]!.GetValue<string>());

        var list = await host.OkAsync("ListExecutions", new JsonObject { ["stateMachineArn"] = sm });
        Assert.Single(list["executions"]!.AsArray());

        var arn = first["executionArn"]!.GetValue<string>();
        await host.OkAsync("StopExecution", new JsonObject { ["executionArn"] = arn, ["error"] = "Stopped.ByTest", ["cause"] = "enough" });
        var d = await host.WaitForStatusAsync(arn, "ABORTED");
        Assert.Equal("Stopped.ByTest", d["error"]!.GetValue<string>());
        var history = await host.HistoryAsync(arn);
        Assert.Equal("ExecutionAborted", history[^1]["type"]!.GetValue<string>());
        Assert.Equal("enough", history[^1]["executionAbortedEventDetails"]!["cause"]!.GetValue<string>());

        // Once the execution is closed, its name is taken whatever the input (AWS: ExecutionAlreadyExists regardless of input).
        var closed = await host.CallAsync("StartExecution", new JsonObject { ["stateMachineArn"] = sm, ["name"] = "once", ["input"] = """{"k":1}""" });
        Assert.Equal("ExecutionAlreadyExists", closed["__type"]!.GetValue<string>());
    }

    [Fact]
    public async Task ErrorsUseAwsCodes()
    {
        using var dir = new TempDir();
        await using var host = await ServiceHost.StartAsync(dir.Path);
        var missing = await host.CallAsync("DescribeExecution", new JsonObject { ["executionArn"] = "arn:aws:states:us-east-1:000000000000:execution:x:y" });
        Assert.Equal("ExecutionDoesNotExist", missing["__type"]!.GetValue<string>());
        var badArn = await host.CallAsync("DescribeStateMachine", new JsonObject { ["stateMachineArn"] = "nope" });
        Assert.Equal("InvalidArn", badArn["__type"]!.GetValue<string>());
        var noMachine = await host.CallAsync("StartExecution", new JsonObject { ["stateMachineArn"] = "arn:aws:states:us-east-1:000000000000:stateMachine:none" });
        Assert.Equal("StateMachineDoesNotExist", noMachine["__type"]!.GetValue<string>());
        var sm = await host.CreateMachineAsync("e", PassMachine);
        var badInput = await host.CallAsync("StartExecution", new JsonObject { ["stateMachineArn"] = sm, ["input"] = "{nope" });
        Assert.Equal("InvalidExecutionInput", badInput["__type"]!.GetValue<string>());
        var badName = await host.CallAsync("StartExecution", new JsonObject { ["stateMachineArn"] = sm, ["name"] = "a b" });
        Assert.Equal("InvalidName", badName["__type"]!.GetValue<string>());
        var sync = await host.CallAsync("StartSyncExecution", new JsonObject { ["stateMachineArn"] = sm });
        Assert.Equal("StateMachineTypeNotSupported", sync["__type"]!.GetValue<string>());
        var token = await host.CallAsync("SendTaskSuccess", new JsonObject { ["taskToken"] = "garbage", ["output"] = "{}" });
        Assert.Equal("InvalidToken", token["__type"]!.GetValue<string>());
    }

    [Fact]
    public async Task TagsRoundTrip()
    {
        using var dir = new TempDir();
        await using var host = await ServiceHost.StartAsync(dir.Path);
        var sm = await host.CreateMachineAsync("t", PassMachine);
        await host.OkAsync("TagResource", new JsonObject { ["resourceArn"] = sm, ["tags"] = new JsonArray(new JsonObject { ["key"] = "a", ["value"] = "1" }, new JsonObject { ["key"] = "b", ["value"] = "2" }) });
        await host.OkAsync("UntagResource", new JsonObject { ["resourceArn"] = sm, ["tagKeys"] = new JsonArray("a") });
        var tags = await host.OkAsync("ListTagsForResource", new JsonObject { ["resourceArn"] = sm });
        Assert.Equal("""[{"key":"b","value":"2"}]""", tags["tags"]!.ToJsonString());
        var missing = await host.CallAsync("ListTagsForResource", new JsonObject { ["resourceArn"] = sm + "x" });
        Assert.Equal("ResourceNotFound", missing["__type"]!.GetValue<string>());
    }

    [Fact]
    public async Task UpdateKeepsRunningExecutionsOnTheirDefinition()
    {
        using var dir = new TempDir();
        await using var host = await ServiceHost.StartAsync(dir.Path);
        var sm = await host.CreateMachineAsync("u", PassMachine);
        var updated = """{"StartAt":"S","States":{"S":{"Type":"Succeed"}}}""";
        var r = await host.OkAsync("UpdateStateMachine", new JsonObject { ["stateMachineArn"] = sm, ["definition"] = updated });
        Assert.NotNull(r["updateDate"]);
        var d = await host.OkAsync("DescribeStateMachine", new JsonObject { ["stateMachineArn"] = sm });
        Assert.Equal(updated, d["definition"]!.GetValue<string>());
        var exec = await host.StartAsync(sm);
        await host.WaitForStatusAsync(exec, "SUCCEEDED");
        await host.OkAsync("DeleteStateMachine", new JsonObject { ["stateMachineArn"] = sm });
        var gone = await host.CallAsync("DescribeStateMachine", new JsonObject { ["stateMachineArn"] = sm });
        Assert.Equal("StateMachineDoesNotExist", gone["__type"]!.GetValue<string>());
        Assert.Equal("SUCCEEDED", (await host.DescribeAsync(exec))["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task LambdaTasksGoThroughTheFunctionInvoker()
    {
        using var dir = new TempDir();
        var functions = new CountingFunctions();
        await using var host = await ServiceHost.StartAsync(dir.Path, functions);
        var sm = await host.CreateMachineAsync("l", """
            {"StartAt":"Call","States":{
              "Call":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","Parameters":{"FunctionName":"echo","Payload.$":"$"},"ResultSelector":{"r.$":"$.Payload"},"Next":"Boom"},
              "Boom":{"Type":"Task","Resource":"arn:aws:lambda:us-east-1:000000000000:function:boom","Catch":[{"ErrorEquals":["Boom"],"ResultPath":"$.err","Next":"Done"}],"End":true},
              "Done":{"Type":"Succeed"}}}
            """);
        var exec = await host.StartAsync(sm, """{"v":7}""");
        var d = await host.WaitForStatusAsync(exec, "SUCCEEDED");
        var output = JsonNode.Parse(d["output"]!.GetValue<string>())!;
        Assert.Equal(7, output["r"]!["echo"]!["v"]!.GetValue<int>());
        Assert.Equal("Boom", output["err"]!["Error"]!.GetValue<string>());
        Assert.Equal(2, functions.Calls);
    }

    [Fact]
    public async Task CallbackTasksCompleteWithSendTaskSuccessAndFailure()
    {
        using var dir = new TempDir();
        await using var host = await ServiceHost.StartAsync(dir.Path);
        var sm = await host.CreateMachineAsync("cb", """
            {"StartAt":"Ask","States":{
              "Ask":{"Type":"Task","Resource":"arn:aws:states:::sqs:sendMessage.waitForTaskToken","Parameters":{"QueueUrl":"q","MessageBody":{"token.$":"$$.Task.Token"}},"ResultPath":"$.answer","Next":"Ask2"},
              "Ask2":{"Type":"Task","Resource":"arn:aws:states:::sqs:sendMessage.waitForTaskToken","Parameters":{"MessageBody":{"token.$":"$$.Task.Token"}},"End":true}}}
            """);
        var exec = await host.StartAsync(sm);
        var token = await TokenOfAsync(host, exec, 1);
        var heartbeat = await host.CallAsync("SendTaskHeartbeat", new JsonObject { ["taskToken"] = token });
        Assert.False(heartbeat.ContainsKey("__type"));
        await host.OkAsync("SendTaskSuccess", new JsonObject { ["taskToken"] = token, ["output"] = """{"ok":1}""" });
        var again = await host.CallAsync("SendTaskSuccess", new JsonObject { ["taskToken"] = token, ["output"] = "{}" });
        Assert.Equal("TaskDoesNotExist", again["__type"]!.GetValue<string>());

        var token2 = await TokenOfAsync(host, exec, 2);
        await host.OkAsync("SendTaskFailure", new JsonObject { ["taskToken"] = token2, ["error"] = "Nope", ["cause"] = "declined" });
        var d = await host.WaitForStatusAsync(exec, "FAILED");
        Assert.Equal("Nope", d["error"]!.GetValue<string>());
        var history = await host.HistoryAsync(exec);
        Assert.Contains(history, e => e["type"]!.GetValue<string>() == "TaskSucceeded" && e["taskSucceededEventDetails"]!["output"]!.GetValue<string>() == """{"ok":1}""");
    }

    [Fact]
    public async Task LambdaCallbackTask_RecordsTaskSubmittedWithTheInvokeResponse_BeforeWaiting()
    {
        using var dir = new TempDir();
        var functions = new CountingFunctions();
        await using var host = await ServiceHost.StartAsync(dir.Path, functions);
        var sm = await host.CreateMachineAsync("lcb", """
            {"StartAt":"Ask","States":{
              "Ask":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke.waitForTaskToken","Parameters":{"FunctionName":"fn","Payload":{"token.$":"$$.Task.Token"}},"End":true}}}
            """);
        var exec = await host.StartAsync(sm);
        var waiting = await ServiceHost.PollAsync(
            () => host.HistoryAsync(exec),
            h => h.Any(e => e["type"]!.GetValue<string>() == "TaskSubmitted"),
            "the callback task to be submitted");
        Assert.Equal(["ExecutionStarted", "TaskStateEntered", "TaskScheduled", "TaskStarted", "TaskSubmitted"], waiting.Select(e => e["type"]!.GetValue<string>()));
        var submitted = waiting[4];
        Assert.Equal(4, submitted["previousEventId"]!.GetValue<long>());
        var details = submitted["taskSubmittedEventDetails"]!;
        Assert.Equal("lambda", details["resourceType"]!.GetValue<string>());
        Assert.Equal("invoke.waitForTaskToken", details["resource"]!.GetValue<string>());
        var response = JsonNode.Parse(details["output"]!.GetValue<string>())!;
        Assert.Equal(200, response["StatusCode"]!.GetValue<int>());
        var token = response["Payload"]!["echo"]!["token"]!.GetValue<string>();

        await host.OkAsync("SendTaskSuccess", new JsonObject { ["taskToken"] = token, ["output"] = """{"ok":1}""" });
        await host.WaitForStatusAsync(exec, "SUCCEEDED");
        var history = await host.HistoryAsync(exec);
        Assert.Equal(
            ["ExecutionStarted", "TaskStateEntered", "TaskScheduled", "TaskStarted", "TaskSubmitted", "TaskSucceeded", "TaskStateExited", "ExecutionSucceeded"],
            history.Select(e => e["type"]!.GetValue<string>()));
        Assert.Equal(5, history[5]["previousEventId"]!.GetValue<long>());
        Assert.Equal(1, functions.Calls);
    }

    private static async Task<string> TokenOfAsync(ServiceHost host, string exec, int nth)
    {
        var scheduled = await ServiceHost.PollAsync(
            () => host.HistoryAsync(exec),
            h => h.Count(e => e["type"]!.GetValue<string>() == "TaskScheduled") >= nth,
            "the callback task to be scheduled");
        var parameters = scheduled.Where(e => e["type"]!.GetValue<string>() == "TaskScheduled").ElementAt(nth - 1)["taskScheduledEventDetails"]!["parameters"]!.GetValue<string>();
        return JsonNode.Parse(parameters)!["MessageBody"]!["token"]!.GetValue<string>();
    }

    [Fact]
    public async Task ExpressMachinesRunSynchronously()
    {
        using var dir = new TempDir();
        await using var host = await ServiceHost.StartAsync(dir.Path);
        var sm = await host.CreateMachineAsync("x", PassMachine, "EXPRESS");
        var r = await host.OkAsync("StartSyncExecution", new JsonObject { ["stateMachineArn"] = sm, ["input"] = """{"q":2}""" });
        Assert.Equal("SUCCEEDED", r["status"]!.GetValue<string>());
        Assert.Equal("""{"q":2,"a":{"x":1}}""", r["output"]!.GetValue<string>());
        Assert.Contains(":express:x:", r["executionArn"]!.GetValue<string>(), StringComparison.Ordinal);

        var failing = await host.CreateMachineAsync("xf", """{"StartAt":"F","States":{"F":{"Type":"Fail","Error":"E","Cause":"C"}}}""", "EXPRESS");
        var f = await host.OkAsync("StartSyncExecution", new JsonObject { ["stateMachineArn"] = failing });
        Assert.Equal("FAILED", f["status"]!.GetValue<string>());
        Assert.Equal("E", f["error"]!.GetValue<string>());
    }

    [Fact]
    public async Task ExpressMachines_HaveNoHistoryQuota_ButStandardOnesDo()
    {
        using var dir = new TempDir();
        await using var host = await ServiceHost.StartAsync(dir.Path);
        const string map = """
            {"StartAt":"M","States":{"M":{"Type":"Map","ItemsPath":"$.items","End":true,
             "ItemProcessor":{"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}}}}}
            """;
        var input = new JsonObject { ["items"] = new JsonArray([.. Enumerable.Range(0, 7000).Select(i => (JsonNode)JsonValue.Create(i))]) }.ToJsonString();

        var express = await host.CreateMachineAsync("bigmap", map, "EXPRESS");
        var r = await host.OkAsync("StartSyncExecution", new JsonObject { ["stateMachineArn"] = express, ["input"] = input });
        Assert.Equal("SUCCEEDED", r["status"]!.GetValue<string>());
        Assert.Equal(7000, JsonNode.Parse(r["output"]!.GetValue<string>())!.AsArray().Count);

        // 7,000 iterations make 28,000+ events: over the 25,000-event quota of a Standard execution.
        var standard = await host.CreateMachineAsync("bigmap-s", map);
        var started = await host.OkAsync("StartExecution", new JsonObject { ["stateMachineArn"] = standard, ["input"] = input });
        var done = await ServiceHost.PollAsync(
            () => host.OkAsync("DescribeExecution", new JsonObject { ["executionArn"] = started["executionArn"]!.GetValue<string>() }),
            d => d["status"]!.GetValue<string>() != "RUNNING",
            "the standard execution to end");
        Assert.Equal("FAILED", done["status"]!.GetValue<string>());
        Assert.Equal("States.Runtime", done["error"]!.GetValue<string>());
        Assert.Contains("25000 events", done["cause"]!.GetValue<string>(), StringComparison.Ordinal);
    }
}
