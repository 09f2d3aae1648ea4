using System.Text.Json.Nodes;

namespace Nimbus.Core.Messaging;

/// <summary>Consumer-side access to change streams by ARN (DynamoDB Streams), for Lambda event source mappings inside Nimbus.</summary>
/// <remarks>Implemented by the DynamoDB module. A stream has shards; a position in a shard is "after sequence number X"
/// (null: before the first record ever written to it). Sequence numbers are decimal strings that compare numerically.</remarks>
public interface IStreamSources
{
    /// <summary>The stream, or null when no stream has this ARN (or it is gone).</summary>
    ValueTask<StreamSourceDescription?> DescribeAsync(string streamArn, CancellationToken cancellationToken = default);

    /// <summary>The position before the oldest record still kept (TRIM_HORIZON).</summary>
    ValueTask<string?> TrimHorizonAsync(string streamArn, string shardId, CancellationToken cancellationToken = default);

    /// <summary>The position after the newest record (LATEST).</summary>
    ValueTask<string?> LatestAsync(string streamArn, string shardId, CancellationToken cancellationToken = default);

    /// <summary>The position before the first record written at or after <paramref name="timestamp"/> (AT_TIMESTAMP).</summary>
    ValueTask<string?> AtTimestampAsync(string streamArn, string shardId, DateTimeOffset timestamp, CancellationToken cancellationToken = default);

    /// <summary>Up to <paramref name="limit"/> records after <paramref name="after"/>, in order; waits up to <paramref name="wait"/> for the first.</summary>
    Task<StreamRead> ReadAsync(string streamArn, string shardId, string? after, int limit, TimeSpan wait, CancellationToken cancellationToken = default);
}

/// <summary>A stream and its shards (oldest first).</summary>
public sealed record StreamSourceDescription(string StreamArn, bool Enabled, IReadOnlyList<string> ShardIds);

/// <summary>What a read found.</summary>
/// <param name="ShardClosed">True when the shard is closed and every record in it has been read.</param>
/// <param name="Trimmed">True when <c>after</c> is older than the oldest record kept (records were lost to the 24-hour trim); reading restarts at the trim horizon.</param>
public sealed record StreamRead(IReadOnlyList<StreamChangeRecord> Records, bool ShardClosed, bool Trimmed);

/// <summary>One change record as the Lambda event carries it.</summary>
/// <param name="Record">The record as DynamoDB Streams' GetRecords returns it (eventID, eventName, …, dynamodb{…}); the event adds <c>eventSourceARN</c>.</param>
/// <param name="PartitionKey">An opaque key: records with the same key must be processed in order.</param>
public sealed record StreamChangeRecord(string SequenceNumber, string PartitionKey, DateTimeOffset ApproximateArrival, long SizeBytes, JsonObject Record);
