using System.Collections.Frozen;
using System.Text.Json.Nodes;
using Nimbus.Gateway.Routing;

namespace Nimbus.Gateway.Management;

/// <summary>One API as stored, with the serving snapshot of each of its deployed stages.</summary>
/// <remarks>Immutable once published: <see cref="Doc"/> is never mutated after the entry is built (writers clone it),
/// so readers may walk it without locks. A change publishes a new entry.</remarks>
internal sealed record ApiEntry(string ApiId, ApiKind Kind, string Account, string Region, JsonObject Doc)
{
    /// <summary>Compiled per-stage serving state, by stage name (only stages with a deployment).</summary>
    public FrozenDictionary<string, StageSnapshot> Stages { get; init; } = FrozenDictionary<string, StageSnapshot>.Empty;

    /// <summary>A v2 API with <c>protocolType: WEBSOCKET</c> (fixed at creation).</summary>
    public bool IsWebSocket { get; } = Kind == ApiKind.Http && Doc["api"]?["protocolType"]?.GetValue<string>() == "WEBSOCKET";
}
