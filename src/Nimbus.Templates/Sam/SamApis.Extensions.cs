using System.Text.Json.Nodes;

namespace Nimbus.Templates.Sam;

/// <summary>
/// The REST API settings the translator writes into the OpenAPI body as <c>x-amazon-apigateway-*</c> extensions after
/// CORS and Auth: <c>GatewayResponses</c>, <c>BinaryMediaTypes</c>, <c>Models</c> (as definitions/schemas) and
/// <c>DisableExecuteApiEndpoint</c>; and the per-event method settings (timeout, response streaming, request models,
/// validators and parameters) it adds with an event's integration.
/// </summary>
internal sealed partial class SamApis
{
    private static readonly (string Property, string Prefix)[] GatewayResponseParameterPrefixes =
        [("Headers", "header."), ("Paths", "path."), ("QueryStrings", "querystring.")];

    private static readonly string[] GatewayResponseProperties = ["ResponseParameters", "ResponseTemplates", "StatusCode"];

    /// <summary><c>GatewayResponses</c> → <c>x-amazon-apigateway-gateway-responses</c> (prefixed response parameters).</summary>
    private static void AddGatewayResponses(string id, JsonObject body, JsonNode gatewayResponses)
    {
        if (gatewayResponses is not JsonObject responses || responses.Count == 0)
        {
            return;
        }

        foreach (var (type, response) in responses)
        {
            if (Json.IsIntrinsic(response))
            {
                throw new InvalidResourceException(id, "Unable to set GatewayResponses attribute because intrinsic functions are not supported for this field.");
            }

            if (response is not JsonObject settings)
            {
                throw new InvalidResourceException(id, $"Invalid property type '{PythonTypeName(response)}' for GatewayResponses. Expected an object of type 'GatewayResponse'.");
            }

            foreach (var (key, _) in settings)
            {
                if (!GatewayResponseProperties.Contains(key))
                {
                    throw new InvalidResourceException(id, $"Invalid property '{key}' in 'GatewayResponses' property '{type}'.");
                }
            }
        }

        var existing = body["x-amazon-apigateway-gateway-responses"] as JsonObject ?? new JsonObject();
        foreach (var (type, response) in responses)
        {
            var settings = (JsonObject)response!;
            var parameters = SamDeploymentHash.InsertionOrdered(new JsonObject());
            if (settings["ResponseParameters"] is JsonObject given)
            {
                foreach (var (key, _) in given)
                {
                    if (!GatewayResponseParameterPrefixes.Any(p => p.Property == key))
                    {
                        throw new InvalidResourceException(id, $"Invalid gateway response parameter '{key}'");
                    }
                }

                foreach (var (property, prefix) in GatewayResponseParameterPrefixes)
                {
                    if (given[property] is not JsonObject values)
                    {
                        continue;
                    }

                    foreach (var (name, value) in values)
                    {
                        var key = "gatewayresponse." + prefix + name;
                        parameters[key] = value is null ? null : SamDeploymentHash.FromTemplate(value.DeepClone());
                        SamDeploymentHash.TemplateKey(parameters, key);
                    }
                }
            }

            var swagger = SamDeploymentHash.InsertionOrdered(new JsonObject
            {
                ["responseParameters"] = parameters,
                ["responseTemplates"] = settings["ResponseTemplates"] is JsonObject { Count: > 0 } templates
                    ? SamDeploymentHash.FromTemplate(templates.DeepClone())
                    : new JsonObject(),
            });
            if (settings["StatusCode"] is JsonValue status && status.ToJsonString() is var text && Json.Str(status) is var s)
            {
                var code = s ?? text;
                if (!System.Text.RegularExpressions.Regex.IsMatch(code, @"\A[0-9]{1,3}\z"))
                {
                    throw new InvalidResourceException(id, "Property 'StatusCode' must be numeric");
                }

                swagger["statusCode"] = code;
            }

            existing[type] = swagger;
            SamDeploymentHash.TemplateKey(existing, type);
        }

        body["x-amazon-apigateway-gateway-responses"] = existing;
    }

    /// <summary><c>BinaryMediaTypes</c> → <c>x-amazon-apigateway-binary-media-types</c>, <c>~1</c> written as <c>/</c>.</summary>
    private static void AddBinaryMediaTypes(JsonObject body, JsonNode binaryMediaTypes)
    {
        static JsonNode? Replace(JsonNode? node) => node switch
        {
            JsonObject o => new JsonObject(o.Select(kv => KeyValuePair.Create(kv.Key.Replace("~1", "/", StringComparison.Ordinal), Replace(kv.Value)))),
            JsonArray a => new JsonArray(a.Select(Replace).ToArray()),
            JsonValue v when Json.Str(v) is { } s => JsonValue.Create(s.Replace("~1", "/", StringComparison.Ordinal)),
            _ => node?.DeepClone(),
        };

        body["x-amazon-apigateway-binary-media-types"] = SamDeploymentHash.FromTemplate(Replace(binaryMediaTypes)!);
    }

    /// <summary><c>Models</c> → <c>definitions</c> (lower-cased names), as the translator's add_models.</summary>
    private static void AddModels(string id, JsonObject body, JsonNode models)
    {
        if (models is not JsonObject given || given.Count == 0)
        {
            return;
        }

        if (given.Any(kv => kv.Value is not JsonObject))
        {
            throw new InvalidResourceException(id, "Invalid value for 'Models' property");
        }

        var definitions = body["definitions"] as JsonObject ?? new JsonObject();
        foreach (var (name, schema) in given)
        {
            if (schema!["type"] is null)
            {
                throw new InvalidSamDocumentException(["'Models' schema is missing 'type'."]);
            }

            var key = name.ToLowerInvariant();
            definitions[key] = SamDeploymentHash.FromTemplate(schema.DeepClone());
            SamDeploymentHash.TemplateKey(definitions, key);
        }

        body["definitions"] = definitions;
    }

    /// <summary><c>DisableExecuteApiEndpoint</c> → the endpoint-configuration extension (under <c>servers</c> in OpenAPI 3).</summary>
    private static void AddDisableExecuteApiEndpoint(JsonObject body, JsonNode disable)
    {
        if (Json.Str(body["openapi"]) is { } version && System.Text.RegularExpressions.Regex.IsMatch(version, @"\A3(\.\d)(\.\d)?\z"))
        {
            var servers = body["servers"] as JsonArray ?? new JsonArray(new JsonObject());
            foreach (var server in servers.OfType<JsonObject>())
            {
                var configuration = server["x-amazon-apigateway-endpoint-configuration"] as JsonObject ?? new JsonObject();
                configuration["disableExecuteApiEndpoint"] = disable.DeepClone();
                server["x-amazon-apigateway-endpoint-configuration"] = configuration;
            }

            body["servers"] = servers;
            return;
        }

        var config = body["x-amazon-apigateway-endpoint-configuration"] as JsonObject ?? new JsonObject();
        config["disableExecuteApiEndpoint"] = disable.DeepClone();
        body["x-amazon-apigateway-endpoint-configuration"] = config;
    }

    /// <summary>
    /// An event's method settings after its integration and auth: <c>TimeoutInMillis</c>, <c>RequestModel</c> (a body
    /// parameter, or an OpenAPI 3 requestBody, and a request validator) and <c>RequestParameters</c>.
    /// </summary>
    private static void AddEventMethodSettings(JsonObject body, ApiEvent ev, JsonObject operation, JsonObject? apiProperties)
    {
        var integration = (JsonObject)operation["x-amazon-apigateway-integration"]!;
        if (Json.IsTruthy(ev.Properties["TimeoutInMillis"]))
        {
            integration["timeoutInMillis"] = SamDeploymentHash.FromTemplate(ev.Properties["TimeoutInMillis"]!.DeepClone());
        }

        if (ev.Properties["RequestModel"] is JsonObject { Count: > 0 } requestModel && Json.Str(requestModel["Model"]) is { } model)
        {
            AddRequestModel(body, ev, operation, requestModel, model, apiProperties?["Models"]);
        }

        if (ev.Properties["RequestParameters"] is JsonArray { Count: > 0 } requestParameters)
        {
            AddRequestParameters(ev, operation, integration, requestParameters);
        }
    }

    private static void AddRequestModel(JsonObject body, ApiEvent ev, JsonObject operation, JsonObject requestModel, string model, JsonNode? apiModels)
    {
        var where = $"Unable to set RequestModel [{model}] on API method [{ev.Method}] for path [{ev.Path}] because ";
        if (!Json.IsTruthy(apiModels))
        {
            throw new InvalidEventException(ev.EventId, where + "the related API does not define any Models.");
        }

        if (apiModels is not JsonObject models || Json.IsIntrinsic(apiModels))
        {
            throw new InvalidEventException(ev.EventId, where + "the related API Models defined is of invalid type.");
        }

        if (!Json.IsTruthy(models[model]))
        {
            throw new InvalidEventException(ev.EventId, where + "it wasn't defined in the API's Models.");
        }

        var name = model.ToLowerInvariant();
        var required = requestModel["Required"];
        if (body.ContainsKey("swagger"))
        {
            var parameter = SamDeploymentHash.InsertionOrdered(new JsonObject
            {
                ["in"] = "body",
                ["name"] = SamDeploymentHash.FromTemplate(JsonValue.Create(name)),
                ["schema"] = new JsonObject { ["$ref"] = "#/definitions/" + name },
            });
            if (required is not null)
            {
                parameter["required"] = SamDeploymentHash.FromTemplate(required.DeepClone());
            }

            var parameters = operation["parameters"] as JsonArray ?? new JsonArray();
            parameters.Add(parameter);
            operation["parameters"] = parameters;
        }
        else if (Json.Str(body["openapi"]) is { } version && System.Text.RegularExpressions.Regex.IsMatch(version, @"\A3(\.\d)(\.\d)?\z"))
        {
            var requestBody = new JsonObject
            {
                ["content"] = new JsonObject { ["application/json"] = new JsonObject { ["schema"] = new JsonObject { ["$ref"] = "#/components/schemas/" + name } } },
            };
            if (required is not null)
            {
                requestBody["required"] = SamDeploymentHash.FromTemplate(required.DeepClone());
            }

            operation["requestBody"] = requestBody;
        }

        var validateBody = requestModel["ValidateBody"];
        var validateParameters = requestModel["ValidateParameters"];
        if (validateBody is null && validateParameters is null)
        {
            return;
        }

        static bool? Flag(JsonNode? n) => n is null ? false : n is JsonValue v && v.GetValueKind() is System.Text.Json.JsonValueKind.True or System.Text.Json.JsonValueKind.False ? v.GetValue<bool>() : null;
        if (Flag(validateBody) is not { } checkBody || Flag(validateParameters) is not { } checkParameters)
        {
            return; // Validation.FunctionChecks reports it (once, with the other errors of the pass).
        }

        var validator = (checkBody, checkParameters) switch
        {
            (true, true) => "body-and-params",
            (true, false) => "body-only",
            (false, true) => "params-only",
            _ => "no-validation",
        };
        var validators = body["x-amazon-apigateway-request-validators"] as JsonObject;
        if (validators is null || validators.Count == 0)
        {
            validators = new JsonObject();
            body["x-amazon-apigateway-request-validators"] = validators;
        }

        if (!Json.IsTruthy(validators[validator]))
        {
            validators[validator] = SamDeploymentHash.InsertionOrdered(new JsonObject
            {
                ["validateRequestBody"] = checkBody,
                ["validateRequestParameters"] = checkParameters,
            });
        }

        operation["x-amazon-apigateway-request-validator"] = validator;
    }

    private static void AddRequestParameters(ApiEvent ev, JsonObject operation, JsonObject integration, JsonArray requestParameters)
    {
        const string formatError = "Invalid value for 'RequestParameters' property. Keys must be in the format 'method.request.[querystring|path|header].{value}', e.g 'method.request.header.Authorization'.";
        var settings = new List<(string Name, JsonNode Required, bool Caching)>();
        foreach (var parameter in requestParameters)
        {
            string name;
            JsonNode required = false;
            var caching = false;
            if (parameter is JsonObject o && o.Count > 0)
            {
                var (key, value) = o.First();
                if (!RequestParameterName().IsMatch(key))
                {
                    throw new InvalidEventException(ev.EventId, formatError);
                }

                if (value is not JsonObject options || options.Any(kv => kv.Key is not ("Required" or "Caching")))
                {
                    throw new InvalidEventException(ev.EventId, "Invalid value for 'RequestParameters' property. Values must be an object, e.g { Required: true, Caching: false }");
                }

                name = key;
                if (options["Required"] is { } r)
                {
                    required = SamDeploymentHash.FromTemplate(r.DeepClone());
                }

                caching = Json.IsTruthy(options["Caching"]);
            }
            else if (Json.Str(parameter) is { } text)
            {
                if (!RequestParameterName().IsMatch(text))
                {
                    throw new InvalidEventException(ev.EventId, formatError);
                }

                name = text;
            }
            else
            {
                throw new InvalidEventException(ev.EventId, "Invalid value for 'RequestParameters' property. Property must be either a string or an object");
            }

            settings.Add((name, required, caching));
        }

        var parameters = operation["parameters"] as JsonArray ?? new JsonArray();
        foreach (var (name, required, caching) in settings)
        {
            var location = name["method.request.".Length..];
            var dot = location.IndexOf('.', StringComparison.Ordinal);
            var (where, what) = (location[..dot], location[(dot + 1)..]);
            parameters.Add(SamDeploymentHash.InsertionOrdered(new JsonObject
            {
                ["in"] = where == "querystring" ? "query" : SamDeploymentHash.FromTemplate(JsonValue.Create(where)),
                ["name"] = SamDeploymentHash.FromTemplate(JsonValue.Create(what)),
                ["required"] = required,
                ["type"] = "string",
            }));
            if (caching)
            {
                var cacheKeys = integration["cacheKeyParameters"] as JsonArray ?? new JsonArray();
                cacheKeys.Add(SamDeploymentHash.FromTemplate(JsonValue.Create(name)));
                integration["cacheKeyParameters"] = cacheKeys;
            }
        }

        operation["parameters"] = parameters;
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"\Amethod\.request\.(querystring|path|header)\.")]
    private static partial System.Text.RegularExpressions.Regex RequestParameterName();

    /// <summary>
    /// <c>MergeDefinitions</c>: the event's method is generated in a skeleton document and merged over the same method of
    /// the given body (generated keys win). As the translator, the method is stored under the event's Method as written,
    /// and nothing is merged into a body without paths.
    /// </summary>
    private void MergeRestPath(JsonObject body, ApiEvent ev, JsonObject? apiAuth)
    {
        if (ev.Path is null || ev.Method is null)
        {
            return;
        }

        var skeleton = new JsonObject
        {
            ["swagger"] = "2.0",
            ["info"] = new JsonObject { ["version"] = "1.0", ["title"] = Json.Ref("AWS::StackName") },
            ["paths"] = new JsonObject(),
        };
        AddRestPath(skeleton, ev, apiAuth);
        if (body["paths"] is not JsonObject { Count: > 0 } paths || skeleton["paths"]?[ev.Path]?[OpenApiMethod(ev.Method)] is not JsonObject generated)
        {
            return;
        }

        var source = paths[ev.Path] is JsonObject sourcePath ? sourcePath[ev.Method] : null;
        if (source is not (JsonObject or null))
        {
            throw new InvalidResourceException(ev.ApiId, $"Property 'DefinitionBody.paths.{ev.Path}.{ev.Method}' should be a map.");
        }

        // Moved, not copied: the nodes keep what the deployment hash knows about where their strings came from.
        var merged = new JsonObject();
        foreach (var from in new[] { source as JsonObject ?? [], generated })
        {
            foreach (var key in from.Select(kv => kv.Key).ToList())
            {
                var value = from[key];
                from.Remove(key);
                if (value is not null && ReferenceEquals(from, generated))
                {
                    SamDeploymentHash.Generated(value);
                }

                merged[key] = value;
            }
        }

        if (paths[ev.Path] is not JsonObject pathItem)
        {
            pathItem = new JsonObject();
            paths[ev.Path] = pathItem;
        }

        pathItem[ev.Method] = merged;
    }

    private static string PythonTypeName(JsonNode? node) => node switch
    {
        JsonArray => "list",
        JsonValue v when Json.IsString(v) => "str",
        JsonValue v when v.GetValueKind() is System.Text.Json.JsonValueKind.True or System.Text.Json.JsonValueKind.False => "bool",
        JsonValue v when v.GetValueKind() == System.Text.Json.JsonValueKind.Number => v.ToJsonString().Contains('.', StringComparison.Ordinal) ? "float" : "int",
        null => "NoneType",
        _ => "dict",
    };
}
