using System.Text;
using System.Text.Json.Nodes;
using Nimbus.Core.Errors;
using Nimbus.Core.Functions;
using Nimbus.Gateway.Management;
using Nimbus.Gateway.Serving;

namespace Nimbus.Gateway.Tests;

public sealed class InvokeDispatcherTests
{
    /// <summary>Records the invocation and answers with a fixed result (or waits for cancellation).</summary>
    private sealed class FakeInvoker(Func<FunctionInvocation, FunctionInvocationResult?> answer) : IFunctionInvoker
    {
        public List<FunctionInvocation> Calls { get; } = [];

        public async ValueTask<FunctionInvocationResult> InvokeAsync(FunctionInvocation invocation, CancellationToken cancellationToken = default)
        {
            Calls.Add(invocation);
            if (answer(invocation) is { } result)
            {
                return result;
            }

            await Task.Delay(Timeout.Infinite, cancellationToken);
            throw new InvalidOperationException("unreachable");
        }
    }

    private static ApiEntry HttpApi(string payloadVersion = "2.0", int timeout = 30000, string uri = "arn:aws:lambda:us-east-1:000000000000:function:${stageVariables.fn}")
    {
        var doc = new JsonObject
        {
            ["api"] = new JsonObject { ["name"] = "t" },
            ["integrations"] = new JsonObject
            {
                ["i1"] = new JsonObject { ["integrationId"] = "i1", ["integrationType"] = "AWS_PROXY", ["integrationUri"] = uri, ["payloadFormatVersion"] = payloadVersion, ["timeoutInMillis"] = timeout },
            },
            ["routes"] = new JsonObject { ["r1"] = new JsonObject { ["routeId"] = "r1", ["routeKey"] = "GET /items/{id}", ["target"] = "integrations/i1" } },
        };
        doc["snapshots"] = new JsonObject { ["d1"] = StageCompiler.HttpSnapshot(doc) };
        doc["stages"] = new JsonObject
        {
            ["prod"] = new JsonObject { ["stageName"] = "prod", ["deploymentId"] = "d1", ["stageVariables"] = new JsonObject { ["fn"] = "prod-fn" } },
            ["$default"] = new JsonObject { ["stageName"] = "$default", ["deploymentId"] = "d1", ["stageVariables"] = new JsonObject { ["fn"] = "default-fn" } },
        };
        return StageCompiler.Publish(new ApiEntry("abc123defg", ApiKind.Http, "123456789012", "eu-west-1", doc));
    }

    private static GatewayRequest Get(string path) =>
        new("GET", path, "", [new("Host", "abc123defg.execute-api.localhost")], ReadOnlyMemory<byte>.Empty, "10.0.0.1", "HTTP/1.1", "abc123defg.execute-api.localhost", 4566);

    private static FunctionInvocationResult Ok(string json) => new(200, Encoding.UTF8.GetBytes(json), null, "$LATEST", null);

    private static InvokeDispatcher Dispatcher(IFunctionInvoker invoker) => new(invoker, new HttpProxyForwarder(new HttpClient()), TimeProvider.System);

    [Fact]
    public async Task Dispatch_NamedStage_StripsThePrefixAndUsesItsVariables()
    {
        var invoker = new FakeInvoker(_ => Ok("{\"statusCode\":200,\"body\":\"hi\"}"));
        var response = await Dispatcher(invoker).DispatchAsync(HttpApi(), Get("/prod/items/9"), default);

        Assert.Equal(200, response.StatusCode);
        Assert.Equal("hi", Encoding.UTF8.GetString(response.Body));
        Assert.NotNull(response.Header("Apigw-Requestid"));
        var call = Assert.Single(invoker.Calls);
        Assert.Equal("arn:aws:lambda:us-east-1:000000000000:function:prod-fn", call.FunctionName);
        Assert.Equal("123456789012", call.Caller.AccountId);
        Assert.Equal("eu-west-1", call.Caller.Region);
        var ev = JsonNode.Parse(call.Payload.Span)!;
        Assert.Equal("/prod/items/9", ev["rawPath"]!.GetValue<string>());
        Assert.Equal("prod", ev["requestContext"]!["stage"]!.GetValue<string>());
        Assert.Equal("9", ev["pathParameters"]!["id"]!.GetValue<string>());
    }

    [Fact]
    public async Task Dispatch_NoStagePrefix_GoesToDefaultStage()
    {
        var invoker = new FakeInvoker(_ => Ok("{}"));
        var response = await Dispatcher(invoker).DispatchAsync(HttpApi(), Get("/items/1"), default);
        Assert.Equal(200, response.StatusCode);
        Assert.EndsWith(":default-fn", Assert.Single(invoker.Calls).FunctionName, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Dispatch_NoRoute_Is404WithoutInvoking()
    {
        var invoker = new FakeInvoker(_ => Ok("{}"));
        var response = await Dispatcher(invoker).DispatchAsync(HttpApi(), Get("/prod/other"), default);
        Assert.Equal(404, response.StatusCode);
        Assert.Equal("{\"message\":\"Not Found\"}", Encoding.UTF8.GetString(response.Body));
        Assert.Empty(invoker.Calls);
    }

    [Theory]
    [InlineData("Unhandled")]
    [InlineData(null)]
    public async Task Dispatch_FunctionErrorOrInvokeError_Is500(string? functionError)
    {
        var invoker = new FakeInvoker(_ => functionError is null
            ? FunctionInvocationResult.Failed(new AwsError("ResourceNotFoundException", "no", 404))
            : new FunctionInvocationResult(200, "{\"errorMessage\":\"x\"}"u8.ToArray(), functionError, "$LATEST", null));
        var response = await Dispatcher(invoker).DispatchAsync(HttpApi(), Get("/items/1"), default);
        Assert.Equal(500, response.StatusCode);
        Assert.Equal("{\"message\":\"Internal Server Error\"}", Encoding.UTF8.GetString(response.Body));
    }

    [Fact]
    public async Task Dispatch_IntegrationTimeout_Is503()
    {
        var invoker = new FakeInvoker(_ => null);
        var response = await Dispatcher(invoker).DispatchAsync(HttpApi(timeout: 50), Get("/items/1"), default);
        Assert.Equal(503, response.StatusCode);
    }

    [Fact]
    public async Task Dispatch_Payload10_SendsTheV1Event()
    {
        var invoker = new FakeInvoker(_ => Ok("{\"statusCode\":201,\"multiValueHeaders\":{\"x\":[\"1\",\"2\"]}}"));
        var response = await Dispatcher(invoker).DispatchAsync(HttpApi("1.0", uri: "arn:aws:apigateway:eu-west-1:lambda:path/2015-03-31/functions/arn:aws:lambda:eu-west-1:123456789012:function:f1/invocations"), Get("/items/1"), default);
        Assert.Equal(201, response.StatusCode);
        Assert.Equal(["1", "2"], response.Headers.Where(h => h.Key == "X").Select(h => h.Value));
        var call = Assert.Single(invoker.Calls);
        Assert.Equal("arn:aws:lambda:eu-west-1:123456789012:function:f1", call.FunctionName);
        var ev = JsonNode.Parse(call.Payload.Span)!;
        Assert.Equal("1.0", ev["version"]!.GetValue<string>());
        Assert.Equal("GET /items/{id}", ev["requestContext"]!["resourceId"]!.GetValue<string>());
    }
}
