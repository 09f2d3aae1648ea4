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

    /// <summary>REST APIs: the deployment's models, request validators and gateway responses.</summary>
    public Mapping.RestApiSettings Settings { get; init; } = Mapping.RestApiSettings.Empty;

    /// <summary>REST APIs: the stage's canary deployment, when it has <c>canarySettings</c>.</summary>
    public Mapping.StageCanary? Canary { get; init; }
}
