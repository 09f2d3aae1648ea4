using System.Text.Json.Nodes;

namespace Nimbus.Templates.Sam.Validation;

/// <summary>The translator's parser checks on the template as a whole: a failure ends the transform with that error.</summary>
internal static class TemplateChecks
{
    public static void Run(JsonObject resources)
    {
        foreach (var (_, node) in resources)
        {
            if (node is JsonObject resource && Json.Str(resource["Type"]) is { } type && type.StartsWith("AWS::Serverless::", StringComparison.Ordinal)
                && resource.ContainsKey("Condition") && !Json.IsString(resource["Condition"]))
            {
                throw new InvalidSamDocumentException(["Structure of the SAM template is invalid. Every Condition member must be a string."]);
            }
        }
    }
}
