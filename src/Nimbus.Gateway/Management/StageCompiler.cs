using System.Collections.Frozen;
using System.Text.Json.Nodes;
using Nimbus.Gateway.Routing;

namespace Nimbus.Gateway.Management;

/// <summary>Builds the immutable serving snapshots of an API's deployed stages from its stored document.</summary>
/// <remarks>A stage serves the deployment it points at: the routes/resources copied into <c>snapshots[deploymentId]</c>
/// when that deployment was created. Later edits do not change what a stage serves until it is redeployed.</remarks>
internal static class StageCompiler
{
    public static ApiEntry Publish(ApiEntry entry)
    {
        var stages = new Dictionary<string, StageSnapshot>(StringComparer.Ordinal);
        var snapshots = entry.Doc["snapshots"] as JsonObject;
        foreach (var (name, node) in entry.Doc["stages"] as JsonObject ?? [])
        {
            var deploymentId = node?["deploymentId"]?.GetValue<string>();
            if (deploymentId is null || snapshots?[deploymentId] is not JsonObject snapshot)
            {
                continue;
            }

            var variables = ((node!["stageVariables"] ?? node["variables"]) as JsonObject ?? [])
                .ToFrozenDictionary(kv => kv.Key, kv => kv.Value?.GetValue<string>() ?? "", StringComparer.Ordinal);
            stages[name] = entry.IsWebSocket
                ? new StageSnapshot(name, deploymentId, variables, null, null, null)
                {
                    WebSocket = WebSockets.WebSocketRouteTable.Compile(entry.Doc["api"]?["routeSelectionExpression"]?.GetValue<string>() ?? "", snapshot),
                }
                : entry.Kind == ApiKind.Http
                ? new StageSnapshot(name, deploymentId, variables, HttpRoutes(snapshot), null, Cors(entry.Doc["api"]?["corsConfiguration"] as JsonObject))
                : new StageSnapshot(name, deploymentId, variables, null, RestResources(snapshot), null)
                {
                    Settings = Mapping.RestApiSettings.From(snapshot),
                    Canary = Mapping.StageCanary.From(node.AsObject(), snapshots, variables, (id, s, v) =>
                        new StageSnapshot(name, id, v, null, RestResources(s), null) { Settings = Mapping.RestApiSettings.From(s) }),
                };
        }

        return entry with { Stages = stages.ToFrozenDictionary(StringComparer.Ordinal) };
    }

    /// <summary>The routes and integrations a deployment of an HTTP API captures.</summary>
    public static JsonObject HttpSnapshot(JsonObject doc) => new()
    {
        ["routes"] = doc["routes"]?.DeepClone() ?? new JsonObject(),
        ["integrations"] = doc["integrations"]?.DeepClone() ?? new JsonObject(),
        ["routeResponses"] = doc["routeResponses"]?.DeepClone() ?? new JsonObject(),
    };

    private static HttpRouteTable HttpRoutes(JsonObject snapshot)
    {
        var integrations = snapshot["integrations"] as JsonObject ?? [];
        var routes = new List<HttpRoute>();
        foreach (var (id, node) in snapshot["routes"] as JsonObject ?? [])
        {
            var key = node!["routeKey"]!.GetValue<string>();
            var target = node["target"]?.GetValue<string>();
            IntegrationTarget? integration = null;
            if (target is not null && target.StartsWith("integrations/", StringComparison.Ordinal)
                && integrations[target["integrations/".Length..]] is JsonObject i)
            {
                integration = HttpIntegration(i);
            }

            if (key == HttpRoute.DefaultKey)
            {
                routes.Add(new HttpRoute(id, key, null, null, integration));
                continue;
            }

            var parsed = HttpRoute.ParseKey(key, out _);
            if (parsed is { } p)
            {
                routes.Add(new HttpRoute(id, key, p.Method == "ANY" ? null : p.Method, p.Path, integration));
            }
        }

        return new HttpRouteTable(routes);
    }

    private static IntegrationTarget HttpIntegration(JsonObject i) => new(
        i["integrationId"]!.GetValue<string>(),
        i["integrationType"]!.GetValue<string>(),
        i["integrationUri"]?.GetValue<string>(),
        i["payloadFormatVersion"]?.GetValue<string>() ?? "1.0",
        i["integrationMethod"]?.GetValue<string>(),
        i["timeoutInMillis"]?.GetValue<int>() ?? 30000)
    {
        Definition = i,
    };

    private static CorsPolicy? Cors(JsonObject? cors)
    {
        if (cors is null)
        {
            return null;
        }

        static string[] List(JsonNode? n) => n is JsonArray a ? [.. a.Select(x => x!.GetValue<string>())] : [];
        return new CorsPolicy(
            List(cors["allowOrigins"]), List(cors["allowMethods"]), List(cors["allowHeaders"]), List(cors["exposeHeaders"]),
            cors["allowCredentials"]?.GetValue<bool>() ?? false, cors["maxAge"]?.GetValue<int>());
    }

    private static RestResourceTree RestResources(JsonObject snapshot)
    {
        var resources = new List<RestResource>();
        foreach (var (id, node) in snapshot["resources"] as JsonObject ?? [])
        {
            var path = node!["path"]!.GetValue<string>();
            var template = PathTemplate.Parse(path, out _);
            if (template is null)
            {
                continue;
            }

            var methods = new Dictionary<string, RestMethod>(StringComparer.Ordinal);
            foreach (var (verb, m) in node["resourceMethods"] as JsonObject ?? [])
            {
                methods[verb] = new RestMethod(verb, m?["methodIntegration"] is JsonObject mi ? RestIntegration(mi) : null) { Definition = m as JsonObject };
            }

            resources.Add(new RestResource(id, path, template, methods));
        }

        return new RestResourceTree(resources);
    }

    private static IntegrationTarget RestIntegration(JsonObject mi)
    {
        var type = mi["type"]?.GetValue<string>() ?? "MOCK";
        MockResponse? mock = null;
        if (type == "MOCK")
        {
            mock = RestMock.From(mi);
        }

        return new IntegrationTarget("", type, mi["uri"]?.GetValue<string>(), "1.0", mi["httpMethod"]?.GetValue<string>(), mi["timeoutInMillis"]?.GetValue<int>() ?? 29000)
        {
            Mock = mock,
            Definition = mi,
        };
    }
}
