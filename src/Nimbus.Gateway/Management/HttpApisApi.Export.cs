using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Nimbus.Gateway.Routing;
using static Nimbus.Gateway.Management.JsonFields;
using static Nimbus.Gateway.Management.ManagementCall;

namespace Nimbus.Gateway.Management;

/// <summary>ExportApi: an HTTP API as an OpenAPI 3.0 definition (JSON or YAML), the inverse of ImportApi.</summary>
/// <remarks>As API Gateway's export: <c>openapi: 3.0.1</c>, <c>info</c> (title, version — the API's, else the export
/// time — and description), a <c>servers</c> entry with a <c>basePath</c> variable, one operation per route
/// (<c>ANY</c> → <c>x-amazon-apigateway-any-method</c>, <c>$default</c> → path <c>$default</c>) with a default
/// response, generated path parameters and, with <c>includeExtensions</c> (default true), the
/// <c>x-amazon-apigateway-integration</c> of its target, <c>x-amazon-apigateway-cors</c> and
/// <c>x-amazon-apigateway-importexport-version: 1.0</c>. With <c>stageName</c> the stage's deployed routes are exported,
/// else the current ones.</remarks>
internal static partial class HttpApisApi
{
    private static void MapExport(IEndpointRouteBuilder app) =>
        app.MapGet("/v2/apis/{apiId}/exports/{specification}", Handle(ExportApi));

    private static async Task ExportApi(ManagementCall call)
    {
        var specification = call.Route("specification");
        if (specification != "OAS30")
        {
            throw GatewayErrors.BadRequest($"Invalid specification {specification}. Valid values are OAS30");
        }

        var outputType = call.Query("outputType") ?? throw GatewayErrors.BadRequest("outputType is required");
        if (outputType is not ("JSON" or "YAML"))
        {
            throw GatewayErrors.BadRequest($"Invalid outputType {outputType}. Valid values are JSON, YAML");
        }

        if (call.Query("exportVersion") is { } version && version != "1.0")
        {
            throw GatewayErrors.BadRequest($"Invalid exportVersion {version}. Valid values are 1.0");
        }

        var extensions = !string.Equals(call.Query("includeExtensions"), "false", StringComparison.OrdinalIgnoreCase);
        var doc = call.Store.Get(call.Route("apiId"), ApiKind.Http, call.Caller).Doc;
        if (IsWebSocket(doc))
        {
            throw GatewayErrors.BadRequest("ExportApi supports HTTP APIs only");
        }

        var stageName = call.Query("stageName");
        JsonObject source = doc;
        if (stageName is not null)
        {
            var stage = FindStage(doc, stageName);
            source = String(stage, "deploymentId") is { } d && doc["snapshots"]?[d] is JsonObject snapshot
                ? snapshot
                : throw GatewayErrors.BadRequest($"Stage {stageName} has no deployment to export");
        }

        var api = doc["api"]!.AsObject();
        var exported = OpenApiDocument(call, api, source, stageName, extensions);
        var text = outputType == "JSON" ? exported.ToJsonString() : OpenApiYaml.Write(exported);
        call.Http.Response.StatusCode = 200;
        call.Http.Response.ContentType = outputType == "JSON" ? "application/json" : "application/yaml";
        call.Http.Response.Headers["x-amzn-RequestId"] = call.Caller.RequestId;
        await call.Http.Response.WriteAsync(text, Encoding.UTF8, call.Http.RequestAborted);
    }

    internal static JsonObject OpenApiDocument(ManagementCall call, JsonObject api, JsonObject source, string? stageName, bool extensions)
    {
        var apiId = api["apiId"]!.GetValue<string>();
        var info = new JsonObject
        {
            ["title"] = api["name"]?.DeepClone(),
            ["version"] = String(api, "version")
                ?? call.Store.Time.GetUtcNow().UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss'UTC'", CultureInfo.InvariantCulture),
        };
        if (api["description"] is JsonValue description)
        {
            info["description"] = description.DeepClone();
        }

        var server = new JsonObject { ["url"] = call.Endpoint(apiId) + "/{basePath}" };
        server["variables"] = new JsonObject { ["basePath"] = new JsonObject { ["default"] = stageName is null or "$default" ? "" : stageName } };
        var paths = new JsonObject();
        var integrations = source["integrations"] as JsonObject ?? [];
        var routes = (source["routes"] as JsonObject ?? []).Select(kv => kv.Value as JsonObject).OfType<JsonObject>()
            .OrderBy(r => r["routeKey"]!.GetValue<string>(), StringComparer.Ordinal);
        foreach (var route in routes)
        {
            var key = route["routeKey"]!.GetValue<string>();
            string path, method;
            if (key == HttpRoute.DefaultKey)
            {
                (path, method) = ("$default", "x-amazon-apigateway-any-method");
            }
            else
            {
                var space = key.IndexOf(' ', StringComparison.Ordinal);
                path = key[(space + 1)..];
                method = key[..space] == "ANY" ? "x-amazon-apigateway-any-method" : key[..space].ToLowerInvariant();
            }

            var operation = new JsonObject();
            if (route["operationName"] is JsonValue operationName)
            {
                operation["operationId"] = operationName.DeepClone();
            }

            operation["responses"] = new JsonObject { ["default"] = new JsonObject { ["description"] = $"Default response for {key}" } };
            var parameters = new JsonArray();
            if (key != HttpRoute.DefaultKey && PathTemplate.Parse(path, out _) is { } template)
            {
                foreach (var segment in template.Segments.Where(s => s.Kind != SegmentKind.Literal))
                {
                    parameters.Add(new JsonObject
                    {
                        ["name"] = segment.Kind == SegmentKind.Greedy ? segment.Value + "+" : segment.Value,
                        ["in"] = "path",
                        ["description"] = $"Generated path parameter for {segment.Value}",
                        ["required"] = true,
                        ["schema"] = new JsonObject { ["type"] = "string" },
                    });
                }
            }

            if (parameters.Count > 0)
            {
                operation["parameters"] = parameters;
            }

            if (extensions && route["target"]?.GetValue<string>() is { } target && target.StartsWith("integrations/", StringComparison.Ordinal)
                && integrations[target["integrations/".Length..]] is JsonObject integration)
            {
                operation["x-amazon-apigateway-integration"] = IntegrationExtension(integration);
            }

            var item = paths[path] as JsonObject ?? [];
            paths[path] = item;
            item[method] = operation;
        }

        var result = new JsonObject
        {
            ["openapi"] = "3.0.1",
            ["info"] = info,
            ["servers"] = new JsonArray(server),
            ["paths"] = paths,
        };
        if (extensions)
        {
            if (api["corsConfiguration"] is JsonObject cors)
            {
                result["x-amazon-apigateway-cors"] = cors.DeepClone();
            }

            result["x-amazon-apigateway-importexport-version"] = "1.0";
        }

        return result;
    }

    /// <summary><c>x-amazon-apigateway-integration</c> for an HTTP API integration (type in lower case, as exported).</summary>
    private static JsonObject IntegrationExtension(JsonObject integration)
    {
        var x = new JsonObject();
        void Put(string name, string from)
        {
            if (integration[from] is { } v)
            {
                x[name] = v.DeepClone();
            }
        }

        Put("payloadFormatVersion", "payloadFormatVersion");
        x["type"] = integration["integrationType"]!.GetValue<string>().ToLowerInvariant();
        Put("httpMethod", "integrationMethod");
        Put("uri", "integrationUri");
        Put("connectionType", "connectionType");
        Put("connectionId", "connectionId");
        Put("credentials", "credentialsArn");
        Put("requestParameters", "requestParameters");
        Put("responseParameters", "responseParameters");
        Put("timeoutInMillis", "timeoutInMillis");
        return x;
    }
}
