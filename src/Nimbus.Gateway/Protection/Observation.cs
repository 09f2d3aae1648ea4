using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Nimbus.Core.Logs;
using Nimbus.Gateway.Management;
using Nimbus.Gateway.Serving;

namespace Nimbus.Gateway.Protection;

/// <summary>What one protected request did, for its metrics and access log line.</summary>
internal sealed class RequestProbe
{
    public EventContext? Final { get; set; }

    public double? IntegrationLatencyMs { get; set; }

    public int? IntegrationStatus { get; set; }

    public bool? CacheHit { get; set; }
}

/// <summary>API Gateway's per-API/stage/method metrics (<c>Count</c>, <c>Latency</c>, <c>IntegrationLatency</c>,
/// <c>4XXError</c>, <c>5XXError</c>, <c>CacheHitCount</c>, <c>CacheMissCount</c>) as .NET instruments on the
/// <c>Nimbus.Gateway</c> meter (readable with dotnet-counters or any MeterListener), tagged ApiId, Stage, Method, Resource.</summary>
internal static class GatewayMetrics
{
    public const string MeterName = "Nimbus.Gateway";
    private static readonly Meter Meter = new(MeterName);
    private static readonly Counter<long> Count = Meter.CreateCounter<long>("Count");
    private static readonly Counter<long> ClientErrors = Meter.CreateCounter<long>("4XXError");
    private static readonly Counter<long> ServerErrors = Meter.CreateCounter<long>("5XXError");
    private static readonly Counter<long> CacheHits = Meter.CreateCounter<long>("CacheHitCount");
    private static readonly Counter<long> CacheMisses = Meter.CreateCounter<long>("CacheMissCount");
    private static readonly Histogram<double> Latency = Meter.CreateHistogram<double>("Latency", "ms");
    private static readonly Histogram<double> IntegrationLatency = Meter.CreateHistogram<double>("IntegrationLatency", "ms");

    public static void Record(string apiId, string stage, string method, string resource, int status, double latencyMs, RequestProbe probe)
    {
        if (!Count.Enabled && !Latency.Enabled)
        {
            return;
        }

        var tags = new TagList { { "ApiId", apiId }, { "Stage", stage }, { "Method", method }, { "Resource", resource } };
        Count.Add(1, tags);
        Latency.Record(latencyMs, tags);
        if (status is >= 400 and < 500)
        {
            ClientErrors.Add(1, tags);
        }
        else if (status >= 500)
        {
            ServerErrors.Add(1, tags);
        }

        if (probe.IntegrationLatencyMs is { } il)
        {
            IntegrationLatency.Record(il, tags);
        }

        if (probe.CacheHit == true)
        {
            CacheHits.Add(1, tags);
        }
        else if (probe.CacheHit == false)
        {
            CacheMisses.Add(1, tags);
        }
    }
}

/// <summary>Writes a stage's access log line (<c>accessLogSettings.format</c> with its <c>$context</c> variables) to
/// CloudWatch Logs through <see cref="ILogSink"/>, in the group named by <c>destinationArn</c>.</summary>
/// <remarks>Unknown or empty variables print as <c>-</c>, as API Gateway does. The stream is named after the API and stage.</remarks>
internal static partial class AccessLogWriter
{
    public static void Write(ILogSink sink, AccessLogTarget target, ApiEntry api, GatewayRequest request, EventContext ctx, GatewayResponse response, double latencyMs, RequestProbe probe)
    {
        var line = Format(target.Format, api, request, probe.Final ?? ctx, response, latencyMs, probe);
        sink.Append(new LogStreamRef(api.Account, api.Region, target.GroupName, $"{api.ApiId}_{ctx.Stage}"), ctx.Epoch, line);
    }

    internal static string Format(string format, ApiEntry api, GatewayRequest request, EventContext ctx, GatewayResponse response, double latencyMs, RequestProbe probe) =>
        Variable().Replace(format, m => Value(m.Groups[1].Value, api, request, ctx, response, latencyMs, probe) is { Length: > 0 } v ? v : "-");

    private static string? Value(string name, ApiEntry api, GatewayRequest request, EventContext ctx, GatewayResponse response, double latencyMs, RequestProbe probe)
    {
        static string N(double d) => ((long)Math.Round(d)).ToString(CultureInfo.InvariantCulture);
        var rest = api.Kind == ApiKind.Rest;
        if (name.StartsWith("authorizer.", StringComparison.Ordinal))
        {
            var path = name["authorizer.".Length..].Split('.');
            JsonNode? node = ctx.Authorization?.Authorizer;
            if (!rest && node is JsonObject o && path[0] is not ("jwt" or "lambda" or "iam") && (o["jwt"] ?? o["lambda"]) is { } inner)
            {
                // HTTP APIs: $context.authorizer.claims.x / $context.authorizer.x read the JWT claims / Lambda context.
                node = inner;
            }

            foreach (var p in path)
            {
                node = node is JsonObject obj ? obj[p] : null;
            }

            return node switch
            {
                null => name == "authorizer.principalId" ? ctx.Authorization?.PrincipalId : null,
                JsonValue v when v.TryGetValue<string>(out var s) => s,
                _ => node.ToJsonString(),
            };
        }

        return name switch
        {
            "requestId" => ctx.RequestId,
            "extendedRequestId" => ctx.ExtendedRequestId,
            "apiId" => ctx.ApiId,
            "accountId" => ctx.AccountId,
            "stage" => ctx.Stage,
            "domainName" => request.DomainName,
            "domainPrefix" => ctx.DomainPrefix(request.DomainName),
            "httpMethod" => request.Method,
            "resourcePath" => rest ? ctx.RouteKey : null,
            "resourceId" => rest ? ctx.ResourceId : null,
            "routeKey" => rest ? null : ctx.RouteKey,
            "path" => ctx.StagePrefix + request.RawPath,
            "protocol" => request.Protocol,
            "status" => response.StatusCode.ToString(CultureInfo.InvariantCulture),
            "responseLength" => response.Body.Length.ToString(CultureInfo.InvariantCulture),
            "requestTime" => ctx.RequestTime,
            "requestTimeEpoch" => ctx.Epoch.ToString(CultureInfo.InvariantCulture),
            "responseLatency" => N(latencyMs),
            "integrationLatency" or "integration.latency" => probe.IntegrationLatencyMs is { } il ? N(il) : null,
            "integrationStatus" or "integration.status" => probe.IntegrationStatus?.ToString(CultureInfo.InvariantCulture),
            "identity.sourceIp" => request.SourceIp,
            "identity.userAgent" => request.Header("User-Agent"),
            "identity.apiKey" or "identity.apiKeyId" or "identity.accessKey" or "identity.accountId" or "identity.caller" or "identity.user" or "identity.userArn"
                => ctx.Authorization?.Identity.GetValueOrDefault(name["identity.".Length..]),
            "error.message" => response.StatusCode >= 400 ? ErrorMessage(response) : null,
            "error.responseType" => response.Header("x-amzn-ErrorType"),
            "xrayTraceId" => ctx.TraceId,
            _ => null,
        };
    }

    private static string? ErrorMessage(GatewayResponse response)
    {
        try
        {
            return JsonNode.Parse(response.Body) is JsonObject o ? (o["message"] ?? o["Message"])?.ToString() : null;
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }
    }

    [GeneratedRegex(@"\$context\.([A-Za-z0-9_]+(?:\.[A-Za-z0-9_\-]+)*)")]
    private static partial Regex Variable();
}
