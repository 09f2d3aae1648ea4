using System.Collections.Frozen;
using System.Text.Json;
using System.Text.Json.Nodes;
using Nimbus.Gateway.Routing;

namespace Nimbus.Gateway.Mapping;

/// <summary>A REST stage's canary: a share of the traffic served by another deployment with overridden stage variables.</summary>
/// <remarks>"Set up an API Gateway canary release deployment": <c>canarySettings.deploymentId</c> serves
/// <c>percentTraffic</c> percent of the stage's requests (chosen at random per request), with the stage's variables
/// overlaid by <c>stageVariableOverrides</c>; the rest go to the stage's own deployment.</remarks>
internal sealed record StageCanary(double PercentTraffic, StageSnapshot Snapshot)
{
    /// <summary>The canary of a stored stage, compiled with <paramref name="compile"/> from its deployment's snapshot, or null.</summary>
    public static StageCanary? From(JsonObject stage, JsonObject? snapshots, IReadOnlyDictionary<string, string> variables, Func<string, JsonObject, FrozenDictionary<string, string>, StageSnapshot> compile)
    {
        if (stage["canarySettings"] is not JsonObject canary
            || canary["deploymentId"]?.GetValue<string>() is not { } deploymentId
            || snapshots?[deploymentId] is not JsonObject snapshot)
        {
            return null;
        }

        var percent = canary["percentTraffic"] is JsonValue p && p.GetValueKind() == JsonValueKind.Number ? p.GetValue<double>()
            : canary["percentTraffic"] is JsonValue s && double.TryParse(s.ToString(), System.Globalization.CultureInfo.InvariantCulture, out var d) ? d : 0;
        var merged = new Dictionary<string, string>(variables, StringComparer.Ordinal);
        foreach (var (k, v) in canary["stageVariableOverrides"] as JsonObject ?? [])
        {
            merged[k] = v?.ToString() ?? "";
        }

        return new StageCanary(Math.Clamp(percent, 0, 100), compile(deploymentId, snapshot, merged.ToFrozenDictionary(StringComparer.Ordinal)));
    }

    /// <summary>The snapshot that serves one request: the canary's for <see cref="PercentTraffic"/> percent of them.</summary>
    public static StageSnapshot Pick(StageSnapshot stage) =>
        stage.Canary is { } c && c.PercentTraffic > 0 && Random.Shared.NextDouble() * 100 < c.PercentTraffic ? c.Snapshot : stage;
}
