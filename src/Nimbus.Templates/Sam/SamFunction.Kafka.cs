using System.Text.Json.Nodes;

namespace Nimbus.Templates.Sam;

/// <summary>
/// What MSK and self-managed Kafka events add to the function's role: the secrets their source access configurations
/// name, and read access to an AWS Glue schema registry (and the secrets of its access configurations) when the event
/// has a SchemaRegistryConfig.
/// </summary>
internal sealed partial class SamFunction
{
    private static readonly string[] SchemaRegistryRequired = ["SchemaRegistryURI", "EventRecordFormat", "SchemaValidationConfigs"];
    private static readonly string[] SecretAccessTypes = ["BASIC_AUTH", "CLIENT_CERTIFICATE_TLS_AUTH", "SERVER_ROOT_CA_CERTIFICATE"];

    /// <summary>The MSK event's MSKExecutionRolePolicy: a client certificate secret and the schema registry's needs.</summary>
    private void MskPolicy(string eventId, JsonObject props)
    {
        var statements = new JsonArray();
        if (props["SourceAccessConfigurations"] is JsonArray sac
            && sac.OfType<JsonObject>().FirstOrDefault(c => Json.Str(c["Type"]) == "CLIENT_CERTIFICATE_TLS_AUTH" && Json.IsTruthy(c["URI"])) is { } certificate)
        {
            statements.Add(SecretStatement(certificate["URI"]));
        }
        foreach (var statement in SchemaRegistryStatements(eventId, props["SchemaRegistryConfig"]))
        {
            statements.Add(statement);
        }
        if (statements.Count > 0)
        {
            AddEventSourcePolicy(new JsonObject
            {
                ["PolicyName"] = "MSKExecutionRolePolicy",
                ["PolicyDocument"] = new JsonObject { ["Statement"] = statements },
            });
        }
    }

    /// <summary>
    /// Checks a SchemaRegistryConfig's required fields and returns the statements it needs: glue:GetRegistry on a Glue
    /// registry ARN and glue:GetSchemaVersion on its schemas, and the secrets of its AccessConfigs.
    /// </summary>
    private static List<JsonObject> SchemaRegistryStatements(string eventId, JsonNode? config)
    {
        var statements = new List<JsonObject>();
        if (config is not JsonObject registry)
        {
            return statements;
        }
        foreach (var field in SchemaRegistryRequired)
        {
            if (registry[field] is null)
            {
                throw new InvalidEventException(eventId, $"Missing required field {field} in SchemaRegistryConfig");
            }
        }
        if (registry["AccessConfigs"] is JsonArray access)
        {
            foreach (var entry in access.OfType<JsonObject>())
            {
                if (Json.Str(entry["Type"]) is { } type && SecretAccessTypes.Contains(type) && entry["URI"] is { } uri)
                {
                    statements.Add(SecretStatement(uri));
                }
            }
        }
        var uriNode = registry["SchemaRegistryURI"];
        var uriText = Json.Str(uriNode) ?? Json.Str(uriNode?["Fn::Sub"]);
        if (uriText is not null && uriText.StartsWith("arn:", StringComparison.Ordinal) && uriText.Contains(":glue:", StringComparison.Ordinal))
        {
            var marker = uriText.IndexOf(":registry/", StringComparison.Ordinal);
            var registryName = marker < 0 ? "*" : uriText[(marker + ":registry/".Length)..];
            statements.Add(new JsonObject { ["Action"] = new JsonArray("glue:GetRegistry"), ["Effect"] = "Allow", ["Resource"] = uriNode!.DeepClone() });
            statements.Add(new JsonObject
            {
                ["Action"] = new JsonArray("glue:GetSchemaVersion"),
                ["Effect"] = "Allow",
                ["Resource"] = new JsonArray(Json.Sub($"arn:${{AWS::Partition}}:glue:${{AWS::Region}}:${{AWS::AccountId}}:schema/{registryName}/*")),
            });
        }
        return statements;
    }

    private static JsonObject SecretStatement(JsonNode? uri) =>
        new() { ["Action"] = new JsonArray("secretsmanager:GetSecretValue"), ["Effect"] = "Allow", ["Resource"] = uri?.DeepClone() };

    /// <summary>An event source's inline policy, unless the role already has one with the same document (as the translator links them).</summary>
    private void AddEventSourcePolicy(JsonObject policy)
    {
        if (_role?["Properties"]?["Policies"] is JsonArray existing
            && existing.Any(p => JsonNode.DeepEquals(p?["PolicyDocument"], policy["PolicyDocument"])))
        {
            return;
        }
        AddInlinePolicy(policy);
    }
}
