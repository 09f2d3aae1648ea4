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
}
