using System.Net.WebSockets;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Nimbus.Core.Functions;
using Nimbus.Core.Identity;
using Nimbus.Gateway.Management;
using Nimbus.Gateway.WebSockets;
using Nimbus.Storage.Sqlite;

namespace Nimbus.Gateway.Tests;

/// <summary>WebSocket APIs served by a real Kestrel with the gateway middleware, a fake function and short limits.</summary>
public sealed class WebSocketGatewayTests : IAsyncLifetime
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "nimbus-gw-ws-" + Guid.NewGuid().ToString("N"));
    private readonly System.Collections.Concurrent.ConcurrentQueue<(string Route, JsonNode Event)> _events = new();
    private WebApplication _app = null!;
    private string _apiId = null!;
    private Uri _base = null!;

    /// <summary>$connect refuses <c>?deny</c>; messages are echoed (two-way $default); everything is recorded.</summary>
    private sealed class EchoFunction(System.Collections.Concurrent.ConcurrentQueue<(string, JsonNode)> events) : IFunctionInvoker
    {
        public ValueTask<FunctionInvocationResult> InvokeAsync(FunctionInvocation invocation, CancellationToken cancellationToken = default)
        {
            var ev = JsonNode.Parse(invocation.Payload.Span)!;
            var route = ev["requestContext"]!["routeKey"]!.GetValue<string>();
            events.Enqueue((route, ev));

            var reply = route == "$connect" && ev["queryStringParameters"]?["deny"] is not null
                ? "{\"statusCode\":401,\"body\":\"denied\"}"
                : new JsonObject { ["statusCode"] = 200, ["body"] = "echo:" + ev["body"]?.GetValue<string>() }.ToJsonString();
            return ValueTask.FromResult(new FunctionInvocationResult(200, Encoding.UTF8.GetBytes(reply), null, "$LATEST", null));
        }
    }

    public async Task InitializeAsync()
    {
        var state = new StateStore(_dir);
        state.Migrate([new GatewayMigrations(), new Nimbus.Gateway.Protection.ProtectionMigrations()]);
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Services.AddSingleton(state);
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<IFunctionInvoker>(new EchoFunction(_events));
        builder.Services.AddNimbusGateway();
        builder.Services.AddSingleton(new WebSocketLimits(TimeSpan.FromMilliseconds(600), TimeSpan.FromHours(2), 1024, 256));
        _app = builder.Build();
        _app.UseNimbusGateway();
        await _app.StartAsync();
        _base = new Uri(_app.Urls.First());

        var store = _app.Services.GetRequiredService<ApiStore>();
        _apiId = store.Create(ApiKind.Http, new AwsRequestContext("000000000000", "us-east-1", "r"), (id, doc) =>
        {
            doc["api"] = new JsonObject { ["apiId"] = id, ["name"] = "ws", ["protocolType"] = "WEBSOCKET", ["routeSelectionExpression"] = "$request.body.action" };
            doc["integrations"] = new JsonObject { ["i1"] = new JsonObject { ["integrationId"] = "i1", ["integrationType"] = "AWS_PROXY", ["integrationUri"] = "fn" } };
            doc["routes"] = new JsonObject
            {
                ["r1"] = new JsonObject { ["routeId"] = "r1", ["routeKey"] = "$connect", ["target"] = "integrations/i1" },
                ["r2"] = new JsonObject { ["routeId"] = "r2", ["routeKey"] = "$default", ["target"] = "integrations/i1", ["routeResponseSelectionExpression"] = "$default" },
                ["r3"] = new JsonObject { ["routeId"] = "r3", ["routeKey"] = "$disconnect", ["target"] = "integrations/i1" },
            };
            doc["routeResponses"] = new JsonObject { ["r2"] = new JsonObject { ["rr"] = new JsonObject { ["routeResponseKey"] = "$default" } } };
            doc["snapshots"] = new JsonObject { ["d1"] = StageCompiler.HttpSnapshot(doc) };
            doc["stages"] = new JsonObject { ["dev"] = new JsonObject { ["stageName"] = "dev", ["deploymentId"] = "d1" } };
        }).ApiId;
    }

    public async Task DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        Directory.Delete(_dir, recursive: true);
    }

    private Uri Ws(string query = "") => new($"ws://{_base.Authority}/_api/{_apiId}/dev{query}");

    private static async Task<(WebSocketMessageType Type, string Text)> ReceiveAsync(ClientWebSocket ws)
    {
        var buffer = new byte[4096];
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var r = await ws.ReceiveAsync(buffer, timeout.Token);
        return (r.MessageType, Encoding.UTF8.GetString(buffer, 0, r.Count));
    }

    [Fact]
    public async Task Message_IsEchoed_ThenIdleTimeoutClosesWith1001_AndDisconnectRuns()
    {
        using var ws = new ClientWebSocket();
        await ws.ConnectAsync(Ws(), default);
        await ws.SendAsync("{\"action\":\"x\"}"u8.ToArray(), WebSocketMessageType.Text, true, default);
        Assert.Equal("echo:{\"action\":\"x\"}", (await ReceiveAsync(ws)).Text);

        // No traffic for the (shortened) idle timeout: API Gateway closes with 1001 Going Away.
        var (type, _) = await ReceiveAsync(ws);
        Assert.Equal(WebSocketMessageType.Close, type);
        Assert.Equal(WebSocketCloseStatus.EndpointUnavailable, ws.CloseStatus);
        await ws.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "", default);

        var gateway = _app.Services.GetRequiredService<WebSocketGateway>();
        await WaitAsync(() => gateway.OpenConnections == 0 && _events.Any(e => e.Route == "$disconnect"));
        var disconnect = _events.Single(e => e.Route == "$disconnect").Event;
        Assert.Equal(1001, disconnect["requestContext"]!["disconnectStatusCode"]!.GetValue<int>());
        Assert.Equal("Going away", disconnect["requestContext"]!["disconnectReason"]!.GetValue<string>());
        var connectionIds = _events.Select(e => e.Event["requestContext"]!["connectionId"]!.GetValue<string>()).Distinct();
        Assert.Single(connectionIds);
    }

    [Fact]
    public async Task ConnectRefusedByTheFunction_RejectsTheUpgradeWithItsStatus()
    {
        using var ws = new ClientWebSocket();
        ws.Options.CollectHttpResponseDetails = true;
        await Assert.ThrowsAsync<WebSocketException>(() => ws.ConnectAsync(Ws("?deny=1"), default));
        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, ws.HttpStatusCode);
        Assert.DoesNotContain(_events, e => e.Route == "$disconnect");
    }

    [Fact]
    public async Task MessageOverTheLimit_ClosesWith1009()
    {
        using var ws = new ClientWebSocket();
        await ws.ConnectAsync(Ws(), default);
        await ws.SendAsync(new byte[2000].Select(_ => (byte)'a').ToArray(), WebSocketMessageType.Text, true, default);
        var (type, _) = await ReceiveAsync(ws);
        Assert.Equal(WebSocketMessageType.Close, type);
        Assert.Equal(WebSocketCloseStatus.MessageTooBig, ws.CloseStatus);
    }

    private static async Task WaitAsync(Func<bool> condition)
    {
        for (var i = 0; i < 100 && !condition(); i++)
        {
            await Task.Delay(50);
        }

        Assert.True(condition());
    }
}
