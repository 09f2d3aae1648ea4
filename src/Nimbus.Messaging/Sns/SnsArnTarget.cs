using Nimbus.Core.Identity;
using Nimbus.Core.Targets;

namespace Nimbus.Messaging.Sns;

/// <summary>The <c>sns</c> delivery target: publishes a message to a topic (EventBridge targets, Lambda destinations, Step Functions).</summary>
internal sealed class SnsArnTarget(SnsStore store, SnsPublisher publisher) : IArnTarget
{
    public string Service => "sns";

    public Task<ArnDeliveryResult> DeliverAsync(Arn arn, ArnMessage message, CancellationToken cancellationToken)
    {
        var topic = store.Topic(arn.ToString()) ?? throw new ArnDeliveryException("NotFound", $"Topic does not exist: {arn}");
        var attributes = (message.Attributes ?? new Dictionary<string, string>()).ToDictionary(a => a.Key, a => ("String", a.Value), StringComparer.Ordinal);
        var groupId = message.MessageGroupId ?? (topic.IsFifo ? "default" : null);
        var dedupId = message.DeduplicationId ?? (topic.IsFifo && !topic.ContentBasedDeduplication ? Guid.NewGuid().ToString() : null);
        var accepted = publisher.Publish(topic, new PublishRequest(message.Body, message.Subject, false, attributes, groupId, dedupId));
        return Task.FromResult(new ArnDeliveryResult(accepted.MessageId));
    }
}
