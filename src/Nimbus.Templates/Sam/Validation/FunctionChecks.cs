using System.Text.Json.Nodes;

namespace Nimbus.Templates.Sam.Validation;

/// <summary>
/// Checks on an <c>AWS::Serverless::Function</c>'s properties that the translator makes before (or while) building the
/// Lambda function, in its order: mutually exclusive properties, the version deletion policy, the dead-letter queue's
/// type, the code location's type, and the deployment preference's hooks.
/// </summary>
internal static class FunctionChecks
{
    private static readonly (string A, string B)[] MutuallyExclusive =
    [
        ("CapacityProviderConfig", "ProvisionedConcurrencyConfig"),
    ];

    public static void Check(string id, JsonObject p)
    {
        foreach (var (a, b) in MutuallyExclusive)
        {
            if (p[a] is not null && p[b] is not null)
            {
                throw new InvalidResourceException(id, $"Cannot specify '{a}' and '{b}' together.");
            }
        }
        if (p.ContainsKey("VersionDeletionPolicy") && p["VersionDeletionPolicy"] is { } policy && !Json.IsIntrinsic(policy)
            && Json.Str(policy) is not ("Delete" or "Retain"))
        {
            throw new InvalidResourceException(id, "Property 'VersionDeletionPolicy' should be a one of the strings: 'Delete' or 'Retain'.");
        }
        if (p["DeadLetterQueue"] is JsonObject dlq && dlq["Type"] is { } dlqType && dlq.Count == 2 && !Json.IsString(dlqType))
        {
            throw new InvalidResourceException(id, "Property 'DeadLetterQueue.Type' should be a string.");
        }
        if (p["CodeUri"] is { } codeUri && codeUri is not JsonObject && !Json.IsString(codeUri))
        {
            throw new InvalidResourceException(id, "'CodeUri' must be of type dict or string.");
        }
        if (p["DeploymentPreference"] is JsonObject preference && preference["Hooks"] is { } hooks && hooks is not JsonObject)
        {
            throw new InvalidResourceException(id, "'Hooks' property of 'DeploymentPreference' must be a dictionary");
        }
        if (p["FunctionUrlConfig"] is JsonObject url)
        {
            CheckUrlCors(id, url["Cors"]);
        }
        if (p["EventInvokeConfig"] is JsonObject invoke)
        {
            CheckDestinations(id, invoke);
        }
    }

    private static readonly (string Name, string Type)[] UrlCorsProperties =
    [
        ("AllowOrigins", "list"), ("AllowMethods", "list"), ("AllowCredentials", "bool"), ("AllowHeaders", "list"), ("ExposeHeaders", "list"), ("MaxAge", "int"),
    ];

    private static void CheckUrlCors(string id, JsonNode? cors)
    {
        if (!Json.IsTruthy(cors) || Json.IsIntrinsic(cors))
        {
            return;
        }
        if (cors is not JsonObject o)
        {
            throw new InvalidResourceException(id, "Property 'FunctionUrlConfig.Cors' should be a map.");
        }
        foreach (var (name, value) in o)
        {
            var known = UrlCorsProperties.FirstOrDefault(c => c.Name == name);
            if (known.Name is null)
            {
                throw new InvalidResourceException(id, $"{name} is not a valid property for configuring Cors.");
            }
            var ok = Json.IsIntrinsic(value) || known.Type switch
            {
                "list" => value is JsonArray,
                "bool" => PropertyTypes.Matches(PropertyKind.Bool, value),
                _ => PropertyTypes.Matches(PropertyKind.Integer, value),
            };
            if (!ok)
            {
                throw new InvalidResourceException(id, $"{name} must be of type {known.Type}.");
            }
        }
    }

    private static void CheckDestinations(string id, JsonObject invoke)
    {
        var config = invoke["DestinationConfig"];
        if (!Json.IsTruthy(config))
        {
            return;
        }
        if (config is not JsonObject destinations)
        {
            throw new InvalidResourceException(id, "Property 'EventInvokeConfig.DestinationConfig' should be a map.");
        }
        foreach (var name in new[] { "OnSuccess", "OnFailure" })
        {
            if (destinations[name] is not { } destination)
            {
                continue;
            }
            if (destination is not JsonObject d)
            {
                throw new InvalidResourceException(id, $"Property 'EventInvokeConfig.DestinationConfig.{name}' should be a map.");
            }
            var type = Json.Str(d["Type"]);
            if (type is not ("SQS" or "SNS" or "EventBridge" or "Lambda" or "S3Bucket"))
            {
                var shown = d["Type"] is null ? "None" : type ?? d["Type"]!.ToJsonString();
                throw new InvalidResourceException(id, $"'Type: {shown}' must be one of ['SQS', 'SNS', 'EventBridge', 'Lambda', 'S3Bucket']");
            }
            if (d["Destination"] is null && type is not ("SQS" or "SNS"))
            {
                throw new InvalidResourceException(id, "Destination is required if Type is not ['SQS', 'SNS']");
            }
        }
    }

    /// <summary>
    /// What linking an Api/HttpApi event to its explicit API finds wrong with that API (an error of the API's resource,
    /// raised while translating the function): an empty StageName, an HTTP API body that is not OpenAPI.
    /// </summary>
    public static void CheckApiEventTargets(JsonObject p, JsonObject resources, JsonNode? globalApiAuth, JsonNode? globalHttpApiAuth = null)
    {
        if (p["Events"] is not JsonObject events)
        {
            return;
        }
        foreach (var (eventId, node) in events)
        {
            if (node is not JsonObject ev || ev["Properties"] is not JsonObject props)
            {
                continue;
            }
            var http = Json.Str(ev["Type"]) == "HttpApi";
            if (!http && Json.Str(ev["Type"]) != "Api")
            {
                continue;
            }
            var given = props[http ? "ApiId" : "RestApiId"];
            var apiId = given is JsonObject r && r.Count == 1 ? Json.Str(r["Ref"]) : Json.Str(given);
            if (!http && given is null)
            {
                // The implicit API: its Auth comes from the Api Globals.
                CheckRestEventAuth(eventId, props, globalApiAuth);
                CheckRequestModel(eventId, props, null);
                continue;
            }
            if (apiId is null || resources[apiId] is not JsonObject api || api["Properties"] is not JsonObject apiProps)
            {
                continue;
            }
            if (!http && Json.Str(api["Type"]) == "AWS::Serverless::Api")
            {
                CheckRestEventAuth(eventId, props, apiProps["Auth"] ?? globalApiAuth);
                CheckRequestModel(eventId, props, apiProps["Models"]);
            }
            if (http && Json.Str(api["Type"]) == "AWS::Serverless::HttpApi")
            {
                CheckHttpEventAuth(eventId, props, apiProps["Auth"] ?? globalHttpApiAuth);
            }
            if (!http && Json.Str(api["Type"]) == "AWS::Serverless::Api" && Json.Str(apiProps["StageName"]) == "")
            {
                throw new InvalidResourceException(apiId, "StageName cannot be empty.");
            }
            if (http && Json.Str(api["Type"]) == "AWS::Serverless::HttpApi" && apiProps["DefinitionBody"] is JsonObject body && !Json.IsIntrinsic(body)
                && !ApiChecks.IsValidOpenApi(body))
            {
                throw new InvalidResourceException(apiId, "Structure of the SAM template is invalid. Invalid OpenApi document. Invalid values or missing keys for 'openapi' or 'paths' in 'DefinitionBody'.");
            }
        }
    }

    /// <summary>An Api event's Auth against its REST API's Auth (the Api event source's checks when it adds its method).</summary>
    private static void CheckRestEventAuth(string eventId, JsonObject props, JsonNode? apiAuthNode)
    {
        if (props["Auth"] is not JsonObject auth)
        {
            return;
        }
        var apiAuth = apiAuthNode as JsonObject;
        var method = Json.Str(props["Method"]);
        var path = Json.Str(props["Path"]);
        var authorizer = auth["Authorizer"];
        if (Json.IsTruthy(authorizer))
        {
            var apiAuthorizers = apiAuth?["Authorizers"];
            var name = Json.Str(authorizer);
            if (name != "AWS_IAM" && name != "NONE")
            {
                if (!Json.IsTruthy(apiAuthorizers))
                {
                    throw new InvalidEventException(eventId, $"Unable to set Authorizer [{name ?? Repr(authorizer)}] on API method [{method}] for path [{path}] because the related API does not define any Authorizers.");
                }
                if (name is null)
                {
                    throw new InvalidEventException(eventId, $"Unable to set Authorizer [{Repr(authorizer)}] on API method [{method}] for path [{path}]. The method authorizer must be a string with a corresponding dict entry in the api authorizer.");
                }
                if (apiAuthorizers is JsonObject defined && !defined.ContainsKey(name))
                {
                    throw new InvalidEventException(eventId, $"Unable to set Authorizer [{name}] on API method [{method}] for path [{path}] because it wasn't defined in the API's Authorizers.");
                }
            }
            else if (name == "NONE" && !Json.IsTruthy(apiAuth?["DefaultAuthorizer"]))
            {
                throw new InvalidEventException(eventId, $"Unable to set Authorizer on API method [{method}] for path [{path}] because 'NONE' is only a valid value when a DefaultAuthorizer on the API is specified.");
            }
        }
        else if (Json.IsTruthy(auth["AuthorizationScopes"]) && !Json.IsTruthy(apiAuth?["DefaultAuthorizer"]))
        {
            throw new InvalidEventException(eventId, "AuthorizationScopes works only when Authorizer is set");
        }
        if (auth["ApiKeyRequired"] is { } keyRequired && !Json.IsTruthy(keyRequired) && !Json.IsTruthy(apiAuth?["ApiKeyRequired"]))
        {
            throw new InvalidEventException(eventId, $"Unable to set ApiKeyRequired [False] on API method [{method}] for path [{path}] because the related API does not specify any ApiKeyRequired.");
        }
        if (Json.IsTruthy(auth["OverrideApiAuth"]) && auth["Authorizer"] is null && auth["ApiKeyRequired"] is null && auth["ResourcePolicy"] is null)
        {
            throw new InvalidEventException(eventId, "Must define one of: Authorizer, ApiKeyRequired or ResourcePolicy when using the OverrideApiAuth property.");
        }
    }

    /// <summary>An HttpApi event's Auth.Authorizer against its HTTP API's Authorizers (the HttpApi event source's checks).</summary>
    private static void CheckHttpEventAuth(string eventId, JsonObject props, JsonNode? apiAuthNode)
    {
        if (props["Auth"] is not JsonObject auth || auth["Authorizer"] is not { } authorizer || !Json.IsTruthy(authorizer))
        {
            return;
        }
        var apiAuth = apiAuthNode as JsonObject;
        var method = Json.Str(props["Method"]);
        var path = Json.Str(props["Path"]);
        var name = Json.Str(authorizer);
        if (name == "AWS_IAM")
        {
            return;
        }
        if (name == "NONE")
        {
            if (!Json.IsTruthy(apiAuth?["DefaultAuthorizer"]))
            {
                throw new InvalidEventException(eventId, $"Unable to set Authorizer on API method [{method}] for path [{path}] because 'NONE' is only a valid value when a DefaultAuthorizer on the API is specified.");
            }
            return;
        }
        var apiAuthorizers = apiAuth?["Authorizers"];
        if (!Json.IsTruthy(apiAuthorizers))
        {
            throw new InvalidEventException(eventId, $"Unable to set Authorizer [{name ?? Repr(authorizer)}] on API method [{method}] for path [{path}] because the related API does not define any Authorizers.");
        }
        if (name is null || apiAuthorizers is not JsonObject defined)
        {
            throw new InvalidEventException(eventId, $"Unable to set Authorizer [{name ?? Repr(authorizer)}] on API method [{method}] for path [{path}]. The method authorizer must be a string with a corresponding dict entry in the api authorizer.");
        }
        if (!defined.ContainsKey(name))
        {
            throw new InvalidEventException(eventId, $"Unable to set Authorizer [{name}] on API method [{method}] for path [{path}] because it wasn't defined in the API's Authorizers.");
        }
    }

    /// <summary>An Api event's RequestModel against its REST API's Models (the Api event source's checks when it adds its method).</summary>
    private static void CheckRequestModel(string eventId, JsonObject props, JsonNode? apiModels)
    {
        if (props["RequestModel"] is not JsonObject requestModel || !Json.IsTruthy(requestModel["Model"]))
        {
            return;
        }
        var model = Json.Str(requestModel["Model"]) ?? Repr(requestModel["Model"]);
        var where = $"RequestModel [{model}] on API method [{Json.Str(props["Method"])}] for path [{Json.Str(props["Path"])}]";
        if (!Json.IsTruthy(apiModels))
        {
            throw new InvalidEventException(eventId, $"Unable to set {where} because the related API does not define any Models.");
        }
        if (!Json.IsIntrinsic(apiModels))
        {
            if (apiModels is not JsonObject models)
            {
                throw new InvalidEventException(eventId, $"Unable to set {where} because the related API Models defined is of invalid type.");
            }
            if (!models.ContainsKey(model))
            {
                throw new InvalidEventException(eventId, $"Unable to set {where} because it wasn't defined in the API's Models.");
            }
        }
        var validateBody = requestModel["ValidateBody"];
        var validateParameters = requestModel["ValidateParameters"];
        if ((validateBody is not null || validateParameters is not null)
            && !(IsBool(validateBody ?? false) && IsBool(validateParameters ?? false)))
        {
            throw new InvalidEventException(eventId, $"Unable to set Validator to {where} ValidateBody and ValidateParameters must be a boolean type, strings or intrinsics are not supported.");
        }

        static bool IsBool(JsonNode n) => n is JsonValue v && v.GetValueKind() is System.Text.Json.JsonValueKind.True or System.Text.Json.JsonValueKind.False;
    }

    private static string Repr(JsonNode? node) => node switch
    {
        JsonArray a => "[" + string.Join(", ", a.Select(Repr)) + "]",
        JsonValue v when Json.IsString(v) => "'" + v.GetValue<string>() + "'",
        _ => node?.ToJsonString() ?? "None",
    };
}
