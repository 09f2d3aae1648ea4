using System.Globalization;
using System.Text.Json.Nodes;

namespace Nimbus.Gateway.Management;

/// <summary>The REST stage patch operations that name method settings (<c>/{resourcePath}/{httpMethod}/throttling/rateLimit</c>,
/// <c>/*/*/caching/enabled</c>…) and the cache cluster, applied to <c>methodSettings["{resourcePath}/{httpMethod}"]</c>.</summary>
/// <remarks>The resource path keeps its <c>~1</c> escapes in the key (<c>~1items/GET</c>), <c>*/*</c> is every method.
/// Applied operations are removed from the body so the generic <see cref="PatchOperations"/> handles the rest.</remarks>
internal static class StageSettingsPatch
{
    private static readonly Dictionary<string, (string Field, char Kind)> Settings = new(StringComparer.Ordinal)
    {
        ["metrics/enabled"] = ("metricsEnabled", 'b'),
        ["logging/loglevel"] = ("loggingLevel", 's'),
        ["logging/dataTrace"] = ("dataTraceEnabled", 'b'),
        ["throttling/burstLimit"] = ("throttlingBurstLimit", 'i'),
        ["throttling/rateLimit"] = ("throttlingRateLimit", 'd'),
        ["caching/enabled"] = ("cachingEnabled", 'b'),
        ["caching/ttlInSeconds"] = ("cacheTtlInSeconds", 'i'),
        ["caching/dataEncrypted"] = ("cacheDataEncrypted", 'b'),
        ["caching/requireAuthorizationForCacheControl"] = ("requireAuthorizationForCacheControl", 'b'),
        ["caching/unauthorizedCacheControlHeaderStrategy"] = ("unauthorizedCacheControlHeaderStrategy", 's'),
    };

    public static void Apply(JsonObject stage, JsonObject body)
    {
        if (body["patchOperations"] is not JsonArray ops)
        {
            return;
        }

        foreach (var op in ops.ToList())
        {
            var path = op?["path"]?.GetValue<string>() ?? "";
            var verb = op?["op"]?.GetValue<string>();
            var value = op?["value"]?.GetValue<string>();
            if (path == "/cacheClusterEnabled" && value is not null)
            {
                var on = bool.TryParse(value, out var b) ? b : throw GatewayErrors.BadRequest($"Invalid boolean value {value}");
                stage["cacheClusterEnabled"] = on;
                stage["cacheClusterStatus"] = on ? "AVAILABLE" : "NOT_AVAILABLE";
                stage["cacheClusterSize"] ??= on ? "0.5" : null;
                ops.Remove(op);
                continue;
            }

            if (path is "/accessLogSettings/destinationArn" or "/accessLogSettings/format" or "/accessLogSettings")
            {
                // Access logs: a CloudWatch Logs group ARN and a $context format.
                if (verb == "remove")
                {
                    stage.Remove("accessLogSettings");
                }
                else if (path != "/accessLogSettings" && value is not null)
                {
                    if (path.EndsWith("destinationArn", StringComparison.Ordinal) && !value.StartsWith("arn:aws:logs:", StringComparison.Ordinal))
                    {
                        throw GatewayErrors.BadRequest($"Invalid ARN specified in the request: {value}");
                    }

                    var settingsNode = stage["accessLogSettings"] as JsonObject ?? [];
                    stage["accessLogSettings"] = settingsNode;
                    settingsNode[path["/accessLogSettings/".Length..]] = value;
                }

                ops.Remove(op);
                continue;
            }

            var parts = path.TrimStart('/').Split('/');
            if (parts.Length != 4 || !Settings.TryGetValue(parts[2] + "/" + parts[3], out var setting))
            {
                continue;
            }

            var key = parts[0] + "/" + parts[1];
            var all = stage["methodSettings"] as JsonObject ?? [];
            stage["methodSettings"] = all;
            if (verb == "remove")
            {
                all.Remove(key);
                ops.Remove(op);
                continue;
            }

            var settings = all[key] as JsonObject ?? Defaults(all["*/*"] as JsonObject);
            all[key] = settings;
            settings[setting.Field] = setting.Kind switch
            {
                'b' => bool.TryParse(value, out var b) ? b : throw GatewayErrors.BadRequest($"Invalid boolean value {value}"),
                'i' => int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var i) ? i : throw GatewayErrors.BadRequest($"Invalid integer value {value}"),
                'd' => double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) ? d : throw GatewayErrors.BadRequest($"Invalid number value {value}"),
                _ => value,
            };
            if (Protection.ApiProtection.Number(settings["cacheTtlInSeconds"]) is < 0 or > 3600)
            {
                throw GatewayErrors.BadRequest("Cache TTL must be between 0 and 3600 seconds");
            }

            if (settings["unauthorizedCacheControlHeaderStrategy"]?.GetValue<string>() is not ("FAIL_WITH_403" or "SUCCEED_WITH_RESPONSE_HEADER" or "SUCCEED_WITHOUT_RESPONSE_HEADER"))
            {
                throw GatewayErrors.BadRequest("Invalid unauthorizedCacheControlHeaderStrategy");
            }

            ops.Remove(op);
        }
    }

    /// <summary>A new method setting starts from the stage-wide <c>*/*</c> values, else API Gateway's defaults.</summary>
    private static JsonObject Defaults(JsonObject? stageWide) => stageWide?.DeepClone().AsObject() ?? new JsonObject
    {
        ["metricsEnabled"] = false,
        ["loggingLevel"] = "OFF",
        ["dataTraceEnabled"] = false,
        ["throttlingBurstLimit"] = 5000,
        ["throttlingRateLimit"] = 10000.0,
        ["cachingEnabled"] = false,
        ["cacheTtlInSeconds"] = 300,
        ["cacheDataEncrypted"] = false,
        ["requireAuthorizationForCacheControl"] = true,
        ["unauthorizedCacheControlHeaderStrategy"] = "SUCCEED_WITH_RESPONSE_HEADER",
    };
}
