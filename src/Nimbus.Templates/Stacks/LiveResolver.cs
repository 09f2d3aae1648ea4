using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Nimbus.Templates.Intrinsics;

namespace Nimbus.Templates.Stacks;

/// <summary>Resolves Ref/GetAtt against the resources applied so far, and Fn::ImportValue against the region's exports.</summary>
internal sealed class LiveResolver(ConcurrentDictionary<string, ResourceState> live, Func<string, string?> export, string? pending = null) : IResourceResolver
{
    public JsonNode? Ref(string logicalId) =>
        live.TryGetValue(logicalId, out var r) && r.PhysicalId is { } id ? JsonValue.Create(id) : Pending(logicalId);

    public JsonNode? GetAtt(string logicalId, string attribute)
    {
        if (!live.TryGetValue(logicalId, out var r))
        {
            return Pending(logicalId + "." + attribute);
        }

        if (r.Attributes.TryGetValue(attribute, out var value))
        {
            return value?.DeepClone();
        }

        // Attributes of AWS-only resources that are recorded, not run, still resolve (to something shaped right).
        return Pending(logicalId + "." + attribute);
    }

    public JsonNode? ImportValue(string exportName) => export(exportName) is { } v ? JsonValue.Create(v) : null;

    /// <summary>During change set planning, values of resources not created yet are placeholders, as CloudFormation shows them.</summary>
    private JsonValue? Pending(string what) => pending is null ? null : JsonValue.Create($"{pending}{what}}}");
}
