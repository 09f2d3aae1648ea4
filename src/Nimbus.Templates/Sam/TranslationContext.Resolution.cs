using System.Text.Json.Nodes;

namespace Nimbus.Templates.Sam;

/// <summary>
/// What the newer resource types need from the run: generated conditions, Ref/FindInMap resolution, and SAM's
/// referable properties (<c>Ref: MyFunction.DestinationQueue</c> and the like) rewritten to the generated resources.
/// </summary>
internal sealed partial class TranslationContext
{
    private readonly Dictionary<string, string> _referables = new(StringComparer.Ordinal);

    /// <summary>The Serverless Application Repository's answers for this template's applications.</summary>
    public ServerlessApplications Applications { get; private set; } = null!;

    /// <summary>Ref to parameters (and pseudo parameters) and Fn::FindInMap over the template's Mappings.</summary>
    public JsonNode? ResolveRefsAndMappings(JsonNode? node)
    {
        if (node is JsonObject o && o.Count == 1 && o["Fn::FindInMap"] is JsonArray args && args.Count == 3)
        {
            var keys = args.Select(a => Json.Str(ResolveRefsAndMappings(a))).ToList();
            if (keys.Any(k => k is null) || (_template["Mappings"] as JsonObject)?[keys[0]!] is not JsonObject mapping)
            {
                return node.DeepClone();
            }
            if (mapping[keys[1]!] is not { } level)
            {
                return node.DeepClone();
            }
            if (level is not JsonObject second)
            {
                throw new InvalidTemplateException($"Structure of the SAM template is invalid. Cannot use Fn::FindInMap on Mapping '{keys[0]}' which is not a a two-level map.");
            }
            return second[keys[2]!]?.DeepClone() ?? node.DeepClone();
        }
        return ResolveParameterRefs(node);
    }

    /// <summary>Declares <c>Resource.Property</c> (as Ref, GetAtt or ${} in Sub) to stand for a generated resource.</summary>
    public void AddReferable(string resourceId, string property, string generatedId) => _referables[resourceId + "." + property] = generatedId;

    private void RewriteReferables(JsonObject resources)
    {
        if (_referables.Count == 0)
        {
            return;
        }
        foreach (var (_, node) in resources)
        {
            RewriteReferable(node);
        }
        if (_template["Outputs"] is { } outputs)
        {
            RewriteReferable(outputs);
        }
    }

    private void RewriteReferable(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject o:
                if (o.Count == 1 && Json.Str(o["Ref"]) is { } r && _referables.TryGetValue(r, out var id))
                {
                    o["Ref"] = id;
                    return;
                }
                if (o.Count == 1 && o["Fn::GetAtt"] is JsonArray getAtt && getAtt.Count == 2 && Json.Str(getAtt[0]) is { } target && _referables.TryGetValue(target, out var attId))
                {
                    getAtt[0] = attId;
                    return;
                }
                if (o.Count == 1 && Json.Str(o["Fn::Sub"]) is { } sub)
                {
                    foreach (var (name, generated) in _referables)
                    {
                        sub = sub.Replace("${" + name + "}", "${" + generated + "}", StringComparison.Ordinal);
                    }
                    o["Fn::Sub"] = sub;
                    return;
                }
                foreach (var (_, v) in o.ToList())
                {
                    RewriteReferable(v);
                }
                break;
            case JsonArray a:
                foreach (var v in a)
                {
                    RewriteReferable(v);
                }
                break;
        }
    }
}
