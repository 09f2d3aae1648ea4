namespace Nimbus.Templates.Stacks;

/// <summary>The inputs shared by CreateStack, UpdateStack and CreateChangeSet.</summary>
internal sealed record StackRequest
{
    public required string StackName { get; init; }
    public string? TemplateBody { get; init; }
    public string? TemplateUrl { get; init; }
    public bool UsePreviousTemplate { get; init; }
    public IReadOnlyList<ParameterInput> Parameters { get; init; } = [];
    public IReadOnlyList<string> Capabilities { get; init; } = [];
    public IReadOnlyDictionary<string, string>? Tags { get; init; }
    public IReadOnlyList<string> NotificationArns { get; init; } = [];
    public bool DisableRollback { get; init; }
    public string? OnFailure { get; init; }
    public bool TerminationProtection { get; init; }
    public string? ChangeSetName { get; init; }
    public string? ChangeSetType { get; init; }
    public string? Description { get; init; }

    /// <summary>Set by the nested stack provisioner: the parent's stack id and the root's.</summary>
    public string? ParentId { get; init; }

    public string? RootId { get; init; }
}
