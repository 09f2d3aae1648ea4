using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Nimbus.Core.Functions;
using Nimbus.Gateway.Management;
using Nimbus.Gateway.Serving;

namespace Nimbus.Gateway.Tests;

/// <summary>HTTP API parameter mapping (append/overwrite/remove of headers, query strings, path; response headers and status).</summary>
public sealed class HttpParameterMappingTests
{
    private sealed class Recorder : HttpMessageHandler
    {
        public HttpRequestMessage? Last { get; private set; }

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Last = request;
            var response = new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent("{\"ok\":true}", Encoding.UTF8, "application/json") };
            response.Headers.Add("X-Backend", "b1");
            response.Headers.Add("X-Secret", "s");
            return Task.FromResult(response);
        }
    }

    private sealed class Invoker(string payload) : IFunctionInvoker
    {
        public ValueTask<FunctionInvocationResult> InvokeAsync(FunctionInvocation invocation, CancellationToken cancellationToken = default) =>
            ValueTask.FromResult(new FunctionInvocationResult(200, Encoding.UTF8.GetBytes(payload), null, "$LATEST", null));
    }

    /// <summary>A function that never answers and ignores cancellation, as a slow real function does.</summary>
    private sealed class HangingInvoker : IFunctionInvoker
    {
        public ValueTask<FunctionInvocationResult> InvokeAsync(FunctionInvocation invocation, CancellationToken cancellationToken = default) =>
            new(new TaskCompletionSource<FunctionInvocationResult>().Task);
    }

    [Fact]
    public async Task Lambda_IntegrationTimeout_Answers503EvenWhenTheInvocationIgnoresCancellation()
    {
        var api = Api(new JsonObject
        {
            ["integrationId"] = "i1",
            ["integrationType"] = "AWS_PROXY",
            ["integrationUri"] = "arn:aws:lambda:us-east-1:123456789012:function:f",
            ["payloadFormatVersion"] = "2.0",
            ["timeoutInMillis"] = 50,
        });
        var dispatcher = new InvokeDispatcher(new HangingInvoker(), new HttpProxyForwarder(new HttpClient()), TimeProvider.System);
        var response = await dispatcher.DispatchAsync(api, Get("/users/7", ""), default).WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(503, response.StatusCode);
        Assert.Equal("{\"message\":\"Service Unavailable\"}", Encoding.UTF8.GetString(response.Body));
    }

    private static ApiEntry Api(JsonObject integration)
    {
        var doc = new JsonObject
        {
            ["api"] = new JsonObject { ["name"] = "t" },
            ["integrations"] = new JsonObject { ["i1"] = integration },
            ["routes"] = new JsonObject { ["r1"] = new JsonObject { ["routeId"] = "r1", ["routeKey"] = "GET /users/{id}", ["target"] = "integrations/i1" } },
        };
        doc["snapshots"] = new JsonObject { ["d1"] = StageCompiler.HttpSnapshot(doc) };
        doc["stages"] = new JsonObject { ["$default"] = new JsonObject { ["stageName"] = "$default", ["deploymentId"] = "d1", ["stageVariables"] = new JsonObject { ["tier"] = "gold" } } };
        return StageCompiler.Publish(new ApiEntry("abc123defg", ApiKind.Http, "123456789012", "us-east-1", doc));
    }

    private static GatewayRequest Get(string path, string query, params (string, string)[] headers) =>
        new("GET", path, query, [new("Host", "abc123defg.execute-api.localhost"), .. headers.Select(h => new KeyValuePair<string, string>(h.Item1, h.Item2))],
            ReadOnlyMemory<byte>.Empty, "10.0.0.1", "HTTP/1.1", "abc123defg.execute-api.localhost", 4566);

    [Fact]
    public async Task HttpProxy_RequestAndResponseParameters_AreApplied()
    {
        var recorder = new Recorder();
        var api = Api(new JsonObject
        {
            ["integrationId"] = "i1",
            ["integrationType"] = "HTTP_PROXY",
            ["integrationMethod"] = "GET",
            ["integrationUri"] = "http://backend.example/original",
            ["payloadFormatVersion"] = "1.0",
            ["requestParameters"] = new JsonObject
            {
                ["append:header.X-User"] = "user-$request.path.id",
                ["overwrite:header.X-Tier"] = "${stageVariables.tier}",
                ["remove:header.X-Drop"] = "''",
                ["overwrite:querystring.page"] = "$request.querystring.p",
                ["remove:querystring.p"] = "''",
                ["overwrite:path"] = "/v2/users/$request.path.id",
            },
            ["responseParameters"] = new JsonObject
            {
                ["200"] = new JsonObject
                {
                    ["append:header.X-Request"] = "$context.requestId",
                    ["overwrite:header.X-From"] = "$response.header.X-Backend",
                    ["remove:header.X-Secret"] = "''",
                    ["overwrite:statuscode"] = "202",
                },
            },
        });
        var dispatcher = new InvokeDispatcher(new Invoker("{}"), new HttpProxyForwarder(new HttpClient(recorder)), TimeProvider.System);
        var response = await dispatcher.DispatchAsync(api, Get("/users/7", "p=3&keep=1", ("X-Drop", "x"), ("X-Tier", "old")), default);

        var sent = recorder.Last!;
        Assert.Equal("http://backend.example/v2/users/7?keep=1&page=3", sent.RequestUri!.ToString());
        Assert.Equal("user-7", sent.Headers.GetValues("X-User").Single());
        Assert.Equal("gold", sent.Headers.GetValues("X-Tier").Single());
        Assert.False(sent.Headers.Contains("X-Drop"));

        Assert.Equal(202, response.StatusCode);
        Assert.Equal("b1", response.Header("X-From"));
        Assert.Null(response.Header("X-Secret"));
        Assert.Equal(response.Header("Apigw-Requestid"), response.Header("X-Request"));
    }

    [Fact]
    public async Task Lambda_ResponseParameters_ByStatusCode()
    {
        var api = Api(new JsonObject
        {
            ["integrationId"] = "i1",
            ["integrationType"] = "AWS_PROXY",
            ["integrationUri"] = "arn:aws:lambda:us-east-1:123456789012:function:f",
            ["payloadFormatVersion"] = "2.0",
            ["responseParameters"] = new JsonObject
            {
                ["404"] = new JsonObject { ["overwrite:statuscode"] = "410", ["append:header.X-Gone"] = "$response.body.reason" },
            },
        });
        var dispatcher = new InvokeDispatcher(new Invoker("{\"statusCode\":404,\"body\":\"{\\\"reason\\\":\\\"deleted\\\"}\"}"), new HttpProxyForwarder(new HttpClient()), TimeProvider.System);
        var response = await dispatcher.DispatchAsync(api, Get("/users/7", ""), default);
        Assert.Equal(410, response.StatusCode);
        Assert.Equal("deleted", response.Header("X-Gone"));
    }
}
