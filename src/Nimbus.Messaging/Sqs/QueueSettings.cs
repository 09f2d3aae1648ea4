using System.Collections.Immutable;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Nimbus.Messaging.Sqs;

/// <summary>A queue's settable attributes, validated, with AWS's defaults filled in.</summary>
/// <remarks>Immutable: SetQueueAttributes builds a new instance and the queue swaps it in.
/// Values are kept as the strings the API returns; typed accessors parse them once.</remarks>
internal sealed record QueueSettings
{
    /// <summary>AWS raised the message size limit from 256 KiB to 1 MiB in 2025; new queues default to the maximum.</summary>
    public const int MaxMessageSize = 1_048_576;

    private static readonly string[] Common =
    [
        "DelaySeconds", "MaximumMessageSize", "MessageRetentionPeriod", "Policy", "ReceiveMessageWaitTimeSeconds",
        "VisibilityTimeout", "RedrivePolicy", "RedriveAllowPolicy", "KmsMasterKeyId", "KmsDataKeyReusePeriodSeconds",
        "SqsManagedSseEnabled",
    ];

    private static readonly string[] FifoOnly = ["FifoQueue", "ContentBasedDeduplication", "DeduplicationScope", "FifoThroughputLimit"];

    public ImmutableSortedDictionary<string, string> Values { get; private init; } = ImmutableSortedDictionary<string, string>.Empty.WithComparers(StringComparer.Ordinal);

    public bool Fifo => Get("FifoQueue") == "true";

    public int VisibilityTimeout => Int("VisibilityTimeout");

    public int DelaySeconds => Int("DelaySeconds");

    public int RetentionSeconds => Int("MessageRetentionPeriod");

    public int MaximumMessageSize => Int("MaximumMessageSize");

    public int ReceiveWaitSeconds => Int("ReceiveMessageWaitTimeSeconds");

    public bool ContentBasedDeduplication => Get("ContentBasedDeduplication") == "true";

    public bool DeduplicationPerGroup => Get("DeduplicationScope") == "messageGroup";

    public RedrivePolicy? Redrive => Get("RedrivePolicy") is { Length: > 0 } text ? RedrivePolicy.Parse(text) : null;

    public string? Get(string name) => Values.GetValueOrDefault(name);

    /// <summary>Whether <paramref name="name"/> is an attribute a queue of this type can have set.</summary>
    public static bool IsSettable(string name, bool fifo) => Common.Contains(name) || (fifo && FifoOnly.Contains(name));

    public static QueueSettings Defaults(bool fifo)
    {
        var values = ImmutableSortedDictionary.CreateBuilder<string, string>(StringComparer.Ordinal);
        values["DelaySeconds"] = "0";
        values["MaximumMessageSize"] = MaxMessageSize.ToString(CultureInfo.InvariantCulture);
        values["MessageRetentionPeriod"] = "345600";
        values["ReceiveMessageWaitTimeSeconds"] = "0";
        values["VisibilityTimeout"] = "30";
        values["SqsManagedSseEnabled"] = "true";
        if (fifo)
        {
            values["FifoQueue"] = "true";
            values["ContentBasedDeduplication"] = "false";
            values["DeduplicationScope"] = "queue";
            values["FifoThroughputLimit"] = "perQueue";
        }

        return new QueueSettings { Values = values.ToImmutable() };
    }

    /// <summary>Applies changes after validating each; throws InvalidAttributeName/InvalidAttributeValue as SQS does.</summary>
    /// <param name="dlqExists">Resolves a dead-letter target ARN to whether it exists and is FIFO (null: no such queue).</param>
    public QueueSettings With(IReadOnlyDictionary<string, string> changes, bool creating, Func<string, bool?> dlqExists)
    {
        var values = Values.ToBuilder();
        var fifo = Fifo;
        foreach (var (name, raw) in changes)
        {
            if (!IsSettable(name, fifo))
            {
                throw SqsErrors.InvalidAttributeName(name);
            }

            var value = raw ?? "";
            switch (name)
            {
                case "DelaySeconds": Range(name, value, 0, 900); break;
                case "MaximumMessageSize": Range(name, value, 1024, MaxMessageSize); break;
                case "MessageRetentionPeriod": Range(name, value, 60, 1_209_600); break;
                case "ReceiveMessageWaitTimeSeconds": Range(name, value, 0, 20); break;
                case "VisibilityTimeout": Range(name, value, 0, 43_200); break;
                case "KmsDataKeyReusePeriodSeconds": Range(name, value, 60, 86_400); break;
                case "SqsManagedSseEnabled":
                case "ContentBasedDeduplication":
                    value = Bool(name, value);
                    break;
                case "FifoQueue":
                    if (!creating)
                    {
                        throw SqsErrors.InvalidAttributeName(name);
                    }

                    value = Bool(name, value);
                    break;
                case "DeduplicationScope":
                    OneOf(name, value, "messageGroup", "queue");
                    break;
                case "FifoThroughputLimit":
                    OneOf(name, value, "perQueue", "perMessageGroupId");
                    break;
                case "Policy":
                case "RedriveAllowPolicy":
                    if (value.Length > 0 && !IsJsonObject(value))
                    {
                        throw SqsErrors.InvalidAttributeValue(name);
                    }

                    if (name == "RedriveAllowPolicy" && value.Length > 0)
                    {
                        ValidateRedriveAllow(value);
                    }

                    break;
                case "RedrivePolicy":
                    if (value.Length > 0)
                    {
                        var policy = RedrivePolicy.Parse(value) ?? throw SqsErrors.InvalidParameter(name, value, "Redrive policy is not a valid JSON map.");
                        if (policy.MaxReceiveCount is < 1 or > 1000)
                        {
                            throw SqsErrors.InvalidParameter(name, value, "Invalid value for maxReceiveCount: " + policy.MaxReceiveCount.ToString(CultureInfo.InvariantCulture) + ", valid values are from 1 to 1000 both inclusive.");
                        }

                        switch (dlqExists(policy.DeadLetterTargetArn))
                        {
                            case null:
                                throw SqsErrors.InvalidParameter(name, value, "Dead letter target does not exist.");
                            case var dlqFifo when dlqFifo != fifo:
                                throw SqsErrors.InvalidParameter(name, value, "Dead-letter queue must be same type of queue as the source.");
                        }

                        value = policy.ToJson();
                    }

                    break;
            }

            if (value.Length == 0 && name is "Policy" or "RedrivePolicy" or "RedriveAllowPolicy" or "KmsMasterKeyId")
            {
                values.Remove(name);
            }
            else
            {
                values[name] = value;
            }
        }

        if (values.GetValueOrDefault("FifoThroughputLimit") == "perMessageGroupId" && values.GetValueOrDefault("DeduplicationScope") != "messageGroup")
        {
            throw SqsErrors.InvalidAttributeValue("FifoThroughputLimit", "The perMessageGroupId value is allowed only when the value for DeduplicationScope is messageGroup");
        }

        return new QueueSettings { Values = values.ToImmutable() };
    }

    private int Int(string name) => int.Parse(Values[name], CultureInfo.InvariantCulture);

    private static void Range(string name, string value, int min, int max)
    {
        if (!int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n < min || n > max)
        {
            throw SqsErrors.InvalidAttributeValue(name);
        }
    }

    private static string Bool(string name, string value) => value.ToLowerInvariant() switch
    {
        "true" => "true",
        "false" => "false",
        _ => throw SqsErrors.InvalidAttributeValue(name),
    };

    private static void OneOf(string name, string value, params string[] allowed)
    {
        if (!allowed.Contains(value, StringComparer.Ordinal))
        {
            throw SqsErrors.InvalidAttributeValue(name);
        }
    }

    private static bool IsJsonObject(string text)
    {
        try
        {
            return JsonNode.Parse(text) is JsonObject;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static void ValidateRedriveAllow(string value)
    {
        var obj = JsonNode.Parse(value)!.AsObject();
        var permission = obj["redrivePermission"]?.GetValue<string>();
        if (permission is not ("allowAll" or "denyAll" or "byQueue"))
        {
            throw SqsErrors.InvalidParameter("RedriveAllowPolicy", value, "Amazon SQS can't create the redrive allow policy, as it’s in an unsupported format.");
        }

        var sources = obj["sourceQueueArns"] as JsonArray;
        if ((permission == "byQueue") != (sources is { Count: > 0 }) || sources is { Count: > 10 })
        {
            throw SqsErrors.InvalidParameter("RedriveAllowPolicy", value, "Amazon SQS can't create the redrive allow policy, as it’s in an unsupported format.");
        }
    }
}

/// <summary>A queue's <c>RedrivePolicy</c>: where a message goes after <see cref="MaxReceiveCount"/> receives.</summary>
internal sealed record RedrivePolicy(string DeadLetterTargetArn, int MaxReceiveCount)
{
    /// <summary>Parses the JSON (maxReceiveCount may be a number or a numeric string, as AWS accepts); null when malformed.</summary>
    public static RedrivePolicy? Parse(string text)
    {
        try
        {
            if (JsonNode.Parse(text) is not JsonObject obj || obj["deadLetterTargetArn"] is not JsonValue arn || arn.GetValueKind() != JsonValueKind.String)
            {
                return null;
            }

            var count = obj["maxReceiveCount"] switch
            {
                JsonValue v when v.GetValueKind() == JsonValueKind.Number => v.GetValue<int>(),
                JsonValue v when v.GetValueKind() == JsonValueKind.String && int.TryParse(v.GetValue<string>(), CultureInfo.InvariantCulture, out var n) => n,
                _ => (int?)null,
            };
            return count is null ? null : new RedrivePolicy(arn.GetValue<string>(), count.Value);
        }
        catch (Exception e) when (e is JsonException or FormatException or InvalidOperationException)
        {
            return null;
        }
    }

    public string ToJson() => new JsonObject { ["deadLetterTargetArn"] = DeadLetterTargetArn, ["maxReceiveCount"] = MaxReceiveCount }.ToJsonString();
}
