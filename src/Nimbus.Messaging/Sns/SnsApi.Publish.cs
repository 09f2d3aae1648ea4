using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using Microsoft.AspNetCore.Http;
using Nimbus.Core.Errors;
using static Nimbus.Messaging.Sns.SnsXml;

namespace Nimbus.Messaging.Sns;

/// <summary>Publish and PublishBatch: validation, then fan-out through <see cref="SnsPublisher"/>.</summary>
internal sealed partial class SnsApi
{
    [GeneratedRegex("^[A-Za-z0-9_-]{1,80}$")]
    private static partial Regex BatchEntryId();

    private Task Publish(HttpContext http, string action, IReadOnlyDictionary<string, string> p)
    {
        var topicArn = p.Get("TopicArn") ?? p.Get("TargetArn");
        if (string.IsNullOrEmpty(topicArn))
        {
            throw p.Get("PhoneNumber") is not null
                ? SnsErrors.InvalidParameter("PhoneNumber Reason: Nimbus does not send SMS")
                : SnsErrors.InvalidParameter("TopicArn or TargetArn Reason: no value for required parameter");
        }

        if (topicArn.Split(':').Length < 6)
        {
            throw SnsErrors.InvalidParameter($"{(p.Get("TopicArn") is null ? "TargetArn" : "TopicArn")} Reason: An ARN must have at least 6 elements, not {topicArn.Split(':').Length}");
        }

        var topic = RequireTopic(topicArn);
        var accepted = publisher.Publish(topic, ReadRequest(p, topic));
        return WriteAsync(http, action, RequestId(http), E("MessageId", accepted.MessageId),
            accepted.SequenceNumber is null ? null : E("SequenceNumber", accepted.SequenceNumber));
    }

    private Task PublishBatch(HttpContext http, string action, IReadOnlyDictionary<string, string> p)
    {
        var topic = RequireTopic(p.RequiredArn("TopicArn"));
        var entries = p.Members("PublishBatchRequestEntries");
        if (entries.Count == 0)
        {
            throw new AwsServiceException("EmptyBatchRequest", "The batch request doesn't contain any entries", 400);
        }

        if (entries.Count > 10)
        {
            throw new AwsServiceException("TooManyEntriesInBatchRequest", "The batch request contains more entries than permissible.", 400);
        }

        var ids = entries.Select(e => e.GetValueOrDefault("Id") ?? "").ToList();
        if (ids.Any(id => !BatchEntryId().IsMatch(id)))
        {
            throw new AwsServiceException("InvalidBatchEntryId", "A batch entry id can only contain alphanumeric characters, hyphens and underscores. It can be at most 80 letters long.", 400);
        }

        if (ids.Distinct(StringComparer.Ordinal).Count() != ids.Count)
        {
            throw new AwsServiceException("BatchEntryIdsNotDistinct", "Two or more batch entries in the request have the same Id.", 400);
        }

        if (entries.Sum(e => Encoding.UTF8.GetByteCount(e.GetValueOrDefault("Message") ?? "")) > SnsPublisher.MaxMessageBytes)
        {
            throw new AwsServiceException("BatchRequestTooLong", "The length of all the messages put together is more than the limit.", 400);
        }

        var successful = new List<XElement>();
        var failed = new List<XElement>();
        foreach (var entry in entries)
        {
            try
            {
                var accepted = publisher.Publish(topic, ReadRequest(entry, topic));
                successful.Add(E("member", E("Id", entry["Id"]), E("MessageId", accepted.MessageId),
                    accepted.SequenceNumber is null ? null : E("SequenceNumber", accepted.SequenceNumber)));
            }
            catch (AwsServiceException e)
            {
                failed.Add(E("member", E("Id", entry["Id"]), E("Code", e.Error.Code), E("Message", e.Error.Message), E("SenderFault", "true")));
            }
        }

        return WriteAsync(http, action, RequestId(http), E("Successful", successful), E("Failed", failed));
    }

    private static PublishRequest ReadRequest(IReadOnlyDictionary<string, string> p, Topic topic)
    {
        var message = p.Get("Message");
        if (string.IsNullOrEmpty(message))
        {
            throw SnsErrors.InvalidParameter("Empty message");
        }

        if (Encoding.UTF8.GetByteCount(message) > SnsPublisher.MaxMessageBytes)
        {
            throw SnsErrors.InvalidParameter("Message too long");
        }

        var subject = p.Get("Subject");
        if (subject is not null && (subject.Length is 0 or > 100 || subject.Any(c => c < 32 || c > 126)))
        {
            throw SnsErrors.InvalidParameter("Subject");
        }

        var structure = p.Get("MessageStructure");
        if (structure is not null && structure != "json")
        {
            throw SnsErrors.InvalidParameter("MessageStructure");
        }

        if (structure == "json")
        {
            SnsPublisher.ValidateStructure(message);
        }

        var groupId = p.Get("MessageGroupId");
        var dedupId = p.Get("MessageDeduplicationId");
        if (topic.IsFifo)
        {
            if (string.IsNullOrEmpty(groupId))
            {
                throw SnsErrors.InvalidParameter("The MessageGroupId parameter is required for FIFO topics");
            }

            if (dedupId is null && !topic.ContentBasedDeduplication)
            {
                throw SnsErrors.InvalidParameter("The topic should either have ContentBasedDeduplication enabled or MessageDeduplicationId provided explicitly");
            }
        }
        else if (dedupId is not null)
        {
            throw SnsErrors.InvalidParameter("MessageDeduplicationId Reason: The request includes MessageDeduplicationId parameter that is not valid for this topic type");
        }

        return new PublishRequest(message, subject, structure == "json", ReadAttributes(p), groupId, dedupId);
    }

    private static Dictionary<string, (string, string)> ReadAttributes(IReadOnlyDictionary<string, string> p)
    {
        var result = new Dictionary<string, (string, string)>(StringComparer.Ordinal);
        for (var n = 1; p.Get($"MessageAttributes.entry.{n}.Name") is { } name; n++)
        {
            var prefix = $"MessageAttributes.entry.{n}.Value.";
            var type = p.Get(prefix + "DataType") ?? "";
            var value = type.StartsWith("Binary", StringComparison.Ordinal) ? p.Get(prefix + "BinaryValue") : p.Get(prefix + "StringValue");
            if (type.Length == 0)
            {
                throw SnsErrors.InvalidParameterValue($"The message attribute '{name}' must contain non-empty message attribute type.");
            }

            var baseType = type.Split('.')[0];
            if (baseType is not "String" and not "Number" and not "Binary")
            {
                throw SnsErrors.InvalidParameterValue($"The message attribute '{name}' has an invalid message attribute type, the set of supported type prefixes is Binary, Number, and String.");
            }

            if (string.IsNullOrEmpty(value))
            {
                throw SnsErrors.InvalidParameterValue($"The message attribute '{name}' must contain non-empty message attribute value for message attribute type '{type}'.");
            }

            if (baseType == "Number" && !double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out _))
            {
                throw SnsErrors.InvalidParameterValue($"Could not cast message attribute '{name}' value to number.");
            }

            if (type == "String.Array" && !IsJsonArray(value))
            {
                throw SnsErrors.InvalidParameterValue($"The message attribute '{name}' with type 'String.Array' must use a valid JSON array.");
            }

            result[name] = (type, value);
        }

        if (result.Count > 10)
        {
            throw SnsErrors.InvalidParameterValue("Number of message attributes [" + result.Count + "] exceeds the allowed maximum [10].");
        }

        return result;
    }

    private static bool IsJsonArray(string value)
    {
        try
        {
            return JsonNode.Parse(value) is JsonArray;
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
