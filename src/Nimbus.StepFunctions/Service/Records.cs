namespace Nimbus.StepFunctions.Service;

/// <summary>A stored state machine. Times are Unix milliseconds.</summary>
internal sealed record StateMachineRecord(
    string Arn,
    string Account,
    string Region,
    string Name,
    string Type,
    string Definition,
    string RoleArn,
    long Created,
    long Updated,
    string RevisionId,
    string? Logging,
    string? Tracing,
    string? Description);

/// <summary>A published version of a state machine (immutable). Times are Unix milliseconds.</summary>
internal sealed record VersionRecord(
    string Arn,
    string MachineArn,
    long Version,
    string Type,
    string Definition,
    string RoleArn,
    long Created,
    string RevisionId,
    string? Logging,
    string? Tracing,
    string? Description);

/// <summary>An alias: one or two versions with weights (percent, summing to 100).</summary>
internal sealed record AliasRecord(
    string Arn,
    string MachineArn,
    string Name,
    string? Description,
    IReadOnlyList<(string VersionArn, int Weight)> Routing,
    long Created,
    long Updated);

/// <summary>A stored activity. Times are Unix milliseconds.</summary>
internal sealed record ActivityRecord(string Arn, string Name, long Created);

/// <summary>One execution (stored for STANDARD, in memory for EXPRESS). Times are Unix milliseconds.</summary>
internal sealed class ExecutionRecord
{
    public required string Arn { get; init; }

    public required string StateMachineArn { get; init; }

    public required string StateMachineName { get; init; }

    public required string Name { get; init; }

    public string Status { get; set; } = "RUNNING";

    public required string Input { get; init; }

    public string? Output { get; set; }

    public string? Error { get; set; }

    public string? Cause { get; set; }

    public long StartDate { get; init; }

    public long? StopDate { get; set; }

    /// <summary>The definition the execution runs (a snapshot: updates of the state machine don't affect it).</summary>
    public required string Definition { get; init; }

    public required string RoleArn { get; init; }

    public long DefinitionUpdated { get; init; }

    public string? RevisionId { get; init; }

    public string? TraceHeader { get; init; }

    /// <summary>The resume checkpoint (JSON), while the execution runs.</summary>
    public string? Checkpoint { get; set; }

    public bool IsExpress { get; init; }

    /// <summary>The version the execution runs, when started on a version or alias ARN.</summary>
    public string? VersionArn { get; init; }

    /// <summary>The alias the execution was started on.</summary>
    public string? AliasArn { get; init; }

    /// <summary>The mock-config test case (StartExecution on <c>arn#TestCase</c>), whose mocked responses replace task calls.</summary>
    public string? TestCase { get; init; }

    public int RedriveCount { get; set; }

    /// <summary>The <c>loggingConfiguration</c> (JSON) of the machine or version the execution runs; not stored (looked up again on resume).</summary>
    public string? Logging { get; set; }

    public long? RedriveDate { get; set; }
}
