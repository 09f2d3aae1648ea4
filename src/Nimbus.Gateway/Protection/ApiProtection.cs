using System.Collections.Concurrent;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;
using Nimbus.Gateway.Management;

namespace Nimbus.Gateway.Protection;

/// <summary>How one method (REST) or route (HTTP API) is protected, as deployed.</summary>
internal sealed record MethodAuth(string AuthorizationType, string? AuthorizerId, IReadOnlyList<string> Scopes, bool ApiKeyRequired, IReadOnlyList<string> CacheKeyParameters)
{
    public static readonly MethodAuth Open = new("NONE", null, [], false, []);
}

/// <summary>A stage's effective settings for one method or route: throttling and caching.</summary>
internal sealed record MethodSettings(
    double? RateLimit,
    int? BurstLimit,
    bool CachingEnabled,
    int CacheTtlSeconds,
    bool RequireAuthorizationForCacheControl,
    string UnauthorizedCacheControlHeaderStrategy);

/// <summary>Everything the pipeline needs for one deployed method/route of one stage, computed once per published entry.</summary>
internal sealed record MethodPlan(MethodAuth Auth, MethodSettings Settings, string AccountScope, string MethodScope, AccessLogTarget? AccessLog);

/// <summary>A stage's access log: the CloudWatch Logs group (from <c>destinationArn</c>) and the <c>$context</c> format.</summary>
internal sealed record AccessLogTarget(string GroupName, string Format);

/// <summary>The protection view of one published <see cref="ApiEntry"/>: authorizers, method/route auth and stage
/// settings, read from its document once and memoised. Entries are immutable, so the view lives as long as the entry.</summary>
internal sealed class ApiProtection
{
    private static readonly ConditionalWeakTable<ApiEntry, ApiProtection> Views = new();

    private readonly ApiEntry _entry;
    private readonly ConcurrentDictionary<string, MethodAuth> _auth = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, MethodSettings> _settings = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<(string Stage, string Resource, string Verb), MethodPlan> _plans = new();

    private ApiProtection(ApiEntry entry) => _entry = entry;

    public static ApiProtection Of(ApiEntry entry) => Views.GetValue(entry, e => new ApiProtection(e));

    /// <summary>REST: the plan for a deployed method (<paramref name="verb"/> is the method's key, <c>ANY</c> included).</summary>
    public MethodPlan RestPlan(string stageName, string deploymentId, string resourceId, string resourcePath, string verb) =>
        _plans.GetOrAdd((stageName, resourceId, verb), k => new MethodPlan(
            RestMethod(deploymentId, resourceId, verb),
            RestSettings(stageName, resourcePath, verb),
            $"account/{_entry.Account}/{_entry.Region}",
            $"{_entry.ApiId}/{stageName}/{resourcePath}/{verb}",
            AccessLog(stageName)));

    /// <summary>HTTP API: the plan for a deployed route.</summary>
    public MethodPlan HttpPlan(string stageName, string deploymentId, string routeId, string routeKey) =>
        _plans.GetOrAdd((stageName, routeId, ""), k => new MethodPlan(
            HttpRoute(deploymentId, routeId),
            HttpSettings(stageName, routeKey),
            $"account/{_entry.Account}/{_entry.Region}",
            $"{_entry.ApiId}/{stageName}/{routeKey}",
            AccessLog(stageName)));

    private AccessLogTarget? AccessLog(string stageName)
    {
        if (Stage(stageName)?["accessLogSettings"] is not JsonObject settings
            || settings["destinationArn"]?.GetValue<string>() is not { } arn || settings["format"]?.GetValue<string>() is not { Length: > 0 } format)
        {
            return null;
        }

        // arn:aws:logs:{region}:{account}:log-group:{name}[:*]
        const string Marker = ":log-group:";
        var at = arn.IndexOf(Marker, StringComparison.Ordinal);
        if (at < 0)
        {
            return null;
        }

        var name = arn[(at + Marker.Length)..];
        return new AccessLogTarget(name.EndsWith(":*", StringComparison.Ordinal) ? name[..^2] : name, format);
    }

    public JsonObject? Authorizer(string? id) => id is null ? null : _entry.Doc["authorizers"]?[id] as JsonObject;

    public JsonObject? Stage(string stageName) => _entry.Doc["stages"]?[stageName] as JsonObject;

    /// <summary>REST: the deployed method's authorization type, authorizer, API key requirement and cache keys.</summary>
    public MethodAuth RestMethod(string deploymentId, string resourceId, string verb) =>
        _auth.GetOrAdd($"{deploymentId}\n{resourceId}\n{verb}", _ =>
        {
            if (_entry.Doc["snapshots"]?[deploymentId]?["resources"]?[resourceId]?["resourceMethods"]?[verb] is not JsonObject m)
            {
                return MethodAuth.Open;
            }

            return new MethodAuth(
                m["authorizationType"]?.GetValue<string>() ?? "NONE",
                m["authorizerId"]?.GetValue<string>(),
                Strings(m["authorizationScopes"]),
                m["apiKeyRequired"]?.GetValue<bool>() ?? false,
                Strings(m["methodIntegration"]?["cacheKeyParameters"]));
        });

    /// <summary>HTTP API: the deployed route's authorization type, authorizer and scopes.</summary>
    public MethodAuth HttpRoute(string deploymentId, string routeId) =>
        _auth.GetOrAdd($"{deploymentId}\n{routeId}", _ =>
        {
            if (_entry.Doc["snapshots"]?[deploymentId]?["routes"]?[routeId] is not JsonObject r)
            {
                return MethodAuth.Open;
            }

            return new MethodAuth(
                r["authorizationType"]?.GetValue<string>() ?? "NONE",
                r["authorizerId"]?.GetValue<string>(),
                Strings(r["authorizationScopes"]),
                r["apiKeyRequired"]?.GetValue<bool>() ?? false,
                []);
        });

    /// <summary>REST: <c>methodSettings</c> of the stage for a resource path and verb (<c>*/*</c>, then the method's own).</summary>
    public MethodSettings RestSettings(string stageName, string resourcePath, string verb) =>
        _settings.GetOrAdd($"{stageName}\n{resourcePath}\n{verb}", _ =>
        {
            var stage = Stage(stageName);
            var all = stage?["methodSettings"] as JsonObject;
            var key = resourcePath.Replace("/", "~1", StringComparison.Ordinal) + "/" + verb;
            JsonObject?[] layers = [all?["*/*"] as JsonObject, all?[key] as JsonObject];
            double? rate = null;
            int? burst = null;
            bool caching = false, requireAuth = true;
            var ttl = 300;
            var strategy = "SUCCEED_WITH_RESPONSE_HEADER";
            foreach (var layer in layers)
            {
                if (layer is null)
                {
                    continue;
                }

                rate = Number(layer["throttlingRateLimit"]) ?? rate;
                burst = (int?)Number(layer["throttlingBurstLimit"]) ?? burst;
                caching = layer["cachingEnabled"]?.GetValue<bool>() ?? caching;
                ttl = (int?)Number(layer["cacheTtlInSeconds"]) ?? ttl;
                requireAuth = layer["requireAuthorizationForCacheControl"]?.GetValue<bool>() ?? requireAuth;
                strategy = layer["unauthorizedCacheControlHeaderStrategy"]?.GetValue<string>() ?? strategy;
            }

            // Caching needs the stage's cache cluster; only GET responses are cached by default.
            var clusterOn = stage?["cacheClusterEnabled"]?.GetValue<bool>() ?? false;
            return new MethodSettings(rate, burst, clusterOn && caching, ttl, requireAuth, strategy);
        });

    /// <summary>HTTP API: <c>routeSettings[routeKey]</c> over <c>defaultRouteSettings</c>.</summary>
    public MethodSettings HttpSettings(string stageName, string routeKey) =>
        _settings.GetOrAdd($"{stageName}\n{routeKey}", _ =>
        {
            var stage = Stage(stageName);
            JsonObject?[] layers = [stage?["defaultRouteSettings"] as JsonObject, stage?["routeSettings"]?[routeKey] as JsonObject];
            double? rate = null;
            int? burst = null;
            foreach (var layer in layers)
            {
                rate = Number(layer?["throttlingRateLimit"]) ?? rate;
                burst = (int?)Number(layer?["throttlingBurstLimit"]) ?? burst;
            }

            return new MethodSettings(rate, burst, false, 0, true, "SUCCEED_WITH_RESPONSE_HEADER");
        });

    private static IReadOnlyList<string> Strings(JsonNode? node) =>
        node is JsonArray a ? [.. a.Select(x => x?.GetValue<string>()).OfType<string>()] : [];

    /// <summary>A number that may be stored as a JSON number or (after a patch) as a string.</summary>
    internal static double? Number(JsonNode? node) => node switch
    {
        JsonValue v when v.GetValueKind() == System.Text.Json.JsonValueKind.Number => double.Parse(v.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture),
        JsonValue v when v.TryGetValue<string>(out var s) && double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) => d,
        _ => null,
    };
}
