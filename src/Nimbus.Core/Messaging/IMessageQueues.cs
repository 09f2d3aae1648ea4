namespace Nimbus.Core.Messaging;

/// <summary>Consumer-side access to SQS queues by ARN, for Lambda event source mappings (pollers) inside Nimbus.</summary>
/// <remarks>Implemented by the SQS service. Semantics are those of ReceiveMessage/DeleteMessage/ChangeMessageVisibility:
/// a received message is invisible for the visibility timeout and counts a receive (so the queue's redrive policy applies).</remarks>
public interface IMessageQueues
{
    /// <summary>The queue's settings, or null when no queue has this ARN.</summary>
    ValueTask<QueueDescription?> DescribeAsync(string queueArn, CancellationToken cancellationToken = default);

    /// <summary>Receives up to <paramref name="maxMessages"/> (1–10) messages, waiting up to <paramref name="wait"/> for the first.</summary>
    /// <param name="visibilityTimeout">Null: the queue's own visibility timeout.</param>
    Task<IReadOnlyList<QueueMessage>> ReceiveAsync(string queueArn, int maxMessages, TimeSpan? visibilityTimeout, TimeSpan wait, CancellationToken cancellationToken = default);

    /// <summary>Deletes a received message; an expired or unknown receipt handle is ignored, as SQS does.</summary>
    Task DeleteAsync(string queueArn, string receiptHandle, CancellationToken cancellationToken = default);

    /// <summary>Makes a received message visible again after <paramref name="visibilityTimeout"/> (zero: at once).</summary>
    Task ChangeVisibilityAsync(string queueArn, string receiptHandle, TimeSpan visibilityTimeout, CancellationToken cancellationToken = default);
}

/// <summary>What a poller needs to know about a queue.</summary>
public sealed record QueueDescription(string QueueArn, string QueueUrl, bool Fifo, TimeSpan VisibilityTimeout);

/// <summary>One received message, with what the Lambda SQS event record carries.</summary>
/// <param name="Attributes">System attributes as SQS names them: <c>ApproximateReceiveCount</c>, <c>SentTimestamp</c>,
/// <c>SenderId</c>, <c>ApproximateFirstReceiveTimestamp</c>, and for FIFO <c>SequenceNumber</c>, <c>MessageGroupId</c>, <c>MessageDeduplicationId</c>.</param>
public sealed record QueueMessage(
    string MessageId,
    string ReceiptHandle,
    string Body,
    string Md5OfBody,
    IReadOnlyDictionary<string, string> Attributes,
    IReadOnlyList<QueueMessageAttribute> MessageAttributes,
    string? Md5OfMessageAttributes);

/// <summary>A message attribute: <c>String</c>, <c>Number</c>, <c>Binary</c> or a custom <c>Type.label</c>.</summary>
public sealed record QueueMessageAttribute(string Name, string DataType, string? StringValue, byte[]? BinaryValue);
