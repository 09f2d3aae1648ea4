namespace Nimbus.Messaging.Sns;

/// <summary>A validated message to publish to a topic.</summary>
/// <param name="Attributes">Message attributes: name → (data type, string value or base64 of a binary value).</param>
internal sealed record PublishRequest(
    string Message, string? Subject, bool JsonStructure, IReadOnlyDictionary<string, (string Type, string Value)> Attributes,
    string? GroupId, string? DedupId);
