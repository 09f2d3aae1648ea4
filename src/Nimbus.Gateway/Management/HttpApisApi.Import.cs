using System.Text.Json;
using System.Text.Json.Nodes;
using Nimbus.Gateway.Routing;
using static Nimbus.Gateway.Management.JsonFields;

namespace Nimbus.Gateway.Management;

internal static partial class HttpApisApi
{
    private static readonly string[] OpenApiMethods = ["get", "put", "post", "delete", "options", "head", "patch", "x-amazon-apigateway-any-method"];

    /// <summary>ImportApi: an HTTP API from an OpenAPI 3 definition (JSON or YAML) with <c>x-amazon-apigateway-integration</c> operations.</summary>
    private static async Task ImportApi(ManagementCall call)
    {
        var (definition, warnings) = await ReadDefinitionAsync(call);
        var info = definition["info"] as JsonObject;
        var name = info?["title"]?.GetValue<string>() ?? throw GatewayErrors.BadRequest("The OpenAPI definition has no info.title for the API name");
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
                ["protocolType"] = "HTTP",
                ["routeSelectionExpression"] = "$request.method $request.path",
                ["tags"] = new JsonObject(),
            };
            doc["api"] = api;
            ApplyDefinition(call, doc, definition, warnings);
        });
        await call.JsonAsync(201, Output(call, entry.Doc["api"]!));
    }

    /// <summary>ReimportApi: replaces an HTTP API's routes and integrations with an OpenAPI definition's; stages stay.</summary>
    private static async Task ReimportApi(ManagementCall call)
    {
        var (definition, warnings) = await ReadDefinitionAsync(call);
        var api = call.Store.Update(call.Route("apiId"), ApiKind.Http, call.Caller, doc =>
        {
            doc["routes"] = new JsonObject();
            doc["integrations"] = new JsonObject();
            if (definition["info"]?["title"]?.GetValue<string>() is { } title)
            {
                doc["api"]!["name"] = title;
            }

            ApplyDefinition(call, doc, definition, warnings);
            AutoDeploy(call, doc);
            return Output(call, doc["api"]!);
        });
        await call.JsonAsync(201, api);
    }

    private static async Task<(JsonObject Definition, List<string> Warnings)> ReadDefinitionAsync(ManagementCall call)
    {
        var body = Required(await call.BodyAsync(), "body");
        JsonObject definition;
        try
        {
            // JSON or YAML (OpenApiYaml), as API Gateway accepts both.
            definition = (OpenApiYaml.IsJson(body) ? JsonNode.Parse(body) : OpenApiYaml.Read(body)) as JsonObject
                ?? throw GatewayErrors.BadRequest("The OpenAPI definition must be an object");
        }
        catch (JsonException e)
        {
            throw GatewayErrors.BadRequest($"The OpenAPI definition is not valid JSON: {e.Message}");
        }

        if (definition["openapi"]?.GetValue<string>() is not { } v || !v.StartsWith('3'))
        {
            throw GatewayErrors.BadRequest("Only OpenAPI 3.x definitions can be imported into an HTTP API");
        }

        return (definition, []);
    }

    private static void ApplyDefinition(ManagementCall call, JsonObject doc, JsonObject definition, List<string> warnings)
    {
        var api = doc["api"]!.AsObject();
        if (definition["info"] is JsonObject info)
        {
            if (info["description"] is JsonValue d)
            {
                api["description"] = d.GetValue<string>();
            }

            if (info["version"] is JsonValue ver)
            {
                api["version"] = ver.GetValue<string>();
            }
        }

        if (definition["x-amazon-apigateway-cors"] is JsonObject cors)
        {
            api["corsConfiguration"] = cors.DeepClone();
        }

        var failOnWarnings = string.Equals(call.Query("failOnWarnings"), "true", StringComparison.OrdinalIgnoreCase);
        var routes = Section(doc, "routes");
        var integrations = Section(doc, "integrations");
        foreach (var (path, node) in definition["paths"] as JsonObject ?? [])
        {
            foreach (var (method, operation) in node as JsonObject ?? [])
            {
                if (!OpenApiMethods.Contains(method) || operation is not JsonObject op)
                {
                    continue;
                }

                var verb = method == "x-amazon-apigateway-any-method" ? "ANY" : method.ToUpperInvariant();
                var routeKey = path == "$default" ? "$default" : $"{verb} {path}";
                if (routeKey != HttpRoute.DefaultKey && HttpRoute.ParseKey(routeKey, out var error) is null)
                {
                    warnings.Add($"Skipped {routeKey}: {error}");
                    continue;
                }

                var route = new JsonObject
                {
                    ["apiKeyRequired"] = false,
                    ["authorizationType"] = "NONE",
                    ["routeId"] = GatewayIds.Child(),
                    ["routeKey"] = routeKey,
                };
                if (op["operationId"] is JsonValue operationId)
                {
                    route["operationName"] = operationId.GetValue<string>();
                }

                if (op["x-amazon-apigateway-integration"] is JsonObject x)
                {
                    var integration = new JsonObject { ["connectionType"] = "INTERNET", ["integrationId"] = GatewayIds.Child(), ["timeoutInMillis"] = 30000 };
                    integration["integrationType"] = x["type"]?.GetValue<string>().ToUpperInvariant();
                    integration["integrationUri"] = x["uri"]?.DeepClone();
                    integration["integrationMethod"] = x["httpMethod"]?.DeepClone();
                    integration["payloadFormatVersion"] = x["payloadFormatVersion"]?.DeepClone();
                    integration["timeoutInMillis"] = x["timeoutInMillis"]?.DeepClone() ?? 30000;
                    foreach (var key in integration.Where(kv => kv.Value is null).Select(kv => kv.Key).ToList())
                    {
                        integration.Remove(key);
                    }

                    Normalise(integration);
                    integrations[integration["integrationId"]!.GetValue<string>()] = integration;
                    route["target"] = $"integrations/{integration["integrationId"]}";
                }
                else
                {
                    warnings.Add($"Route {routeKey} has no x-amazon-apigateway-integration");
                }

                ValidateRoute(doc, route, routeKey, null);
                routes[route["routeId"]!.GetValue<string>()] = route;
            }
        }

        if (failOnWarnings && warnings.Count > 0)
        {
            throw GatewayErrors.BadRequest("Warnings found during import: " + string.Join("; ", warnings));
        }

        if (warnings.Count > 0)
        {
            api["warnings"] = new JsonArray([.. warnings.Select(w => (JsonNode)w)]);
        }
    }
}
