using System.Text.Json.Nodes;
using Nimbus.Gateway.Routing;
using static Nimbus.Gateway.Management.JsonFields;

namespace Nimbus.Gateway.Management;

internal static partial class HttpApisApi
{
    private static readonly string[] RouteFields =
    [
        "routeKey", "target", "authorizationType", "authorizerId", "authorizationScopes", "apiKeyRequired", "operationName",
        "requestParameters", "requestModels", "modelSelectionExpression", "routeResponseSelectionExpression",
    ];

    private static (string Method, PathTemplate Path)? HttpRouteKey(string routeKey) => HttpRoute.ParseKey(routeKey, out _);

    private static async Task CreateRoute(ManagementCall call)
    {
        var body = await call.BodyAsync();
        var routeKey = Required(body, "routeKey");
        var route = call.Store.Update(call.Route("apiId"), ApiKind.Http, call.Caller, doc =>
        {
            var routes = Section(doc, "routes");
            var id = GatewayIds.Child();
            var route = new JsonObject
            {
                ["apiKeyRequired"] = false,
                ["authorizationType"] = "NONE",
                ["routeId"] = id,
            };
            Copy(body, route, RouteFields);
            ValidateRoute(doc, route, routeKey, null);
            routes[id] = route;
            AutoDeploy(call, doc);
            return route.DeepClone();
        });
        await call.JsonAsync(201, route);
    }

    private static async Task UpdateRoute(ManagementCall call)
    {
        var body = await call.BodyAsync();
        var routeId = call.Route("routeId");
        var route = call.Store.Update(call.Route("apiId"), ApiKind.Http, call.Caller, doc =>
        {
            var route = FindRoute(doc, routeId);
            Copy(body, route, RouteFields);
            ValidateRoute(doc, route, route["routeKey"]!.GetValue<string>(), routeId);
            AutoDeploy(call, doc);
            return route.DeepClone();
        });
        await call.JsonAsync(200, route);
    }

    private static async Task GetRoutes(ManagementCall call)
    {
        var doc = call.Store.Get(call.Route("apiId"), ApiKind.Http, call.Caller).Doc;
        await call.JsonAsync(200, call.Page((doc["routes"] as JsonObject ?? []).Select(kv => kv.Value!)));
    }

    private static async Task GetRoute(ManagementCall call)
    {
        var doc = call.Store.Get(call.Route("apiId"), ApiKind.Http, call.Caller).Doc;
        await call.JsonAsync(200, FindRoute(doc, call.Route("routeId")).DeepClone());
    }

    private static async Task DeleteRoute(ManagementCall call)
    {
        var routeId = call.Route("routeId");
        call.Store.Update(call.Route("apiId"), ApiKind.Http, call.Caller, doc =>
        {
            FindRoute(doc, routeId);
            doc["routes"]!.AsObject().Remove(routeId);
            AutoDeploy(call, doc);
            return 0;
        });
        await call.EmptyAsync();
    }

    private static JsonObject FindRoute(JsonObject doc, string routeId) =>
        doc["routes"]?[routeId] as JsonObject ?? throw GatewayErrors.NotFound($"Invalid Route identifier specified {routeId}", "Route");

    private static void ValidateRoute(JsonObject doc, JsonObject route, string routeKey, string? selfId)
    {
        if (IsWebSocket(doc))
        {
            ValidateWebSocketRouteKey(route, routeKey);
        }
        else if (routeKey != HttpRoute.DefaultKey && HttpRoute.ParseKey(routeKey, out var error) is null)
        {
            throw GatewayErrors.BadRequest(error!);
        }

        foreach (var (id, other) in doc["routes"] as JsonObject ?? [])
        {
            if (id != selfId && other?["routeKey"]?.GetValue<string>() == routeKey)
            {
                throw GatewayErrors.Conflict($"Route with key {routeKey} already exists for this API");
            }
        }

        var target = String(route, "target");
        if (target is not null)
        {
            const string Prefix = "integrations/";
            if (!target.StartsWith(Prefix, StringComparison.Ordinal) || doc["integrations"]?[target[Prefix.Length..]] is null)
            {
                throw GatewayErrors.BadRequest($"Invalid target {target}: it must be integrations/{{integrationId}} of an existing integration");
            }
        }

        var auth = String(route, "authorizationType") ?? "NONE";
        if (auth is not ("NONE" or "AWS_IAM" or "JWT" or "CUSTOM"))
        {
            throw GatewayErrors.BadRequest($"Invalid authorizationType {auth}");
        }
    }
}
