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

    /// <summary>When the runtime received the event (<see cref="System.Diagnostics.Stopwatch"/> ticks); 0 if it never did.</summary>
    public long DispatchedAt { get; set; }

    /// <summary>When the outcome arrived (<see cref="System.Diagnostics.Stopwatch"/> ticks).</summary>
    public long CompletedAt { get; set; }

    /// <summary>The function's own run time, as REPORT's Duration: from dispatch to the runtime until its answer.</summary>
    public double DurationMs(long fallbackStart)
    {
        var end = CompletedAt != 0 ? CompletedAt : System.Diagnostics.Stopwatch.GetTimestamp();
        var start = DispatchedAt != 0 ? DispatchedAt : fallbackStart;
        return Math.Max(0, System.Diagnostics.Stopwatch.GetElapsedTime(start, end).TotalMilliseconds);
    }

    /// <summary>The outcome. Continuations run synchronously: the Runtime API completes it after writing its 202, so the
    /// invoker resumes on that thread instead of hopping to another.</summary>
    public TaskCompletionSource<InvocationOutcome> Completion { get; } = new();

    /// <summary>Log lines written while this invocation ran (only kept when the caller asked for the tail).</summary>
    public StringBuilder? Log { get; init; }
}
