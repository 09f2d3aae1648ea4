using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using static Nimbus.Gateway.Management.JsonFields;
using static Nimbus.Gateway.Management.ManagementCall;

namespace Nimbus.Gateway.Management;

/// <summary>API Gateway v2 management for HTTP APIs (REST-JSON, <c>/v2/apis…</c>), as @aws-sdk/client-apigatewayv2 calls it.</summary>
/// <remarks>Documents are stored with the model's <c>jsonName</c> member names (lower camel case), so an output is the
/// stored object itself. WebSocket APIs (<c>protocolType: WEBSOCKET</c>) share the routes, integrations, stages and
/// deployments handlers; their specifics are in HttpApisApi.WebSockets.cs.</remarks>
internal static partial class HttpApisApi
{
    private static readonly string[] ApiFields =
    [
        "name", "description", "corsConfiguration", "disableExecuteApiEndpoint", "disableSchemaValidation",
        "routeSelectionExpression", "apiKeySelectionExpression", "version", "ipAddressType",
    ];

    public static void Map(IEndpointRouteBuilder app)
    {
        const string A = "/v2/apis";
        app.MapPost(A, Handle(CreateApi));
        app.MapPut(A, Handle(ImportApi));
        app.MapPut(A + "/{apiId}", Handle(ReimportApi));
        app.MapGet(A, Handle(GetApis));
        app.MapGet(A + "/{apiId}", Handle(GetApi));
        app.MapPatch(A + "/{apiId}", Handle(UpdateApi));
        app.MapDelete(A + "/{apiId}", Handle(DeleteApi));
        app.MapDelete(A + "/{apiId}/cors", Handle(DeleteCorsConfiguration));
        app.MapPost(A + "/{apiId}/routes", Handle(CreateRoute));
        app.MapGet(A + "/{apiId}/routes", Handle(GetRoutes));
        app.MapGet(A + "/{apiId}/routes/{routeId}", Handle(GetRoute));
        app.MapPatch(A + "/{apiId}/routes/{routeId}", Handle(UpdateRoute));
        app.MapDelete(A + "/{apiId}/routes/{routeId}", Handle(DeleteRoute));
        app.MapPost(A + "/{apiId}/integrations", Handle(CreateIntegration));
        app.MapGet(A + "/{apiId}/integrations", Handle(GetIntegrations));
        app.MapGet(A + "/{apiId}/integrations/{integrationId}", Handle(GetIntegration));
        app.MapPatch(A + "/{apiId}/integrations/{integrationId}", Handle(UpdateIntegration));
        app.MapDelete(A + "/{apiId}/integrations/{integrationId}", Handle(DeleteIntegration));
        app.MapPost(A + "/{apiId}/stages", Handle(CreateStage));
        app.MapGet(A + "/{apiId}/stages", Handle(GetStages));
        app.MapGet(A + "/{apiId}/stages/{stageName}", Handle(GetStage));
        app.MapPatch(A + "/{apiId}/stages/{stageName}", Handle(UpdateStage));
        app.MapDelete(A + "/{apiId}/stages/{stageName}", Handle(DeleteStage));
        app.MapPost(A + "/{apiId}/deployments", Handle(CreateDeployment));
        app.MapGet(A + "/{apiId}/deployments", Handle(GetDeployments));
        app.MapGet(A + "/{apiId}/deployments/{deploymentId}", Handle(GetDeployment));
        app.MapDelete(A + "/{apiId}/deployments/{deploymentId}", Handle(DeleteDeployment));
        MapWebSockets(app);
        MapExport(app);
    }

    private static async Task CreateApi(ManagementCall call)
    {
        var body = await call.BodyAsync();
        var name = Required(body, "name");
        if (name.Length > 128)
        {
            throw GatewayErrors.BadRequest("Name must be between 1 and 128 characters");
        }

        var protocol = Required(body, "protocolType");
        if (protocol is not ("HTTP" or "WEBSOCKET"))
        {
            throw GatewayErrors.BadRequest($"Invalid protocolType {protocol}. Valid values are HTTP, WEBSOCKET");
        }

        if (protocol == "WEBSOCKET")
        {
            ValidateWebSocketApi(body);
        }

        ValidateCors(body["corsConfiguration"] as JsonObject);
        var target = String(body, "target");
        var routeKey = String(body, "routeKey");
        if (routeKey is not null && target is null)
        {
            throw GatewayErrors.BadRequest("RouteKey may only be specified together with Target (quick create)");
        }

        var now = call.Now;
        var entry = call.Store.Create(ApiKind.Http, call.Caller, (id, doc) =>
        {
            var api = new JsonObject
            {
                ["apiId"] = id,
                ["apiEndpoint"] = call.Endpoint(id),
                ["apiKeySelectionExpression"] = "$request.header.x-api-key",
                ["createdDate"] = now,
                ["disableExecuteApiEndpoint"] = false,
                ["ipAddressType"] = "ipv4",
                ["name"] = name,
                ["protocolType"] = protocol,
                ["routeSelectionExpression"] = "$request.method $request.path",
                ["tags"] = body["tags"]?.DeepClone() ?? new JsonObject(),
            };
            Copy(body, api, ApiFields);
            doc["api"] = api;
            if (target is not null)
            {
                QuickCreate(call, doc, target, routeKey ?? "$default", String(body, "credentialsArn"));
            }
        });
        await call.JsonAsync(201, Output(call, entry.Doc["api"]!));
    }

    /// <summary>An API as returned: <c>apiEndpoint</c> names the port this request came in on (it may differ from creation's).</summary>
    private static JsonNode Output(ManagementCall call, JsonNode api)
    {
        var copy = api.DeepClone();
        copy["apiEndpoint"] = call.Endpoint(api["apiId"]!.GetValue<string>());
        if (api["protocolType"]?.GetValue<string>() == "WEBSOCKET")
        {
            copy["apiEndpoint"] = "ws" + copy["apiEndpoint"]!.GetValue<string>()["http".Length..];
            copy.AsObject().Remove("ipAddressType");
        }

        return copy;
    }

    /// <summary>Quick create: an AWS_PROXY (Lambda ARN) or HTTP_PROXY (URL) integration, one route, and an auto-deploying <c>$default</c> stage.</summary>
    private static void QuickCreate(ManagementCall call, JsonObject doc, string target, string routeKey, string? credentialsArn)
    {
        if (routeKey != "$default" && HttpRouteKey(routeKey) is null)
        {
            throw GatewayErrors.BadRequest($"Invalid route key: {routeKey}");
        }

        var isUrl = target.StartsWith("http://", StringComparison.OrdinalIgnoreCase) || target.StartsWith("https://", StringComparison.OrdinalIgnoreCase);
        if (!isUrl && !target.StartsWith("arn:", StringComparison.Ordinal))
        {
            throw GatewayErrors.BadRequest($"Invalid target {target}: it must be a Lambda function ARN or an HTTP URL");
        }

        var integrationId = GatewayIds.Child();
        var integration = new JsonObject
        {
            ["apiGatewayManaged"] = true,
            ["connectionType"] = "INTERNET",
            ["integrationId"] = integrationId,
            ["integrationMethod"] = isUrl ? "ANY" : "POST",
            ["integrationType"] = isUrl ? "HTTP_PROXY" : "AWS_PROXY",
            ["integrationUri"] = target,
            ["payloadFormatVersion"] = isUrl ? "1.0" : "2.0",
            ["timeoutInMillis"] = 30000,
        };
        if (credentialsArn is not null)
        {
            integration["credentialsArn"] = credentialsArn;
        }

        Section(doc, "integrations")[integrationId] = integration;
        var routeId = GatewayIds.Child();
        Section(doc, "routes")[routeId] = new JsonObject
        {
            ["apiGatewayManaged"] = true,
            ["apiKeyRequired"] = false,
            ["authorizationType"] = "NONE",
            ["routeId"] = routeId,
            ["routeKey"] = routeKey,
            ["target"] = $"integrations/{integrationId}",
        };
        Section(doc, "stages")["$default"] = new JsonObject
        {
            ["apiGatewayManaged"] = true,
            ["autoDeploy"] = true,
            ["createdDate"] = call.Now,
            ["defaultRouteSettings"] = new JsonObject { ["detailedMetricsEnabled"] = false },
            ["lastUpdatedDate"] = call.Now,
            ["routeSettings"] = new JsonObject(),
            ["stageName"] = "$default",
            ["stageVariables"] = new JsonObject(),
            ["tags"] = new JsonObject(),
        };
        AutoDeploy(call, doc);
    }

    private static async Task GetApis(ManagementCall call) =>
        await call.JsonAsync(200, call.Page(call.Store.List(ApiKind.Http, call.Caller).Select(e => Output(call, e.Doc["api"]!))));

    private static async Task GetApi(ManagementCall call) =>
        await call.JsonAsync(200, Output(call, call.Store.Get(call.Route("apiId"), ApiKind.Http, call.Caller).Doc["api"]!));

    private static async Task UpdateApi(ManagementCall call)
    {
        var body = await call.BodyAsync();
        if (body["name"] is not null && Required(body, "name").Length > 128)
        {
            throw GatewayErrors.BadRequest("Name must be between 1 and 128 characters");
        }

        ValidateCors(body["corsConfiguration"] as JsonObject);
        var api = call.Store.Update(call.Route("apiId"), ApiKind.Http, call.Caller, doc =>
        {
            var api = doc["api"]!.AsObject();
            Copy(body, api, ApiFields);
            var target = String(body, "target");
            if (target is not null)
            {
                // Quick-create updates retarget the API Gateway–managed integration.
                var managed = (doc["integrations"] as JsonObject ?? []).Select(kv => kv.Value as JsonObject)
                    .FirstOrDefault(i => i?["apiGatewayManaged"]?.GetValue<bool>() == true)
                    ?? throw GatewayErrors.BadRequest("Target can only be updated on an API created with quick create");
                managed["integrationUri"] = target;
            }

            AutoDeploy(call, doc);
            return Output(call, api);
        });
        await call.JsonAsync(200, api);
    }

    private static async Task DeleteApi(ManagementCall call)
    {
        call.Store.Delete(call.Route("apiId"), ApiKind.Http, call.Caller);
        await call.EmptyAsync();
    }

    private static async Task DeleteCorsConfiguration(ManagementCall call)
    {
        call.Store.Update(call.Route("apiId"), ApiKind.Http, call.Caller, doc =>
        {
            doc["api"]!.AsObject().Remove("corsConfiguration");
            AutoDeploy(call, doc);
            return 0;
        });
        await call.EmptyAsync();
    }

    private static void ValidateCors(JsonObject? cors)
    {
        if (cors is null)
        {
            return;
        }

        if (cors["maxAge"] is JsonValue m && (m.GetValue<int>() < -1 || m.GetValue<int>() > 86400))
        {
            throw GatewayErrors.BadRequest("maxAge must be between -1 and 86400");
        }

        var origins = cors["allowOrigins"] as JsonArray;
        if (cors["allowCredentials"]?.GetValue<bool>() == true && origins?.Any(o => o?.GetValue<string>() == "*") == true)
        {
            throw GatewayErrors.BadRequest("allow-credentials cannot be used with allow-origin '*'");
        }
    }
}
