using System.Text.Json.Nodes;

namespace Nimbus.Templates.Sam;

/// <summary>
/// A <c>Fn::If</c> entry of a function's or state machine's <c>Policies</c>: the translator classifies it by its branches.
/// Branches that are policy statements or policy templates become inline policies (each branch named as the entry's
/// inline policy, <c>AWS::NoValue</c> kept); otherwise the whole Fn::If is a managed policy ARN.
/// </summary>
internal static class SamConditionalPolicies
{
    public static void Add(JsonObject entry, string resourceId, string policyName, int index, JsonArray managed, JsonArray documents)
    {
        var copy = (JsonObject)entry.DeepClone();
        var branches = copy["Fn::If"]!.AsArray();
        var isStatement = IsStatement(branches[1]) || IsStatement(branches[2]);
        var isTemplate = !isStatement && (IsTemplate(branches[1]) || IsTemplate(branches[2]));
        if (!isStatement && !isTemplate)
        {
            managed.Add(copy);
            return;
        }
        for (var b = 1; b <= 2; b++)
        {
            if (IsNoValue(branches[b]))
            {
                continue;
            }
            var document = isTemplate && branches[b] is JsonObject template && template.Count == 1
                ? PolicyTemplates.Expand(resourceId, template, index)
                : branches[b]!.DeepClone();
            branches[b] = new JsonObject { ["PolicyName"] = policyName, ["PolicyDocument"] = document };
        }
        documents.Add(copy);
    }

    public static bool IsConditional(JsonNode? entry) =>
        entry is JsonObject o && o.Count == 1 && o["Fn::If"] is JsonArray iff && iff.Count == 3;

    private static bool IsNoValue(JsonNode? n) => n is JsonObject o && o.Count == 1 && Json.Str(o["Ref"]) == "AWS::NoValue";

    private static bool IsStatement(JsonNode? n) => n is JsonObject o && o.ContainsKey("Statement");

    private static bool IsTemplate(JsonNode? n) => n is JsonObject o && o.Count == 1 && PolicyTemplates.IsTemplate(o.First().Key);
}
