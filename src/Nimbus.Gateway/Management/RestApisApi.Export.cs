using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Nimbus.Gateway.Routing;
using static Nimbus.Gateway.Management.JsonFields;
using static Nimbus.Gateway.Management.ManagementCall;

namespace Nimbus.Gateway.Management;

/// <summary>GetExport: a deployed REST API stage as OpenAPI 3.0 (<c>oas30</c>) or Swagger 2.0 (<c>swagger</c>), in JSON
/// or YAML (by the <c>Accept</c> header), with the <c>extensions</c> parameter choosing the vendor extensions.</summary>
/// <remarks>
/// As API Gateway exports: one operation per method of the stage's deployment (<c>ANY</c> →
/// <c>x-amazon-apigateway-any-method</c>), parameters from <c>requestParameters</c> and the resource path, responses
/// from method responses (<c>"{code} response"</c>, headers, models), <c>servers</c>/<c>host</c>+<c>basePath</c> naming
/// the stage. <c>extensions=integrations</c> adds <c>x-amazon-apigateway-integration</c>; <c>apigateway</c> adds it
/// and the API-level extensions (binary media types, API key source, policy); <c>postman</c> exports without AWS
/// extensions. Models referenced by responses are exported as schemas when present in the API document.
/// </remarks>
internal static partial class RestApisApi
{
    private static void MapExport(IEndpointRouteBuilder app) =>
        app.MapGet("/restapis/{restApiId}/stages/{stageName}/exports/{exportType}", Handle(GetExport));

    private static async Task GetExport(ManagementCall call)
    {
        var exportType = call.Route("exportType");
        if (exportType is not ("oas30" or "swagger"))
        {
            throw GatewayErrors.BadRequest($"Invalid export type {exportType}. Valid values are oas30, swagger");
        }

        var accept = call.Http.Request.Headers.Accept.ToString();
        var yaml = accept.Contains("yaml", StringComparison.OrdinalIgnoreCase);
        if (accept.Length > 0 && !yaml && !accept.Contains("json", StringComparison.OrdinalIgnoreCase) && !accept.Contains("*/*", StringComparison.Ordinal))
        {
            throw GatewayErrors.BadRequest($"Invalid Accept {accept}. Valid values are application/json, application/yaml");
        }

        var extensions = (call.Query("extensions") ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        foreach (var e in extensions)
        {
            if (e is not ("integrations" or "apigateway" or "authorizers" or "postman"))
            {
                throw GatewayErrors.BadRequest($"Invalid extensions {e}. Valid values are integrations, apigateway, authorizers, postman");
            }
        }

        var entry = call.Store.Get(ApiId(call), ApiKind.Rest, call.Caller);
        var doc = entry.Doc;
        var stageName = call.Route("stageName");
        var stage = doc["stages"]?[stageName] as JsonObject ?? throw GatewayErrors.NotFound("Invalid stage identifier specified");
        var resources = String(stage, "deploymentId") is { } d && doc["snapshots"]?[d]?["resources"] is JsonObject r ? r : [];
        var exported = RestOpenApi(call, entry, stageName, resources, swagger: exportType == "swagger",
            integrations: extensions.Contains("integrations") || extensions.Contains("apigateway"), apiLevel: extensions.Contains("apigateway"));
        var text = yaml ? OpenApiYaml.Write(exported) : exported.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
        var api = doc["api"]!;
        var fileName = $"{api["name"]?.GetValue<string>()}-{stageName}-{exportType}.{(yaml ? "yaml" : "json")}";
        call.Http.Response.StatusCode = 200;
        call.Http.Response.ContentType = yaml ? "application/yaml" : "application/json";
        call.Http.Response.Headers.ContentDisposition = $"attachment; filename=\"{fileName}\"";
        call.Http.Response.Headers["x-amzn-RequestId"] = call.Caller.RequestId;
        await call.Http.Response.WriteAsync(text, Encoding.UTF8, call.Http.RequestAborted);
    }

    internal static JsonObject RestOpenApi(ManagementCall call, ApiEntry entry, string stageName, JsonObject resources, bool swagger, bool integrations, bool apiLevel)
    {
        var api = entry.Doc["api"]!.AsObject();
        var created = api["createdDate"] is JsonValue c && c.TryGetValue<long>(out var seconds)
            ? DateTimeOffset.FromUnixTimeSeconds(seconds) : call.Store.Time.GetUtcNow();
        var info = new JsonObject
        {
            ["version"] = String(api, "version") ?? created.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
            ["title"] = api["name"]?.DeepClone(),
        };
        if (api["description"] is JsonValue description)
        {
            info["description"] = description.DeepClone();
        }

        var endpoint = new Uri(call.Endpoint(entry.ApiId));
        var result = new JsonObject();
        if (swagger)
        {
            result["swagger"] = "2.0";
            result["info"] = info;
            result["host"] = endpoint.Authority;
            result["basePath"] = "/" + stageName;
            result["schemes"] = new JsonArray("http");
        }
        else
        {
            result["openapi"] = "3.0.1";
            result["info"] = info;
            result["servers"] = new JsonArray(new JsonObject
            {
                ["url"] = endpoint.GetLeftPart(UriPartial.Authority) + "/{basePath}",
                ["variables"] = new JsonObject { ["basePath"] = new JsonObject { ["default"] = stageName } },
            });
        }

        var models = new SortedDictionary<string, JsonNode?>(StringComparer.Ordinal);
        var paths = new JsonObject();
        var sorted = resources.Select(kv => kv.Value as JsonObject).OfType<JsonObject>()
            .Where(res => res["resourceMethods"] is JsonObject { Count: > 0 })
            .OrderBy(res => res["path"]!.GetValue<string>(), StringComparer.Ordinal);
        var iam = false;
        var apiKey = false;
        foreach (var resource in sorted)
        {
            var path = resource["path"]!.GetValue<string>();
            var item = new JsonObject();
            foreach (var (verb, node) in resource["resourceMethods"]!.AsObject().OrderBy(kv => kv.Key, StringComparer.Ordinal))
            {
                if (node is not JsonObject method)
                {
                    continue;
                }

                iam |= String(method, "authorizationType") == "AWS_IAM";
                apiKey |= method["apiKeyRequired"]?.GetValue<bool>() == true;
                item[verb == "ANY" ? "x-amazon-apigateway-any-method" : verb.ToLowerInvariant()] = Operation(path, method, swagger, integrations, models, entry.Doc);
            }

            paths[path] = item;
        }

        result["paths"] = paths;
        if (iam || apiKey)
        {
            var schemes = new JsonObject();
            if (apiKey)
            {
                schemes["api_key"] = new JsonObject { ["type"] = "apiKey", ["name"] = "x-api-key", ["in"] = "header" };
            }

            if (iam)
            {
                schemes["sigv4"] = new JsonObject { ["type"] = "apiKey", ["name"] = "Authorization", ["in"] = "header", ["x-amazon-apigateway-authtype"] = "awsSigv4" };
            }

            if (swagger)
            {
                result["securityDefinitions"] = schemes;
            }
            else
            {
                result["components"] = new JsonObject { ["securitySchemes"] = schemes };
            }
        }

        if (models.Count > 0)
        {
            var schemas = new JsonObject();
            foreach (var (name, schema) in models)
            {
                schemas[name] = schema;
            }

            if (swagger)
            {
                result["definitions"] = schemas;
            }
            else
            {
                var components = result["components"] as JsonObject ?? [];
                components["schemas"] = schemas;
                result["components"] = components;
            }
        }

        if (apiLevel)
        {
            if (api["binaryMediaTypes"] is JsonArray { Count: > 0 } binary)
            {
                result["x-amazon-apigateway-binary-media-types"] = binary.DeepClone();
            }

            if (String(api, "apiKeySource") is { } source)
            {
                result["x-amazon-apigateway-api-key-source"] = source;
            }

            if (String(api, "policy") is { Length: > 0 } policy)
            {
                try
                {
                    result["x-amazon-apigateway-policy"] = JsonNode.Parse(policy);
                }
                catch (JsonException)
                {
                    result["x-amazon-apigateway-policy"] = policy;
                }
            }
        }

        return result;
    }

    private static JsonObject Operation(string path, JsonObject method, bool swagger, bool integrations, SortedDictionary<string, JsonNode?> models, JsonObject doc)
    {
        var operation = new JsonObject();
        if (method["operationName"] is JsonValue operationName)
        {
            operation["operationId"] = operationName.DeepClone();
        }

        var responses = method["methodResponses"] as JsonObject ?? [];
        var produces = responses.SelectMany(kv => (kv.Value?["responseModels"] as JsonObject ?? []).Select(m => m.Key)).Distinct().ToList();
        if (swagger && produces.Count > 0)
        {
            operation["produces"] = new JsonArray([.. produces.Select(p => (JsonNode)p)]);
        }

        var parameters = new JsonArray();
        var declared = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (name, required) in method["requestParameters"] as JsonObject ?? [])
        {
            var parts = name.Split('.', 4);
            if (parts.Length != 4 || parts[0] != "method" || parts[1] != "request")
            {
                continue;
            }

            var location = parts[2] switch { "path" => "path", "querystring" => "query", "header" => "header", _ => null };
            if (location is null)
            {
                continue;
            }

            declared.Add(location + ":" + parts[3]);
            parameters.Add(Parameter(parts[3], location, location == "path" || (required?.GetValue<bool>() ?? false), swagger));
        }

        if (PathTemplate.Parse(path, out _) is { } template)
        {
            foreach (var segment in template.Segments.Where(s => s.Kind != SegmentKind.Literal))
            {
                if (declared.Add("path:" + segment.Value))
                {
                    parameters.Add(Parameter(segment.Value, "path", true, swagger));
                }
            }
        }

        if (parameters.Count > 0)
        {
            operation["parameters"] = parameters;
        }

        var outResponses = new JsonObject();
        foreach (var (status, node) in responses.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            var response = new JsonObject { ["description"] = $"{status} response" };
            var headers = new JsonObject();
            foreach (var (name, _) in node?["responseParameters"] as JsonObject ?? [])
            {
                const string Prefix = "method.response.header.";
                if (name.StartsWith(Prefix, StringComparison.Ordinal))
                {
                    headers[name[Prefix.Length..]] = swagger
                        ? new JsonObject { ["type"] = "string" }
                        : new JsonObject { ["schema"] = new JsonObject { ["type"] = "string" } };
                }
            }

            var responseModels = node?["responseModels"] as JsonObject ?? [];
            if (swagger)
            {
                if (responseModels.FirstOrDefault().Value?.GetValue<string>() is { } model)
                {
                    response["schema"] = new JsonObject { ["$ref"] = "#/definitions/" + model };
                    models[model] = ModelSchema(doc, model);
                }
            }
            else if (responseModels.Count > 0)
            {
                var content = new JsonObject();
                foreach (var (contentType, m) in responseModels)
                {
                    var model = m!.GetValue<string>();
                    content[contentType] = new JsonObject { ["schema"] = new JsonObject { ["$ref"] = "#/components/schemas/" + model } };
                    models[model] = ModelSchema(doc, model);
                }

                response["content"] = content;
            }

            if (headers.Count > 0)
            {
                response["headers"] = headers;
            }

            outResponses[status] = response;
        }

        operation["responses"] = outResponses;
        if (String(method, "authorizationType") == "AWS_IAM")
        {
            operation["security"] = new JsonArray(new JsonObject { ["sigv4"] = new JsonArray() });
        }

        if (method["apiKeyRequired"]?.GetValue<bool>() == true)
        {
            var security = operation["security"] as JsonArray ?? [];
            security.Add(new JsonObject { ["api_key"] = new JsonArray() });
            operation["security"] = security;
        }

        if (integrations && method["methodIntegration"] is JsonObject integration)
        {
            operation["x-amazon-apigateway-integration"] = RestIntegrationExtension(integration);
        }

        return operation;
    }

    private static JsonObject Parameter(string name, string location, bool required, bool swagger)
    {
        var p = new JsonObject { ["name"] = name, ["in"] = location, ["required"] = required };
        if (swagger)
        {
            p["type"] = "string";
        }
        else
        {
            p["schema"] = new JsonObject { ["type"] = "string" };
        }

        return p;
    }

    /// <summary>A model's JSON schema from the API document, or API Gateway's built-in <c>Empty</c>/<c>Error</c> models.</summary>
    private static JsonNode? ModelSchema(JsonObject doc, string name)
    {
        if (doc["models"]?[name] is JsonObject model && model["schema"] is JsonValue schema)
        {
            try
            {
                if (JsonNode.Parse(schema.GetValue<string>()) is JsonObject parsed)
                {
                    parsed.Remove("$schema");
                    return parsed;
                }
            }
            catch (JsonException)
            {
                // Fall through to the built-ins.
            }
        }

        return name == "Error"
            ? new JsonObject { ["title"] = "Error Schema", ["type"] = "object", ["properties"] = new JsonObject { ["message"] = new JsonObject { ["type"] = "string" } } }
            : new JsonObject { ["title"] = "Empty Schema", ["type"] = "object" };
    }

    /// <summary><c>x-amazon-apigateway-integration</c> for a REST method integration.</summary>
    private static JsonObject RestIntegrationExtension(JsonObject integration)
    {
        var x = new JsonObject { ["type"] = (String(integration, "type") ?? "MOCK").ToLowerInvariant() };
        foreach (var name in (string[])["httpMethod", "uri", "connectionType", "connectionId", "credentials", "requestParameters", "requestTemplates",
            "passthroughBehavior", "contentHandling", "timeoutInMillis", "cacheNamespace", "cacheKeyParameters"])
        {
            if (integration[name] is { } v)
            {
                x[name] = v.DeepClone();
            }
        }

        var responses = new JsonObject();
        foreach (var (status, node) in integration["integrationResponses"] as JsonObject ?? [])
        {
            if (node is not JsonObject r)
            {
                continue;
            }

            var response = new JsonObject { ["statusCode"] = status };
            foreach (var name in (string[])["responseParameters", "responseTemplates", "contentHandling"])
            {
                if (r[name] is { } v)
                {
                    response[name] = v.DeepClone();
                }
            }

            responses[String(r, "selectionPattern") is { Length: > 0 } pattern ? pattern : "default"] = response;
        }

        if (responses.Count > 0)
        {
            x["responses"] = responses;
        }

        return x;
    }
}
