using System.Text.Json.Nodes;

namespace Nimbus.Templates.Stacks;

/// <summary>A template ready to deploy: transformed, validated, with its parameter values resolved.</summary>
internal sealed record PreparedTemplate(
    string Body,
    JsonObject Processed,
    IReadOnlyDictionary<string, JsonNode?> ParameterValues,
    IReadOnlyList<StackParameter> Parameters,
    string? Description,
    IReadOnlyList<string> RequiredCapabilities,
    IReadOnlyList<string> DeclaredTransforms)
{
    public JsonObject Resources => Processed["Resources"] as JsonObject ?? [];
}
