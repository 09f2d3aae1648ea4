using System.Text.Json.Nodes;

namespace Nimbus.Core.Provisioning;

/// <summary>What a provisioner reports: the physical id (<c>Ref</c>) and the attributes <c>Fn::GetAtt</c> can read.</summary>
public sealed record ProvisionedResource(string PhysicalId, IReadOnlyDictionary<string, JsonNode?> Attributes)
{
    public ProvisionedResource(string physicalId)
        : this(physicalId, new Dictionary<string, JsonNode?>())
    {
    }
}
