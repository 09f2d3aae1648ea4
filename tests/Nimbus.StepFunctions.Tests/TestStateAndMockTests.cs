using System.Text.Json.Nodes;

namespace Nimbus.StepFunctions.Tests;

public sealed class TestStateAndMockTests
{
    private static Task<JsonObject> TestAsync(ServiceHost host, string definition, string input, string level = "DEBUG", string? variables = null)
    {
        var body = new JsonObject { ["definition"] = definition, ["input"] = input, ["inspectionLevel"] = level, ["roleArn"] = "arn:aws:iam::000000000000:role/sfn" };
        if (variables is not null)
        {
            body["variables"] = variables;
        }

        return host.CallAsync("TestState", body);
    }

    [Fact]
    public async Task APassStateReportsEveryDataFlowStageAndItsNextState()
    {
        using var dir = new TempDir();
        await using var host = await ServiceHost.StartAsync(dir.Path);
        var r = await TestAsync(host, """{"Type":"Pass","InputPath":"$.a","Parameters":{"v.$":"$.b","c.$":"$counter"},"ResultPath":"$.out","Assign":{"seen.$":"$.v"},"Next":"After"}""", """{"a":{"b":7}}""", variables: """{"counter":3}""");
        Assert.Equal("SUCCEEDED", r["status"]!.GetValue<string>());
        Assert.Equal("After", r["nextState"]!.GetValue<string>());
        Assert.Equal("""{"a":{"b":7},"out":{"v":7,"c":3}}""", r["output"]!.GetValue<string>());
        var data = r["inspectionData"]!;
        Assert.Equal("""{"a":{"b":7}}""", data["input"]!.GetValue<string>());
        Assert.Equal("""{"b":7}""", data["afterInputPath"]!.GetValue<string>());
        Assert.Equal("""{"v":7,"c":3}""", data["afterParameters"]!.GetValue<string>());
        Assert.Equal("""{"a":{"b":7},"out":{"v":7,"c":3}}""", data["afterResultPath"]!.GetValue<string>());
        Assert.Equal("""{"counter":3,"seen":7}""", data["variables"]!.GetValue<string>());

        var info = await TestAsync(host, """{"Type":"Pass","End":true}""", """{"x":1}""", "INFO");
        Assert.Null(info["inspectionData"]);
        Assert.Null(info["nextState"]);
        Assert.Equal("""{"x":1}""", info["output"]!.GetValue<string>());
    }

    [Fact]
    public async Task ATaskStateReallyInvokesItsResourceAndReportsRetriableAndCaughtErrors()
    {
        using var dir = new TempDir();
        var functions = new CountingFunctions();
        await using var host = await ServiceHost.StartAsync(dir.Path, functions);
        var ok = await TestAsync(host, """
            {"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","Parameters":{"FunctionName":"echo","Payload.$":"$"},"ResultSelector":{"p.$":"$.Payload.echo"},"ResultPath":"$.r","End":true}
            """, """{"n":1}""");
        Assert.Equal("SUCCEEDED", ok["status"]!.GetValue<string>());
        Assert.Equal(1, functions.Calls);
        Assert.Equal("""{"n":1,"r":{"p":{"n":1}}}""", ok["output"]!.GetValue<string>());
        var data = ok["inspectionData"]!;
        Assert.Equal("""{"FunctionName":"echo","Payload":{"n":1}}""", data["afterParameters"]!.GetValue<string>());
        Assert.Contains("\"StatusCode\":200", data["result"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal("""{"p":{"n":1}}""", data["afterResultSelector"]!.GetValue<string>());

        const string Failing = """
            {"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","Parameters":{"FunctionName":"boom"},RETRY"Catch":[{"ErrorEquals":["States.ALL"],"ResultPath":"$.err","Next":"Handle"}],"End":true}
            """;
        var retriable = await TestAsync(host, Failing.Replace("RETRY", """ "Retry":[{"ErrorEquals":["Boom"]}], """, StringComparison.Ordinal), "{}");
        Assert.Equal("RETRIABLE", retriable["status"]!.GetValue<string>());
        Assert.Equal("Boom", retriable["error"]!.GetValue<string>());
        Assert.Equal(2, functions.Calls);

        var caught = await TestAsync(host, Failing.Replace("RETRY", "", StringComparison.Ordinal), """{"k":1}""");
        Assert.Equal("CAUGHT_ERROR", caught["status"]!.GetValue<string>());
        Assert.Equal("Handle", caught["nextState"]!.GetValue<string>());
        Assert.Equal("Boom", JsonNode.Parse(caught["output"]!.GetValue<string>())!["err"]!["Error"]!.GetValue<string>());

        var failed = await TestAsync(host, """{"Type":"Fail","Error":"E","Cause":"c"}""", "{}");
        Assert.Equal("FAILED", failed["status"]!.GetValue<string>());
        Assert.Equal("E", failed["error"]!.GetValue<string>());

        var choice = await TestAsync(host, """{"Type":"Choice","Choices":[{"Variable":"$.n","NumericGreaterThan":1,"Next":"Big"}],"Default":"Small"}""", """{"n":2}""");
        Assert.Equal("Big", choice["nextState"]!.GetValue<string>());

        Assert.Equal("InvalidDefinition", (await TestAsync(host, """{"Type":"Pass","Nope":1,"End":true}""", "{}"))["__type"]!.GetValue<string>());
        Assert.Equal("InvalidExecutionInput", (await TestAsync(host, """{"Type":"Pass","End":true}""", "{"))["__type"]!.GetValue<string>());
        Assert.Equal("ValidationException", (await TestAsync(host, """{"Type":"Pass","End":true}""", "{}", "LOUD"))["__type"]!.GetValue<string>());
    }

    private const string MockConfig = """
        {
          "StateMachines": {"LambdaSQSIntegration": {"TestCases": {
            "HappyPath": {"LambdaState": "MockedLambdaSuccess", "SQSState": "MockedSQSSuccess"},
            "RetryPath": {"LambdaState": "MockedLambdaRetry", "SQSState": "MockedSQSSuccess"},
            "HybridPath": {"SQSState": "MockedSQSSuccess"}}}},
          "MockedResponses": {
            "MockedLambdaSuccess": {"0": {"Return": {"StatusCode": 200, "Payload": {"StatusCode": 200, "body": "Hello from Lambda!"}}}},
            "MockedSQSSuccess": {"0": {"Return": {"MD5OfMessageBody": "3bcb", "MessageId": "3bcb6e8e"}}},
            "MockedLambdaRetry": {
              "0": {"Throw": {"Error": "Lambda.ResourceNotReadyException", "Cause": "Lambda resource is not ready."}},
              "1-2": {"Throw": {"Error": "Lambda.TimeoutException", "Cause": "Lambda timed out."}},
              "3": {"Return": {"StatusCode": 200, "Payload": {"StatusCode": 200, "body": "Hello from Lambda!"}}}}}
        }
        """;

    private const string Machine = """
        {"StartAt":"LambdaState","States":{
          "LambdaState":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","Parameters":{"Payload.$":"$","FunctionName":"HelloWorldFunction"},
            "Retry":[{"ErrorEquals":["States.ALL"],"IntervalSeconds":2,"MaxAttempts":3,"BackoffRate":2}],"Next":"SQSState"},
          "SQSState":{"Type":"Task","Resource":"arn:aws:states:::sqs:sendMessage","Parameters":{"QueueUrl":"q","MessageBody.$":"$"},"End":true}}}
        """;

    [Fact]
    public async Task MockConfigTestCasesReplaceTaskResultsAttemptByAttempt()
    {
        using var dir = new TempDir();
        Directory.CreateDirectory(dir.Path);
        var file = Path.Combine(dir.Path, "MockConfigFile.json");
        await File.WriteAllTextAsync(file, MockConfig);
        var functions = new CountingFunctions();
        await using var host = await ServiceHost.StartAsync(dir.Path, functions, new FastTimers(1000), o => o.MockConfigPath = file);
        var sm = await host.CreateMachineAsync("LambdaSQSIntegration", Machine);

        var happy = await host.StartAsync(sm + "#HappyPath", """{"hi":1}""");
        Assert.Equal("""{"MD5OfMessageBody":"3bcb","MessageId":"3bcb6e8e"}""", (await host.WaitForStatusAsync(happy, "SUCCEEDED"))["output"]!.GetValue<string>());
        Assert.Equal(0, functions.Calls);
        Assert.StartsWith("arn:aws:states:us-east-1:000000000000:execution:LambdaSQSIntegration:", happy, StringComparison.Ordinal);

        var retry = await host.StartAsync(sm + "#RetryPath");
        await host.WaitForStatusAsync(retry, "SUCCEEDED");
        var history = await host.HistoryAsync(retry);
        Assert.Equal(3, history.Count(e => e["type"]!.GetValue<string>() == "TaskFailed"));
        Assert.Equal(
            ["Lambda.ResourceNotReadyException", "Lambda.TimeoutException", "Lambda.TimeoutException"],
            history.Where(e => e["type"]!.GetValue<string>() == "TaskFailed").Select(e => e["taskFailedEventDetails"]!["error"]!.GetValue<string>()));

        // Hybrid: the Lambda state is not mocked and really runs.
        var hybrid = await host.StartAsync(sm + "#HybridPath", """{"x":2}""");
        await host.WaitForStatusAsync(hybrid, "SUCCEEDED");
        Assert.Equal(1, functions.Calls);

        var unknown = await host.CallAsync("StartExecution", new JsonObject { ["stateMachineArn"] = sm + "#Nope" });
        Assert.Equal("ValidationException", unknown["__type"]!.GetValue<string>());
    }
}
