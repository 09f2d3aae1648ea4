using System.Buffers;
using System.Collections.Concurrent;
using System.Globalization;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Nimbus.Core.Functions;
using Nimbus.Core.Identity;
using Nimbus.Gateway.Management;
using Nimbus.Gateway.Routing;
using Nimbus.Gateway.Serving;

namespace Nimbus.Gateway.WebSockets;

/// <summary>Serves WebSocket APIs: the upgrade and <c>$connect</c>, message routing, <c>$disconnect</c>, and the
/// <c>@connections</c> management API on <c>/{stage}/@connections/{connectionId}</c>.</summary>
/// <remarks>
/// Connections live in memory only (a restart drops the sockets, as a redeploy of API Gateway's fleet would).
/// Messages are dispatched as they arrive, concurrently, each on the stage's current deployment; replies and
/// <c>@connections</c> posts share the connection's send lock.
/// </remarks>
internal sealed partial class WebSocketGateway(
    ApiStore store, IFunctionInvoker invoker, TimeProvider time, WebSocketLimits limits, ILogger<WebSocketGateway> logger,
    IHostApplicationLifetime? lifetime = null)
{
    private readonly ConcurrentDictionary<string, WebSocketSession> _sessions = new(StringComparer.Ordinal);
    private int _shutdownHooked;

    public int OpenConnections => _sessions.Count;

    public WebSocketSession? Session(string connectionId) => _sessions.GetValueOrDefault(connectionId);

    public async Task HandleAsync(HttpContext http, ApiEntry api, GatewayRequest request)
    {
        var path = request.RawPath;
        var end = path.IndexOf('/', 1);
        var stageName = Uri.UnescapeDataString(end < 0 ? path[1..] : path[1..end]);
        var rest = end < 0 ? "" : path[end..];
        if (!api.Stages.TryGetValue(stageName, out var stage) || stage.WebSocket is not { } routes)
        {
            await WriteJsonAsync(http, 403, "{\"message\":\"Forbidden\"}");
            return;
        }

        if (rest.StartsWith("/@connections/", StringComparison.Ordinal))
        {
            await ConnectionsAsync(http, api, stageName, Uri.UnescapeDataString(rest["/@connections/".Length..]), request.Body);
            return;
        }

        if (rest.Length > 1 || !http.WebSockets.IsWebSocketRequest)
        {
            await WriteJsonAsync(http, 426, "{\"message\":\"Upgrade Required\"}");
            return;
        }

        await ConnectAsync(http, api, stage, routes, request);
    }

    private async Task ConnectAsync(HttpContext http, ApiEntry api, StageSnapshot stage, WebSocketRouteTable routes, GatewayRequest request)
    {
        var now = time.GetUtcNow();
        var session = new WebSocketSession(
            NewId(), api.ApiId, stage.StageName, request.DomainName, request.SourceIp, request.Header("User-Agent"), stage.Variables, now);
        var ids = Ids(now, messageId: false);
        string? subProtocol = null;
        if (routes.Find(WebSocketRouteTable.Connect) is { Integration: { } integration })
        {
            var outcome = await InvokeAsync(api, session, integration, WebSocketEvents.Connect(session, request, ids), ids, http.RequestAborted);
            if (outcome.Failed)
            {
                await WriteJsonAsync(http, 500, "{\"message\": \"Internal server error\"}");
                return;
            }

            var (status, headers, body) = ProxyResult(outcome.Payload);
            if (status is < 200 or > 299)
            {
                await WriteJsonAsync(http, status, body ?? "");
                return;
            }

            subProtocol = headers.FirstOrDefault(h => h.Key.Equals("Sec-WebSocket-Protocol", StringComparison.OrdinalIgnoreCase)).Value;
        }

        HookShutdown();
        using var socket = await http.WebSockets.AcceptWebSocketAsync(new WebSocketAcceptContext { SubProtocol = subProtocol, KeepAliveInterval = TimeSpan.Zero });
        session.Socket = socket;
        _sessions[session.ConnectionId] = session;
        Log.Connected(logger, api.ApiId, stage.StageName, session.ConnectionId);
        var (code, reason) = await ReceiveLoopAsync(api, session, socket);
        _sessions.TryRemove(session.ConnectionId, out _);
        Log.Disconnected(logger, api.ApiId, session.ConnectionId, code);

        // $disconnect is best effort, on the stage's current deployment.
        var current = store.Find(api.ApiId);
        if (current?.Stages.GetValueOrDefault(session.Stage)?.WebSocket?.Find(WebSocketRouteTable.Disconnect) is { Integration: { } onDisconnect })
        {
            var disconnectIds = Ids(time.GetUtcNow(), messageId: false);
            await InvokeAsync(current, session, onDisconnect, WebSocketEvents.Disconnect(session, code, reason, disconnectIds), disconnectIds, CancellationToken.None);
        }
    }

    /// <summary>Reads messages until the connection closes; returns the close code and reason for <c>$disconnect</c>.</summary>
    private async Task<(int Code, string Reason)> ReceiveLoopAsync(ApiEntry api, WebSocketSession session, WebSocket socket)
    {
        using var stop = new CancellationTokenSource();
        var watchdog = WatchdogAsync(session, stop.Token);
        var frame = new byte[limits.MaxFrameBytes];
        var message = new ArrayBufferWriter<byte>(limits.MaxFrameBytes);
        (int, string) closed = (1006, "Connection closed abnormally");
        try
        {
            while (true)
            {
                message.ResetWrittenCount();
                ValueWebSocketReceiveResult result;
                var tooBig = false;
                do
                {
                    result = await socket.ReceiveAsync(frame.AsMemory(), CancellationToken.None);
                    if (result.MessageType == WebSocketMessageType.Close)
                    {
                        break;
                    }

                    if (message.WrittenCount + result.Count > limits.MaxMessageBytes)
                    {
                        tooBig = true;
                        break;
                    }

                    message.Write(frame.AsSpan(0, result.Count));
                }
                while (!result.EndOfMessage);

                if (result.MessageType == WebSocketMessageType.Close)
                {
                    if (session.ServerClose is { } mine)
                    {
                        closed = mine;
                    }
                    else
                    {
                        closed = ((int?)socket.CloseStatus ?? 1005, socket.CloseStatusDescription ?? "");
                        await session.CloseAsync(socket.CloseStatus ?? WebSocketCloseStatus.NormalClosure, socket.CloseStatusDescription ?? "");
                    }

                    break;
                }

                if (tooBig)
                {
                    await session.CloseAsync(WebSocketCloseStatus.MessageTooBig, "Message too big");
                    closed = session.ServerClose ?? closed;
                    await DrainAsync(socket, frame);
                    break;
                }

                if (result.MessageType == WebSocketMessageType.Binary)
                {
                    // WebSocket APIs do not accept binary frames from clients: API Gateway closes with 1003.
                    await session.CloseAsync(WebSocketCloseStatus.InvalidMessageType, "Binary frames are not supported");
                    closed = session.ServerClose ?? closed;
                    await DrainAsync(socket, frame);
                    break;
                }

                session.Touch(time.GetUtcNow());
                var body = Encoding.UTF8.GetString(message.WrittenSpan);
                _ = MessageAsync(api.ApiId, session, body);
            }
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or ObjectDisposedException)
        {
            closed = session.ServerClose ?? closed;
        }
        finally
        {
            await stop.CancelAsync();
            await watchdog;
        }

        return closed;
    }

    /// <summary>After the server's close frame, waits (briefly) for the client's.</summary>
    private static async Task DrainAsync(WebSocket socket, byte[] frame)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        try
        {
            while (socket.State == WebSocketState.CloseSent)
            {
                var r = await socket.ReceiveAsync(frame.AsMemory(), timeout.Token);
                if (r.MessageType == WebSocketMessageType.Close)
                {
                    break;
                }
            }
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or ObjectDisposedException)
        {
            // The client went away without answering: nothing more to read.
        }
    }

    /// <summary>Closes the connection with 1001 when it has been idle for the idle timeout or open for the maximum duration.</summary>
    private async Task WatchdogAsync(WebSocketSession session, CancellationToken cancellationToken)
    {
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                var now = time.GetUtcNow();
                var deadline = Min(session.LastActiveAt + limits.IdleTimeout, session.ConnectedAt + limits.MaxDuration);
                if (now >= deadline)
                {
                    await session.CloseAsync(WebSocketCloseStatus.EndpointUnavailable, "Going away");
                    return;
                }

                await Task.Delay(deadline - now, time, cancellationToken);
            }
        }
        catch (OperationCanceledException)
        {
            // The connection ended first.
        }
    }

    /// <summary>Open sockets would hold up a graceful shutdown: they are closed (1001 Going Away) when the host stops.</summary>
    private void HookShutdown()
    {
        if (lifetime is not null && Interlocked.Exchange(ref _shutdownHooked, 1) == 0)
        {
            lifetime.ApplicationStopping.Register(() => Task.WaitAll(
                [.. _sessions.Values.Select(s => s.CloseAsync(WebSocketCloseStatus.EndpointUnavailable, "Going away"))], TimeSpan.FromSeconds(5)));
        }
    }

    private static DateTimeOffset Min(DateTimeOffset a, DateTimeOffset b) => a < b ? a : b;

    private async Task MessageAsync(string apiId, WebSocketSession session, string body)
    {
        try
        {
            var ids = Ids(time.GetUtcNow(), messageId: true);
            var api = store.Find(apiId);
            var route = api?.Stages.GetValueOrDefault(session.Stage)?.WebSocket?.Select(body);
            if (api is null || route is null)
            {
                await session.SendTextAsync(ErrorMessage("Forbidden", session, ids), CancellationToken.None);
                return;
            }

            if (route.Integration is not { } integration || integration.Type != "AWS_PROXY")
            {
                if (route.Integration is null)
                {
                    await session.SendTextAsync(ErrorMessage("Internal server error", session, ids), CancellationToken.None);
                }

                return;
            }

            var outcome = await InvokeAsync(api, session, integration, WebSocketEvents.Message(session, route.RouteKey, body, ids), ids, CancellationToken.None);
            if (outcome.Failed)
            {
                await session.SendTextAsync(ErrorMessage("Internal server error", session, ids), CancellationToken.None);
                return;
            }

            if (route.TwoWay && ProxyResult(outcome.Payload).Body is { } reply)
            {
                await session.SendTextAsync(reply, CancellationToken.None);
            }
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            Log.MessageFailed(logger, apiId, session.ConnectionId, e);
        }
    }

    /// <summary>API Gateway's error frame: <c>{"message": "Forbidden", "connectionId":"…", "requestId":"…"}</c>.</summary>
    private static string ErrorMessage(string message, WebSocketSession session, WebSocketEventIds ids) =>
        $"{{\"message\": \"{message}\", \"connectionId\":\"{session.ConnectionId}\", \"requestId\":\"{ids.RequestId}\"}}";

    private async Task<(bool Failed, ReadOnlyMemory<byte> Payload)> InvokeAsync(
        ApiEntry api, WebSocketSession session, IntegrationTarget integration, byte[] payload, WebSocketEventIds ids, CancellationToken cancellationToken)
    {
        if (integration.Type != "AWS_PROXY")
        {
            // MOCK and the other types are accepted as a successful integration without a body.
            return (false, "{\"statusCode\":200}"u8.ToArray());
        }

        var function = LambdaUri.FunctionOf(integration.Uri ?? "", session.StageVariables);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromMilliseconds(integration.TimeoutMillis));
        try
        {
            var result = await invoker.InvokeAsync(
                new FunctionInvocation(function, null, InvocationType.RequestResponse, payload, new AwsRequestContext(api.Account, api.Region, ids.RequestId))
                {
                    TraceId = ids.TraceId,
                },
                timeout.Token).Until(timeout.Token);
            return (result.Error is not null || result.FunctionError is not null, result.Payload);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return (true, default);
        }
    }

    /// <summary>Reads a Lambda proxy result: status (200 when absent), headers, and the body to send back.</summary>
    internal static (int Status, List<KeyValuePair<string, string>> Headers, string? Body) ProxyResult(ReadOnlyMemory<byte> payload)
    {
        var headers = new List<KeyValuePair<string, string>>();
        if (payload.IsEmpty)
        {
            return (200, headers, null);
        }

        try
        {
            using var doc = JsonDocument.Parse(payload);
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("statusCode", out var code))
            {
                // Not a proxy result (a bare value): sent as its JSON text; null sends nothing.
                return (200, headers, root.ValueKind == JsonValueKind.Null ? null : root.ValueKind == JsonValueKind.String ? root.GetString() : root.GetRawText());
            }

            var status = code.ValueKind == JsonValueKind.Number && code.TryGetInt32(out var n) ? n
                : code.ValueKind == JsonValueKind.String && int.TryParse(code.GetString(), CultureInfo.InvariantCulture, out var s) ? s : 500;
            if (root.TryGetProperty("headers", out var h) && h.ValueKind == JsonValueKind.Object)
            {
                foreach (var p in h.EnumerateObject())
                {
                    headers.Add(new(p.Name, p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString()! : p.Value.GetRawText()));
                }
            }

            string? body = null;
            if (root.TryGetProperty("body", out var b) && b.ValueKind != JsonValueKind.Null)
            {
                body = b.ValueKind == JsonValueKind.String ? b.GetString() : b.GetRawText();
                if (body is not null && root.TryGetProperty("isBase64Encoded", out var enc) && enc.ValueKind == JsonValueKind.True)
                {
                    body = Encoding.UTF8.GetString(Convert.FromBase64String(body));
                }
            }

            return (status, headers, body);
        }
        catch (Exception e) when (e is JsonException or FormatException)
        {
            return (502, headers, null);
        }
    }

    private WebSocketEventIds Ids(DateTimeOffset now, bool messageId) =>
        new(NewId(), messageId ? NewId() : null, GatewayIds.TraceId(now.ToUnixTimeSeconds()), now);

    /// <summary>A connection, request or message id in API Gateway's form (16 characters of base64, e.g. <c>R1kmxc2VNjMCFIA=</c>).</summary>
    private static string NewId() => GatewayIds.Extended();

    internal static Task WriteJsonAsync(HttpContext http, int status, string json)
    {
        http.Response.StatusCode = status;
        http.Response.ContentType = "application/json";
        return json.Length == 0 ? Task.CompletedTask : http.Response.WriteAsync(json, http.RequestAborted);
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 10, Level = LogLevel.Debug, Message = "WebSocket API {ApiId}/{Stage}: connection {ConnectionId} opened")]
        public static partial void Connected(ILogger logger, string apiId, string stage, string connectionId);

        [LoggerMessage(EventId = 11, Level = LogLevel.Debug, Message = "WebSocket API {ApiId}: connection {ConnectionId} closed ({Code})")]
        public static partial void Disconnected(ILogger logger, string apiId, string connectionId, int code);

        [LoggerMessage(EventId = 12, Level = LogLevel.Error, Message = "WebSocket API {ApiId}: message on {ConnectionId} failed")]
        public static partial void MessageFailed(ILogger logger, string apiId, string connectionId, Exception exception);
    }
}
