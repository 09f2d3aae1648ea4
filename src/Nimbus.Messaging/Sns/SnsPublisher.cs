using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Nimbus.Core.Identity;

namespace Nimbus.Messaging.Sns;

/// <summary>Fans a message out to a topic's confirmed, matching subscriptions by committing one outbox entry per delivery.</summary>
/// <remarks>Publish returns once the entries are committed; <see cref="SnsDeliveryWorker"/> delivers them afterwards.</remarks>
internal sealed class SnsPublisher(SnsStore store, SnsDeliverySignal signal, TimeProvider time)
{
    public const int MaxMessageBytes = 256 * 1024;

    public SnsStore.Accepted Publish(Topic topic, PublishRequest request)
    {
        var now = time.GetUtcNow();
        var messageId = Guid.NewGuid().ToString();
        var dedupId = request.DedupId;
        if (topic.IsFifo && dedupId is null && topic.ContentBasedDeduplication)
        {
            dedupId = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(request.Message)));
        }

        JsonObject? structure = request.JsonStructure ? (JsonObject)JsonNode.Parse(request.Message)! : null;
        var accepted = store.Accept(topic, messageId, dedupId, now.ToUnixTimeMilliseconds(), sequence =>
        {
            var entries = new List<OutboxEntry>();
            foreach (var sub in store.SubscriptionsOf(topic.Arn))
            {
                if (sub.Pending)
                {
                    continue;
                }

                var message = structure is null ? request.Message : (structure[sub.Protocol] ?? structure["default"])!.GetValue<string>();
                if (sub.Filter is { } filter && !filter.Matches(message, request.Attributes))
                {
                    continue;
                }

                entries.Add(Render(topic, sub, messageId, message, request, sequence, now, dedupId));
            }

            return entries;
        });
        if (!accepted.Duplicate)
        {
            signal.Notify();
        }

        return accepted;
    }

    /// <summary>Stores a pending http(s) subscription together with its SubscriptionConfirmation request.</summary>
    public void SubscribePending(Topic topic, Subscription sub)
    {
        var now = time.GetUtcNow();
        var messageId = Guid.NewGuid().ToString();
        var subscribeUrl = $"{sub.BaseUrl}/?Action=ConfirmSubscription&TopicArn={Uri.EscapeDataString(topic.Arn)}&Token={sub.Token}";
        var body = SnsEnvelope.Confirmation(messageId, sub.Token!, topic.Arn, subscribeUrl, now, topic.Region);
        store.PutSubscription(sub, now.ToUnixTimeMilliseconds(), new OutboxEntry(
            0, "SubscriptionConfirmation", sub.Arn, sub.Protocol, sub.Endpoint, messageId, body, null, null, null, null,
            topic.Account, topic.Region, 0, now.ToUnixTimeMilliseconds()));
        signal.Notify();
    }

    private static OutboxEntry Render(Topic topic, Subscription sub, string messageId, string message, PublishRequest request, string? sequence, DateTimeOffset now, string? dedupId)
    {
        var unsubscribeUrl = $"{sub.BaseUrl}/?Action=Unsubscribe&SubscriptionArn={Uri.EscapeDataString(sub.Arn)}";
        string body;
        string? attributes = null;
        if (sub.Protocol == "lambda")
        {
            body = SnsEnvelope.LambdaEvent(sub.Arn, messageId, topic.Arn, request.Subject, message, now, request.Attributes, unsubscribeUrl, topic.Region);
        }
        else if (sub.RawMessageDelivery)
        {
            body = message;
            attributes = request.Attributes.Count > 0 ? SnsEnvelope.AttributesJson(request.Attributes) : null;
        }
        else
        {
            body = SnsEnvelope.Notification(messageId, topic.Arn, request.Subject, message, now, sequence, request.Attributes, unsubscribeUrl, topic.Region);
        }

        return new OutboxEntry(0, "Notification", sub.Arn, sub.Protocol, sub.Endpoint, messageId, body, attributes, request.Subject,
            request.GroupId, dedupId, topic.Account, topic.Region, 0, now.ToUnixTimeMilliseconds());
    }

    /// <summary>Checks a MessageStructure=json message: a JSON object of strings with a <c>default</c> entry.</summary>
    public static void ValidateStructure(string message)
    {
        JsonNode? node;
        try
        {
            node = JsonNode.Parse(message);
        }
        catch (JsonException)
        {
            throw SnsErrors.InvalidParameter("Message Structure - JSON message body failed to parse");
        }

        if (node is not JsonObject o)
        {
            throw SnsErrors.InvalidParameter("Message Structure - JSON message body failed to parse");
        }

        if (!o.ContainsKey("default"))
        {
            throw SnsErrors.InvalidParameter("Message Structure - No default entry in JSON message body");
        }

        if (o.Any(p => p.Value is not JsonValue v || v.GetValueKind() != JsonValueKind.String))
        {
            throw SnsErrors.InvalidParameter("Message Structure - Message must be a string");
        }
    }

    public static AwsRequestContext CallerFor(OutboxEntry e) => new(e.Account, e.Region, Guid.NewGuid().ToString());
}
