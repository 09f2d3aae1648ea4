using System.Collections.Immutable;

namespace Nimbus.Messaging.Sqs;

/// <summary>A live queue: its settings, tags and messages in memory, mirrored from the store.</summary>
/// <remarks>
/// Thread-safety: <see cref="Settings"/>, <see cref="Tags"/> and <see cref="LastModified"/> are immutable values swapped
/// whole; everything else (messages, deduplication, receive attempts, the change signal) is guarded by <see cref="Gate"/>.
/// Messages are kept in send order (<see cref="SqsMessage.Seq"/>), which FIFO delivery relies on.
/// </remarks>
internal sealed class SqsQueue(long id, string account, string region, string name, long created)
{
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public long Id { get; } = id;

    public string Account { get; } = account;

    public string Region { get; } = region;

    public string Name { get; } = name;

    public string Arn => $"arn:aws:sqs:{Region}:{Account}:{Name}";

    public long Created { get; } = created;

    public bool Fifo => Name.EndsWith(".fifo", StringComparison.Ordinal);

    public object Gate { get; } = new();

    public volatile QueueSettings Settings = QueueSettings.Defaults(false);

    public volatile ImmutableSortedDictionary<string, string> Tags = ImmutableSortedDictionary<string, string>.Empty.WithComparers(StringComparer.Ordinal);

    public long LastModified;

    public long LastPurge;

    /// <summary>When the next retention scan may run (guarded by <see cref="Gate"/>).</summary>
    public long NextExpiryScan;

    /// <summary>Set (under <see cref="Gate"/>) when the queue is deleted; waiting receivers then return empty.</summary>
    public bool Deleted;

    public SortedDictionary<long, SqsMessage> Messages { get; } = [];

    public Dictionary<string, DeduplicationEntry> Deduplication { get; } = new(StringComparer.Ordinal);

    /// <summary>FIFO ReceiveRequestAttemptId → the messages that attempt returned (and until when it may be retried).</summary>
    public Dictionary<string, (long ExpiresAt, long[] Seqs, string[] Receipts)> ReceiveAttempts { get; } = new(StringComparer.Ordinal);

    /// <summary>A task that completes at the next change that may make a message receivable. Call under <see cref="Gate"/>.</summary>
    public Task Changed => _changed.Task;

    /// <summary>Wakes every long poll waiting on this queue. Call under <see cref="Gate"/>.</summary>
    public void Signal()
    {
        var previous = _changed;
        _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        previous.TrySetResult();
    }
}
