using System.Text.Json.Nodes;
using Nimbus.Core.Identity;

namespace Nimbus.Core.Provisioning;

/// <summary>One resource operation of a stack: the resolved properties and everything known about the resource so far.</summary>
public sealed record ProvisioningRequest(
    string LogicalId,
    string ResourceType,
    JsonObject Properties,
    AwsRequestContext Caller,
    string StackName,
    string StackId)
{
    /// <summary>The resource's physical id (update and delete).</summary>
    public string? PhysicalId { get; init; }

    /// <summary>The properties the resource had before this update (update), or the last applied ones (delete).</summary>
    public JsonObject? PreviousProperties { get; init; }

    /// <summary>The attributes reported when the resource was created or last updated.</summary>
    public IReadOnlyDictionary<string, JsonNode?> PreviousAttributes { get; init; } = new Dictionary<string, JsonNode?>();

    /// <summary>The string value of a property, or null.</summary>
    public string? String(string property) => Properties[property] is JsonValue v && v.TryGetValue<string>(out var s) ? s : Properties[property]?.ToString();

    /// <summary>The name given in <paramref name="property"/>, else a name CloudFormation would generate: <c>{stack}-{logicalId}-{RANDOM}</c>.</summary>
    public string NameOr(string property, int maxLength, bool lowerCase = false) =>
        String(property) is { Length: > 0 } given ? given : PhysicalNames.Generate(StackName, LogicalId, maxLength, lowerCase);
}
