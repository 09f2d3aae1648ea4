using System.Text.Json;
using System.Text.Json.Nodes;
using Nimbus.Messaging.Patterns;

namespace Nimbus.Messaging.Sns;

/// <summary>Validation of the topic and subscription attributes SNS lets callers set.</summary>
internal static class SnsAttributes
{
    public static readonly HashSet<string> TopicSettable =
    [
        "DisplayName", "Policy", "DeliveryPolicy", "KmsMasterKeyId", "SignatureVersion", "TracingConfig",
        "ContentBasedDeduplication", "FifoThroughputScope", "ArchivePolicy", "DataProtectionPolicy",
        "HTTPSuccessFeedbackRoleArn", "HTTPFailureFeedbackRoleArn", "HTTPSuccessFeedbackSampleRate",
        "LambdaSuccessFeedbackRoleArn", "LambdaFailureFeedbackRoleArn", "LambdaSuccessFeedbackSampleRate",
        "SQSSuccessFeedbackRoleArn", "SQSFailureFeedbackRoleArn", "SQSSuccessFeedbackSampleRate",
    ];

    public static readonly HashSet<string> SubscriptionSettable =
    [
        "DeliveryPolicy", "FilterPolicy", "FilterPolicyScope", "RawMessageDelivery", "RedrivePolicy", "SubscriptionRoleArn", "ReplayPolicy",
    ];

    public static void ValidateTopic(string name, string value, bool fifo)
    {
        if (!TopicSettable.Contains(name) && name != "FifoTopic")
        {
            throw SnsErrors.InvalidParameter("AttributeName");
        }

        switch (name)
        {
            case "ContentBasedDeduplication" when !fifo:
                throw SnsErrors.InvalidParameter("Attributes Reason: Content-based deduplication can only be set for FIFO topics");
            case "ContentBasedDeduplication" when value is not "true" and not "false":
                throw SnsErrors.InvalidParameter("Attributes Reason: ContentBasedDeduplication must be true or false");
            case "SignatureVersion" when value is not "1" and not "2":
                throw SnsErrors.InvalidParameter("Attributes Reason: SignatureVersion must be 1 or 2");
            case "DisplayName" when value.Length > 100:
                throw SnsErrors.InvalidParameter("Attributes Reason: DisplayName must be at most 100 characters");
            case "Policy" or "DeliveryPolicy" when !IsJsonObject(value):
                throw SnsErrors.InvalidParameter($"Attributes Reason: {name}: Invalid JSON");
        }
    }

    /// <summary>Validates one subscription attribute; returns the value to store.</summary>
    public static string ValidateSubscription(string name, string value, string protocol, IReadOnlyDictionary<string, string> current)
    {
        if (!SubscriptionSettable.Contains(name))
        {
            throw SnsErrors.InvalidParameter("AttributeName");
        }

        switch (name)
        {
            case "RawMessageDelivery":
                if (!bool.TryParse(value, out var raw))
                {
                    throw SnsErrors.InvalidParameter("Attributes Reason: RawMessageDelivery: Invalid value [" + value + "]. Must be true or false.");
                }

                if (protocol is not "sqs" and not "http" and not "https" and not "firehose")
                {
                    throw SnsErrors.InvalidParameter("Attributes Reason: Delivery protocol [" + protocol + "] does not support raw message delivery.");
                }

                return raw ? "true" : "false";
            case "FilterPolicyScope":
                if (value is not "MessageAttributes" and not "MessageBody")
                {
                    throw SnsErrors.InvalidParameter("Attributes Reason: FilterPolicyScope: Invalid value [" + value + "]. Please use either MessageBody or MessageAttributes");
                }

                if (current.TryGetValue("FilterPolicy", out var existing) && existing.Length > 0)
                {
                    CompileFilter(existing, value == "MessageBody");
                }

                return value;
            case "FilterPolicy":
                if (value.Length > 0)
                {
                    CompileFilter(value, current.GetValueOrDefault("FilterPolicyScope") == "MessageBody");
                }

                return value;
            case "RedrivePolicy":
                if (value.Length > 0 && DeadLetterTarget(value) is null)
                {
                    throw SnsErrors.InvalidParameter("RedrivePolicy: deadLetterTargetArn is missing or is not an SQS queue ARN");
                }

                return value;
            case "DeliveryPolicy" when !IsJsonObject(value):
                throw SnsErrors.InvalidParameter("DeliveryPolicy: Invalid JSON");
            default:
                return value;
        }
    }

    public static void CompileFilter(string policy, bool bodyScope)
    {
        try
        {
            FilterPolicy.Parse(policy, bodyScope);
        }
        catch (PatternException e)
        {
            throw SnsErrors.InvalidParameter("FilterPolicy: " + e.Reason);
        }
    }

    public static string? DeadLetterTarget(string? redrivePolicy)
    {
        if (string.IsNullOrEmpty(redrivePolicy))
        {
            return null;
        }

        try
        {
            return JsonNode.Parse(redrivePolicy) is JsonObject o && o["deadLetterTargetArn"] is JsonValue v
                && v.GetValueKind() == JsonValueKind.String && v.GetValue<string>().StartsWith("arn:aws:sqs:", StringComparison.Ordinal)
                ? v.GetValue<string>() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static bool IsJsonObject(string value)
    {
        try
        {
            return JsonNode.Parse(value) is JsonObject;
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
