using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Nimbus.Core.Functions;
using Nimbus.Gateway.Serving;

namespace Nimbus.Gateway.FunctionUrls;

/// <summary>The function URL front door: <c>{url-id}.lambda-url.{region}.localhost[:port]/…</c> and <c>/_lambda-url/{url-id}/…</c>.</summary>
/// <remarks>Runs before the edge; "is this ours" is one Host substring check and one path prefix check. The URLs themselves
/// belong to Lambda (Functions), found through <see cref="IFunctionUrls"/>; without that service nothing is claimed.</remarks>
internal sealed partial class FunctionUrlMiddleware(RequestDelegate next, IServiceProvider services, FunctionUrlServer server, ILogger<FunctionUrlMiddleware> logger)
{
    private const string HostMarker = ".lambda-url.";
    private const string PathPrefix = "/_lambda-url/";

    /// <summary>Lambda's synchronous request limit (6 MB); the event around the body is checked again by the invoker.</summary>
    private const long MaxPayloadBytes = 6L * 1024 * 1024;

    private readonly IFunctionUrls? _urls = services.GetService<IFunctionUrls>();

    public async Task InvokeAsync(HttpContext http)
    {
        var host = http.Request.Host.Host;
        var marker = host.IndexOf(HostMarker, StringComparison.OrdinalIgnoreCase);
        if (_urls is null || (marker <= 0 && !http.Request.Path.StartsWithSegments("/_lambda-url", StringComparison.Ordinal)))
        {
            await next(http);
            return;
        }

        var rawTarget = http.Features.Get<IHttpRequestFeature>()?.RawTarget ?? http.Request.Path.Value ?? "/";
        var queryAt = rawTarget.IndexOf('?', StringComparison.Ordinal);
        var addressedPath = queryAt < 0 ? rawTarget : rawTarget[..queryAt];
        var rawQuery = queryAt < 0 ? "" : rawTarget[(queryAt + 1)..];

        string urlId;
        string rawPath;
        string? domain = null;
        if (marker > 0)
        {
            urlId = host[..marker].ToLowerInvariant();
            rawPath = addressedPath;
            domain = host.ToLowerInvariant();
        }
        else if (addressedPath.StartsWith(PathPrefix, StringComparison.Ordinal))
        {
            var rest = addressedPath[PathPrefix.Length..];
            var slash = rest.IndexOf('/', StringComparison.Ordinal);
            urlId = slash < 0 ? rest : rest[..slash];
            rawPath = slash < 0 ? "/" : rest[slash..];
        }
        else
        {
            await next(http);
            return;
        }

        var url = _urls.Find(urlId);
        domain ??= $"{urlId}.lambda-url.{url?.Region ?? "us-east-1"}.localhost";
        GatewayResponse response;
        if (http.Request.ContentLength > MaxPayloadBytes)
        {
            response = TooLarge();
        }
        else
        {
            var request = await GatewayMiddleware.ReadAsync(http, rawPath, rawQuery, domain);
            try
            {
                response = request.Body.Length > MaxPayloadBytes ? TooLarge() : await server.ServeAsync(url, request, addressedPath, http.RequestAborted);
            }
            catch (Exception e) when (e is not OperationCanceledException || !http.RequestAborted.IsCancellationRequested)
            {
                Log.ServeFailed(logger, urlId, request.Method, request.RawPath, e);
                response = GatewayResponse.Json(502, "{\"Message\":\"Internal Server Error\"}");
            }
        }

        await GatewayMiddleware.WriteAsync(http, response);
    }

    private static GatewayResponse TooLarge() =>
        GatewayResponse.Json(413, "{\"Message\":\"Request must be smaller than 6291456 bytes for the InvokeFunction operation\"}", new KeyValuePair<string, string>("x-amzn-ErrorType", "RequestTooLargeException"));

    private static partial class Log
    {
        [LoggerMessage(EventId = 1, Level = LogLevel.Error, Message = "Function URL {UrlId}: {Method} {Path} failed")]
        public static partial void ServeFailed(ILogger logger, string urlId, string method, string path, Exception exception);
    }
}
