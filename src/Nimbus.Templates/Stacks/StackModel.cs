using System.Text.Json.Nodes;

namespace Nimbus.Templates.Stacks;

/// <summary>A stack parameter as stored: its value (shown as <c>****</c> when NoEcho) and whether it is NoEcho.</summary>
internal sealed record StackParameter(string Key, string Value, bool NoEcho);

/// <summary>A resolved stack output.</summary>
internal sealed record StackOutput(string Key, string Value, string? Description, string? ExportName);

/// <summary>One stack: its identity, status, inputs (template, parameters, capabilities) and outputs.</summary>
/// <remarks>Immutable; every change writes a new record to the store before it is visible.</remarks>
internal sealed record StackState
{
    public required string StackId { get; init; }
    public required string StackName { get; init; }
    public required string Account { get; init; }
    public required string Region { get; init; }
    public required string Status { get; init; }
    public string? StatusReason { get; init; }
    public string? Description { get; init; }
    public required DateTimeOffset CreationTime { get; init; }
    public DateTimeOffset? LastUpdatedTime { get; init; }
    public DateTimeOffset? DeletionTime { get; init; }
    public IReadOnlyList<StackParameter> Parameters { get; init; } = [];
    public IReadOnlyList<string> Capabilities { get; init; } = [];
    public IReadOnlyList<string> NotificationArns { get; init; } = [];
    public IReadOnlyList<StackOutput> Outputs { get; init; } = [];
    public IReadOnlyDictionary<string, string> Tags { get; init; } = new Dictionary<string, string>();
    public bool DisableRollback { get; init; }
    public bool TerminationProtection { get; init; }

    /// <summary>For a nested stack: the stack id of the stack that created it (DescribeStacks' <c>ParentId</c>).</summary>
    public string? ParentId { get; init; }

    /// <summary>For a nested stack: the stack id of the top-level stack of its tree (DescribeStacks' <c>RootId</c>).</summary>
    public string? RootId { get; init; }

    /// <summary>The template as submitted (the <c>Original</c> stage of GetTemplate).</summary>
    public string TemplateBody { get; init; } = "";

    /// <summary>The template after transforms, as JSON (the <c>Processed</c> stage); what the resources were built from.</summary>
    public string ProcessedTemplate { get; init; } = "{}";

    public string? ChangeSetId { get; init; }

    public bool IsDeleted => Status == StackStatus.DeleteComplete;
}

/// <summary>One resource of a stack: its physical id, status and the properties and attributes last applied.</summary>
internal sealed record ResourceState
{
    public required string LogicalId { get; init; }
    public required string Type { get; init; }
    public string? PhysicalId { get; init; }
    public required string Status { get; init; }
    public string? StatusReason { get; init; }
    public required DateTimeOffset Timestamp { get; init; }
    public JsonObject? Properties { get; init; }
    public Dictionary<string, JsonNode?> Attributes { get; init; } = [];
    public string? DeletionPolicy { get; init; }
    public string? Description { get; init; }
    public JsonNode? Metadata { get; init; }
}

/// <summary>One entry of DescribeStackEvents.</summary>
internal sealed record StackEventRecord(
    string StackId, string EventId, string StackName, string LogicalId, string? PhysicalId, string ResourceType,
    DateTimeOffset Timestamp, string Status, string? Reason, string? Properties);

/// <summary>A resource change of a change set.</summary>
internal sealed record ResourceChangeRecord(string Action, string LogicalId, string? PhysicalId, string ResourceType, string? Replacement, IReadOnlyList<string> Scope, IReadOnlyList<ChangeDetail> Details);

/// <summary>One property-level detail of a resource change.</summary>
internal sealed record ChangeDetail(string Name, string RequiresRecreation, string Evaluation, string ChangeSource);

/// <summary>A change set: the inputs of a future create or update and the changes it would make.</summary>
internal sealed record ChangeSetState
{
    public required string ChangeSetId { get; init; }
    public required string ChangeSetName { get; init; }
    public required string StackId { get; init; }
    public required string StackName { get; init; }
    public required string ChangeSetType { get; init; }
    public required string Status { get; init; }
    public string? StatusReason { get; init; }
    public required string ExecutionStatus { get; init; }
    public string? Description { get; init; }
    public required DateTimeOffset CreationTime { get; init; }
    public required string TemplateBody { get; init; }
    public IReadOnlyList<StackParameter> Parameters { get; init; } = [];
    public IReadOnlyList<string> Capabilities { get; init; } = [];
    public IReadOnlyDictionary<string, string> Tags { get; init; } = new Dictionary<string, string>();
    public IReadOnlyList<ResourceChangeRecord> Changes { get; init; } = [];
}

/// <summary>An export of a stack output.</summary>
internal sealed record ExportRecord(string Name, string Value, string StackId);
