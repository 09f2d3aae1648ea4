using System.Text;

namespace Nimbus.Functions.Sandboxes;

/// <summary>One invocation handed to a sandbox: the event, its deadline, and where its outcome and log lines go.</summary>
/// <remarks>The log buffer is written by the sandbox's output pump and read once the outcome is known.</remarks>
internal sealed class InvocationWork
{
    public required string RequestId { get; init; }
    public required ReadOnlyMemory<byte> Payload { get; init; }
    public required string InvokedFunctionArn { get; init; }
    public string? ClientContext { get; init; }
    public string? CognitoIdentity { get; init; }
    public required string TraceId { get; init; }
    public long DeadlineMs { get; set; }

    public TaskCompletionSource<InvocationOutcome> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Log lines written while this invocation ran (only kept when the caller asked for the tail).</summary>
    public StringBuilder? Log { get; init; }
}
