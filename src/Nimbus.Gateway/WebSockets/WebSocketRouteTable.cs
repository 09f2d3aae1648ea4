using System.Collections.Frozen;
using System.Text.Json.Nodes;
using Nimbus.Gateway.Routing;

namespace Nimbus.Gateway.WebSockets;

/// <summary>A WebSocket API deployment's routes by route key, and how messages pick one; immutable.</summary>
/// <remarks>
/// <c>$connect</c> runs while the upgrade is pending, <c>$disconnect</c> after the socket closed; a message goes to the
/// route whose key equals the value of the API's <c>routeSelectionExpression</c> evaluated on it, else to
/// <c>$default</c>. A route is two-way when it has a <c>routeResponseSelectionExpression</c> and a route response:
/// the integration's answer is then sent back to the client.
/// </remarks>
internal sealed class WebSocketRouteTable
{
    public const string Connect = "$connect";
    public const string Disconnect = "$disconnect";
    public const string Default = "$default";

    private readonly FrozenDictionary<string, WebSocketRoute> _routes;

    public WebSocketRouteTable(string selectionExpression, IEnumerable<WebSocketRoute> routes)
    {
        Selection = RouteSelectionExpression.Parse(selectionExpression);
        _routes = routes.ToFrozenDictionary(r => r.RouteKey, StringComparer.Ordinal);
    }

    public RouteSelectionExpression Selection { get; }

    public IReadOnlyCollection<WebSocketRoute> Routes => _routes.Values;

    public WebSocketRoute? Find(string routeKey) => _routes.GetValueOrDefault(routeKey);

    /// <summary>The route for a message: the selected key's route, else <c>$default</c>, else null (AWS answers "Forbidden").</summary>
    public WebSocketRoute? Select(string? body)
    {
        var key = Selection.Evaluate(body);
        if (key is not null && key is not (Connect or Disconnect) && _routes.TryGetValue(key, out var route))
        {
            return route;
        }

        return _routes.GetValueOrDefault(Default);
    }

    /// <summary>Compiles a deployment snapshot (<c>routes</c>, <c>integrations</c>, <c>routeResponses</c>).</summary>
    public static WebSocketRouteTable Compile(string selectionExpression, JsonObject snapshot)
    {
        var integrations = snapshot["integrations"] as JsonObject ?? [];
        var responses = snapshot["routeResponses"] as JsonObject ?? [];
        var routes = new List<WebSocketRoute>();
        foreach (var (id, node) in snapshot["routes"] as JsonObject ?? [])
        {
            var key = node!["routeKey"]!.GetValue<string>();
            IntegrationTarget? integration = null;
            if (node["target"]?.GetValue<string>() is { } target && target.StartsWith("integrations/", StringComparison.Ordinal)
                && integrations[target["integrations/".Length..]] is JsonObject i)
            {
                integration = new IntegrationTarget(
                    i["integrationId"]!.GetValue<string>(),
                    i["integrationType"]!.GetValue<string>(),
                    i["integrationUri"]?.GetValue<string>(),
                    "1.0",
                    i["integrationMethod"]?.GetValue<string>(),
                    i["timeoutInMillis"]?.GetValue<int>() ?? 29000);
            }

            var twoWay = node["routeResponseSelectionExpression"]?.GetValue<string>() is { Length: > 0 }
                && responses[id] is JsonObject rr && rr.Count > 0;
            routes.Add(new WebSocketRoute(id, key, integration, twoWay));
        }

        return new WebSocketRouteTable(selectionExpression, routes);
    }
}

/// <summary>One deployed WebSocket route.</summary>
/// <param name="TwoWay">True when the route has a route response: the integration's result goes back to the client.</param>
internal sealed record WebSocketRoute(string RouteId, string RouteKey, IntegrationTarget? Integration, bool TwoWay);
