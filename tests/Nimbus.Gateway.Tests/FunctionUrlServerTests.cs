using System.Text;
using System.Text.Json.Nodes;
using Nimbus.Core.Errors;
using Nimbus.Core.Functions;
using Nimbus.Gateway.FunctionUrls;
using Nimbus.Gateway.Serving;

namespace Nimbus.Gateway.Tests;

public sealed class FunctionUrlServerTests
{
    private const string UrlId = "abcdefghijklmnopqrstuvwxyz012345";
    private const string Domain = UrlId + ".lambda-url.eu-west-1.localhost";

    private sealed class FakeInvoker(Func<FunctionInvocation, FunctionInvocationResult> answer) : IFunctionInvoker
    {
        public List<FunctionInvocation> Calls { get; } = [];

        public ValueTask<FunctionInvocationResult> InvokeAsync(FunctionInvocation invocation, CancellationToken cancellationToken = default)
        {
            Calls.Add(invocation);
            return ValueTask.FromResult(answer(invocation));
        }
    }

    private static FunctionUrlEndpoint Url(string auth = "NONE", FunctionUrlCors? cors = null, string? qualifier = "live") =>
        new(UrlId, "123456789012", "eu-west-1", "arn:aws:lambda:eu-west-1:123456789012:function:site", qualifier, auth, cors, "BUFFERED");

    private static GatewayRequest Request(string method, string path, string query = "", string? body = null, params (string Name, string Value)[] headers) =>
        new(method, path, query, [new("Host", Domain), .. headers.Select(h => new KeyValuePair<string, string>(h.Name, h.Value))],
            body is null ? ReadOnlyMemory<byte>.Empty : Encoding.UTF8.GetBytes(body), "10.1.2.3", "HTTP/1.1", Domain, 4566);

    private static FunctionInvocationResult Ok(string json) => new(200, Encoding.UTF8.GetBytes(json), null, "1", null);

    private static JsonObject Event(FunctionInvocation call) => JsonNode.Parse(call.Payload.Span)!.AsObject();

    [Fact]
    public async Task Serve_Get_SendsTheFunctionUrlEventToTheQualifiedFunction()
    {
        var invoker = new FakeInvoker(_ => Ok("{\"ok\":true}"));
        var server = new FunctionUrlServer(invoker, TimeProvider.System);

        var response = await server.ServeAsync(Url(), Request("GET", "/a/b", "x=1&x=2", null, ("Cookie", "c1=v1; c2=v2"), ("X-Multi", "one"), ("X-Multi", "two"), ("User-Agent", "ua")), "/a/b", default);

        Assert.Equal(200, response.StatusCode);
        Assert.Equal("application/json", response.Header("Content-Type"));
        Assert.Equal("{\"ok\":true}", Encoding.UTF8.GetString(response.Body));
        var call = Assert.Single(invoker.Calls);
        Assert.Equal(("arn:aws:lambda:eu-west-1:123456789012:function:site", "live", InvocationType.RequestResponse), (call.FunctionName, call.Qualifier, call.Type));
        Assert.Equal(("123456789012", "eu-west-1"), (call.Caller.AccountId, call.Caller.Region));
        var e = Event(call);
        Assert.Equal("2.0", (string?)e["version"]);
        Assert.Equal("$default", (string?)e["routeKey"]);
        Assert.Equal("/a/b", (string?)e["rawPath"]);
        Assert.Equal("x=1&x=2", (string?)e["rawQueryString"]);
        Assert.Equal("1,2", (string?)e["queryStringParameters"]!["x"]);
        Assert.Equal(["c1=v1", "c2=v2"], e["cookies"]!.AsArray().Select(c => (string?)c));
        Assert.Equal("one,two", (string?)e["headers"]!["x-multi"]);
        Assert.True(e.ContainsKey("pathParameters") && e["pathParameters"] is null);
        Assert.True(e.ContainsKey("stageVariables") && e["stageVariables"] is null);
        Assert.False((bool)e["isBase64Encoded"]!);
        var rc = e["requestContext"]!.AsObject();
        Assert.Equal("anonymous", (string?)rc["accountId"]);
        Assert.Equal(UrlId, (string?)rc["apiId"]);
        Assert.Equal(UrlId, (string?)rc["domainPrefix"]);
        Assert.Equal(Domain, (string?)rc["domainName"]);
        Assert.True(rc.ContainsKey("authentication") && rc["authentication"] is null);
        Assert.False(rc.ContainsKey("authorizer"));
        Assert.Equal("$default", (string?)rc["stage"]);
        Assert.Equal("10.1.2.3", (string?)rc["http"]!["sourceIp"]);
        Assert.Equal("ua", (string?)rc["http"]!["userAgent"]);
        Assert.Equal((string?)rc["requestId"], response.Header("x-amzn-RequestId"));
    }

    [Fact]
    public async Task Serve_BinaryBodyAndStructuredResponse_RoundTrip()
    {
        var invoker = new FakeInvoker(_ => Ok("{\"statusCode\":201,\"headers\":{\"x-a\":\"1\"},\"cookies\":[\"s=1\"],\"body\":\"AAEC\",\"isBase64Encoded\":true}"));
        var server = new FunctionUrlServer(invoker, TimeProvider.System);

        var response = await server.ServeAsync(Url(), Request("POST", "/", "", "\u0001\u0002", ("Content-Type", "application/octet-stream")), "/", default);

        var e = Event(invoker.Calls[0]);
        Assert.True((bool)e["isBase64Encoded"]!);
        Assert.Equal(Convert.ToBase64String([1, 2]), (string?)e["body"]);
        Assert.Equal(201, response.StatusCode);
        Assert.Equal([0, 1, 2], response.Body);
        Assert.Equal("1", response.Header("X-A"));
        Assert.Equal("s=1", response.Header("Set-Cookie"));
    }

    [Theory]
    [InlineData("Unhandled", "{\"errorMessage\":\"boom\"}", 502)]
    [InlineData(null, "{\"statusCode\":\"abc\"}", 502)]
    [InlineData(null, "not json", 502)]
    public async Task Serve_FunctionErrorOrMalformedResponse_Is502(string? functionError, string payload, int status)
    {
        var invoker = new FakeInvoker(_ => new FunctionInvocationResult(200, Encoding.UTF8.GetBytes(payload), functionError, "1", null));
        var response = await new FunctionUrlServer(invoker, TimeProvider.System).ServeAsync(Url(), Request("GET", "/"), "/", default);
        Assert.Equal(status, response.StatusCode);
    }

    [Fact]
    public async Task Serve_Throttled_Is429()
    {
        var invoker = new FakeInvoker(_ => FunctionInvocationResult.Failed(new AwsError("TooManyRequestsException", "Rate Exceeded.", 429)));
        var response = await new FunctionUrlServer(invoker, TimeProvider.System).ServeAsync(Url(), Request("GET", "/"), "/", default);
        Assert.Equal(429, response.StatusCode);
    }

    [Fact]
    public async Task Serve_UnknownUrl_Is403Forbidden()
    {
        var invoker = new FakeInvoker(_ => Ok("{}"));
        var response = await new FunctionUrlServer(invoker, TimeProvider.System).ServeAsync(null, Request("GET", "/"), "/", default);
        Assert.Equal(403, response.StatusCode);
        Assert.Equal("{\"Message\":\"Forbidden\"}", Encoding.UTF8.GetString(response.Body));
        Assert.Empty(invoker.Calls);
    }

    [Fact]
    public async Task Serve_CorsPreflight_IsAnsweredWithoutTheFunction_AndResponsesAreDecorated()
    {
        var cors = new FunctionUrlCors(false, ["content-type"], ["GET"], ["https://a.example"], ["x-a"], 60);
        var invoker = new FakeInvoker(_ => Ok("{}"));
        var server = new FunctionUrlServer(invoker, TimeProvider.System);

        var preflight = await server.ServeAsync(Url("AWS_IAM", cors), Request("OPTIONS", "/", "", null, ("Origin", "https://a.example"), ("Access-Control-Request-Method", "GET")), "/", default);
        Assert.Equal(204, preflight.StatusCode);
        Assert.Equal("https://a.example", preflight.Header("Access-Control-Allow-Origin"));
        Assert.Equal("60", preflight.Header("Access-Control-Max-Age"));
        Assert.Empty(invoker.Calls);

        var get = await server.ServeAsync(Url("NONE", cors), Request("GET", "/", "", null, ("Origin", "https://a.example")), "/", default);
        Assert.Equal("https://a.example", get.Header("Access-Control-Allow-Origin"));
        Assert.Equal("x-a", get.Header("Access-Control-Expose-Headers"));
    }

    [Fact]
    public async Task Serve_AwsIam_RefusesUnsignedAndWronglyScoped_AcceptsSigned()
    {
        var invoker = new FakeInvoker(_ => Ok("{}"));
        var server = new FunctionUrlServer(invoker, TimeProvider.System);
        var now = DateTime.UtcNow;

        var unsigned = await server.ServeAsync(Url("AWS_IAM"), Request("GET", "/p"), "/p", default);
        Assert.Equal(403, unsigned.StatusCode);
        Assert.Equal("{\"Message\":\"Forbidden\"}", Encoding.UTF8.GetString(unsigned.Body));

        var wrongService = await server.ServeAsync(Url("AWS_IAM"), Request("GET", "/p", "", null, AuthorizerTests.Sign("/p", Domain, now, "111122223333", "execute-api")), "/p", default);
        Assert.Equal(403, wrongService.StatusCode);
        Assert.Empty(invoker.Calls);

        // The path form: the client signed the whole path it called, on the edge's host.
        var signed = Request("GET", "/p", "", null, AuthorizerTests.Sign("/_lambda-url/" + UrlId + "/p", "127.0.0.1:4566", now, "111122223333", "lambda"));
        signed = signed with { Headers = [.. signed.Headers.Where(h => h.Key != "Host"), new("Host", "127.0.0.1:4566")] };
        var ok = await server.ServeAsync(Url("AWS_IAM"), signed, "/_lambda-url/" + UrlId + "/p", default);
        Assert.Equal(200, ok.StatusCode);
        var rc = Event(Assert.Single(invoker.Calls))["requestContext"]!;
        Assert.Equal("111122223333", (string?)rc["accountId"]);
        Assert.Equal("111122223333", (string?)rc["authorizer"]!["iam"]!["accountId"]);
        Assert.Equal("arn:aws:iam::111122223333:root", (string?)rc["authorizer"]!["iam"]!["userArn"]);
    }
}
