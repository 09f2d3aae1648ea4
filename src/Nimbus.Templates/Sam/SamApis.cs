using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Nimbus.Templates.Sam;

/// <summary>One <c>Api</c> or <c>HttpApi</c> event of a function, collected before anything is translated.</summary>
/// <param name="ApiId">The logical id of the API the event belongs to (explicit, or <c>ServerlessRestApi</c>/<c>ServerlessHttpApi</c>).</param>
/// <param name="ApiRef">What the permission's <c>__ApiId__</c> is (a <c>Ref</c>, or the string the template gave).</param>
/// <param name="Path">The path as given; null for an HttpApi event without Path and Method (the <c>$default</c> route).</param>
/// <param name="FunctionId">The function's logical id, or the state machine's when <see cref="StateMachine"/> is set.</param>
internal sealed record ApiEvent(string FunctionId, string EventId, bool Http, string ApiId, JsonNode ApiRef, string? Path, string? Method, JsonObject Properties, string? AliasId, bool Implicit)
{
    /// <summary>An <c>Api</c> event of an <c>AWS::Serverless::StateMachine</c>: a StartExecution integration.</summary>
    public bool StateMachine { get; init; }
}

/// <summary>
/// <c>AWS::Serverless::Api</c> and <c>AWS::Serverless::HttpApi</c>, explicit and implicit: the OpenAPI body built from the
/// functions' <c>Api</c>/<c>HttpApi</c> events (or merged into the given <c>DefinitionBody</c>), the RestApi with its
/// hashed Deployment and Stage, the HTTP API with its <c>$default</c> (or named) auto-deployed stage.
/// </summary>
/// <remarks>
/// The deployment's logical id is <c>&lt;Api&gt;Deployment</c> + the first 10 hex digits of a SHA-1 over the body, so
/// a changed body gives a new Deployment (CloudFormation then redeploys the stage), as the translator does, with the
/// translator's own digest (<see cref="SamDeploymentHash"/>).
/// </remarks>
internal sealed partial class SamApis(TranslationContext context)
{
    public const string ImplicitRestApi = "ServerlessRestApi";
    public const string ImplicitHttpApi = "ServerlessHttpApi";

    private readonly List<ApiEvent> _events = [];

    /// <summary>The translator's editor pass the REST API being built is in (one per event, then CORS), for the deployment hash.</summary>
    private int _pass;

    public IReadOnlyList<ApiEvent> Events => _events;

    /// <summary>Finds every Api/HttpApi event in the template's functions; returns the implicit APIs to create.</summary>
    public IEnumerable<(string Id, JsonObject Resource)> Collect(JsonObject inputResources, JsonNode? globals)
    {
        bool needRest = false, needHttp = false;
        _resourceOrder = Py27Hash.Order(inputResources.Select(r => r.Key));
        foreach (var (functionId, node) in inputResources)
        {
            var resourceType = Json.Str((node as JsonObject)?["Type"]);
            if (node is not JsonObject fn || resourceType is not ("AWS::Serverless::Function" or "AWS::Serverless::StateMachine") || fn["Properties"] is not JsonObject fnProps || fnProps["Events"] is not JsonObject events)
            {
                continue;
            }

            var isStateMachine = resourceType == "AWS::Serverless::StateMachine";
            var alias = isStateMachine
                ? (Json.Str(fnProps["AutoPublishAlias"]) is { } smAlias && Json.IsTruthy(fnProps["UseAliasAsEventTarget"]) ? functionId + "Alias" + smAlias : null)
                : Json.Str(fn["Properties"]?["AutoPublishAlias"]) is { } aliasName
                ? functionId + "Alias" + string.Concat(aliasName.Select(c => c == '-' ? "D" : c == '_' ? "U" : char.IsAsciiLetterOrDigit(c) ? c.ToString() : ""))
                : null;
            foreach (var (eventId, evNode) in events)
            {
                if (evNode is not JsonObject ev || Json.Str(ev["Type"]) is not ("Api" or "HttpApi") || ev["Properties"] is not (JsonObject or null)
                    || (isStateMachine && Json.Str(ev["Type"]) != "Api"))
                {
                    continue;
                }

                var http = Json.Str(ev["Type"]) == "HttpApi";
                var props = ev["Properties"] as JsonObject ?? new JsonObject();
                var given = props[http ? "ApiId" : "RestApiId"];
                string apiId;
                JsonNode apiRef;
                var isImplicit = false;
                if (given is null)
                {
                    apiId = http ? ImplicitHttpApi : ImplicitRestApi;
                    apiRef = Json.Ref(apiId);
                    isImplicit = true;
                    needRest |= !http;
                    needHttp |= http;
                }
                else if (given is JsonObject o && Json.Str(o["Ref"]) is { } refId)
                {
                    apiId = refId;
                    apiRef = o.DeepClone();
                }
                else if (Json.Str(given) is { } s)
                {
                    apiId = s;
                    apiRef = s;
                }
                else
                {
                    // Not resolvable here: SamFunction reports it when translating the event.
                    continue;
                }

                if (isImplicit)
                {
                    PropagateTagsToImplicitApi(http, fnProps, globals?[isStateMachine ? "StateMachine" : "Function"]);
                }

                _events.Add(new ApiEvent(functionId, eventId, http, apiId, apiRef, Json.Str(props["Path"]), Json.Str(props["Method"]), props, alias, isImplicit) { StateMachine = isStateMachine });
            }
        }

        if (needRest && Json.Str((inputResources[ImplicitRestApi] as JsonObject)?["Type"]) != "AWS::Serverless::Api")
        {
            var stage = Json.Str(globals?["Api"]?["StageName"]) ?? "Prod";
            var implicitApi = new JsonObject
            {
                ["Type"] = "AWS::Serverless::Api",
                ["Properties"] = new JsonObject { ["StageName"] = stage, ["__Implicit"] = true },
            };
            AddImplicitTags(implicitApi, _implicitRestTags);
            if (ImplicitRestApiCondition() is { } condition)
            {
                implicitApi["Condition"] = condition;
            }

            foreach (var attribute in (string[])["DeletionPolicy", "UpdateReplacePolicy"])
            {
                if (ImplicitRestApiPolicy(attribute) is { } policy)
                {
                    implicitApi[attribute] = policy;
                }
            }

            yield return (ImplicitRestApi, implicitApi);
        }

        if (needHttp && !inputResources.ContainsKey(ImplicitHttpApi))
        {
            var implicitHttpApi = new JsonObject
            {
                ["Type"] = "AWS::Serverless::HttpApi",
                ["Properties"] = new JsonObject { ["__Implicit"] = true },
            };
            AddImplicitTags(implicitHttpApi, _implicitHttpTags);
            yield return (ImplicitHttpApi, implicitHttpApi);
        }
    }

    private readonly JsonObject _implicitRestTags = new();
    private readonly JsonObject _implicitHttpTags = new();

    /// <summary>
    /// A function or state machine that propagates its tags (PropagateTags, its own or from Globals) gives them to the
    /// implicit API its events create, which then propagates them as well.
    /// </summary>
    private void PropagateTagsToImplicitApi(bool http, JsonObject owner, JsonNode? ownerGlobals)
    {
        if (!Json.IsTruthy(owner["PropagateTags"] ?? ownerGlobals?["PropagateTags"]))
        {
            return;
        }
        var target = http ? _implicitHttpTags : _implicitRestTags;
        foreach (var source in new[] { ownerGlobals?["Tags"], owner["Tags"] })
        {
            if (source is JsonObject tags)
            {
                foreach (var (k, v) in tags)
                {
                    target[k] = v?.DeepClone();
                }
            }
        }
    }

    private static void AddImplicitTags(JsonObject api, JsonObject tags)
    {
        if (tags.Count > 0)
        {
            api["Properties"]!["Tags"] = tags.DeepClone();
            api["Properties"]!["PropagateTags"] = true;
        }
    }

    /// <summary>The stage name of a REST API (for permission logical ids), as its resource declares it.</summary>
    public string? RestStageName(string apiId, JsonObject? apiResource)
    {
        if (apiId == ImplicitRestApi && apiResource is null)
        {
            return "Prod";
        }

        // An intrinsic stage name gives the suffix "Stage" (the translator does not resolve it here).
        return apiResource?["Properties"]?["StageName"] is { } stage ? Json.Str(stage) ?? "Stage" : null;
    }

    // ---- REST APIs ------------------------------------------------------------------------------------------------

    private static readonly string[] RestProperties =
    [
        "StageName", "DefinitionBody", "DefinitionUri", "Name", "Description", "Variables", "MethodSettings", "EndpointConfiguration",
        "BinaryMediaTypes", "MinimumCompressionSize", "Cors", "Auth", "GatewayResponses", "AccessLogSetting", "CanarySetting",
        "TracingEnabled", "CacheClusterEnabled", "CacheClusterSize", "OpenApiVersion", "Models", "Domain", "Tags", "Mode",
        "FailOnWarnings", "DisableExecuteApiEndpoint", "AlwaysDeploy", "Policy", "PropagateTags", "MergeDefinitions",
        "ApiKeySourceType", "SecurityPolicy", "EndpointAccessMode",
    ];

    public List<(string Id, JsonObject Resource)> TranslateRestApi(string id, JsonObject resource, JsonObject p)
    {
        var isImplicit = p.Remove("__Implicit");
        TranslationContext.CheckProperties(id, "AWS::Serverless::Api", p, RestProperties);
        if (p["Auth"] is JsonObject givenAuth)
        {
            // The translator resolves parameter references in Auth (with the parameters' defaults) before using it.
            p["Auth"] = context.ResolveParameterRefs(givenAuth);
        }

        if (p["EndpointConfiguration"] is JsonObject endpointSettings && endpointSettings.ContainsKey("VPCEndpointIds") && endpointSettings.ContainsKey("VpcEndpointIds"))
        {
            throw new InvalidResourceException(id, "'VPCEndpointIds' and 'VpcEndpointIds' cannot be used together in EndpointConfiguration.");
        }

        if (p["StageName"] is null)
        {
            throw new InvalidResourceException(id, "Missing required property 'StageName'.");
        }

        if (p["DefinitionBody"] is not null && p["DefinitionUri"] is not null)
        {
            throw new InvalidResourceException(id, "Specify either 'DefinitionUri' or 'DefinitionBody' property and not both.");
        }

        var output = new List<(string, JsonObject)>();
        var api = new JsonObject();
        JsonNode swagger;
        // A YAML number (OpenApiVersion: 3.0) counts as its text, as the translator's str() of it.
        var openApiVersion = Json.Str(p["OpenApiVersion"]) ?? (p["OpenApiVersion"] is JsonValue number && number.GetValueKind() == System.Text.Json.JsonValueKind.Number ? number.ToJsonString() : null);
        if (p["DefinitionUri"] is { } uri)
        {
            foreach (var (property, message) in (ReadOnlySpan<(string, string)>)[
                ("GatewayResponses", "GatewayResponses works only with inline Swagger specified in 'DefinitionBody' property."),
                ("Models", "Models works only with inline Swagger specified in 'DefinitionBody' property."),
                ("DisableExecuteApiEndpoint", "DisableExecuteApiEndpoint works only within 'DefinitionBody' property.")])
            {
                if (Json.IsTruthy(p[property]) || (property == "DisableExecuteApiEndpoint" && p[property] is not null))
                {
                    throw new InvalidResourceException(id, message);
                }
            }

            var location = TranslationContext.S3Location(id, "DefinitionUri", uri, "Bucket", "Key", "Version");
            api["BodyS3Location"] = location;
            swagger = location;
        }
        else
        {
            var body = p["DefinitionBody"] is JsonObject given ? (JsonObject)given.DeepClone() : NewSwagger(openApiVersion, p);
            if (body[PolicyKey]?["Statement"] is JsonObject givenStatement)
            {
                // The template's single statement stays a template value when a policy turns Statement into a list.
                SamDeploymentHash.FromTemplate(givenStatement);
            }

            var merge = Json.IsTruthy(p["MergeDefinitions"]) && p["DefinitionBody"] is JsonObject;
            _pass = 0;
            RecordNewKeys(body);
            foreach (var ev in InTranslatorOrder(_events.Where(e => !e.Http && e.ApiId == id)))
            {
                _pass++;
                if (merge)
                {
                    MergeRestPath(body, ev, p["Auth"] as JsonObject);
                    continue;
                }

                if (p["DefinitionBody"] is not null && !OverridesApiAuth(ev, body))
                {
                    // The customer's own document: the translator adds no paths to it (an event naming a path the
                    // document lacks only gets its permission), and event auth only with OverrideApiAuth.
                    continue;
                }

                AddRestPath(body, ev, p["Auth"] as JsonObject);
                AddEventResourcePolicy(body, ev);
                RecordNewKeys(body);
            }

            _pass++;
            if (p["Cors"] is { } cors)
            {
                AddCors(id, body, cors);
            }

            if (p["Auth"] is JsonObject restAuth)
            {
                _pass++;
                AddRestAuth(id, body, restAuth);
                AddRestResourcePolicy(body, restAuth, p["StageName"], !isImplicit);
                RecordNewKeys(body);
                OpenApi3PostProcess(body, openApiVersion);
            }

            if (p["GatewayResponses"] is { } gatewayResponses)
            {
                AddGatewayResponses(id, body, gatewayResponses);
            }

            if (p["BinaryMediaTypes"] is { } binaryMediaTypes && Json.IsTruthy(binaryMediaTypes))
            {
                AddBinaryMediaTypes(body, context.ResolveParameterRefs(binaryMediaTypes)!);
            }

            if (p["Models"] is { } models && Json.IsTruthy(models))
            {
                AddModels(id, body, models);
                OpenApi3PostProcess(body, openApiVersion);
            }

            if (p["DisableExecuteApiEndpoint"] is { } disableExecuteApiEndpoint)
            {
                AddDisableExecuteApiEndpoint(body, disableExecuteApiEndpoint);
            }

            OpenApi3PostProcess(body, openApiVersion);

            if (p["DefinitionBody"] is null)
            {
                MakePathsConditional(id, body);
            }

            if (p["DefinitionBody"] is null && body["paths"] is JsonObject { Count: 0 } && !isImplicit)
            {
                // An explicit API with no body and no events: the translator still emits the empty swagger.
            }

            api["Body"] = body;
            swagger = body;
        }

        CopyIf(p, api, "Name", "Description", "MinimumCompressionSize", "Mode", "FailOnWarnings", "Policy", "ApiKeySourceType", "SecurityPolicy", "EndpointAccessMode");
        if (p["BinaryMediaTypes"] is { } restBinaryMediaTypes)
        {
            api["BinaryMediaTypes"] = context.ResolveParameterRefs(restBinaryMediaTypes);
        }

        if (p["EndpointConfiguration"] is { } endpoint)
        {
            // {Type, VPCEndpointIds, IpAddressType} or just the type (a string or an intrinsic).
            var type = endpoint is JsonObject e && Json.IsTruthy(e["Type"]) ? e["Type"]! : endpoint;
            var configuration = new JsonObject { ["Types"] = new JsonArray(type.DeepClone()) };
            if (!ReferenceEquals(type, endpoint))
            {
                foreach (var (from, to) in (ReadOnlySpan<(string, string)>)[("VPCEndpointIds", "VpcEndpointIds"), ("VpcEndpointIds", "VpcEndpointIds"), ("IpAddressType", "IpAddressType")])
                {
                    if (endpoint[from] is { } value)
                    {
                        configuration[to] = value.DeepClone();
                    }
                }
            }

            api["EndpointConfiguration"] = configuration;
            api["Parameters"] = new JsonObject { ["endpointConfigurationTypes"] = type.DeepClone() };
        }

        if (p["Tags"] is JsonObject tags && tags.Count > 0 && Json.IsTruthy(p["PropagateTags"]))
        {
            // Tags are the stage's; PropagateTags copies them to the RestApi (and the other generated resources).
            api["Tags"] = TranslationContext.TagList(id, tags, samTag: false);
        }

        output.Add((id, TranslationContext.NewResource("AWS::ApiGateway::RestApi", api, resource)));

        // Deployment: id and description hashed over the body as the translator does, so a change redeploys.
        var stageName = p["StageName"]!;
        // An intrinsic stage name: no prefix; a name with other than letters and digits: a hash of it.
        var stageId = Json.Str(stageName) is not { } stageText ? id + "Stage"
            : stageText.All(char.IsAsciiLetterOrDigit) && stageText.Length > 0 ? id + stageText + "Stage"
            : id + "Stage" + (stageText.Length == 0 ? "" : Convert.ToHexStringLower(System.Security.Cryptography.SHA1.HashData(Encoding.UTF8.GetBytes(stageText)))[..10]);
        var domainJson = RestDomain(id, resource, p, stageId, output);
        var digest = SamDeploymentHash.Digest(swagger, p["DefinitionUri"] is not null, p["DefinitionBody"], p["Cors"], openApiVersion, domainJson, FunctionNames(id));
        var deploymentId = id + "Deployment" + digest[..10];
        var deployment = new JsonObject
        {
            ["Description"] = "RestApi deployment id: " + digest,
            ["RestApiId"] = Json.Ref(id),
        };
        if (openApiVersion is null || !openApiVersion.StartsWith("3", StringComparison.Ordinal))
        {
            deployment["StageName"] = "Stage";
        }

        output.Add((deploymentId, TranslationContext.NewResource("AWS::ApiGateway::Deployment", deployment, resource)));

        var stage = new JsonObject
        {
            ["DeploymentId"] = Json.Ref(deploymentId),
            ["RestApiId"] = Json.Ref(id),
            ["StageName"] = stageName.DeepClone(),
        };
        CopyIf(p, stage, "Variables", "MethodSettings", "AccessLogSetting", "TracingEnabled", "CacheClusterEnabled", "CacheClusterSize", "CanarySetting");
        if (p["Tags"] is JsonObject stageTags && stageTags.Count > 0)
        {
            stage["Tags"] = TranslationContext.TagList(id, stageTags, samTag: false);
        }

        output.Add((stageId, TranslationContext.NewResource("AWS::ApiGateway::Stage", stage, resource)));
        if (p["Auth"] is JsonObject authSettings)
        {
            AddAuthorizerPermissions(id, resource, authSettings, output);
            var propagated = Json.IsTruthy(p["PropagateTags"]) && p["Tags"] is JsonObject { Count: > 0 } apiTags ? TranslationContext.TagList(id, apiTags, samTag: false) : null;
            AddUsagePlan(id, resource, authSettings, stageId, propagated, output);
        }

        _resourceRefs[id + ".Stage"] = stageId;
        _resourceRefs[id + ".Deployment"] = deploymentId;
        return output;
    }

    /// <summary>Whether an event's Auth has OverrideApiAuth and its path and method are in the given document.</summary>
    private static bool OverridesApiAuth(ApiEvent ev, JsonObject body) =>
        ev.Properties["Auth"]?["OverrideApiAuth"] is JsonValue overrides && overrides.TryGetValue<bool>(out var o) && o
        && ev.Path is not null && ev.Method is not null
        && body["paths"]?[ev.Path] is JsonObject item && Branches(item).Any(i => i.ContainsKey(OpenApiMethod(ev.Method)));

    /// <summary>Records the top-level keys the current pass added (the translator writes them into the document in that pass).</summary>
    private void RecordNewKeys(JsonObject body)
    {
        foreach (var (key, _) in body)
        {
            SamDeploymentHash.InsertedInPass(body, key, _pass, overwrite: false);
        }
    }

    private static JsonObject NewSwagger(string? openApiVersion, JsonObject p)
    {
        var body = new JsonObject
        {
            ["info"] = new JsonObject { ["version"] = "1.0", ["title"] = Json.Ref("AWS::StackName") },
            ["paths"] = new JsonObject(),
        };
        if (openApiVersion is not null && openApiVersion.StartsWith("3", StringComparison.Ordinal))
        {
            body["openapi"] = openApiVersion;
            if (p["OpenApiVersion"] is JsonValue given && !Json.IsString(given))
            {
                SamDeploymentHash.Plain(body["openapi"]!);
            }
        }
        else
        {
            body["swagger"] = "2.0";
        }

        return body;
    }

    private void AddRestPath(JsonObject body, ApiEvent ev, JsonObject? apiAuth)
    {
        if (ev.Path is null || ev.Method is null)
        {
            return;
        }

        var paths = body["paths"] as JsonObject ?? (JsonObject)(body["paths"] = new JsonObject());
        if (paths[ev.Path] is not JsonObject path)
        {
            path = new JsonObject();
            paths[ev.Path] = path;
            SamDeploymentHash.InsertedInPass(paths, ev.Path, _pass);
        }

        var method = OpenApiMethod(ev.Method);
        if (path.ContainsKey(method))
        {
            if (ev.Properties["Auth"]?["OverrideApiAuth"] is JsonValue overrides && overrides.TryGetValue<bool>(out var o) && o)
            {
                foreach (var existing in Branches(path[method]).Where(op => op.ContainsKey("x-amazon-apigateway-integration")))
                {
                    AddEventAuth(body, ev, existing, apiAuth);
                }
            }

            return;
        }

        if (ev.StateMachine)
        {
            AddStateMachinePath(body, ev, path, method, apiAuth);
            return;
        }

        var streaming = Json.Str(ev.Properties["ResponseTransferMode"]) == "RESPONSE_STREAM";
        var operation = new JsonObject
        {
            ["x-amazon-apigateway-integration"] = new JsonObject
            {
                ["type"] = "aws_proxy",
                ["httpMethod"] = "POST",
                ["uri"] = Json.Sub(streaming
                    ? $"arn:{context.Partition}:apigateway:${{AWS::Region}}:lambda:path/2021-11-15/functions/{FunctionArnVariable(ev)}/response-streaming-invocations"
                    : $"arn:{context.Partition}:apigateway:${{AWS::Region}}:lambda:path/2015-03-31/functions/{FunctionArnVariable(ev)}/invocations"),
            },
            ["responses"] = new JsonObject(),
        };
        if (streaming)
        {
            ((JsonObject)operation["x-amazon-apigateway-integration"]!)["responseTransferMode"] = "STREAM";
        }

        AddEventAuth(body, ev, operation, apiAuth);
        AddEventMethodSettings(body, ev, operation, context.InputResource(ev.ApiId)?["Properties"] as JsonObject);

        if (EventCondition(ev) is { } condition)
        {
            var integration = (JsonObject)operation["x-amazon-apigateway-integration"]!;
            integration["uri"] = Conditional(condition, integration["uri"]!.DeepClone());
            path[method] = Conditional(condition, operation);
            SamDeploymentHash.InsertedInPass(path, method, _pass);
            return;
        }

        path[method] = operation;
        SamDeploymentHash.InsertedInPass(path, method, _pass);
    }

    // ---- permissions (called by SamFunction) -----------------------------------------------------------------------

    /// <summary>The Lambda permission an Api/HttpApi event creates: its logical id and SourceArn.</summary>
    public (string LogicalId, JsonNode SourceArn) Permission(ApiEvent ev)
    {
        var method = ev.Method is null || ev.Method.Equals("any", StringComparison.OrdinalIgnoreCase) ? "*" : ev.Method.ToUpperInvariant();
        string suffix;
        if (ev.Http && ev.Path is null && ev.Method is null)
        {
            suffix = "*";
        }
        else
        {
            var path = PathParameter().Replace(ev.Path ?? "/", "*");
            suffix = method + path;
        }

        if (ev.Http)
        {
            var arn = new JsonObject
            {
                ["Fn::Sub"] = new JsonArray(
                    "arn:${AWS::Partition}:execute-api:${AWS::Region}:${AWS::AccountId}:${__ApiId__}/${__Stage__}/" + suffix,
                    new JsonObject { ["__ApiId__"] = ev.ApiRef.DeepClone(), ["__Stage__"] = "*" }),
            };
            return (ev.FunctionId + ev.EventId + "Permission", arn);
        }

        var stage = RestStageName(ev.ApiId, context.InputResource(ev.ApiId)) ?? "Prod";
        var restArn = new JsonObject
        {
            ["Fn::Sub"] = new JsonArray(
                $"arn:{context.Partition}:execute-api:${{AWS::Region}}:${{AWS::AccountId}}:${{__ApiId__}}/${{__Stage__}}/" + suffix,
                new JsonObject { ["__ApiId__"] = ev.ApiRef.DeepClone(), ["__Stage__"] = "*" }),
        };
        return (ev.FunctionId + ev.EventId + "Permission" + AlphaNumeric(stage), restArn);
    }

    // ---- helpers --------------------------------------------------------------------------------------------------

    private static string FunctionArnVariable(ApiEvent ev) => ev.AliasId is not null ? "${" + ev.AliasId + "}" : "${" + ev.FunctionId + ".Arn}";

    private static string OpenApiMethod(string method) =>
        method.Equals("any", StringComparison.OrdinalIgnoreCase) ? "x-amazon-apigateway-any-method" : method.ToLowerInvariant();

    private static string AlphaNumeric(string s) => string.Concat(s.Where(char.IsAsciiLetterOrDigit));

    private static void CopyIf(JsonObject from, JsonObject to, params string[] names)
    {
        foreach (var name in names)
        {
            if (from[name] is { } v)
            {
                to[name] = v.DeepClone();
            }
        }
    }

    /// <summary>A stable text of a JSON value: keys in order of first appearance, Python-like literals.</summary>

    [GeneratedRegex(@"\{([a-zA-Z0-9._-]+\+?)\}")]
    private static partial Regex PathParameter();
}
