using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Nimbus.Gateway.WebSockets;
using static Nimbus.Gateway.Management.JsonFields;
using static Nimbus.Gateway.Management.ManagementCall;

namespace Nimbus.Gateway.Management;

/// <summary>WebSocket APIs (<c>protocolType: WEBSOCKET</c>): their route keys, integrations, route responses and
/// integration responses. Route responses live in <c>routeResponses[routeId][id]</c> and integration responses in
/// <c>integrationResponses[integrationId][id]</c>; a deployment snapshots the route responses (they make a route two-way).</summary>
internal static partial class HttpApisApi
{
    private static readonly string[] RouteResponseFields = ["routeResponseKey", "modelSelectionExpression", "responseModels", "responseParameters"];

    private static readonly string[] IntegrationResponseFields =
        ["integrationResponseKey", "contentHandlingStrategy", "responseParameters", "responseTemplates", "templateSelectionExpression"];

    private static void MapWebSockets(IEndpointRouteBuilder app)
    {
        const string R = "/v2/apis/{apiId}/routes/{routeId}/routeresponses";
        const string I = "/v2/apis/{apiId}/integrations/{integrationId}/integrationresponses";
        app.MapPost(R, Handle(call => CreateChild(call, RouteResponses, "routeResponseId", "routeResponseKey", RouteResponseFields)));
        app.MapGet(R, Handle(call => GetChildren(call, RouteResponses)));
        app.MapGet(R + "/{childId}", Handle(call => GetChild(call, RouteResponses)));
        app.MapPatch(R + "/{childId}", Handle(call => UpdateChild(call, RouteResponses, "routeResponseKey", RouteResponseFields)));
        app.MapDelete(R + "/{childId}", Handle(call => DeleteChild(call, RouteResponses)));
        app.MapPost(I, Handle(call => CreateChild(call, IntegrationResponses, "integrationResponseId", "integrationResponseKey", IntegrationResponseFields)));
        app.MapGet(I, Handle(call => GetChildren(call, IntegrationResponses)));
        app.MapGet(I + "/{childId}", Handle(call => GetChild(call, IntegrationResponses)));
        app.MapPatch(I + "/{childId}", Handle(call => UpdateChild(call, IntegrationResponses, "integrationResponseKey", IntegrationResponseFields)));
        app.MapDelete(I + "/{childId}", Handle(call => DeleteChild(call, IntegrationResponses)));
    }

    private static readonly ChildKind RouteResponses = new("routeResponses", "routeId", "RouteResponse", (doc, id) => FindRoute(doc, id));

    private static readonly ChildKind IntegrationResponses = new("integrationResponses", "integrationId", "IntegrationResponse", (doc, id) => FindIntegration(doc, id));

    private static bool IsWebSocket(JsonObject doc) => doc["api"]?["protocolType"]?.GetValue<string>() == "WEBSOCKET";

    /// <summary>The parts of CreateApi that differ for WebSocket APIs: a route selection expression is required;
    /// quick create and CORS are HTTP-only.</summary>
    private static void ValidateWebSocketApi(JsonObject body)
    {
        if (!RouteSelectionExpression.IsValid(String(body, "routeSelectionExpression") ?? "", out var error))
        {
            throw GatewayErrors.BadRequest(error!);
        }

        if (body["target"] is not null || body["routeKey"] is not null)
        {
            throw GatewayErrors.BadRequest("Target and RouteKey (quick create) are supported only for HTTP APIs");
        }

        if (body["corsConfiguration"] is not null)
        {
            throw GatewayErrors.BadRequest("CorsConfiguration is supported only for HTTP APIs");
        }
    }

    /// <summary>WebSocket route keys: <c>$connect</c>, <c>$disconnect</c>, <c>$default</c>, or a custom key (other <c>$</c> keys are reserved).</summary>
    private static void ValidateWebSocketRouteKey(JsonObject route, string routeKey)
    {
        if (routeKey.Length is 0 or > 128)
        {
            throw GatewayErrors.BadRequest("RouteKey must be between 1 and 128 characters");
        }

        if (routeKey.StartsWith('$') && routeKey is not (WebSocketRouteTable.Connect or WebSocketRouteTable.Disconnect or WebSocketRouteTable.Default))
        {
            throw GatewayErrors.BadRequest($"Invalid route key {routeKey}: route keys starting with $ are reserved ($connect, $disconnect, $default)");
        }

        if (String(route, "routeResponseSelectionExpression") is { } rrse && rrse != "$default")
        {
            throw GatewayErrors.BadRequest("RouteResponseSelectionExpression must be $default for WebSocket routes with proxy integrations");
        }

        if (String(route, "authorizationType") is "JWT")
        {
            throw GatewayErrors.BadRequest("JWT authorization is not supported for WebSocket APIs");
        }
    }

    /// <summary>WebSocket integrations: AWS_PROXY (a Lambda function), MOCK, HTTP_PROXY, AWS and HTTP; timeout 50–29,000 ms.</summary>
    private static void NormaliseWebSocket(JsonObject integration)
    {
        var type = Required(integration, "integrationType");
        switch (type)
        {
            case "AWS_PROXY" or "AWS" or "HTTP" or "HTTP_PROXY":
                if (String(integration, "integrationUri") is null)
                {
                    throw GatewayErrors.BadRequest($"IntegrationUri is required for {type} integrations");
                }

                integration["integrationMethod"] ??= type is "AWS_PROXY" or "AWS" ? "POST" : "ANY";
                break;
            case "MOCK":
                break;
            default:
                throw GatewayErrors.BadRequest($"Invalid integrationType {type}. Valid values are AWS, AWS_PROXY, HTTP, HTTP_PROXY, MOCK");
        }

        integration["payloadFormatVersion"] ??= "1.0";
        integration["passthroughBehavior"] ??= "WHEN_NO_MATCH";
        if (integration["timeoutInMillis"] is JsonValue t && (t.GetValue<int>() < 50 || t.GetValue<int>() > 29000))
        {
            throw GatewayErrors.BadRequest("TimeoutInMillis must be between 50 and 29000 for WebSocket APIs");
        }
    }

    private static async Task CreateChild(ManagementCall call, ChildKind kind, string idName, string keyName, string[] fields)
    {
        var body = await call.BodyAsync();
        Required(body, keyName);
        var parentId = call.Route(kind.ParentRoute);
        var child = call.Store.Update(call.Route("apiId"), ApiKind.Http, call.Caller, doc =>
        {
            RequireWebSocket(doc);
            kind.FindParent(doc, parentId);
            var siblings = Section(Section(doc, kind.Section), parentId);
            if (siblings.Any(kv => kv.Value?[keyName]?.GetValue<string>() == String(body, keyName)))
            {
                throw GatewayErrors.Conflict($"{kind.ResourceType} with key {String(body, keyName)} already exists");
            }

            var id = GatewayIds.Child(6);
            var child = new JsonObject { [idName] = id };
            Copy(body, child, fields);
            siblings[id] = child;
            AutoDeploy(call, doc);
            return child.DeepClone();
        });
        await call.JsonAsync(201, child);
    }

    private static async Task UpdateChild(ManagementCall call, ChildKind kind, string keyName, string[] fields)
    {
        var body = await call.BodyAsync();
        var parentId = call.Route(kind.ParentRoute);
        var child = call.Store.Update(call.Route("apiId"), ApiKind.Http, call.Caller, doc =>
        {
            var child = FindChild(doc, kind, parentId, call.Route("childId"));
            Copy(body, child, fields);
            Required(child, keyName);
            AutoDeploy(call, doc);
            return child.DeepClone();
        });
        await call.JsonAsync(200, child);
    }

    private static async Task GetChildren(ManagementCall call, ChildKind kind)
    {
        var doc = call.Store.Get(call.Route("apiId"), ApiKind.Http, call.Caller).Doc;
        var parentId = call.Route(kind.ParentRoute);
        kind.FindParent(doc, parentId);
        await call.JsonAsync(200, call.Page((doc[kind.Section]?[parentId] as JsonObject ?? []).Select(kv => kv.Value!)));
    }

    private static async Task GetChild(ManagementCall call, ChildKind kind)
    {
        var doc = call.Store.Get(call.Route("apiId"), ApiKind.Http, call.Caller).Doc;
        await call.JsonAsync(200, FindChild(doc, kind, call.Route(kind.ParentRoute), call.Route("childId")).DeepClone());
    }

    private static async Task DeleteChild(ManagementCall call, ChildKind kind)
    {
        var parentId = call.Route(kind.ParentRoute);
        var childId = call.Route("childId");
        call.Store.Update(call.Route("apiId"), ApiKind.Http, call.Caller, doc =>
        {
            FindChild(doc, kind, parentId, childId);
            doc[kind.Section]![parentId]!.AsObject().Remove(childId);
            AutoDeploy(call, doc);
            return 0;
        });
        await call.EmptyAsync();
    }

    private static JsonObject FindChild(JsonObject doc, ChildKind kind, string parentId, string childId)
    {
        kind.FindParent(doc, parentId);
        return doc[kind.Section]?[parentId]?[childId] as JsonObject
            ?? throw GatewayErrors.NotFound($"Invalid {kind.ResourceType} identifier specified {childId}", kind.ResourceType);
    }

    private static void RequireWebSocket(JsonObject doc)
    {
        if (!IsWebSocket(doc))
        {
            throw GatewayErrors.BadRequest("Route responses and integration responses are supported only for WebSocket APIs");
        }
    }

    /// <summary>A sub-resource family: where it is stored, its parent's route value and how the parent is found.</summary>
    private sealed record ChildKind(string Section, string ParentRoute, string ResourceType, Func<JsonObject, string, JsonObject> FindParent);
}
