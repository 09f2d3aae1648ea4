using System.Globalization;
using System.Net.WebSockets;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Nimbus.Core.Errors;
using Nimbus.Core.Identity;
using Nimbus.Core.Protocols;
using Nimbus.Gateway.Management;

namespace Nimbus.Gateway.WebSockets;

internal sealed partial class WebSocketGateway
{
    /// <summary>PostToConnection's <c>Data</c> limit (the model's 131,072 bytes, the WebSocket message quota).</summary>
    private const int MaxPostBytes = 128 * 1024;

    /// <summary>The API Gateway Management API (<c>@aws-sdk/client-apigatewaymanagementapi</c>, endpoint
    /// <c>…/{stage}</c>): PostToConnection, GetConnection, DeleteConnection; an unknown or closed connection is 410
    /// GoneException.</summary>
    private async Task ConnectionsAsync(HttpContext http, ApiEntry api, string stage, string connectionId, ReadOnlyMemory<byte> body)
    {
        var requestId = RequestIds.New();
        http.Response.Headers["x-amzn-RequestId"] = requestId;
        var method = http.Request.Method;
        if (method is not ("POST" or "GET" or "DELETE") || connectionId.Length == 0 || connectionId.Contains('/', StringComparison.Ordinal))
        {
            await WriteJsonAsync(http, 403, "{\"message\":\"Missing Authentication Token\"}");
            return;
        }

        var session = _sessions.GetValueOrDefault(connectionId);
        if (session is null || session.ApiId != api.ApiId || session.Stage != stage || !session.IsOpen)
        {
            await ErrorWriter.WriteAsync(http, new AwsError("GoneException", $"Connection {connectionId} is gone", 410), AwsProtocol.RestJson, requestId);
            return;
        }

        switch (method)
        {
            case "POST":
                if (body.Length > MaxPostBytes)
                {
                    await ErrorWriter.WriteAsync(
                        http, new AwsError("PayloadTooLargeException", $"Message too long. Max size is {MaxPostBytes} bytes", 413), AwsProtocol.RestJson, requestId);
                    return;
                }

                if (!await session.SendAsync(body, http.RequestAborted))
                {
                    await ErrorWriter.WriteAsync(http, new AwsError("GoneException", $"Connection {connectionId} is gone", 410), AwsProtocol.RestJson, requestId);
                    return;
                }

                session.Touch(time.GetUtcNow());
                http.Response.StatusCode = 200;
                return;
            case "GET":
                var info = new JsonObject
                {
                    ["connectedAt"] = Iso(session.ConnectedAt),
                    ["identity"] = new JsonObject { ["sourceIp"] = session.SourceIp, ["userAgent"] = session.UserAgent },
                    ["lastActiveAt"] = Iso(session.LastActiveAt),
                };
                await WriteJsonAsync(http, 200, info.ToJsonString());
                return;
            default:
                await session.CloseAsync(WebSocketCloseStatus.NormalClosure, "");
                http.Response.StatusCode = 204;
                return;
        }
    }

    private static string Iso(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
}
