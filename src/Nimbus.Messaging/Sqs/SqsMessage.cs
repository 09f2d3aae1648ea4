using Nimbus.Core.Messaging;

namespace Nimbus.Messaging.Sqs;

/// <summary>One stored message: its immutable content and its mutable delivery state.</summary>
/// <remarks>The delivery state (<see cref="VisibleAt"/>, <see cref="ReceiveCount"/>, <see cref="Receipt"/>…) is read and
/// written only under its queue's lock, and every change is committed to the store before it is published.</remarks>
internal sealed class SqsMessage
{
    public required long Seq { get; init; }

    public required string MessageId { get; init; }

    public required string Body { get; init; }

    public required IReadOnlyList<QueueMessageAttribute> Attributes { get; init; }

    public required IReadOnlyList<QueueMessageAttribute> SystemAttributes { get; init; }

    public required long SentAt { get; init; }

    public required string SenderId { get; init; }

    public string? GroupId { get; init; }

    public string? DeduplicationId { get; init; }

    public string? SequenceNumber { get; init; }

    /// <summary>The source queue's ARN when the message was moved here by a redrive policy.</summary>
    public string? DeadLetterSourceArn { get; init; }

    public long VisibleAt { get; set; }

    public int ReceiveCount { get; set; }

    public long? FirstReceiveAt { get; set; }

    /// <summary>The receipt handle of the latest receive, or null when never received.</summary>
    public string? Receipt { get; set; }

    public string Md5OfBody => field ??= MessageDigests.Body(Body);

    public string? Md5OfAttributes => Attributes.Count == 0 ? null : field ??= MessageDigests.Attributes(Attributes);

    public string? Md5OfSystemAttributes => SystemAttributes.Count == 0 ? null : field ??= MessageDigests.Attributes(SystemAttributes);

    public bool IsVisible(long now) => VisibleAt <= now;

    /// <summary>In flight: received and its visibility timeout not yet over.</summary>
    public bool IsInFlight(long now) => ReceiveCount > 0 && VisibleAt > now;

    /// <summary>Delayed: never received and its delivery delay not yet over.</summary>
    public bool IsDelayed(long now) => ReceiveCount == 0 && VisibleAt > now;
}
