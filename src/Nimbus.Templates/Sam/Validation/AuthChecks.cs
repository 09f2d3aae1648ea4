using System.Text.Json.Nodes;

namespace Nimbus.Templates.Sam.Validation;

/// <summary>
/// The translator's checks on an API's <c>Auth</c> property (its API generators and authorizer models), run before the
/// API is translated: the first failure fails the API resource with the translator's message.
/// </summary>
internal static class AuthChecks
{
    private static readonly string[] RestAuthProperties =
    [
        "DefaultAuthorizer", "Authorizers", "AddDefaultAuthorizerToCorsPreflight", "ApiKeyRequired", "ResourcePolicy", "UsagePlan",
        "InvokeRole", "AddApiKeyRequiredToCorsPreflight",
    ];

    private static readonly string[] HttpAuthProperties = ["Authorizers", "DefaultAuthorizer", "EnableIamAuthorizer"];

    private static readonly string[] IdentitySources = ["Headers", "QueryStrings", "StageVariables", "Context"];

    /// <param name="hasPaths">Whether the API has paths (its body's or its events'): the ResourcePolicy goes on each.</param>
    public static void Check(string id, string type, JsonObject p, bool hasPaths, Func<JsonNode?, JsonNode?>? resolveParameters = null)
    {
        if (p["Auth"] is not JsonObject auth || Json.IsIntrinsic(auth))
        {
            return;
        }
        if (type == "AWS::Serverless::Api")
        {
            CheckRest(id, p, auth);
            // The translator resolves parameter Refs in Auth before the Swagger editor looks at the lists.
            CheckResourcePolicy(resolveParameters is null ? auth["ResourcePolicy"] : resolveParameters(auth["ResourcePolicy"]), hasPaths);
        }
        else if (type == "AWS::Serverless::HttpApi")
        {
            CheckHttp(id, p, auth);
        }
    }

    private static void CheckRest(string id, JsonObject p, JsonObject auth)
    {
        if (p["DefinitionBody"] is null && p["DefinitionUri"] is not null)
        {
            Fail(id, "Auth works only with inline Swagger specified in 'DefinitionBody' property.");
        }
        if (auth.Any(kv => !RestAuthProperties.Contains(kv.Key)))
        {
            Fail(id, "Invalid value for 'Auth' property");
        }
        if (p["DefinitionBody"] is { } body && (body is not JsonObject b || !SwaggerChecks.IsValid(b)) && !Json.IsIntrinsic(body))
        {
            Fail(id, "Unable to add Auth configuration because 'DefinitionBody' does not contain a valid Swagger definition.");
        }

        var defaultAuthorizer = auth["DefaultAuthorizer"];
        var names = new HashSet<string>(StringComparer.Ordinal);
        if (Json.Str(defaultAuthorizer) == "AWS_IAM")
        {
            names.Add("AWS_IAM");
        }
        var config = auth["Authorizers"];
        if (Json.IsTruthy(config))
        {
            if (config is not JsonObject authorizers)
            {
                Fail(id, "Property 'Auth.Authorizers' should be a map.");
                return;
            }
            foreach (var (name, node) in authorizers)
            {
                if (node is not JsonObject authorizer)
                {
                    Fail(id, $"Property 'Auth.Authorizers.{name}' should be a map.");
                    return;
                }
                CheckRestAuthorizer(id, name, authorizer);
                names.Add(name);
            }
        }
        if (names.Count > 0 && Json.IsTruthy(defaultAuthorizer))
        {
            if (Json.Str(defaultAuthorizer) is not { } d)
            {
                Fail(id, "DefaultAuthorizer is not a string.");
                return;
            }
            if (!names.Contains(d))
            {
                Fail(id, $"Unable to set DefaultAuthorizer because '{d}' was not defined in 'Authorizers'.");
            }
        }
        if (auth["UsagePlan"] is { } usagePlan && usagePlan is not JsonObject)
        {
            Fail(id, "'UsagePlan' must be a dictionary");
        }
    }

    private static void CheckRestAuthorizer(string id, string name, JsonObject authorizer)
    {
        var payloadType = authorizer["FunctionPayloadType"];
        if (payloadType is not null && Json.Str(payloadType) is not ("TOKEN" or "REQUEST"))
        {
            Fail(id, $"{name} Authorizer has invalid 'FunctionPayloadType': {Json.Str(payloadType) ?? payloadType.ToJsonString()}.");
        }
        if (authorizer["FunctionArn"] is not null && Json.Str(payloadType) == "REQUEST" && MissingIdentitySource(id, name, authorizer["Identity"]))
        {
            Fail(id, $"{name} Authorizer must specify Identity with at least one of Headers, QueryStrings, StageVariables, or Context.");
        }
        if (authorizer["Identity"] is { } identity && identity is not JsonObject)
        {
            Fail(id, "Auth.Authorizers.<Authorizer>.Identity must be a dict (LambdaTokenAuthorizationIdentity, LambdaRequestAuthorizationIdentity or CognitoAuthorizationIdentity).");
        }
        if (authorizer["AuthorizationScopes"] is { } scopes && scopes is not JsonArray)
        {
            Fail(id, $"Property 'Authorizers.{name}.AuthorizationScopes' should be a list.");
        }
        if (authorizer["DisableFunctionDefaultPermissions"] is { } disable && !PropertyTypes.Matches(PropertyKind.Bool, disable))
        {
            Fail(id, $"Property 'Authorizers.{name}.DisableFunctionDefaultPermissions' should be a boolean.");
        }
    }

    private static bool MissingIdentitySource(string id, string name, JsonNode? identity)
    {
        if (!Json.IsTruthy(identity))
        {
            return true;
        }
        if (identity is not JsonObject o)
        {
            Fail(id, $"Property 'Authorizer.{name}.Identity' should be a map.");
            return true;
        }
        var any = false;
        foreach (var source in IdentitySources)
        {
            if (Json.IsTruthy(o[source]))
            {
                ListOfStrings(id, o[source], $"Auth.Authorizers.{name}.Identity.{source}");
                any = true;
            }
        }
        // With caching off (ReauthorizeEvery 0), the authorizer needs no identity source.
        var ttl = o["ReauthorizeEvery"];
        var cachingOff = ttl is not null && (ttl.ToJsonString() is "0" or "\"0\"");
        return !any && !cachingOff;
    }

    private static void CheckHttp(string id, JsonObject p, JsonObject auth)
    {
        if (p["DefinitionBody"] is null && p["DefinitionUri"] is not null)
        {
            Fail(id, "Auth works only with inline OpenApi specified in 'DefinitionBody' property.");
        }
        if (auth.Any(kv => !HttpAuthProperties.Contains(kv.Key)))
        {
            Fail(id, "Invalid value for 'Auth' property");
        }
        var config = auth["Authorizers"];
        if (config is null)
        {
            return;
        }
        if (config is not JsonObject authorizers)
        {
            Fail(id, "Property 'Auth.Authorizers' should be a map.");
            return;
        }
        foreach (var (name, node) in authorizers)
        {
            if (node is not JsonObject authorizer)
            {
                Fail(id, $"Property 'Auth.Authorizers.{name}' should be a map.");
                return;
            }
            CheckHttpAuthorizer(id, name, authorizer);
        }
        if (auth["DefaultAuthorizer"] is { } d && !Json.IsString(d))
        {
            Fail(id, "Property 'Auth.DefaultAuthorizer' should be a string.");
        }
    }

    private static void CheckHttpAuthorizer(string id, string name, JsonObject authorizer)
    {
        var jwt = Json.IsTruthy(authorizer["JwtConfiguration"]);
        if (authorizer["EnableFunctionDefaultPermissions"] is { } enable)
        {
            if (jwt)
            {
                Fail(id, "EnableFunctionDefaultPermissions is only supported for Lambda Authorizer.");
            }
            if (!PropertyTypes.Matches(PropertyKind.Bool, enable))
            {
                Fail(id, $"Property 'Authorizers.{name}.EnableFunctionDefaultPermissions' should be a boolean.");
            }
        }
        if (jwt)
        {
            if (authorizer["JwtConfiguration"] is not JsonObject)
            {
                Fail(id, "Property 'JwtConfiguration' should be a map.");
            }
            return;
        }
        if (!Json.IsTruthy(authorizer["FunctionArn"]))
        {
            Fail(id, $"{name} Lambda Authorizer must define 'FunctionArn'.");
        }
        if (!Json.IsTruthy(authorizer["AuthorizerPayloadFormatVersion"]))
        {
            Fail(id, $"{name} Lambda Authorizer must define 'AuthorizerPayloadFormatVersion'.");
        }
        if (authorizer["Identity"] is { } identity)
        {
            if (identity is not JsonObject o)
            {
                Fail(id, $"Property 'Auth.Authorizers.{name}.Identity' should be a map.");
                return;
            }
            foreach (var source in IdentitySources)
            {
                if (o[source] is { } values)
                {
                    ListOfStrings(id, values, $"Authorizers.{name}.Identity.{source}");
                }
            }
        }
    }

    private static void ListOfStrings(string id, JsonNode? value, string keyPath)
    {
        if (value is not JsonArray list)
        {
            Fail(id, $"Property '{keyPath}' should be a list.");
            return;
        }
        for (var i = 0; i < list.Count; i++)
        {
            if (!Json.IsString(list[i]))
            {
                Fail(id, $"Property '{keyPath}[{i}]' should be a string.");
            }
        }
    }

    /// <summary>
    /// The REST API's ResourcePolicy must be a map, and (once put on a path) its SourceVpc lists hold only strings:
    /// the Swagger editor's checks, which fail the whole template.
    /// </summary>
    private static void CheckResourcePolicy(JsonNode? policy, bool hasPaths)
    {
        if (!Json.IsTruthy(policy))
        {
            return;
        }
        if (policy is not JsonObject map)
        {
            throw new InvalidSamDocumentException(["Structure of the SAM template is invalid. ResourcePolicy must be a map (ResourcePolicyStatement)."]);
        }
        if (!hasPaths)
        {
            return;
        }
        foreach (var (list, intrinsic) in new[] { ("SourceVpcBlacklist", "IntrinsicVpcBlacklist"), ("SourceVpcWhitelist", "IntrinsicVpcWhitelist") })
        {
            if (map[list] is JsonArray endpoints && endpoints.Any(e => !Json.IsString(e)))
            {
                throw new InvalidSamDocumentException([$"Structure of the SAM template is invalid. {list} must be a list of strings. Use {intrinsic} instead for values that use Intrinsic Functions"]);
            }
        }
    }

    private static void Fail(string id, string message) => throw new InvalidResourceException(id, message);
}
