using System.Text.Json.Nodes;

namespace Nimbus.Templates.Sam;

/// <summary>
/// REST API <c>Auth</c>: Lambda (TOKEN/REQUEST), Cognito and AWS_IAM authorizers written as security definitions, the
/// per-method <c>security</c> of events and of the API's DefaultAuthorizer / ApiKeyRequired, and the Lambda permissions
/// that let API Gateway call authorizer functions — as the translator's SwaggerEditor writes them.
/// </summary>
internal sealed partial class SamApis
{
    private const string CallerCredentialsArn = "arn:aws:iam::*:user/*";

    /// <summary>Operations of events with <c>OverrideApiAuth</c>: the API's defaults leave them alone.</summary>
    private readonly HashSet<JsonObject> _overridden = new(ReferenceEqualityComparer.Instance);

    /// <summary>The event's own Auth on the operation it added: integration credentials, authorizer, API key.</summary>
    private void AddEventAuth(JsonObject body, ApiEvent ev, JsonObject operation, JsonObject? apiAuth)
    {
        var auth = ev.Properties["Auth"] as JsonObject;
        var integration = (JsonObject)operation["x-amazon-apigateway-integration"]!;
        var hasMethodAuth = auth is { Count: > 0 };
        if (!ev.StateMachine && ((hasMethodAuth && Json.Str(auth!["Authorizer"]) == "AWS_IAM") || (Json.Str(apiAuth?["DefaultAuthorizer"]) == "AWS_IAM" && !hasMethodAuth)))
        {
            var methodRole = InvokeRole(auth);
            var apiRole = InvokeRole(apiAuth);
            var role = methodRole ?? apiRole;
            if (role is null || Json.Str(role) == "CALLER_CREDENTIALS")
            {
                integration["credentials"] = CallerCredentialsArn;
            }
            else if (Json.Str(role) != "NONE")
            {
                integration["credentials"] = SamDeploymentHash.FromTemplate(role.DeepClone());
            }
        }

        if (auth is null)
        {
            return;
        }

        if (auth["OverrideApiAuth"] is JsonValue overrides && overrides.TryGetValue<bool>(out var o) && o)
        {
            _overridden.Add(operation);
        }

        if (Json.Str(auth["Authorizer"]) is { Length: > 0 } authorizer)
        {
            JsonNode scopes = new JsonArray();
            if (authorizer != "NONE" && apiAuth?["Authorizers"] is JsonObject authorizers && authorizers.Count > 0)
            {
                var methodScopes = authorizers[authorizer]?["AuthorizationScopes"];
                if (auth.ContainsKey("AuthorizationScopes"))
                {
                    methodScopes = auth["AuthorizationScopes"];
                }

                if (authorizers[authorizer] is not null && methodScopes is not null)
                {
                    scopes = SamDeploymentHash.FromTemplate(methodScopes.DeepClone());
                }
            }

            AppendSecurity(body, operation, SamDeploymentHash.TemplateKey(new JsonObject { [authorizer] = scopes }, authorizer));
        }

        if (auth["ApiKeyRequired"] is JsonValue keyRequired && keyRequired.TryGetValue<bool>(out var required))
        {
            if (required)
            {
                AddApiKeyDefinition(body);
            }

            AppendSecurity(body, operation, new JsonObject { [required ? "api_key" : "api_key_false"] = new JsonArray() });
        }
    }

    /// <summary>A method's InvokeRole setting: null when absent, "NONE" when present but empty.</summary>
    private static JsonNode? InvokeRole(JsonObject? auth)
    {
        if (auth is null || !auth.ContainsKey("InvokeRole"))
        {
            return null;
        }

        return Json.IsTruthy(auth["InvokeRole"]) ? auth["InvokeRole"] : JsonValue.Create("NONE");
    }

    private static void AppendSecurity(JsonObject body, JsonObject operation, JsonObject entry)
    {
        var security = operation["security"] as JsonArray ?? [];
        security.Add(entry);
        operation["security"] = security;
        if (security[0] is JsonObject first && first.ContainsKey("AWS_IAM"))
        {
            AddAwsIamDefinition(body);
        }
    }

    private static JsonObject SecurityDefinitions(JsonObject body)
    {
        if (body["securityDefinitions"] is JsonObject definitions)
        {
            return definitions;
        }

        var created = new JsonObject();
        body["securityDefinitions"] = created;
        return created;
    }

    private static void AddAwsIamDefinition(JsonObject body)
    {
        var definitions = SecurityDefinitions(body);
        if (!definitions.ContainsKey("AWS_IAM"))
        {
            definitions["AWS_IAM"] = SamDeploymentHash.InsertionOrdered(new JsonObject
            {
                ["x-amazon-apigateway-authtype"] = "awsSigv4",
                ["type"] = "apiKey",
                ["name"] = "Authorization",
                ["in"] = "header",
            });
        }
    }

    private static void AddApiKeyDefinition(JsonObject body)
    {
        var definitions = SecurityDefinitions(body);
        if (!definitions.ContainsKey("api_key"))
        {
            definitions["api_key"] = new JsonObject { ["type"] = "apiKey", ["name"] = "x-api-key", ["in"] = "header" };
        }
    }

    /// <summary>The authorizers an API declares (AWS_IAM first when it is the default), in the template's order.</summary>
    private static List<(string Name, JsonObject? Config)> RestAuthorizers(JsonObject auth)
    {
        var list = new List<(string, JsonObject?)>();
        if (Json.Str(auth["DefaultAuthorizer"]) == "AWS_IAM")
        {
            list.Add(("AWS_IAM", null));
        }

        if (auth["Authorizers"] is JsonObject authorizers)
        {
            foreach (var name in Py27Hash.Order(authorizers.Select(kv => kv.Key)))
            {
                if (authorizers[name] is JsonObject config)
                {
                    list.RemoveAll(a => a.Item1 == name);
                    list.Add((name, config));
                }
            }
        }

        return list;
    }

    /// <summary>The API's own Auth, after CORS: security definitions, DefaultAuthorizer and ApiKeyRequired on every method.</summary>
    private void AddRestAuth(string id, JsonObject body, JsonObject auth)
    {
        var authorizers = RestAuthorizers(auth);
        var defaultAuthorizer = Json.Str(auth["DefaultAuthorizer"]);
        if (authorizers.Count > 0)
        {
            var definitions = SecurityDefinitions(body);
            foreach (var (name, config) in authorizers)
            {
                if (!definitions.ContainsKey(name))
                {
                    SamDeploymentHash.TemplateKey(definitions, name);
                }

                definitions[name] = AuthorizerSwagger(id, name, config);
            }

            if (defaultAuthorizer is not null)
            {
                if (defaultAuthorizer != "AWS_IAM" && authorizers.All(a => a.Name != defaultAuthorizer))
                {
                    throw new InvalidResourceException(id, $"Unable to set DefaultAuthorizer because '{defaultAuthorizer}' was not defined in 'Authorizers'.");
                }

                var toPreflight = auth["AddDefaultAuthorizerToCorsPreflight"] is not JsonValue v || !v.TryGetValue<bool>(out var b) || b;
                var names = new HashSet<string>(authorizers.Select(a => a.Name), StringComparer.Ordinal) { "AWS_IAM" };
                foreach (var operation in Operations(body, includeOptions: toPreflight).Where(op => !_overridden.Contains(op)))
                {
                    SetDefaultAuthorizer(body, operation, defaultAuthorizer, names, auth["Authorizers"] as JsonObject);
                }
            }
        }

        if (auth["ApiKeyRequired"] is JsonValue keyValue && keyValue.TryGetValue<bool>(out var keyRequired) && keyRequired)
        {
            AddApiKeyDefinition(body);
            var toPreflight = auth["AddApiKeyRequiredToCorsPreflight"] is not JsonValue v || !v.TryGetValue<bool>(out var b) || b;
            foreach (var operation in Operations(body, includeOptions: toPreflight).Where(op => !_overridden.Contains(op)))
            {
                SetDefaultApiKey(operation);
            }
        }
    }

    /// <summary>The API's ResourcePolicy, after the authorizers and API keys.</summary>
    private static void AddRestResourcePolicy(JsonObject body, JsonObject auth, JsonNode? stage, bool stageFromTemplate)
    {
        if (auth["ResourcePolicy"] is JsonObject policy)
        {
            AddApiResourcePolicy(body, policy, stage, stageFromTemplate);
        }
    }

    /// <summary>The operations of every path that have an integration (both branches of an Fn::If).</summary>
    private static IEnumerable<JsonObject> Operations(JsonObject body, bool includeOptions)
    {
        if (body["paths"] is not JsonObject paths)
        {
            yield break;
        }

        foreach (var (_, pathNode) in paths.ToList())
        {
            foreach (var path in Branches(pathNode))
            {
                foreach (var (method, methodNode) in path.ToList())
                {
                    if (method == "parameters" || (!includeOptions && method == "options"))
                    {
                        continue;
                    }

                    foreach (var operation in Branches(methodNode))
                    {
                        if (operation.ContainsKey("x-amazon-apigateway-integration"))
                        {
                            yield return operation;
                        }
                    }
                }
            }
        }
    }

    private static IEnumerable<JsonObject> Branches(JsonNode? node)
    {
        if (node is JsonObject { Count: 1 } o && o["Fn::If"] is JsonArray { Count: 3 } branches)
        {
            foreach (var branch in branches.Skip(1))
            {
                if (branch is JsonObject b && !(b.Count == 1 && Json.Str(b["Ref"]) == "AWS::NoValue"))
                {
                    yield return b;
                }
            }
        }
        else if (node is JsonObject plain)
        {
            yield return plain;
        }
    }

    private static void SetDefaultAuthorizer(JsonObject body, JsonObject operation, string defaultAuthorizer, HashSet<string> names, JsonObject? apiAuthorizers)
    {
        var existing = operation["security"] as JsonArray ?? [];
        var others = new List<JsonNode?>();
        var authorizerSecurity = new List<JsonNode?>();
        foreach (var entry in existing)
        {
            if (entry is JsonObject o && o.Any(kv => names.Contains(kv.Key)))
            {
                authorizerSecurity.Add(entry);
            }
            else
            {
                others.Add(entry);
            }
        }

        var noneIndex = others.FindIndex(e => e is JsonObject o && o.ContainsKey("NONE"));
        List<JsonNode?> chosen;
        if (noneIndex > -1)
        {
            others.RemoveAt(noneIndex);
            chosen = [];
        }
        else if (authorizerSecurity.Count > 0)
        {
            chosen = authorizerSecurity;
        }
        else
        {
            var scopes = apiAuthorizers?[defaultAuthorizer]?["AuthorizationScopes"] is { } s ? SamDeploymentHash.FromTemplate(s.DeepClone()) : new JsonArray();
            chosen = [SamDeploymentHash.TemplateKey(new JsonObject { [defaultAuthorizer] = scopes }, defaultAuthorizer)];
        }

        var security = others.Concat(chosen).ToList();
        if (security.Count == 0)
        {
            return;
        }

        existing.Clear();
        operation["security"] = new JsonArray([.. security]);
        if (security[0] is JsonObject first && first.ContainsKey("AWS_IAM"))
        {
            AddAwsIamDefinition(body);
        }
    }

    private static void SetDefaultApiKey(JsonObject operation)
    {
        var existing = operation["security"] as JsonArray ?? [];
        var others = new List<JsonNode?>();
        var keySecurity = new List<JsonNode?>();
        foreach (var entry in existing)
        {
            if (entry is JsonObject o && (o.ContainsKey("api_key") || o.ContainsKey("api_key_false")))
            {
                keySecurity.Add(entry);
            }
            else
            {
                others.Add(entry);
            }
        }

        var falseIndex = keySecurity.FindIndex(e => e is JsonObject o && o.ContainsKey("api_key_false"));
        List<JsonNode?> chosen = falseIndex > -1 ? [] : [new JsonObject { ["api_key"] = new JsonArray() }];
        var security = others.Concat(chosen).ToList();
        if (security.Count == existing.Count && security.Zip(existing).All(p => JsonNode.DeepEquals(p.First, p.Second)))
        {
            return;
        }

        existing.Clear();
        operation["security"] = new JsonArray([.. security]);
    }

    /// <summary>An authorizer's security definition (ApiGatewayAuthorizer.generate_swagger).</summary>
    private JsonObject AuthorizerSwagger(string apiId, string name, JsonObject? config)
    {
        if (config is null)
        {
            return new JsonObject { ["type"] = "apiKey", ["name"] = "Authorization", ["in"] = "header", ["x-amazon-apigateway-authtype"] = "awsSigv4" };
        }

        var payloadType = Json.Str(config["FunctionPayloadType"]);
        if (config["FunctionPayloadType"] is not null && payloadType is not ("TOKEN" or "REQUEST"))
        {
            throw new InvalidResourceException(apiId, $"{name} Authorizer has invalid 'FunctionPayloadType': {payloadType}.");
        }

        var identity = config["Identity"] as JsonObject;
        var isCognito = Json.IsTruthy(config["UserPoolArn"]);
        var isRequest = !isCognito && payloadType == "REQUEST";
        if (isRequest && !(Json.IsTruthy(identity?["Headers"]) || Json.IsTruthy(identity?["QueryStrings"]) || Json.IsTruthy(identity?["StageVariables"]) || Json.IsTruthy(identity?["Context"]))
            && !(identity?["ReauthorizeEvery"] is JsonValue ttl && ttl.TryGetValue<int>(out var seconds) && seconds == 0))
        {
            throw new InvalidResourceException(apiId, $"{name} Authorizer must specify Identity with at least one of Headers, QueryStrings, StageVariables, or Context.");
        }

        var header = isRequest ? "Unused" : Json.IsTruthy(identity?["Header"]) ? SamDeploymentHash.FromTemplate(identity!["Header"]!.DeepClone()) : (JsonNode)"Authorization";
        var swagger = new JsonObject
        {
            ["type"] = "apiKey",
            ["name"] = header,
            ["in"] = "header",
            ["x-amazon-apigateway-authtype"] = isCognito ? "cognito_user_pools" : "custom",
        };
        JsonObject authorizer;
        if (isCognito)
        {
            var pools = config["UserPoolArn"]!;
            authorizer = new JsonObject
            {
                ["type"] = "cognito_user_pools",
                ["providerARNs"] = pools is JsonArray ? SamDeploymentHash.FromTemplate(pools.DeepClone()) : new JsonArray(SamDeploymentHash.FromTemplate(pools.DeepClone())),
            };
        }
        else
        {
            authorizer = new JsonObject
            {
                ["type"] = isRequest ? "request" : "token",
                ["authorizerUri"] = new JsonObject
                {
                    ["Fn::Sub"] = new JsonArray(
                        $"arn:{context.Partition}:apigateway:${{AWS::Region}}:lambda:path/2015-03-31/functions/${{__FunctionArn__}}/invocations",
                        new JsonObject { ["__FunctionArn__"] = config["FunctionArn"] is { } arn ? SamDeploymentHash.FromTemplate(arn.DeepClone()) : null }),
                },
            };
            if (identity?["ReauthorizeEvery"] is { } reauthorize)
            {
                authorizer["authorizerResultTtlInSeconds"] = SamDeploymentHash.FromTemplate(reauthorize.DeepClone());
            }

            if (config["FunctionInvokeRole"] is { } invokeRole && Json.IsTruthy(invokeRole) && Json.Str(invokeRole) != "NONE")
            {
                authorizer["authorizerCredentials"] = SamDeploymentHash.FromTemplate(invokeRole.DeepClone());
            }

            if (isRequest)
            {
                var sources = new List<string>();
                void Add(string key, string prefix)
                {
                    if (identity?[key] is JsonArray items)
                    {
                        sources.AddRange(items.Select(i => prefix + Json.Str(i)));
                    }
                }

                Add("Headers", "method.request.header.");
                Add("QueryStrings", "method.request.querystring.");
                Add("StageVariables", "stageVariables.");
                Add("Context", "context.");
                if (sources.Count > 0)
                {
                    authorizer["identitySource"] = SamDeploymentHash.FromTemplate(JsonValue.Create(string.Join(", ", sources)));
                }
            }
        }

        if ((isCognito || !isRequest) && Json.IsTruthy(identity?["ValidationExpression"]))
        {
            authorizer["identityValidationExpression"] = SamDeploymentHash.FromTemplate(identity!["ValidationExpression"]!.DeepClone());
        }

        swagger["x-amazon-apigateway-authorizer"] = authorizer;
        return swagger;
    }

    /// <summary>The permissions letting API Gateway invoke the API's Lambda authorizers.</summary>
    private void AddAuthorizerPermissions(string id, JsonObject resource, JsonObject auth, List<(string Id, JsonObject Resource)> output)
    {
        if (auth["Authorizers"] is not JsonObject authorizers)
        {
            return;
        }

        foreach (var name in Py27Hash.Order(authorizers.Select(kv => kv.Key)))
        {
            if (authorizers[name] is not JsonObject config || !Json.IsTruthy(config["FunctionArn"])
                || (config["DisableFunctionDefaultPermissions"] is JsonValue disable && disable.TryGetValue<bool>(out var disabled) && disabled))
            {
                continue;
            }

            var permission = new JsonObject
            {
                ["Action"] = "lambda:InvokeFunction",
                ["FunctionName"] = config["FunctionArn"]!.DeepClone(),
                ["Principal"] = "apigateway.amazonaws.com",
                ["SourceArn"] = new JsonObject
                {
                    ["Fn::Sub"] = new JsonArray(
                        $"arn:{context.Partition}:execute-api:${{AWS::Region}}:${{AWS::AccountId}}:${{__ApiId__}}/authorizers/*",
                        new JsonObject { ["__ApiId__"] = Json.Ref(id) }),
                },
            };
            output.Add((id + name + "AuthorizerPermission", TranslationContext.NewResource("AWS::Lambda::Permission", permission, resource)));
        }
    }

    /// <summary>
    /// An OpenAPI 3 document (by OpenApiVersion or its own <c>openapi</c> field, not a <c>swagger</c> one): the security
    /// definitions and definitions move under <c>components</c>, as the translator's post-processing does.
    /// </summary>
    private static void OpenApi3PostProcess(JsonObject body, string? openApiVersion)
    {
        if (body.ContainsKey("swagger"))
        {
            return;
        }

        var version = openApiVersion ?? Json.Str(body["openapi"]);
        if (version is null || !System.Text.RegularExpressions.Regex.IsMatch(version, @"\A3(\.\d)(\.\d)?\z"))
        {
            return;
        }

        if (body["paths"] is JsonObject paths)
        {
            foreach (var (_, pathNode) in paths)
            {
                if (pathNode is not JsonObject path || path["options"] is not JsonObject options)
                {
                    continue;
                }

                foreach (var field in (string[])["consumes", "produces"])
                {
                    // Deleted after the document's last copy: the slot still shapes the 2.7 order of the keys after it.
                    var index = options.Select(kv => kv.Key).ToList().IndexOf(field);
                    if (index >= 0)
                    {
                        options.Remove(field);
                        SamDeploymentHash.Ghost(options, field, index);
                    }
                }
                if (options["responses"] is JsonObject responses && responses["200"] is JsonObject ok && ok["headers"] is JsonObject headers)
                {
                    foreach (var (name, header) in headers.ToList())
                    {
                        headers[name] = new JsonObject { ["schema"] = header?.DeepClone() };
                    }
                }
            }
        }

        if (body.ContainsKey("components"))
        {
            // The post-processing starts from a copy of the document.
            SamDeploymentHash.CopiedAfterComponents(body);
        }

        foreach (var (from, to) in (ReadOnlySpan<(string, string)>)[("securityDefinitions", "securitySchemes"), ("definitions", "schemas")])
        {
            if (body[from] is JsonObject { Count: > 0 } definitions)
            {
                var index = body.Select(kv => kv.Key).ToList().IndexOf(from);
                body.Remove(from);
                var components = body["components"] as JsonObject is { Count: > 0 } existingComponents ? existingComponents : null;
                if (components is null)
                {
                    // Absent, null or empty: a new dict (a key the template had keeps its place).
                    components = new JsonObject();
                    body["components"] = components;
                }

                components[to] = definitions;

                SamDeploymentHash.Ghost(body, from, index);
            }
        }
    }
}
