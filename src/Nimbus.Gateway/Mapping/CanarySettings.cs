using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Nimbus.Gateway.Management;

namespace Nimbus.Gateway.Mapping;

/// <summary>Stored <c>canarySettings</c> of a REST stage: <c>deploymentId</c>, <c>percentTraffic</c> (0–100),
/// <c>stageVariableOverrides</c>, <c>useStageCache</c>.</summary>
internal static class CanarySettings
{
    public static JsonObject Create(JsonObject request, string deploymentId)
    {
        var canary = new JsonObject
        {
            ["deploymentId"] = deploymentId,
            ["percentTraffic"] = Percent(request["percentTraffic"]),
            ["stageVariableOverrides"] = request["stageVariableOverrides"]?.DeepClone() ?? new JsonObject(),
            ["useStageCache"] = request["useStageCache"] is JsonValue u && u.GetValueKind() == JsonValueKind.True,
        };
        return canary;
    }

    /// <summary>Before a patch: <c>percentTraffic</c> becomes text so a fractional patch value is accepted (restored by <see cref="Normalize"/>).</summary>
    public static void BeforePatch(JsonObject stage)
    {
        if (stage["canarySettings"] is JsonObject canary && canary["percentTraffic"] is JsonValue p)
        {
            canary["percentTraffic"] = p.ToString();
        }
    }

    /// <summary>After a patch (<c>/canarySettings/percentTraffic</c> arrives as a string): types fixed, range and deployment checked.</summary>
    public static void Normalize(JsonObject stage, Action<string> deploymentMustExist)
    {
        if (stage["canarySettings"] is not JsonObject canary)
        {
            return;
        }

        if (canary.Count == 0)
        {
            stage.Remove("canarySettings");
            return;
        }

        canary["percentTraffic"] = Percent(canary["percentTraffic"]);
        if (canary["useStageCache"] is JsonValue u && u.GetValueKind() == JsonValueKind.String)
        {
            canary["useStageCache"] = bool.TryParse(u.GetValue<string>(), out var b) && b;
        }

        if (canary["deploymentId"]?.GetValue<string>() is { } id)
        {
            deploymentMustExist(id);
        }
    }

    private static double Percent(JsonNode? node)
    {
        var value = node switch
        {
            null => 0,
            JsonValue v when v.GetValueKind() == JsonValueKind.Number => v.GetValue<double>(),
            JsonValue v when double.TryParse(v.ToString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var d) => d,
            _ => throw GatewayErrors.BadRequest("Invalid canary percentTraffic"),
        };
        return value is >= 0 and <= 100 ? value : throw GatewayErrors.BadRequest("Canary traffic percentage must be between 0.0 and 100.0");
    }
}
