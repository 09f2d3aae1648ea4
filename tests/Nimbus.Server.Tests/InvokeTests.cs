using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using static Nimbus.Server.Tests.NimbusServerFixture;

namespace Nimbus.Server.Tests;

public sealed class InvokeTests(NimbusServerFixture server) : IClassFixture<NimbusServerFixture>
{
    private static HttpRequestMessage InvokeRequest(string name, string payload, string? type = null, string query = "", string accessKey = "test")
    {
        var request = Request(HttpMethod.Post, $"/2015-03-31/functions/{name}/invocations{query}", accessKey, content: Json(payload));
        if (type is not null)
        {
            request.Headers.TryAddWithoutValidation("X-Amz-Invocation-Type", type);
        }

        return request;
    }

    private async Task<string> CreateEchoAsync(string prefix, string accessKey = "test")
    {
        var name = UniqueName(prefix);
        var (response, body) = await server.CreateFunctionAsync(name, accessKey);
        Assert.True(response.StatusCode == HttpStatusCode.Created, body?.ToJsonString());
        return name;
    }

    [Fact]
    public async Task Invoke_RequestResponse_RunsBootstrapAndReturnsItsResponse()
    {
        var name = await CreateEchoAsync("echo");

        var (response, body) = await server.SendAsync(InvokeRequest(name, """{"n":1,"s":"hi"}"""));
        var (second, body2) = await server.SendAsync(InvokeRequest(name, """{"n":2}"""));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.False(response.Headers.Contains("X-Amz-Function-Error"));
        Assert.Equal("$LATEST", response.Headers.GetValues("X-Amz-Executed-Version").Single());
        Assert.Equal(1, body!["echo"]!["n"]!.GetValue<int>());
        Assert.Equal("hi", body["echo"]!["s"]!.GetValue<string>());
        Assert.Equal(name, body["fn"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Equal(2, body2!["echo"]!["n"]!.GetValue<int>());
    }

    [Fact]
    public async Task Invoke_LargePayload_ReachesFunctionIntact()
    {
        var name = await CreateEchoAsync("large");
        var text = new string('x', 1_000_000);

        var (response, body) = await server.SendAsync(InvokeRequest(name, $$"""{"text":"{{text}}"}"""));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.False(response.Headers.Contains("X-Amz-Function-Error"), body?.ToJsonString());
        Assert.Equal(text, body!["echo"]!["text"]!.GetValue<string>());
    }

    [Fact]
    public async Task Invoke_TailLog_ReturnsBase64LogWithPlatformLines()
    {
        var name = await CreateEchoAsync("tail");
        var request = InvokeRequest(name, """{"tail":true}""");
        request.Headers.TryAddWithoutValidation("X-Amz-Log-Type", "Tail");

        var (response, _) = await server.SendAsync(request);

        var log = Encoding.UTF8.GetString(Convert.FromBase64String(response.Headers.GetValues("X-Amz-Log-Result").Single()));
        var requestId = response.Headers.GetValues("x-amzn-RequestId").Single();
        Assert.Contains("START RequestId: ", log, StringComparison.Ordinal);
        Assert.Contains("handling ", log, StringComparison.Ordinal);
        Assert.Contains("{\"tail\":true}", log, StringComparison.Ordinal);
        Assert.Contains("END RequestId: ", log, StringComparison.Ordinal);
        Assert.Contains("REPORT RequestId: ", log, StringComparison.Ordinal);
        Assert.True(Guid.TryParse(requestId, out _));
    }

    [Fact]
    public async Task Invoke_AliasQualifier_RunsPublishedVersion()
    {
        var name = await CreateEchoAsync("alias");
        var f = $"/2015-03-31/functions/{name}";
        await server.SendAsync(Request(HttpMethod.Post, f + "/versions", content: Json("{}")));
        await server.SendAsync(Request(HttpMethod.Post, f + "/aliases", content: Json("""{"Name":"live","FunctionVersion":"1"}""")));

        var (byQuery, body) = await server.SendAsync(InvokeRequest(name, """{"q":1}""", query: "?Qualifier=live"));
        var (byName, body2) = await server.SendAsync(InvokeRequest(name + ":live", """{"q":2}"""));
        var (mismatch, error) = await server.SendAsync(InvokeRequest(name + ":1", "{}", query: "?Qualifier=live"));

        Assert.Equal(HttpStatusCode.OK, byQuery.StatusCode);
        Assert.Equal("1", byQuery.Headers.GetValues("X-Amz-Executed-Version").Single());
        Assert.Equal("1", body!["version"]!.GetValue<string>());
        Assert.Equal("1", byName.Headers.GetValues("X-Amz-Executed-Version").Single());
        Assert.Equal(2, body2!["echo"]!["q"]!.GetValue<int>());
        Assert.Equal(HttpStatusCode.BadRequest, mismatch.StatusCode);
        Assert.Equal("InvalidParameterValueException", mismatch.Headers.GetValues("x-amzn-ErrorType").Single());
        Assert.Contains("qualifier", error!["message"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Invoke_DryRun_Returns204WithoutRunning()
    {
        var name = await CreateEchoAsync("dryrun");

        var (response, body) = await server.SendAsync(InvokeRequest(name, "{}", "DryRun"));

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Null(body);
        Assert.False(response.Headers.Contains("X-Amz-Executed-Version"));
    }

    [Fact]
    public async Task Invoke_DryRunMissingFunction_ReturnsResourceNotFound()
    {
        var (response, body) = await server.SendAsync(InvokeRequest(UniqueName("ghost"), "{}", "DryRun"));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("ResourceNotFoundException", response.Headers.GetValues("x-amzn-ErrorType").Single());
        Assert.StartsWith("Function not found: arn:aws:lambda:us-east-1:000000000000:function:ghost-", body!["Message"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Invoke_UnknownInvocationType_ReturnsValidationException()
    {
        var name = await CreateEchoAsync("badtype");

        var (response, body) = await server.SendAsync(InvokeRequest(name, "{}", "Sometimes"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("ValidationException", response.Headers.GetValues("x-amzn-ErrorType").Single());
        Assert.Contains("'Sometimes' at 'invocationType'", body!["message"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Invoke_Event_Returns202AndItsOutputReachesCloudWatchLogs()
    {
        var account = NewAccount();
        var name = await CreateEchoAsync("event", account);
        var marker = "marker-" + Guid.NewGuid().ToString("N");

        var (response, body) = await server.SendAsync(InvokeRequest(name, $$"""{"marker":"{{marker}}"}""", "Event", accessKey: account));

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Null(body);
        var events = await PollLogsAsync(account, $"/aws/lambda/{name}", marker);
        var line = Assert.Single(events);
        Assert.Contains($"{{\"marker\":\"{marker}\"}}", line["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Contains("[$LATEST]", line["logStreamName"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Invoke_BootstrapExits_ReturnsUnhandledRuntimeExitError()
    {
        var name = UniqueName("crash");
        var zip = Convert.ToBase64String(BootstrapZip("#!/bin/sh\necho dying >&2\nexit 3\n"));
        await server.CreateFunctionAsync(name, zipBase64: zip);

        var (response, body) = await server.SendAsync(InvokeRequest(name, "{}"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Unhandled", response.Headers.GetValues("X-Amz-Function-Error").Single());
        Assert.Equal("Runtime.ExitError", body!["errorType"]!.GetValue<string>());
        Assert.Contains("exit status 3", body["errorMessage"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Invoke_FunctionReportsError_ReturnsUnhandledWithItsBody()
    {
        var name = UniqueName("fails");
        var zip = Convert.ToBase64String(BootstrapZip("""
            #!/bin/sh
            API="http://${AWS_LAMBDA_RUNTIME_API}/2018-06-01/runtime/invocation"
            HEADERS="$(mktemp)"
            trap 'rm -f "$HEADERS"' EXIT
            while true; do
              curl -sS -o /dev/null -D "$HEADERS" "$API/next"
              ID="$(grep -i '^Lambda-Runtime-Aws-Request-Id:' "$HEADERS" | cut -d' ' -f2 | tr -d '\r\n')"
              curl -sS -o /dev/null -X POST -H "Lambda-Runtime-Function-Error-Type: Custom.Boom" "$API/$ID/error" --data-binary '{"errorType":"Custom.Boom","errorMessage":"boom"}'
            done
            """));
        await server.CreateFunctionAsync(name, zipBase64: zip);

        var (response, body) = await server.SendAsync(InvokeRequest(name, "{}"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Unhandled", response.Headers.GetValues("X-Amz-Function-Error").Single());
        Assert.Equal("Custom.Boom", body!["errorType"]!.GetValue<string>());
        Assert.Equal("boom", body["errorMessage"]!.GetValue<string>());
    }

    [Fact]
    public async Task Invoke_SameNameInOtherAccount_RunsThatAccountsFunction()
    {
        var name = UniqueName("acct");
        var a = NewAccount();
        var b = NewAccount();
        await server.CreateFunctionAsync(name, a);

        var (missing, _) = await server.SendAsync(InvokeRequest(name, "{}", accessKey: b));
        await server.CreateFunctionAsync(name, b, zipBase64: Convert.ToBase64String(BootstrapZip(EchoBootstrap.Replace("\"fn\":", "\"account\":\"b\",\"fn\":", StringComparison.Ordinal))));
        var (_, fromA) = await server.SendAsync(InvokeRequest(name, "{}", accessKey: a));
        var (_, fromB) = await server.SendAsync(InvokeRequest(name, "{}", accessKey: b));

        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Null(fromA!["account"]);
        Assert.Equal("b", fromB!["account"]!.GetValue<string>());
    }

    /// <summary>Polls FilterLogEvents until an event containing <paramref name="marker"/> shows up, or 60 s pass.</summary>
    private async Task<List<JsonNode>> PollLogsAsync(string account, string group, string marker)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        string last = "";
        while (DateTime.UtcNow < deadline)
        {
            var (response, body) = await server.LogsAsync("FilterLogEvents", $$"""{"logGroupName":"{{group}}","filterPattern":"\"{{marker}}\""}""", account);
            last = $"{(int)response.StatusCode} {body?.ToJsonString()}";
            if (response.StatusCode == HttpStatusCode.OK && body!["events"]!.AsArray() is { Count: > 0 } events)
            {
                return events.Select(e => e!).ToList();
            }

            await Task.Delay(100);
        }

        Assert.Fail($"no log event with {marker} in {group} within 60 s; last answer: {last}");
        return [];
    }
}
