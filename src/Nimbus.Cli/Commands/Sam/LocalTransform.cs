using System.Text.Json.Nodes;

namespace Nimbus.Cli.Commands.Sam;

/// <summary>
/// Prepares a SAM template for the SAM transform outside a deployment, as SAM CLI does for <c>validate</c> and the
/// <c>local</c> commands: local <c>CodeUri</c>/<c>ContentUri</c>/<c>DefinitionUri</c> paths become placeholder S3 URIs
/// that carry the path, and the parts that only matter to API Gateway (Api/HttpApi events and resources) are taken out
/// for the caller to handle itself.
/// </summary>
internal static class LocalTransform
{
    public const string Bucket = "nimbus-local";

    private static readonly Dictionary<string, string[]> UriProperties = new(StringComparer.Ordinal)
    {
        ["AWS::Serverless::Function"] = ["CodeUri"],
        ["AWS::Serverless::LayerVersion"] = ["ContentUri"],
        ["AWS::Serverless::StateMachine"] = ["DefinitionUri"],
        ["AWS::Serverless::Api"] = ["DefinitionUri"],
        ["AWS::Serverless::HttpApi"] = ["DefinitionUri"],
    };

    /// <summary>A copy of <paramref name="template"/> ready for the transform; <paramref name="stripPolicies"/> drops IAM policies (irrelevant locally).</summary>
    public static JsonObject Prepare(JsonObject template, bool stripPolicies)
    {
        var copy = template.DeepClone().AsObject();
        if (copy["Globals"]?["Function"] is JsonObject globalFunction && TemplateFile.IsLocalPath(globalFunction["CodeUri"]))
        {
            globalFunction["CodeUri"] = Placeholder(globalFunction["CodeUri"]!.GetValue<string>());
        }

        if (copy["Globals"] is JsonObject globals)
        {
            globals.Remove("Api");
            globals.Remove("HttpApi");
            if (globals.Count == 0)
            {
                copy.Remove("Globals");
            }
        }

        if (copy["Resources"] is not JsonObject resources)
        {
            return copy;
        }

        foreach (var (id, node) in resources.ToList())
        {
            if (node is not JsonObject resource || resource["Type"]?.GetValueKind() != System.Text.Json.JsonValueKind.String)
            {
                continue;
            }

            var type = resource["Type"]!.GetValue<string>();
            if (type is "AWS::Serverless::Api" or "AWS::Serverless::HttpApi")
            {
                resources.Remove(id);
                continue;
            }

            if (resource["Properties"] is not JsonObject props)
            {
                continue;
            }

            if (UriProperties.TryGetValue(type, out var names))
            {
                foreach (var name in names)
                {
                    if (TemplateFile.IsLocalPath(props[name]))
                    {
                        props[name] = Placeholder(props[name]!.GetValue<string>());
                    }
                }
            }

            if (type == "AWS::Serverless::Function" && props["Events"] is JsonObject events)
            {
                foreach (var (eventId, ev) in events.ToList())
                {
                    if (ev?["Type"]?.ToString() is "Api" or "HttpApi")
                    {
                        events.Remove(eventId);
                    }
                }

                if (events.Count == 0)
                {
                    props.Remove("Events");
                }
            }

            if (stripPolicies && type is "AWS::Serverless::Function" or "AWS::Serverless::StateMachine")
            {
                props.Remove("Policies");
            }
        }

        // Outputs may name the API resources taken out above; the transform does not need them.
        copy.Remove("Outputs");
        return copy;
    }

    /// <summary>The local path a placeholder S3 location stands for, or null when it is a real S3 location.</summary>
    public static string? LocalPath(JsonNode? code, string bucketKey = "S3Bucket", string keyKey = "S3Key") =>
        code?[bucketKey]?.ToString() == Bucket && code[keyKey]?.ToString() is { } key ? Uri.UnescapeDataString(key) : null;

    private static string Placeholder(string path) => $"s3://{Bucket}/{Uri.EscapeDataString(path.Length == 0 ? "." : path)}";
}
