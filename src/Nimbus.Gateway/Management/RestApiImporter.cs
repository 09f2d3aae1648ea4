using System.Text.Json;
using System.Text.Json.Nodes;
using Nimbus.Gateway.Mapping;
using Nimbus.Gateway.Routing;
using static Nimbus.Gateway.Management.JsonFields;

namespace Nimbus.Gateway.Management;

/// <summary>ImportRestApi/PutRestApi: an OpenAPI 3.0 or Swagger 2.0 definition (JSON or YAML) applied to a REST API document.</summary>
/// <remarks>
/// The reverse of <see cref="RestApisApi.RestOpenApi"/>: <c>info</c> → name/description/version, <c>paths</c> → the resource
/// tree (intermediate resources created), operations (<c>x-amazon-apigateway-any-method</c> → ANY) → methods with
/// <c>requestParameters</c>, request models, <c>security</c> (API key, sigv4, <c>x-amazon-apigateway-authorizer</c>
/// schemes → authorizers), <c>x-amazon-apigateway-integration</c> → the integration and its responses, responses → method
/// responses, schemas → models, and the API-level extensions (request validators, gateway responses, binary media types,
/// API key source, policy). Problems that API Gateway reports as warnings are collected; errors fail the import.
/// </remarks>
internal static class RestApiImporter
{
    private static readonly string[] OperationKeys = ["get", "put", "post", "delete", "options", "head", "patch", "x-amazon-apigateway-any-method"];

    /// <summary>Parses the request body: JSON or YAML, Swagger 2.0 or OpenAPI 3.x.</summary>
    public static JsonObject Parse(string text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            throw GatewayErrors.BadRequest("Invalid OpenAPI input: the request body is empty");
        }

        JsonNode? node;
        try
        {
            node = OpenApiYaml.IsJson(text) ? JsonNode.Parse(text) : OpenApiYaml.Read(text);
        }
        catch (Exception e) when (e is JsonException or YamlDotNet.Core.YamlException or InvalidOperationException or FormatException)
        {
            throw GatewayErrors.BadRequest($"Invalid OpenAPI input: {e.Message}");
        }

        if (node is not JsonObject definition)
        {
            throw GatewayErrors.BadRequest("Invalid OpenAPI input: the definition must be an object");
        }

        var swagger = definition["swagger"] is JsonValue s ? s.ToString() : null;
        var openapi = definition["openapi"] is JsonValue o ? o.ToString() : null;
        if (swagger != "2.0" && openapi?.StartsWith("3.", StringComparison.Ordinal) != true)
        {
            throw GatewayErrors.BadRequest("Invalid OpenAPI input: the definition must declare swagger: \"2.0\" or openapi: \"3.0.x\"");
        }

        return definition;
    }

    /// <summary>Applies <paramref name="definition"/> to a REST API document (its <c>api</c> member exists).</summary>
    /// <param name="merge">PutRestApi <c>mode=merge</c>: keep what the definition does not mention; otherwise overwrite.</param>
    public static void Apply(JsonObject doc, JsonObject definition, bool merge, IReadOnlyDictionary<string, string> parameters, List<string> warnings, bool failOnWarnings)
    {
        var errors = new List<string>();
        var api = doc["api"]!.AsObject();
        var swagger = definition["swagger"] is not null;
        var info = definition["info"] as JsonObject;
        if (info?["title"] is JsonValue title && title.ToString().Length > 0)
        {
            api["name"] = title.ToString();
        }
        else if (String(api, "name") is null or "")
        {
            errors.Add("Invalid OpenAPI input: info.title is required for the API name");
        }

        if (info?["description"] is JsonValue description)
        {
            api["description"] = description.ToString();
        }

        if (info?["version"] is JsonValue version)
        {
            api["version"] = version.ToString();
        }

        if (definition["x-amazon-apigateway-binary-media-types"] is JsonArray binary)
        {
            api["binaryMediaTypes"] = binary.DeepClone();
        }

        if (definition["x-amazon-apigateway-api-key-source"] is JsonValue keySource)
        {
            var source = keySource.ToString().ToUpperInvariant();
            if (source is "HEADER" or "AUTHORIZER")
            {
                api["apiKeySource"] = source;
            }
            else
            {
                errors.Add($"Invalid x-amazon-apigateway-api-key-source {keySource}: valid values are HEADER, AUTHORIZER");
            }
        }

        if (definition["x-amazon-apigateway-policy"] is { } policy)
        {
            api["policy"] = policy is JsonValue p ? p.ToString() : policy.ToJsonString();
        }

        if (parameters.TryGetValue("endpointConfigurationTypes", out var types) && types.Length > 0)
        {
            var type = types.ToUpperInvariant();
            if (type is "EDGE" or "REGIONAL" or "PRIVATE")
            {
                api["endpointConfiguration"] = new JsonObject { ["types"] = new JsonArray(type) };
            }
            else
            {
                errors.Add($"Invalid endpointConfigurationTypes {types}: valid values are EDGE, REGIONAL, PRIVATE");
            }
        }

        var rootId = String(api, "rootResourceId")!;
        var resources = Section(doc, "resources");
        if (!merge)
        {
            foreach (var key in resources.Select(kv => kv.Key).Where(k => k != rootId).ToList())
            {
                resources.Remove(key);
            }

            resources[rootId]!.AsObject().Remove("resourceMethods");
            doc["authorizers"] = new JsonObject();
            doc.Remove("models");
            doc["requestValidators"] = new JsonObject();
            doc["gatewayResponses"] = new JsonObject();
        }

        // Models: Swagger definitions or OpenAPI components.schemas.
        var schemas = (swagger ? definition["definitions"] : definition["components"]?["schemas"]) as JsonObject ?? [];
        var models = RestApiSettings.ModelsOf(doc).DeepClone().AsObject();
        foreach (var (name, schema) in schemas)
        {
            if (!name.All(char.IsAsciiLetterOrDigit))
            {
                errors.Add($"Invalid model name '{name}': model names must be alphanumeric");
                continue;
            }

            var id = models[name]?["id"]?.ToString() ?? GatewayIds.Child(6);
            var stored = schema?.DeepClone() as JsonObject ?? [];
            stored["$schema"] = "http://json-schema.org/draft-04/schema#";
            models[name] = new JsonObject { ["id"] = id, ["name"] = name, ["contentType"] = "application/json", ["schema"] = stored.ToJsonString() };
        }

        doc["models"] = models;

        // Authorizers and the other security schemes.
        var authorizers = Section(doc, "authorizers");
        var schemes = new Dictionary<string, (string Kind, string? AuthorizerId)>(StringComparer.Ordinal);
        // Both locations are read: generators (SAM among them) put securityDefinitions into OpenAPI 3 documents too.
        var securitySchemes = (definition["securityDefinitions"] as JsonObject ?? []).Concat(definition["components"]?["securitySchemes"] as JsonObject ?? []);
        foreach (var (name, node) in securitySchemes)
        {
            if (node is not JsonObject scheme)
            {
                continue;
            }

            if (scheme["x-amazon-apigateway-authorizer"] is JsonObject x)
            {
                var type = (x["type"]?.ToString() ?? "").ToUpperInvariant();
                var existing = authorizers.FirstOrDefault(kv => kv.Value?["name"]?.ToString() == name).Value as JsonObject;
                var id = existing?["id"]?.ToString() ?? GatewayIds.Child(6);
                var authorizer = new JsonObject { ["id"] = id, ["name"] = name, ["type"] = type };
                if (scheme["x-amazon-apigateway-authtype"] is JsonValue authType)
                {
                    authorizer["authType"] = authType.ToString();
                }

                foreach (var field in (string[])["authorizerUri", "authorizerCredentials", "identityValidationExpression", "authorizerResultTtlInSeconds", "providerARNs"])
                {
                    if (x[field] is { } v)
                    {
                        authorizer[field] = v.DeepClone();
                    }
                }

                if (x["identitySource"] is JsonValue identity)
                {
                    authorizer["identitySource"] = identity.ToString();
                }
                else if (type is "TOKEN" or "COGNITO_USER_POOLS" && scheme["name"] is JsonValue header)
                {
                    authorizer["identitySource"] = "method.request.header." + header;
                }

                if (type is "TOKEN" or "REQUEST" && authorizer["authorizerResultTtlInSeconds"] is null)
                {
                    authorizer["authorizerResultTtlInSeconds"] = 300;
                }

                if (type is not ("TOKEN" or "REQUEST" or "COGNITO_USER_POOLS"))
                {
                    errors.Add($"Invalid authorizer type '{x["type"]}' in security scheme {name}: valid values are token, request, cognito_user_pools");
                    continue;
                }

                if (type == "COGNITO_USER_POOLS" ? authorizer["providerARNs"] is not JsonArray { Count: > 0 } : String(authorizer, "authorizerUri") is null)
                {
                    errors.Add($"Security scheme {name}: " + (type == "COGNITO_USER_POOLS" ? "providerARNs are required" : "authorizerUri is required"));
                    continue;
                }

                authorizers[id] = authorizer;
                schemes[name] = (type == "COGNITO_USER_POOLS" ? "COGNITO_USER_POOLS" : "CUSTOM", id);
            }
            else if (scheme["x-amazon-apigateway-authtype"]?.ToString() is "awsSigv4" or "awsSigV4")
            {
                schemes[name] = ("AWS_IAM", null);
            }
            else if (scheme["type"]?.ToString() == "apiKey")
            {
                schemes[name] = ("API_KEY", null);
            }
            else
            {
                warnings.Add($"Unsupported security scheme {name} ignored: only API keys, sigv4 and x-amazon-apigateway-authorizer are imported");
            }
        }

        // Request validators: named, with an API-wide default and per-operation overrides.
        var validators = Section(doc, "requestValidators");
        var validatorIds = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, node) in definition["x-amazon-apigateway-request-validators"] as JsonObject ?? [])
        {
            var existing = validators.FirstOrDefault(kv => kv.Value?["name"]?.ToString() == name).Value as JsonObject;
            var id = existing?["id"]?.ToString() ?? GatewayIds.Child(6);
            validators[id] = new JsonObject
            {
                ["id"] = id,
                ["name"] = name,
                ["validateRequestBody"] = node?["validateRequestBody"]?.GetValue<bool>() ?? false,
                ["validateRequestParameters"] = node?["validateRequestParameters"]?.GetValue<bool>() ?? false,
            };
            validatorIds[name] = id;
        }

        var defaultValidator = definition["x-amazon-apigateway-request-validator"]?.ToString();
        if (defaultValidator is not null && !validatorIds.ContainsKey(defaultValidator))
        {
            errors.Add($"Request validator '{defaultValidator}' is not defined in x-amazon-apigateway-request-validators");
        }

        // Gateway responses.
        var gatewayResponses = Section(doc, "gatewayResponses");
        foreach (var (type, node) in definition["x-amazon-apigateway-gateway-responses"] as JsonObject ?? [])
        {
            if (!GatewayErrors.Types.ContainsKey(type))
            {
                errors.Add($"Invalid gateway response type {type}");
                continue;
            }

            var stored = new JsonObject { ["responseType"] = type };
            if (node?["statusCode"] is JsonValue status)
            {
                stored["statusCode"] = status.ToString();
            }

            foreach (var field in (string[])["responseParameters", "responseTemplates"])
            {
                if (node?[field] is JsonObject v)
                {
                    stored[field] = v.DeepClone();
                }
            }

            gatewayResponses[type] = stored;
        }

        // Paths → resources → methods.
        var globalSecurity = definition["security"] as JsonArray;
        foreach (var (path, node) in definition["paths"] as JsonObject ?? [])
        {
            if (node is not JsonObject item)
            {
                continue;
            }

            string? pathError = "must start with /";
            if (!path.StartsWith('/') || PathTemplate.Parse(path, out pathError) is null)
            {
                errors.Add($"Invalid resource path {path}: {pathError}");
                continue;
            }

            var resource = EnsureResource(resources, rootId, path);
            var pathParameters = item["parameters"] as JsonArray;
            foreach (var (key, opNode) in item)
            {
                if (!OperationKeys.Contains(key) || opNode is not JsonObject op)
                {
                    continue;
                }

                var verb = key == "x-amazon-apigateway-any-method" ? "ANY" : key.ToUpperInvariant();
                var label = $"{verb} {path}";
                var method = new JsonObject { ["httpMethod"] = verb, ["authorizationType"] = "NONE", ["apiKeyRequired"] = false };
                if (op["operationId"] is JsonValue operationId)
                {
                    method["operationName"] = operationId.ToString();
                }

                // Parameters (path-level then operation-level) and the request body's models.
                var requestParameters = new JsonObject();
                var requestModels = new JsonObject();
                foreach (var p in (pathParameters ?? []).Concat(op["parameters"] as JsonArray ?? []).OfType<JsonObject>())
                {
                    var parameter = Resolve(definition, p);
                    var name = parameter["name"]?.ToString();
                    var location = parameter["in"]?.ToString() switch { "path" => "path", "query" => "querystring", "header" => "header", var other => other };
                    if (location == "body")
                    {
                        if (ModelName(parameter["schema"]) is { } model)
                        {
                            requestModels[ContentTypes(op, definition).FirstOrDefault() ?? "application/json"] = model;
                        }

                        continue;
                    }

                    if (name is null || location is not ("path" or "querystring" or "header"))
                    {
                        continue;
                    }

                    requestParameters[$"method.request.{location}.{name}"] = location == "path" || parameter["required"]?.GetValue<bool>() == true;
                }

                foreach (var (contentType, media) in op["requestBody"]?["content"] as JsonObject ?? [])
                {
                    if (ModelName(media?["schema"]) is { } model)
                    {
                        requestModels[contentType] = model;
                    }
                }

                if (requestParameters.Count > 0)
                {
                    method["requestParameters"] = requestParameters;
                }

                if (requestModels.Count > 0)
                {
                    method["requestModels"] = requestModels;
                }

                // Security: the operation's, or the document's.
                foreach (var requirement in (op["security"] as JsonArray ?? globalSecurity ?? []).OfType<JsonObject>())
                {
                    foreach (var (schemeName, scopes) in requirement)
                    {
                        if (!schemes.TryGetValue(schemeName, out var scheme))
                        {
                            errors.Add($"{label}: security scheme '{schemeName}' is not defined");
                            continue;
                        }

                        switch (scheme.Kind)
                        {
                            case "API_KEY":
                                method["apiKeyRequired"] = true;
                                break;
                            case "AWS_IAM":
                                method["authorizationType"] = "AWS_IAM";
                                break;
                            default:
                                method["authorizationType"] = scheme.Kind;
                                method["authorizerId"] = scheme.AuthorizerId;
                                if (scheme.Kind == "COGNITO_USER_POOLS" && scopes is JsonArray { Count: > 0 } list)
                                {
                                    method["authorizationScopes"] = list.DeepClone();
                                }

                                break;
                        }
                    }
                }

                var validatorName = op["x-amazon-apigateway-request-validator"]?.ToString() ?? defaultValidator;
                if (validatorName is not null)
                {
                    if (validatorIds.TryGetValue(validatorName, out var validatorId))
                    {
                        method["requestValidatorId"] = validatorId;
                    }
                    else if (validatorName != defaultValidator)
                    {
                        errors.Add($"{label}: request validator '{validatorName}' is not defined in x-amazon-apigateway-request-validators");
                    }
                }

                // Responses → method responses.
                var methodResponses = new JsonObject();
                foreach (var (status, responseNode) in op["responses"] as JsonObject ?? [])
                {
                    if (!(status.Length == 3 && status.All(char.IsAsciiDigit) && status[0] is >= '1' and <= '5'))
                    {
                        warnings.Add($"{label}: response '{status}' ignored: method responses need a 3-digit status code");
                        continue;
                    }

                    var response = Resolve(definition, responseNode as JsonObject ?? []);
                    var methodResponse = new JsonObject { ["statusCode"] = status };
                    var headers = new JsonObject();
                    foreach (var (header, _) in response["headers"] as JsonObject ?? [])
                    {
                        headers["method.response.header." + header] = false;
                    }

                    if (headers.Count > 0)
                    {
                        methodResponse["responseParameters"] = headers;
                    }

                    var responseModels = new JsonObject();
                    if (swagger)
                    {
                        if (ModelName(response["schema"]) is { } model)
                        {
                            responseModels[(op["produces"] ?? definition["produces"]) is JsonArray { Count: > 0 } produces ? produces[0]!.ToString() : "application/json"] = model;
                        }
                    }
                    else
                    {
                        foreach (var (contentType, media) in response["content"] as JsonObject ?? [])
                        {
                            if (ModelName(media?["schema"]) is { } model)
                            {
                                responseModels[contentType] = model;
                            }
                        }
                    }

                    if (responseModels.Count > 0)
                    {
                        methodResponse["responseModels"] = responseModels;
                    }

                    methodResponses[status] = methodResponse;
                }

                if (methodResponses.Count > 0)
                {
                    method["methodResponses"] = methodResponses;
                }

                if (op["x-amazon-apigateway-integration"] is JsonObject x)
                {
                    if (Integration(x, resource["id"]!.ToString(), label, errors) is { } integration)
                    {
                        method["methodIntegration"] = integration;
                    }
                }
                else
                {
                    warnings.Add($"{label}: no x-amazon-apigateway-integration: the method has no integration");
                }

                Section(resource, "resourceMethods")[verb] = method;
            }
        }

        CheckModelReferences(resources, models, errors);
        if (errors.Count > 0)
        {
            throw GatewayErrors.BadRequest("Errors found during import:\n\t" + string.Join("\n\t", errors));
        }

        if (failOnWarnings && warnings.Count > 0)
        {
            throw GatewayErrors.BadRequest("Warnings found during import:\n\t" + string.Join("\n\t", warnings));
        }
    }

    private static void CheckModelReferences(JsonObject resources, JsonObject models, List<string> errors)
    {
        foreach (var (_, resource) in resources)
        {
            foreach (var (verb, method) in resource?["resourceMethods"] as JsonObject ?? [])
            {
                var referenced = (method?["requestModels"] as JsonObject ?? []).Select(kv => kv.Value?.ToString())
                    .Concat((method?["methodResponses"] as JsonObject ?? []).SelectMany(r => (r.Value?["responseModels"] as JsonObject ?? []).Select(kv => kv.Value?.ToString())));
                foreach (var name in referenced.OfType<string>().Distinct())
                {
                    if (!models.ContainsKey(name))
                    {
                        errors.Add($"{verb} {resource!["path"]}: model '{name}' is not defined");
                    }
                }
            }
        }
    }

    /// <summary>The method integration of an <c>x-amazon-apigateway-integration</c> extension, or null after an error.</summary>
    private static JsonObject? Integration(JsonObject x, string resourceId, string label, List<string> errors)
    {
        var type = (x["type"]?.ToString() ?? "").ToUpperInvariant();
        var integration = new JsonObject
        {
            ["type"] = type,
            ["passthroughBehavior"] = "WHEN_NO_MATCH",
            ["timeoutInMillis"] = 29000,
            ["cacheNamespace"] = resourceId,
            ["cacheKeyParameters"] = new JsonArray(),
        };
        foreach (var field in (string[])["httpMethod", "uri", "connectionType", "connectionId", "credentials", "requestParameters", "requestTemplates", "cacheNamespace", "cacheKeyParameters", "tlsConfig"])
        {
            if (x[field] is { } v)
            {
                integration[field] = v.DeepClone();
            }
        }

        if (x["httpMethod"] is JsonValue httpMethod)
        {
            integration["httpMethod"] = httpMethod.ToString().ToUpperInvariant();
        }

        if (x["passthroughBehavior"] is JsonValue passthrough)
        {
            integration["passthroughBehavior"] = passthrough.ToString().ToUpperInvariant();
        }

        if (x["contentHandling"] is JsonValue contentHandling)
        {
            integration["contentHandling"] = contentHandling.ToString().ToUpperInvariant();
        }

        if (x["connectionType"] is JsonValue connectionType)
        {
            integration["connectionType"] = connectionType.ToString().ToUpperInvariant();
        }

        if (x["timeoutInMillis"] is JsonValue timeout)
        {
            if (!int.TryParse(timeout.ToString(), System.Globalization.CultureInfo.InvariantCulture, out var ms) || ms < 50 || ms > 29000)
            {
                errors.Add($"{label}: timeoutInMillis should be between 50 ms and 29000 ms");
                return null;
            }

            integration["timeoutInMillis"] = ms;
        }

        switch (type)
        {
            case "MOCK":
                break;
            case "AWS_PROXY" or "AWS" or "HTTP_PROXY" or "HTTP":
                if (String(integration, "httpMethod") is null)
                {
                    errors.Add($"{label}: x-amazon-apigateway-integration has no httpMethod");
                    return null;
                }

                if (String(integration, "uri") is null)
                {
                    errors.Add($"{label}: x-amazon-apigateway-integration has no uri");
                    return null;
                }

                break;
            default:
                errors.Add($"{label}: invalid x-amazon-apigateway-integration type '{x["type"]}'");
                return null;
        }

        var responses = new JsonObject();
        foreach (var (pattern, node) in x["responses"] as JsonObject ?? [])
        {
            var status = node?["statusCode"]?.ToString();
            if (status is null || !(status.Length == 3 && status.All(char.IsAsciiDigit)))
            {
                errors.Add($"{label}: integration response '{pattern}' has no valid statusCode");
                continue;
            }

            var response = new JsonObject { ["statusCode"] = status };
            if (pattern != "default")
            {
                response["selectionPattern"] = pattern;
            }

            foreach (var field in (string[])["responseParameters", "responseTemplates"])
            {
                if (node?[field] is JsonObject v)
                {
                    response[field] = v.DeepClone();
                }
            }

            if (node?["contentHandling"] is JsonValue ch)
            {
                response["contentHandling"] = ch.ToString().ToUpperInvariant();
            }

            responses[status] = response;
        }

        if (responses.Count > 0)
        {
            integration["integrationResponses"] = responses;
        }

        return integration;
    }

    /// <summary>The resource for <paramref name="path"/>, creating it and any missing ancestors.</summary>
    private static JsonObject EnsureResource(JsonObject resources, string rootId, string path)
    {
        var current = resources[rootId]!.AsObject();
        var currentPath = "";
        foreach (var part in path.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            currentPath += "/" + part;
            var parentId = current["id"]!.ToString();
            var child = resources.Select(kv => kv.Value).OfType<JsonObject>()
                .FirstOrDefault(r => r["parentId"]?.ToString() == parentId && r["pathPart"]?.ToString() == part);
            if (child is null)
            {
                var id = GatewayIds.Child(6);
                child = new JsonObject { ["id"] = id, ["parentId"] = parentId, ["pathPart"] = part, ["path"] = currentPath };
                resources[id] = child;
            }

            current = child;
        }

        return current;
    }

    /// <summary>Follows a local <c>$ref</c> (<c>#/parameters/x</c>, <c>#/components/responses/x</c>…) once.</summary>
    private static JsonObject Resolve(JsonObject definition, JsonObject node)
    {
        if (node["$ref"]?.ToString() is { } reference && reference.StartsWith("#/", StringComparison.Ordinal))
        {
            JsonNode? target = definition;
            foreach (var part in reference[2..].Split('/'))
            {
                target = target?[part.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal)];
            }

            return target as JsonObject ?? node;
        }

        return node;
    }

    /// <summary>The model a schema names by <c>$ref</c> (<c>#/definitions/X</c>, <c>#/components/schemas/X</c>).</summary>
    private static string? ModelName(JsonNode? schema) =>
        schema?["$ref"]?.ToString() is { } reference && reference.LastIndexOf('/') is var slash and >= 0 ? reference[(slash + 1)..] : null;

    private static IEnumerable<string> ContentTypes(JsonObject op, JsonObject definition) =>
        ((op["consumes"] ?? definition["consumes"]) as JsonArray ?? []).Select(n => n?.ToString()).OfType<string>();
}
