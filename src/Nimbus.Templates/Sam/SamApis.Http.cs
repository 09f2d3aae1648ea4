using System.Text.Json.Nodes;

namespace Nimbus.Templates.Sam;

/// <summary>HTTP APIs (<c>AWS::Serverless::HttpApi</c>): the OpenAPI 3 body, its authorizers and CORS, the auto-deployed stage.</summary>
internal sealed partial class SamApis
{
    private static readonly string[] HttpProperties =
    [
        "StageName", "DefinitionBody", "DefinitionUri", "Name", "Description", "StageVariables", "Tags", "Auth", "CorsConfiguration",
        "AccessLogSettings", "DefaultRouteSettings", "RouteSettings", "Domain", "FailOnWarnings", "DisableExecuteApiEndpoint",
        "PropagateTags",
    ];

    public List<(string Id, JsonObject Resource)> TranslateHttpApi(string id, JsonObject resource, JsonObject p)
    {
        var isImplicit = p.Remove("__Implicit");
        TranslationContext.CheckProperties(id, "AWS::Serverless::HttpApi", p, HttpProperties);
        if (p["DefinitionBody"] is not null && p["DefinitionUri"] is not null)
        {
            throw new InvalidResourceException(id, "Specify either 'DefinitionUri' or 'DefinitionBody' property and not both.");
        }

        var output = new List<(string, JsonObject)>();
        var api = new JsonObject();
        if (p["DefinitionUri"] is { } uri)
        {
            api["BodyS3Location"] = TranslationContext.S3Location(id, "DefinitionUri", uri, "Bucket", "Key", "Version");
        }
        else
        {
            var body = p["DefinitionBody"] is JsonObject given
                ? (JsonObject)given.DeepClone()
                : new JsonObject
                {
                    ["openapi"] = "3.0.1",
                    ["info"] = new JsonObject { ["version"] = "1.0", ["title"] = Json.Ref("AWS::StackName") },
                    ["paths"] = new JsonObject(),
                };
            foreach (var ev in _events.Where(e => e.Http && e.ApiId == id))
            {
                AddHttpPath(body, ev, p["Auth"] as JsonObject);
            }

            if (p["Auth"] is JsonObject auth)
            {
                AddHttpAuth(id, body, auth);
            }

            switch (context.ResolveParameterRefs(p["CorsConfiguration"]))
            {
                case JsonObject corsObject:
                    var corsBody = new JsonObject();
                    foreach (var (key, value) in corsObject)
                    {
                        if (key is not ("AllowOrigins" or "AllowHeaders" or "AllowMethods" or "AllowCredentials" or "ExposeHeaders" or "MaxAge"))
                        {
                            throw new InvalidResourceException(id, $"Invalid key '{key}' for 'Cors' property.");
                        }

                        corsBody[char.ToLowerInvariant(key[0]) + key[1..]] = value?.DeepClone();
                    }

                    body["x-amazon-apigateway-cors"] = corsBody;
                    break;
                case JsonValue corsFlag when corsFlag.TryGetValue<bool>(out var enabled) && enabled:
                    body["x-amazon-apigateway-cors"] = new JsonObject { ["allowOrigins"] = new JsonArray("*") };
                    break;
            }

            if (Json.IsTruthy(p["FailOnWarnings"]) && body["paths"] is JsonObject bodyPaths && bodyPaths["$default"] is var defaultPath && bodyPaths.Remove("$default"))
            {
                // "Resource $default should start with /" is a warning, an import failure with FailOnWarnings.
                bodyPaths["/$default"] = defaultPath;
            }

            if (p["Name"] is not null || p["Description"] is not null)
            {
                var info = body["info"] as JsonObject ?? (JsonObject)(body["info"] = new JsonObject());
                if (p["Name"] is { } apiName)
                {
                    info["title"] = apiName.DeepClone();
                }

                if (p["Description"] is { } description)
                {
                    info["description"] = description.DeepClone();
                }
            }

            var tags = body["tags"] as JsonArray ?? (JsonArray)(body["tags"] = new JsonArray());
            var apiTags = new List<(string Name, JsonNode? Value)>();
            if (p["Tags"] is JsonObject userTags)
            {
                apiTags.AddRange(userTags.Select(kv => (kv.Key, kv.Value)));
            }

            apiTags.Add(("httpapi:createdBy", "SAM"));
            foreach (var (tagName, tagValue) in apiTags)
            {
                // A tag the document already names gets the value; others are appended.
                if (tags.OfType<JsonObject>().FirstOrDefault(t => Json.Str(t["name"]) == tagName) is { } existingTag)
                {
                    existingTag["x-amazon-apigateway-tag-value"] = tagValue?.DeepClone();
                }
                else
                {
                    tags.Add(new JsonObject { ["name"] = tagName, ["x-amazon-apigateway-tag-value"] = tagValue?.DeepClone() });
                }
            }

            api["Body"] = body;
        }

        if (p["DefinitionUri"] is not null)
        {
            CopyIf(p, api, "Name", "Description");
        }

        CopyIf(p, api, "FailOnWarnings", "DisableExecuteApiEndpoint");
        output.Add((id, TranslationContext.NewResource("AWS::ApiGatewayV2::Api", api, resource)));

        JsonObject? stageTags = null;
        if (p["DefinitionUri"] is null)
        {
            stageTags = new JsonObject { ["httpapi:createdBy"] = "SAM" };
            if (p["Tags"] is JsonObject t)
            {
                foreach (var (k, v) in t)
                {
                    stageTags[k] = v?.DeepClone();
                }
            }
        }

        var stage = new JsonObject
        {
            ["ApiId"] = Json.Ref(id),
            ["AutoDeploy"] = true,
            ["StageName"] = p["StageName"]?.DeepClone() ?? "$default",
        };
        if (stageTags is not null)
        {
            stage["Tags"] = stageTags;
        }

        if (p["StageVariables"] is { } variables)
        {
            stage["StageVariables"] = variables.DeepClone();
        }

        CopyIf(p, stage, "AccessLogSettings", "DefaultRouteSettings");
        if (p["RouteSettings"] is { } apiRouteSettings and not JsonObject)
        {
            throw new InvalidResourceException(id, "Property 'RouteSettings' should be a map.");
        }

        var routeSettings = p["RouteSettings"]?.DeepClone() as JsonObject ?? new JsonObject();
        foreach (var ev in _events.Where(e => e.Http && e.ApiId == id && e.Properties["RouteSettings"] is JsonObject))
        {
            var key = ev.Path is null ? "$default" : $"{(ev.Method!.Equals("any", StringComparison.OrdinalIgnoreCase) ? "ANY" : ev.Method.ToUpperInvariant())} {ev.Path}";
            var merged = routeSettings[key] as JsonObject ?? new JsonObject();
            foreach (var (k, v) in ev.Properties["RouteSettings"]!.AsObject())
            {
                merged[k] = v?.DeepClone();
            }

            routeSettings[key] = merged;
        }

        if (routeSettings.Count > 0)
        {
            stage["RouteSettings"] = routeSettings;
        }

        var stageId = p["StageName"] is not { } named
            ? id + "ApiGatewayDefaultStage"
            : Json.Str(context.ResolveParameterRefs(named)) is { } name
                ? (name == "$default" ? id + "ApiGatewayDefaultStage" : id + AlphaNumeric(name) + "Stage")
                : id + "Stage";
        output.Add((stageId, TranslationContext.NewResource("AWS::ApiGatewayV2::Stage", stage, resource, "Condition")));
        HttpDomain(id, resource, p, stageId, stageTags ?? p["Tags"] as JsonObject, output);
        return output;
    }

    private void AddHttpPath(JsonObject body, ApiEvent ev, JsonObject? apiAuth)
    {
        var paths = body["paths"] as JsonObject ?? (JsonObject)(body["paths"] = new JsonObject());
        var isDefault = ev.Path is null && ev.Method is null;
        var pathName = isDefault ? "$default" : ev.Path ?? "/";
        var path = paths[pathName] as JsonObject ?? (JsonObject)(paths[pathName] = new JsonObject());
        var method = isDefault ? "x-amazon-apigateway-any-method" : OpenApiMethod(ev.Method ?? "any");
        if (path[method] is JsonObject existing)
        {
            // A method the document already has: the integration only if it has none (under the function's condition),
            // then the event's auth and payload format version on it, as the translator's OpenApiEditor.
            if (ConditionalContents(existing).All(m => m["x-amazon-apigateway-integration"] is null))
            {
                var integration = HttpIntegration(ev);
                integration["payloadFormatVersion"] = "2.0";
                integration.Remove("timeoutInMillis");
                if (EventCondition(ev) is { } condition)
                {
                    integration["uri"] = Conditional(condition, integration["uri"]!.DeepClone());
                    existing["x-amazon-apigateway-integration"] = integration;
                    path[method] = Conditional(condition, existing.DeepClone());
                }
                else
                {
                    existing["x-amazon-apigateway-integration"] = integration;
                }
            }

            foreach (var definition in ConditionalContents(path[method]).Where(m => m["x-amazon-apigateway-integration"] is JsonObject))
            {
                if (HttpEventSecurity(ev, apiAuth) is { } entry)
                {
                    var security = definition["security"] as JsonArray ?? new JsonArray();
                    security.Add(entry);
                    definition["security"] = security;
                }

                if (ev.Properties["PayloadFormatVersion"] is { } payloadFormat)
                {
                    definition["x-amazon-apigateway-integration"]!["payloadFormatVersion"] = payloadFormat.DeepClone();
                }

                if (ev.Properties["TimeoutInMillis"] is { } timeoutInMillis && Json.IsTruthy(timeoutInMillis))
                {
                    definition["x-amazon-apigateway-integration"]!["timeoutInMillis"] = timeoutInMillis.DeepClone();
                }
            }

            return;
        }

        var operation = new JsonObject();
        if (isDefault)
        {
            operation["isDefaultRoute"] = true;
        }

        var parameters = PathParameter().Matches(pathName).Select(m => m.Groups[1].Value).Where(n => !n.EndsWith('+')).ToList();
        if (parameters.Count > 0)
        {
            operation["parameters"] = new JsonArray(parameters.Select(n => (JsonNode)new JsonObject { ["name"] = n, ["in"] = "path", ["required"] = true }).ToArray());
        }

        operation["x-amazon-apigateway-integration"] = HttpIntegration(ev);
        operation["responses"] = new JsonObject();
        if (HttpEventSecurity(ev, apiAuth) is { } securityEntry)
        {
            operation["security"] = new JsonArray(securityEntry);
        }

        path[method] = operation;
    }

    /// <summary>The security entry an event's own Auth asks for (its authorizer, or the API's default, with scopes), or null.</summary>
    private static JsonObject? HttpEventSecurity(ApiEvent ev, JsonObject? apiAuth)
    {
        if (ev.Properties["Auth"] is JsonObject auth && (Json.Str(auth["Authorizer"]) ?? Json.Str(apiAuth?["DefaultAuthorizer"])) is { } authorizer
            && (auth["Authorizer"] is not null || auth["AuthorizationScopes"] is not null))
        {
            // An event without scopes inherits a JWT authorizer's AuthorizationScopes.
            var inherited = authorizer != "AWS_IAM" && apiAuth?["Authorizers"]?[authorizer] is JsonObject { } definition && definition.ContainsKey("JwtConfiguration") ? definition["AuthorizationScopes"] : null;
            var scopes = auth["AuthorizationScopes"]?.DeepClone() ?? inherited?.DeepClone() ?? new JsonArray();
            return new JsonObject { [authorizer] = scopes };
        }

        return null;
    }

    private JsonObject HttpIntegration(ApiEvent ev)
    {
        var integration = new JsonObject
        {
            ["httpMethod"] = "POST",
            ["type"] = "aws_proxy",
            ["uri"] = Json.Sub($"arn:${{AWS::Partition}}:apigateway:${{AWS::Region}}:lambda:path/2015-03-31/functions/{FunctionArnVariable(ev)}/invocations"),
            ["payloadFormatVersion"] = ev.Properties["PayloadFormatVersion"]?.DeepClone() ?? "2.0",
        };
        if (ev.Properties["TimeoutInMillis"] is { } timeout)
        {
            integration["timeoutInMillis"] = timeout.DeepClone();
        }

        return integration;
    }

    private void AddHttpAuth(string id, JsonObject body, JsonObject auth)
    {
        var schemes = new JsonObject();
        if (auth["EnableIamAuthorizer"] is JsonValue iam && iam.GetValueKind() == System.Text.Json.JsonValueKind.True)
        {
            schemes["AWS_IAM"] = new JsonObject
            {
                ["type"] = "apiKey",
                ["name"] = "Authorization",
                ["in"] = "header",
                ["x-amazon-apigateway-authtype"] = "awsSigv4",
            };
        }

        if (auth["Authorizers"] is JsonObject authorizers)
        {
            foreach (var (name, node) in authorizers)
            {
                if (node is not JsonObject a)
                {
                    throw new InvalidResourceException(id, $"Authorizer {name} must be a map.");
                }

                if (Json.IsTruthy(a["JwtConfiguration"]))
                {
                    // OpenAPI wants the JWT configuration's keys in lower case (Issuer → issuer).
                    var jwt = a["JwtConfiguration"] is JsonObject given
                        ? new JsonObject(given.Select(kv => KeyValuePair.Create(kv.Key.ToLowerInvariant(), kv.Value?.DeepClone())))
                        : a["JwtConfiguration"]!.DeepClone();
                    var authorizer = new JsonObject { ["jwtConfiguration"] = jwt, ["identitySource"] = a["IdentitySource"]?.DeepClone(), ["type"] = "jwt" };
                    schemes[name] = new JsonObject { ["type"] = "oauth2", ["x-amazon-apigateway-authorizer"] = authorizer };
                }
                else if (a["FunctionArn"] is { } functionArn)
                {
                    var authorizer = new JsonObject
                    {
                        ["type"] = "request",
                        ["authorizerUri"] = new JsonObject
                        {
                            ["Fn::Sub"] = new JsonArray(
                                $"arn:{context.Partition}:apigateway:${{AWS::Region}}:lambda:path/2015-03-31/functions/${{__FunctionArn__}}/invocations",
                                new JsonObject { ["__FunctionArn__"] = functionArn.DeepClone() }),
                        },
                    };
                    if (a["FunctionInvokeRole"] is { } invokeRole && Json.IsTruthy(invokeRole) && Json.Str(invokeRole) != "NONE")
                    {
                        authorizer["authorizerCredentials"] = invokeRole.DeepClone();
                    }

                    if (a["Identity"] is JsonObject { Count: > 0 } identity)
                    {
                        if (identity["ReauthorizeEvery"] is { } ttl)
                        {
                            authorizer["authorizerResultTtlInSeconds"] = ttl.DeepClone();
                        }

                        var sources = new JsonArray();
                        foreach (var (prefix, property) in (ReadOnlySpan<(string, string)>)[("$request.header.", "Headers"), ("$request.querystring.", "QueryStrings"), ("$stageVariables.", "StageVariables"), ("$context.", "Context")])
                        {
                            if (identity[property] is JsonArray values)
                            {
                                foreach (var value in values)
                                {
                                    sources.Add(prefix + Json.Str(value));
                                }
                            }
                        }

                        authorizer["identitySource"] = sources;
                    }

                    authorizer["authorizerPayloadFormatVersion"] = a["AuthorizerPayloadFormatVersion"]?.DeepClone() ?? "2.0";
                    if (a["EnableSimpleResponses"] is { } simple && Json.IsTruthy(simple))
                    {
                        authorizer["enableSimpleResponses"] = simple.DeepClone();
                    }

                    schemes[name] = new JsonObject { ["type"] = "apiKey", ["name"] = "Unused", ["in"] = "header", ["x-amazon-apigateway-authorizer"] = authorizer };
                }
            }
        }

        if (schemes.Count > 0)
        {
            // Schemes the document already has stay; the API's authorizers are added (or replace ones of the same name).
            var components = body["components"] as JsonObject ?? (JsonObject)(body["components"] = new JsonObject());
            var existingSchemes = components["securitySchemes"] as JsonObject ?? (JsonObject)(components["securitySchemes"] = new JsonObject());
            foreach (var (name, scheme) in schemes.ToList())
            {
                schemes.Remove(name);
                existingSchemes[name] = scheme;
            }
        }

        if (Json.Str(auth["DefaultAuthorizer"]) is { } defaultAuthorizer && body["paths"] is JsonObject paths)
        {
            foreach (var (_, pathNode) in paths)
            {
                foreach (var (_, operationNode) in ConditionalContents(pathNode).SelectMany(item => item))
                {
                    foreach (var operation in ConditionalContents(operationNode).Where(o => !o.ContainsKey("security")))
                    {
                        var scopes = auth["Authorizers"]?[defaultAuthorizer]?["AuthorizationScopes"]?.DeepClone() ?? new JsonArray();
                        operation["security"] = new JsonArray(new JsonObject { [defaultAuthorizer] = scopes });
                    }
                }
            }
        }
    }

    /// <summary>The objects a node stands for: itself, or both branches of an <c>Fn::If</c> (without <c>AWS::NoValue</c>).</summary>
    private static IEnumerable<JsonObject> ConditionalContents(JsonNode? node)
    {
        if (node is JsonObject { Count: 1 } o && o["Fn::If"] is JsonArray { Count: 3 } branches)
        {
            return branches.Skip(1).OfType<JsonObject>().Where(b => !(b.Count == 1 && Json.Str(b["Ref"]) == "AWS::NoValue"));
        }

        return node is JsonObject self ? [self] : [];
    }
}
