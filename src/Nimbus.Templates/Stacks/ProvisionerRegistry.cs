using Nimbus.Core.Provisioning;

namespace Nimbus.Templates.Stacks;

/// <summary>Every registered <see cref="IResourceProvisioner"/>, by resource type.</summary>
internal sealed class ProvisionerRegistry(IEnumerable<IResourceProvisioner> provisioners)
{
    private readonly Dictionary<string, IResourceProvisioner> _byType = provisioners
        .GroupBy(p => p.ResourceType, StringComparer.Ordinal)
        .ToDictionary(g => g.Key, g => g.Last(), StringComparer.Ordinal);

    public IResourceProvisioner? Find(string type) => _byType.GetValueOrDefault(type);

    public IResourceProvisioner Require(string type) => Find(type)
        ?? throw new ProvisioningException($"Resource type {type} is not supported by Nimbus: no service provisions it locally. Remove the resource or put it behind a Condition.");

    public IReadOnlyCollection<string> Types => _byType.Keys;
}
