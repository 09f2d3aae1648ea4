using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Nimbus.Messaging.Sns;

/// <summary>Renders what SNS delivers: the JSON envelope (SQS, HTTP), the Lambda event, and confirmation requests.</summary>
/// <remarks>
/// Shapes follow "Amazon SNS message and JSON formats" and the Lambda SNS event. Nimbus does not sign messages: the
/// <c>Signature</c> is a digest of the message in base64 so it has the right form, and <c>SigningCertURL</c> points at
/// AWS's certificate path for the region; a subscriber that verifies signatures against AWS's certificate will reject it.
/// </remarks>
internal static class SnsEnvelope
{
    public static string Notification(string messageId, string topicArn, string? subject, string message, DateTimeOffset timestamp,
        string? sequenceNumber, IReadOnlyDictionary<string, (string Type, string Value)> attributes, string unsubscribeUrl, string region)
    {
        var o = new JsonObject
        {
            ["Type"] = "Notification",
            ["MessageId"] = messageId,
        };
        if (sequenceNumber is not null)
        {
            o["SequenceNumber"] = sequenceNumber;
        }

        o["TopicArn"] = topicArn;
        if (subject is not null)
        {
            o["Subject"] = subject;
        }

        o["Message"] = message;
        o["Timestamp"] = Timestamp(timestamp);
        o["SignatureVersion"] = "1";
        o["Signature"] = Sign(messageId + message);
        o["SigningCertURL"] = CertUrl(region);
        o["UnsubscribeURL"] = unsubscribeUrl;
        if (attributes.Count > 0)
        {
            o["MessageAttributes"] = Attributes(attributes);
        }

        return o.ToJsonString();
    }

    public static string LambdaEvent(string subscriptionArn, string messageId, string topicArn, string? subject, string message,
        DateTimeOffset timestamp, IReadOnlyDictionary<string, (string Type, string Value)> attributes, string unsubscribeUrl, string region) =>
        new JsonObject
        {
            ["Records"] = new JsonArray(new JsonObject
            {
                ["EventSource"] = "aws:sns",
                ["EventVersion"] = "1.0",
                ["EventSubscriptionArn"] = subscriptionArn,
                ["Sns"] = new JsonObject
                {
                    ["Type"] = "Notification",
                    ["MessageId"] = messageId,
                    ["TopicArn"] = topicArn,
                    ["Subject"] = subject,
                    ["Message"] = message,
                    ["Timestamp"] = Timestamp(timestamp),
                    ["SignatureVersion"] = "1",
                    ["Signature"] = Sign(messageId + message),
                    ["SigningCertUrl"] = CertUrl(region),
                    ["UnsubscribeUrl"] = unsubscribeUrl,
                    ["MessageAttributes"] = Attributes(attributes),
                },
            }),
        }.ToJsonString();

    public static string Confirmation(string messageId, string token, string topicArn, string subscribeUrl, DateTimeOffset timestamp, string region) =>
        new JsonObject
        {
            ["Type"] = "SubscriptionConfirmation",
            ["MessageId"] = messageId,
            ["Token"] = token,
            ["TopicArn"] = topicArn,
            ["Message"] = $"You have chosen to subscribe to the topic {topicArn}.\nTo confirm the subscription, visit the SubscribeURL included in this message.",
            ["SubscribeURL"] = subscribeUrl,
            ["Timestamp"] = Timestamp(timestamp),
            ["SignatureVersion"] = "1",
            ["Signature"] = Sign(messageId + token),
            ["SigningCertURL"] = CertUrl(region),
        }.ToJsonString();

    /// <summary>Raw delivery's attributes, kept with the outbox entry: <c>{"name": {"Type": …, "Value": …}}</c>.</summary>
    public static string AttributesJson(IReadOnlyDictionary<string, (string Type, string Value)> attributes) => Attributes(attributes).ToJsonString();

    public static IReadOnlyDictionary<string, string> ParseAttributeValues(string? json)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        if (json is not null && JsonNode.Parse(json) is JsonObject o)
        {
            foreach (var (k, v) in o)
            {
                result[k] = v?["Value"]?.GetValue<string>() ?? "";
            }
        }

        return result;
    }

    private static JsonObject Attributes(IReadOnlyDictionary<string, (string Type, string Value)> attributes)
    {
        var o = new JsonObject();
        foreach (var (name, (type, value)) in attributes.OrderBy(a => a.Key, StringComparer.Ordinal))
        {
            o[name] = new JsonObject { ["Type"] = type, ["Value"] = value };
        }

        return o;
    }

    public static string Timestamp(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", System.Globalization.CultureInfo.InvariantCulture);

    private static string CertUrl(string region) => $"https://sns.{region}.amazonaws.com/SimpleNotificationService-nimbus.pem";

    private static string Sign(string text) => Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
}
