using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Nimbus.Core.Errors;
using Nimbus.Core.Messaging;

namespace Nimbus.Messaging.Sqs;

/// <summary>A validated message about to be sent (one SendMessage, or one entry of SendMessageBatch).</summary>
internal sealed record OutgoingMessage(
    string Body,
    IReadOnlyList<QueueMessageAttribute> Attributes,
    IReadOnlyList<QueueMessageAttribute> SystemAttributes,
    int? DelaySeconds,
    string? GroupId,
    string? DeduplicationId)
{
    /// <summary>The size SQS counts against MaximumMessageSize: the body plus each attribute's name, type and value.</summary>
    public long Size => Encoding.UTF8.GetByteCount(Body) + Attributes.Sum(a =>
        (long)Encoding.UTF8.GetByteCount(a.Name) + Encoding.UTF8.GetByteCount(a.DataType)
        + (a.BinaryValue?.Length ?? Encoding.UTF8.GetByteCount(a.StringValue ?? "")));

    /// <summary>Reads and validates a SendMessage request (or batch entry) for <paramref name="queue"/>.</summary>
    public static OutgoingMessage Read(JsonObject input, QueueSettings queue)
    {
        var body = JsonInput.String(input, "MessageBody");
        if (string.IsNullOrEmpty(body))
        {
            throw SqsErrors.MissingParameter("MessageBody");
        }

        if (!ValidContent(body))
        {
            throw SqsErrors.InvalidMessageContents();
        }

        var delay = JsonInput.Long(input, "DelaySeconds");
        if (delay is not null)
        {
            if (queue.Fifo)
            {
                throw SqsErrors.InvalidParameter("DelaySeconds", delay, "The request include parameter that is not valid for this queue type");
            }

            if (delay is < 0 or > 900)
            {
                throw SqsErrors.InvalidParameter("DelaySeconds", delay, "DelaySeconds must be >= 0 and <= 900");
            }
        }

        var group = JsonInput.String(input, "MessageGroupId");
        var dedup = JsonInput.String(input, "MessageDeduplicationId");
        if (queue.Fifo)
        {
            if (string.IsNullOrEmpty(group))
            {
                throw SqsErrors.MissingParameter("MessageGroupId");
            }

            if (dedup is null && !queue.ContentBasedDeduplication)
            {
                throw SqsErrors.InvalidParameterValue("The queue should either have ContentBasedDeduplication enabled or MessageDeduplicationId provided explicitly");
            }
        }
        else if (dedup is not null)
        {
            throw SqsErrors.InvalidParameter("MessageDeduplicationId", dedup, "The request include parameter that is not valid for this queue type");
        }

        ValidateToken("MessageGroupId", group);
        ValidateToken("MessageDeduplicationId", dedup);

        var attributes = ReadAttributes(input["MessageAttributes"], "message (user)", 10);
        var system = ReadAttributes(input["MessageSystemAttributes"], "message system", 10);
        foreach (var a in system)
        {
            if (a.Name != "AWSTraceHeader")
            {
                throw SqsErrors.InvalidParameterValue($"Message system attribute name '{a.Name}' is invalid.");
            }

            if (a.DataType != "String")
            {
                throw SqsErrors.InvalidParameterValue("Message system attribute 'AWSTraceHeader' must be of type 'String'.");
            }
        }

        var message = new OutgoingMessage(body, attributes, system, delay is null ? null : (int)delay, group, dedup);
        if (message.Size > queue.MaximumMessageSize)
        {
            throw SqsErrors.InvalidParameterValue($"One or more parameters are invalid. Reason: Message must be shorter than {queue.MaximumMessageSize} bytes.");
        }

        return message;
    }

    /// <summary>Whether every character is one SQS accepts: #x9 | #xA | #xD | #x20–#xD7FF | #xE000–#xFFFD | #x10000–#x10FFFF.</summary>
    public static bool ValidContent(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (char.IsHighSurrogate(c))
            {
                if (i + 1 >= text.Length || !char.IsLowSurrogate(text[i + 1]))
                {
                    return false;
                }

                i++;
                continue;
            }

            if (!(c is '\t' or '\n' or '\r' || (c >= 0x20 && c <= 0xD7FF) || (c >= 0xE000 && c <= 0xFFFD)))
            {
                return false;
            }
        }

        return true;
    }

    private static void ValidateToken(string parameter, string? value)
    {
        if (value is null)
        {
            return;
        }

        if (value.Length is 0 or > 128 || value.Any(c => c < 0x21 || c > 0x7E))
        {
            throw SqsErrors.InvalidParameter(parameter, value, $"{parameter} can only include alphanumeric and punctuation characters. 1 to 128 in length.");
        }
    }

    private static List<QueueMessageAttribute> ReadAttributes(JsonNode? node, string kind, int max)
    {
        if (node is null)
        {
            return [];
        }

        if (node is not JsonObject map)
        {
            throw CommonErrors.SerializationException("Unexpected value for message attributes.").ToException();
        }

        if (map.Count > max)
        {
            throw SqsErrors.InvalidParameterValue($"Number of message attributes [{map.Count}] exceeds the allowed maximum [{max}].");
        }

        var list = new List<QueueMessageAttribute>(map.Count);
        foreach (var (name, value) in map)
        {
            ValidateName(name, kind);
            if (value is not JsonObject v)
            {
                throw CommonErrors.SerializationException($"Unexpected value for message attribute '{name}'.").ToException();
            }

            var type = JsonInput.String(v, "DataType");
            if (string.IsNullOrEmpty(type))
            {
                throw SqsErrors.InvalidParameterValue($"The {kind} attribute '{name}' must contain non-empty message attribute type.");
            }

            var baseType = type.Split('.', 2)[0];
            if (baseType is not ("String" or "Number" or "Binary") || type.Length > 256)
            {
                throw SqsErrors.InvalidParameterValue($"The type of {kind} attribute '{name}' is invalid. You must use only the following supported type prefixes: Binary, Number, String.");
            }

            if (baseType == "Binary")
            {
                var base64 = JsonInput.String(v, "BinaryValue");
                byte[] bytes;
                try
                {
                    bytes = base64 is null ? [] : Convert.FromBase64String(base64);
                }
                catch (FormatException)
                {
                    throw SqsErrors.InvalidParameterValue($"The {kind} attribute '{name}' has an invalid binary value.");
                }

                if (bytes.Length == 0)
                {
                    throw SqsErrors.InvalidParameterValue($"The {kind} attribute '{name}' must contain a non-empty message attribute value for message attribute type '{type}'.");
                }

                list.Add(new QueueMessageAttribute(name, type, null, bytes));
                continue;
            }

            var text = JsonInput.String(v, "StringValue");
            if (string.IsNullOrEmpty(text))
            {
                throw SqsErrors.InvalidParameterValue($"The {kind} attribute '{name}' must contain a non-empty message attribute value for message attribute type '{type}'.");
            }

            if (!ValidContent(text))
            {
                throw SqsErrors.InvalidParameterValue($"The {kind} attribute '{name}' contains invalid characters.");
            }

            if (baseType == "Number" && !IsNumber(text))
            {
                throw SqsErrors.InvalidParameterValue($"Can't cast the value of {kind} attribute '{name}' to a number.");
            }

            list.Add(new QueueMessageAttribute(name, type, text, null));
        }

        return list;
    }

    private static void ValidateName(string name, string kind)
    {
        var valid = name.Length is > 0 and <= 256
            && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.')
            && !name.StartsWith('.') && !name.EndsWith('.') && !name.Contains("..", StringComparison.Ordinal);
        if (!valid)
        {
            throw SqsErrors.InvalidParameterValue($"The {kind} attribute name '{name}' is invalid. The name can contain alphanumeric characters, hyphens (-), underscores (_), and periods (.); it can't start or end with a period, or contain successive periods.");
        }

        if (kind.StartsWith("message (user)", StringComparison.Ordinal)
            && (name.StartsWith("AWS.", StringComparison.OrdinalIgnoreCase) || name.StartsWith("Amazon.", StringComparison.OrdinalIgnoreCase)))
        {
            throw SqsErrors.InvalidParameterValue($"The {kind} attribute name '{name}' is reserved for use by Amazon Web Services.");
        }
    }

    private static bool IsNumber(string text) =>
        decimal.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out _)
        || double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && double.IsFinite(d);

    /// <summary>The attributes as the JSON shape <c>MessageBodyAttributeMap</c>.</summary>
    public static JsonObject ToJson(IEnumerable<QueueMessageAttribute> attributes)
    {
        var o = new JsonObject();
        foreach (var a in attributes)
        {
            var v = new JsonObject { ["DataType"] = a.DataType };
            if (a.BinaryValue is not null)
            {
                v["BinaryValue"] = Convert.ToBase64String(a.BinaryValue);
            }
            else
            {
                v["StringValue"] = a.StringValue;
            }

            o[a.Name] = v;
        }

        return o;
    }
}
