using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;
using Nimbus.Gateway.Management;

namespace Nimbus.Gateway.Serving;

/// <summary>The invoke-URL front door: <c>{apiId}.execute-api.localhost[:port]/…</c> and <c>/_api/{apiId}/…</c>.</summary>
/// <remarks>Runs before the edge middleware on every request, so the test for "is this ours" is one Host
/// substring check and one path prefix check; anything else goes straight to the next middleware.</remarks>
internal sealed partial class GatewayMiddleware(RequestDelegate next, ApiStore store, InvokeDispatcher dispatcher, WebSockets.WebSocketGateway webSockets, ILogger<GatewayMiddleware> logger)
{
    private const string HostMarker = ".execute-api.";
    private const string PathPrefix = "/_api/";

    /// <summary>API Gateway's payload limit: 10 MB (HTTP and REST APIs).</summary>
    private const long MaxPayloadBytes = 10L * 1024 * 1024;

    public async Task InvokeAsync(HttpContext http)
    {
        var host = http.Request.Host.Host;
        var marker = host.IndexOf(HostMarker, StringComparison.OrdinalIgnoreCase);
        if (marker <= 0 && !http.Request.Path.StartsWithSegments("/_api", StringComparison.Ordinal))
        {
            await next(http);
            return;
        }

        var rawTarget = http.Features.Get<IHttpRequestFeature>()?.RawTarget ?? http.Request.Path.Value ?? "/";
        var queryAt = rawTarget.IndexOf('?', StringComparison.Ordinal);
        var rawPath = queryAt < 0 ? rawTarget : rawTarget[..queryAt];
        var rawQuery = queryAt < 0 ? "" : rawTarget[(queryAt + 1)..];

        string apiId;
        string domain;
        if (marker > 0)
        {
            apiId = host[..marker].ToLowerInvariant();
            domain = host;
        }
        else if (rawPath.StartsWith(PathPrefix, StringComparison.Ordinal))
        {
            var rest = rawPath[PathPrefix.Length..];
            var slash = rest.IndexOf('/', StringComparison.Ordinal);
            apiId = slash < 0 ? rest : rest[..slash];
            rawPath = slash < 0 ? "/" : rest[slash..];
            domain = $"{apiId}.execute-api.localhost";
        }
        else
        {
            await next(http);
            return;
        }

        var entry = store.Find(apiId);
        GatewayResponse response;
        if (entry is null)
        {
            response = GatewayResponse.HttpNotFound();
        }
        else if (entry.IsWebSocket)
        {
            await webSockets.HandleAsync(http, entry, await ReadAsync(http, rawPath, rawQuery, domain));
            return;
        }
        else if (http.Request.ContentLength > MaxPayloadBytes)
        {
            response = GatewayResponse.Json(413, "{\"message\":\"Request Entity Too Large\"}");
        }
        else
        {
            var request = await ReadAsync(http, rawPath, rawQuery, domain);
            try
            {
                // A chunked body has no Content-Length to refuse up front.
                response = request.Body.Length > MaxPayloadBytes
                    ? GatewayResponse.Json(413, "{\"message\":\"Request Entity Too Large\"}")
                    : await dispatcher.DispatchAsync(entry, request, http.RequestAborted);
            }
            catch (Exception e) when (e is not OperationCanceledException || !http.RequestAborted.IsCancellationRequested)
            {
                // An integration failure Nimbus did not anticipate still gets the API family's error shape.
                Log.DispatchFailed(logger, apiId, request.Method, request.RawPath, e);
                response = entry.Kind == ApiKind.Rest ? GatewayResponse.RestBadGateway() : GatewayResponse.HttpInternalError();
            }
        }

        await WriteAsync(http, response);
    }

    internal static async Task<GatewayRequest> ReadAsync(HttpContext http, string rawPath, string rawQuery, string domain)
    {
        var headers = new List<KeyValuePair<string, string>>();
        foreach (var (name, values) in http.Request.Headers)
        {
            foreach (var v in values)
            {
                headers.Add(new(name, v ?? ""));
            }
        }

        using var buffer = new MemoryStream();
        await http.Request.Body.CopyToAsync(buffer, http.RequestAborted);
        return new GatewayRequest(
            http.Request.Method,
            rawPath.Length == 0 ? "/" : rawPath,
            rawQuery,
            headers,
            buffer.ToArray(),
            http.Connection.RemoteIpAddress?.ToString() ?? "127.0.0.1",
            http.Request.Protocol,
            domain,
            http.Connection.LocalPort);
    }

    internal static async Task WriteAsync(HttpContext http, GatewayResponse response)
    {
        http.Response.StatusCode = response.StatusCode;
        foreach (var group in response.Headers.GroupBy(h => h.Key, StringComparer.OrdinalIgnoreCase))
        {
            if (group.Key.Equals("Content-Length", StringComparison.OrdinalIgnoreCase) || group.Key.Equals("Transfer-Encoding", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            http.Response.Headers[group.First().Key] = group.Select(h => h.Value).ToArray();
        }

        if (response.Body.Length > 0 && !HttpMethods.IsHead(http.Request.Method))
        {
            http.Response.ContentLength = response.Body.Length;
            await http.Response.Body.WriteAsync(response.Body, http.RequestAborted);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 1, Level = LogLevel.Error, Message = "API {ApiId}: {Method} {Path} failed in the gateway")]
        public static partial void DispatchFailed(ILogger logger, string apiId, string method, string path, Exception exception);
    }
}
