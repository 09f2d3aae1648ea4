namespace Nimbus.Messaging.Sqs;

/// <summary>A redrive from a dead-letter queue (StartMessageMoveTask); its counters change while it runs.</summary>
/// <remarks>Kept in memory only: a restart forgets tasks (messages already moved stay moved, each move is one transaction).</remarks>
internal sealed class MessageMoveTask(string handle, string sourceArn, string? destinationArn, int? maxPerSecond, long started, long toMove)
{
    public string Handle { get; } = handle;

    public string SourceArn { get; } = sourceArn;

    public string? DestinationArn { get; } = destinationArn;

    public int? MaxPerSecond { get; } = maxPerSecond;

    public long Started { get; } = started;

    public long ToMove { get; } = toMove;

    public long Moved;

    /// <summary>RUNNING, COMPLETED, CANCELLING, CANCELLED or FAILED.</summary>
    public volatile string Status = "RUNNING";

    public volatile string? FailureReason;

    public CancellationTokenSource Cancel { get; } = new();
}
