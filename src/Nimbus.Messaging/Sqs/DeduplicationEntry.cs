namespace Nimbus.Messaging.Sqs;

/// <summary>A FIFO deduplication record: a second send with the same id within five minutes returns the first message.</summary>
internal sealed record DeduplicationEntry(string MessageId, string? SequenceNumber, long ExpiresAt);
