using System.Collections.Frozen;

namespace Nimbus.Gateway.Routing;

/// <summary>What a stage serves: its deployment's routes (HTTP API) or resource tree (REST API), and its variables.</summary>
internal sealed record StageSnapshot(
    string StageName,
    string DeploymentId,
    FrozenDictionary<string, string> Variables,
    HttpRouteTable? Routes,
    RestResourceTree? Resources,
    CorsPolicy? Cors)
{
    /// <summary>WebSocket APIs: the deployment's routes by route key.</summary>
    public WebSockets.WebSocketRouteTable? WebSocket { get; init; }
}
