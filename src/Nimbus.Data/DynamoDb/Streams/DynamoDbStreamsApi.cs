using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Nimbus.Core.Errors;
using Nimbus.Core.Identity;
using Nimbus.Core.Protocols;

namespace Nimbus.Data.DynamoDb.Streams;

/// <summary>The DynamoDB Streams API (JSON 1.0, <c>DynamoDBStreams_20120810.*</c>, signed for <c>dynamodb</c>):
/// ListStreams, DescribeStream, GetShardIterator, GetRecords.</summary>
/// <remarks>The edge routes by <c>X-Amz-Target</c>, so the SDK's <c>streams.dynamodb.{region}</c> host and a custom endpoint
/// (the same one as DynamoDB's) both reach it.</remarks>
internal sealed class DynamoDbStreamsApi(StreamStore streams, TimeProvider time) : IJsonProtocolService
{
    public static readonly TimeSpan IteratorLifetime = TimeSpan.FromMinutes(15);
    private const int MaxRecordsBytes = 1024 * 1024;

    public string TargetPrefix => "DynamoDBStreams_20120810";

    public AwsProtocol Protocol => AwsProtocol.AwsJson10;

    public async Task HandleAsync(HttpContext http, string operation, AwsRequestContext caller)
    {
        JsonObject body;
        try
        {
            body = (await JsonNode.ParseAsync(http.Request.Body) as JsonObject) ?? [];
        }
        catch (System.Text.Json.JsonException e)
        {
            throw CommonErrors.SerializationException(e.Message).ToException();
        }

        var result = Dispatch(operation, body, caller);
        var bytes = Encoding.UTF8.GetBytes(result.ToJsonString());
        http.Response.ContentType = "application/x-amz-json-1.0";
        http.Response.Headers["x-amzn-RequestId"] = caller.RequestId;
        http.Response.Headers["x-amz-crc32"] = Nimbus.Data.S3.Crc32.Ieee(bytes).ToString(CultureInfo.InvariantCulture);
        await http.Response.Body.WriteAsync(bytes);
    }

    public JsonObject Dispatch(string operation, JsonObject body, AwsRequestContext caller) => operation switch
    {
        "ListStreams" => ListStreams(body, caller),
        "DescribeStream" => DescribeStream(body, caller),
        "GetShardIterator" => GetShardIterator(body, caller),
        "GetRecords" => GetRecords(body, caller),
        _ => throw CommonErrors.UnknownOperation("dynamodbstreams", operation).ToException(),
    };

    private static AwsServiceException Validation(string message) => new AwsError("ValidationException", message).ToException();

    private static AwsServiceException NotFound(string message) => new AwsError("ResourceNotFoundException", message).ToException();

    private static string? OptionalString(JsonObject body, string member, string wire, int min, int max)
    {
        var value = body[member]?.GetValue<string>();
        if (value is not null && (value.Length < min || value.Length > max))
        {
            throw Validation($"1 validation error detected: Value '{value}' at '{wire}' failed to satisfy constraint: Member must have length {(value.Length < min ? $"greater than or equal to {min}" : $"less than or equal to {max}")}");
        }

        return value;
    }

    private static string RequiredString(JsonObject body, string member, string wire, int min, int max) =>
        OptionalString(body, member, wire, min, max)
        ?? throw Validation($"1 validation error detected: Value null at '{wire}' failed to satisfy constraint: Member must not be null");

    private static int? Limit(JsonObject body, int max, string? overMessage = null)
    {
        var limit = body["Limit"]?.GetValue<int>();
        if (limit is < 1)
        {
            throw Validation($"1 validation error detected: Value '{limit}' at 'limit' failed to satisfy constraint: Member must have value greater than or equal to 1");
        }

        if (limit > max)
        {
            throw Validation(overMessage ?? $"1 validation error detected: Value '{limit}' at 'limit' failed to satisfy constraint: Member must have value less than or equal to {max}");
        }

        return limit;
    }

    private StreamStore.StreamInfo Stream(string arn, AwsRequestContext caller)
    {
        var stream = streams.Find(arn);
        return stream is not null && stream.Account == caller.AccountId && stream.Region == caller.Region
            ? stream
            : throw NotFound($"Requested resource not found: Stream: {arn} not found");
    }

    private JsonObject ListStreams(JsonObject body, AwsRequestContext caller)
    {
        var tableName = OptionalString(body, "TableName", "tableName", 3, 255);
        var limit = Limit(body, 100) ?? 100;
        var start = OptionalString(body, "ExclusiveStartStreamArn", "exclusiveStartStreamArn", 37, 1024);
        var all = streams.List(caller.AccountId, caller.Region, tableName);
        var from = 0;
        if (start is not null)
        {
            var index = all.FindIndex(s => s.Arn == start);
            if (index < 0)
            {
                throw NotFound($"Requested resource not found: Stream: {start} not found");
            }

            from = index + 1;
        }

        var page = all.Skip(from).Take(limit).ToList();
        var result = new JsonObject
        {
            ["Streams"] = new JsonArray([.. page.Select(s => (JsonNode)new JsonObject { ["StreamArn"] = s.Arn, ["TableName"] = s.TableName, ["StreamLabel"] = s.Label })]),
        };
        if (from + page.Count < all.Count)
        {
            result["LastEvaluatedStreamArn"] = page[^1].Arn;
        }

        return result;
    }

    private JsonObject DescribeStream(JsonObject body, AwsRequestContext caller)
    {
        var stream = Stream(RequiredString(body, "StreamArn", "streamArn", 37, 1024), caller);
        Limit(body, 100);
        var exclusiveStart = OptionalString(body, "ExclusiveStartShardId", "exclusiveStartShardId", 28, 65);
        var range = new JsonObject { ["StartingSequenceNumber"] = StreamStore.FormatSequence(Math.Max(stream.StartSeq, stream.TrimmedTo + 1)) };
        if (!stream.Enabled)
        {
            range["EndingSequenceNumber"] = StreamStore.FormatSequence(Math.Max(stream.EndingSeq ?? stream.StartSeq, stream.StartSeq));
        }

        var shards = new JsonArray();
        if (exclusiveStart != stream.ShardId)
        {
            shards.Add(new JsonObject { ["ShardId"] = stream.ShardId, ["SequenceNumberRange"] = range });
        }

        return new JsonObject
        {
            ["StreamDescription"] = new JsonObject
            {
                ["StreamArn"] = stream.Arn,
                ["StreamLabel"] = stream.Label,
                ["StreamStatus"] = stream.Enabled ? "ENABLED" : "DISABLED",
                ["StreamViewType"] = stream.ViewType,
                ["CreationRequestDateTime"] = stream.CreatedMs / 1000.0,
                ["TableName"] = stream.TableName,
                ["KeySchema"] = JsonNode.Parse(stream.KeySchema),
                ["Shards"] = shards,
            },
        };
    }

    private JsonObject GetShardIterator(JsonObject body, AwsRequestContext caller)
    {
        var arn = RequiredString(body, "StreamArn", "streamArn", 37, 1024);
        var shardId = RequiredString(body, "ShardId", "shardId", 28, 65);
        var type = body["ShardIteratorType"]?.GetValue<string>()
            ?? throw Validation("1 validation error detected: Value null at 'shardIteratorType' failed to satisfy constraint: Member must not be null");
        if (type is not ("TRIM_HORIZON" or "LATEST" or "AT_SEQUENCE_NUMBER" or "AFTER_SEQUENCE_NUMBER"))
        {
            throw Validation($"1 validation error detected: Value '{type}' at 'shardIteratorType' failed to satisfy constraint: Member must satisfy enum value set: [AFTER_SEQUENCE_NUMBER, LATEST, AT_SEQUENCE_NUMBER, TRIM_HORIZON]");
        }

        var sequence = OptionalString(body, "SequenceNumber", "sequenceNumber", 21, 40);
        var stream = Stream(arn, caller);
        if (shardId != stream.ShardId)
        {
            throw NotFound($"Requested resource not found: Shard does not exist");
        }

        long after;
        switch (type)
        {
            case "TRIM_HORIZON":
                after = Math.Max(stream.TrimmedTo, stream.StartSeq - 1);
                break;
            case "LATEST":
                after = streams.LastSequence(stream);
                break;
            default:
                if (sequence is null)
                {
                    throw Validation($"Must specify a sequence number for iterator type {type}");
                }

                if (!StreamStore.TryParseSequence(sequence, out var seq) || seq < stream.StartSeq || (stream.EndingSeq is { } end && seq > end))
                {
                    throw Validation($"Invalid SequenceNumber {sequence} for shard {shardId}");
                }

                if (seq <= stream.TrimmedTo)
                {
                    throw new AwsError("TrimmedDataAccessException", $"Attempted to access data that has been trimmed from the stream: {sequence}").ToException();
                }

                if (seq > streams.LastSequence(stream))
                {
                    throw Validation($"Invalid SequenceNumber {sequence} for shard {shardId}: it is beyond the last record of the shard");
                }

                after = type == "AT_SEQUENCE_NUMBER" ? seq - 1 : seq;
                break;
        }

        return new JsonObject { ["ShardIterator"] = Iterator.Encode(stream.Arn, shardId, after, time.GetUtcNow()) };
    }

    private JsonObject GetRecords(JsonObject body, AwsRequestContext caller)
    {
        var text = RequiredString(body, "ShardIterator", "shardIterator", 1, 2048);
        var limit = Limit(body, 1000) ?? 1000;
        if (!Iterator.TryDecode(text, out var iterator))
        {
            throw Validation("Invalid ShardIterator");
        }

        var now = time.GetUtcNow();
        if (now - iterator.Issued > IteratorLifetime)
        {
            throw new AwsError("ExpiredIteratorException",
                $"Iterator expired. The iterator was created at time {iterator.Issued.UtcDateTime:ddd MMM dd HH:mm:ss UTC yyyy} while right now it is {now.UtcDateTime:ddd MMM dd HH:mm:ss UTC yyyy} which is further in the future than the tolerated delay of 900000 milliseconds.").ToException();
        }

        var stream = Stream(iterator.StreamArn, caller);
        if (iterator.ShardId != stream.ShardId)
        {
            throw NotFound("Requested resource not found: Shard does not exist");
        }

        if (iterator.After < stream.TrimmedTo)
        {
            throw new AwsError("TrimmedDataAccessException", "Attempted to access data that has been trimmed from the stream").ToException();
        }

        var records = streams.Read(stream, iterator.After, limit, MaxRecordsBytes);
        var after = records.Count > 0 ? records[^1].Seq : iterator.After;
        var result = new JsonObject { ["Records"] = new JsonArray([.. records.Select(r => (JsonNode)r.Record)]) };
        var closedAndRead = !stream.Enabled && after >= (stream.EndingSeq ?? 0) && records.Count < limit;
        if (!closedAndRead)
        {
            result["NextShardIterator"] = Iterator.Encode(stream.Arn, stream.ShardId, after, now);
        }

        return result;
    }

    /// <summary>A shard iterator: <c>{streamArn}|1|{base64(shardId|after|issuedMs)}</c> (AWS's start with the stream ARN too).</summary>
    internal readonly record struct Iterator(string StreamArn, string ShardId, long After, DateTimeOffset Issued)
    {
        public static string Encode(string streamArn, string shardId, long after, DateTimeOffset issued) =>
            streamArn + "|1|" + Convert.ToBase64String(Encoding.UTF8.GetBytes(
                string.Create(CultureInfo.InvariantCulture, $"{shardId}|{after}|{issued.ToUnixTimeMilliseconds()}")));

        public static bool TryDecode(string text, out Iterator iterator)
        {
            iterator = default;
            var bar = text.LastIndexOf("|1|", StringComparison.Ordinal);
            if (bar <= 0)
            {
                return false;
            }

            try
            {
                var parts = Encoding.UTF8.GetString(Convert.FromBase64String(text[(bar + 3)..])).Split('|');
                if (parts.Length != 3
                    || !long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var after)
                    || !long.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out var issued))
                {
                    return false;
                }

                iterator = new Iterator(text[..bar], parts[0], after, DateTimeOffset.FromUnixTimeMilliseconds(issued));
                return true;
            }
            catch (FormatException)
            {
                return false;
            }
        }
    }
}
