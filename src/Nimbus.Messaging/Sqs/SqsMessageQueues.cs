using Nimbus.Core.Identity;
using Nimbus.Core.Messaging;

namespace Nimbus.Messaging.Sqs;

/// <summary>Consumer-side access to queues by ARN for pollers inside Nimbus (Lambda event source mappings).</summary>
/// <remarks>Same semantics as ReceiveMessage/DeleteMessage/ChangeMessageVisibility through the API: receives count
/// towards the redrive policy, long polls wake on sends. Every system attribute and message attribute is returned.</remarks>
internal sealed class SqsMessageQueues(SqsService service) : IMessageQueues
{
    public ValueTask<QueueDescription?> DescribeAsync(string queueArn, CancellationToken cancellationToken = default)
    {
        var q = service.FindByArn(queueArn);
        return ValueTask.FromResult(q is null ? null : new QueueDescription(q.Arn, service.UrlOf(q, service.DefaultBaseUrl), q.Fifo, TimeSpan.FromSeconds(q.Settings.VisibilityTimeout)));
    }

    public async Task<IReadOnlyList<QueueMessage>> ReceiveAsync(string queueArn, int maxMessages, TimeSpan? visibilityTimeout, TimeSpan wait, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxMessages, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(maxMessages, 10);
        var q = Queue(queueArn);
        var received = await service.ReceiveAsync(q, maxMessages, visibilityTimeout, wait, null, cancellationToken);
        return received.Select(r => new QueueMessage(
            r.Message.MessageId,
            r.Receipt,
            r.Message.Body,
            r.Message.Md5OfBody,
            SqsService.SystemAttributes(q, r),
            r.Message.Attributes,
            r.Message.Md5OfAttributes)).ToList();
    }

    public Task DeleteAsync(string queueArn, string receiptHandle, CancellationToken cancellationToken = default)
    {
        service.DeleteOne(Queue(queueArn), receiptHandle);
        return Task.CompletedTask;
    }

    public Task ChangeVisibilityAsync(string queueArn, string receiptHandle, TimeSpan visibilityTimeout, CancellationToken cancellationToken = default)
    {
        service.ChangeVisibility(Queue(queueArn), receiptHandle, (long)visibilityTimeout.TotalSeconds);
        return Task.CompletedTask;
    }

    private SqsQueue Queue(string arn) => service.FindByArn(arn) ?? throw SqsErrors.NonExistentQueue();
}
