using Nimbus.Core.Messaging;

namespace Nimbus.Data.DynamoDb.Streams;

/// <summary>DynamoDB streams as Lambda event sources (<see cref="IStreamSources"/>): positions are sequence numbers.</summary>
internal sealed class DynamoStreamSources(StreamStore streams, TimeProvider time) : IStreamSources
{
    private static readonly TimeSpan RecheckEmpty = TimeSpan.FromMilliseconds(100);

    public ValueTask<StreamSourceDescription?> DescribeAsync(string streamArn, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(streams.Find(streamArn) is { } s ? new StreamSourceDescription(s.Arn, s.Enabled, [s.ShardId]) : null);

    public ValueTask<string?> TrimHorizonAsync(string streamArn, string shardId, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(Position(streams.Find(streamArn) is { } s ? Math.Max(s.TrimmedTo, s.StartSeq - 1) : 0));

    public ValueTask<string?> LatestAsync(string streamArn, string shardId, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(Position(streams.Find(streamArn) is { } s ? streams.LastSequence(s) : 0));

    public ValueTask<string?> AtTimestampAsync(string streamArn, string shardId, DateTimeOffset timestamp, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(Position(streams.Find(streamArn) is { } s ? streams.SequenceBefore(s, timestamp) : 0));

    private static string? Position(long after) => after <= 0 ? null : StreamStore.FormatSequence(after);

    public async Task<StreamRead> ReadAsync(string streamArn, string shardId, string? after, int limit, TimeSpan wait, CancellationToken cancellationToken = default)
    {
        var from = 0L;
        if (after is not null && !StreamStore.TryParseSequence(after, out from))
        {
            throw new ArgumentException($"Not a sequence number of this stream: {after}", nameof(after));
        }

        var deadline = time.GetUtcNow() + wait;
        while (true)
        {
            var changed = streams.Changed;
            var stream = streams.Find(streamArn);
            if (stream is null || stream.ShardId != shardId)
            {
                return new StreamRead([], ShardClosed: true, Trimmed: false);
            }

            var trimmed = from < stream.TrimmedTo;
            if (trimmed)
            {
                from = stream.TrimmedTo;
            }

            var records = streams.Read(stream, from, limit, 6 * 1024 * 1024 - 64 * 1024);
            var closed = !stream.Enabled && (records.Count > 0 ? records[^1].Seq : from) >= (stream.EndingSeq ?? 0);
            var left = deadline - time.GetUtcNow();
            if (records.Count > 0 || closed || trimmed || left <= TimeSpan.Zero)
            {
                return new StreamRead(
                    [.. records.Select(r => new StreamChangeRecord(StreamStore.FormatSequence(r.Seq), r.PartitionKey, DateTimeOffset.FromUnixTimeMilliseconds(r.CreatedMs), r.Size, r.Record))],
                    closed, trimmed);
            }

            // A record may be signalled before its transaction commits: wake on the signal, but look again soon regardless.
            await Task.WhenAny(changed, Task.Delay(left < RecheckEmpty * 5 ? left : RecheckEmpty * 5, time, cancellationToken));
            cancellationToken.ThrowIfCancellationRequested();
            if (changed.IsCompleted)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(5), time, cancellationToken);
            }
        }
    }
}
