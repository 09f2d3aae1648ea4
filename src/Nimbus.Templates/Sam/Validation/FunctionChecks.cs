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
    }

    /// <summary>
    /// What linking an Api/HttpApi event to its explicit API finds wrong with that API (an error of the API's resource,
    /// raised while translating the function): an empty StageName, an HTTP API body that is not OpenAPI.
    /// </summary>
    public static void CheckApiEventTargets(JsonObject p, JsonObject resources)
    {
        if (p["Events"] is not JsonObject events)
        {
            return;
        }
        foreach (var (_, node) in events)
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
            if (apiId is null || resources[apiId] is not JsonObject api || api["Properties"] is not JsonObject apiProps)
            {
                continue;
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
}
