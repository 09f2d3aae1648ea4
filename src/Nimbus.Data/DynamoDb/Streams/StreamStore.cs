using System.Collections.Concurrent;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;
using Microsoft.Data.Sqlite;
using Nimbus.Storage.Sqlite;

namespace Nimbus.Data.DynamoDb.Streams;

/// <summary>DynamoDB Streams: captures item changes as stream records (inside the write's transaction) and reads them back.</summary>
/// <remarks>
/// <para>A stream is a row of <c>ddb_streams</c>, opened when a table is created or updated with a StreamSpecification and
/// closed (DISABLED, its shard given an ending sequence number) when the stream is disabled or the table deleted. Each stream
/// has one shard: every record of the table goes to it, so order per key (indeed, per table) is the commit order.</para>
/// <para>Records are rows of <c>ddb_stream_records</c>; their sequence number is the row's AUTOINCREMENT id (never reused),
/// written as a 21-digit decimal string (<c>1</c> followed by the id on 20 digits). Records older than 24 hours are trimmed,
/// and closed streams 24 hours after they closed.</para>
/// </remarks>
internal sealed class StreamStore : IItemChangeListener
{
    public static readonly TimeSpan Retention = TimeSpan.FromHours(24);

    private readonly StateStore _store;
    private readonly TimeProvider _time;
    private readonly ConditionalWeakTable<DynamoTable, StreamTarget> _targets = new();
    private readonly ConcurrentDictionary<string, long> _streamIds = new(StringComparer.Ordinal);
    private TaskCompletionSource _signal = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public StreamStore(StateStore store, TimeProvider time)
    {
        _store = store;
        _time = time;
    }

    /// <summary>A stream as DescribeStream/ListStreams show it.</summary>
    public sealed record StreamInfo(
        long Id, string Arn, string Account, string Region, string TableName, string Label, string ViewType, string KeySchema,
        string ShardId, long CreatedMs, long StartSeq, long? DisabledMs, long? EndingSeq, long TrimmedTo)
    {
        public bool Enabled => DisabledMs is null;
    }

    /// <summary>One stored record.</summary>
    public sealed record StoredRecord(long Seq, long CreatedMs, string PartitionKey, long Size, JsonObject Record);

    /// <summary>Which stream a table's changes go to (null Arn: none).</summary>
    private sealed record StreamTarget(string? Arn, string? ViewType);

    public static string FormatSequence(long seq) => "1" + seq.ToString("D20", CultureInfo.InvariantCulture);

    /// <summary>Parses a sequence number this store wrote; false for anything else.</summary>
    public static bool TryParseSequence(string? text, out long seq)
    {
        seq = 0;
        return text is { Length: 21 } && text[0] == '1' && text.All(char.IsAsciiDigit)
            && long.TryParse(text.AsSpan(1), NumberStyles.None, CultureInfo.InvariantCulture, out seq);
    }

    /// <summary>Completes when a record was added since the task was taken (possibly not yet committed: read again).</summary>
    public Task Changed => Volatile.Read(ref _signal).Task;

    private void Pulse()
    {
        var old = Interlocked.Exchange(ref _signal, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        old.TrySetResult();
    }

    private StreamTarget TargetOf(DynamoTable table) => _targets.GetValue(table, t =>
    {
        var d = t.DefinitionNode();
        return d["StreamSpecification"] is JsonObject spec && spec["StreamEnabled"]?.GetValue<bool>() != false && d["LatestStreamLabel"] is { } label
            ? new StreamTarget($"{t.Arn}/stream/{label.GetValue<string>()}", spec["StreamViewType"]?.GetValue<string>() ?? "NEW_AND_OLD_IMAGES")
            : new StreamTarget(null, null);
    });

    public void OnTableChanged(SqliteConnection connection, SqliteTransaction transaction, DynamoTable? before, DynamoTable? after)
    {
        var oldArn = before is null ? null : TargetOf(before).Arn;
        var newArn = after is null ? null : TargetOf(after).Arn;
        if (oldArn == newArn)
        {
            return;
        }

        var now = _time.GetUtcNow().ToUnixTimeMilliseconds();
        if (oldArn is not null)
        {
            connection.Execute(
                """
                UPDATE ddb_streams SET disabled_ms=$now,
                    ending_seq=COALESCE((SELECT MAX(seq) FROM ddb_stream_records r WHERE r.stream_id=ddb_streams.stream_id), start_seq)
                WHERE stream_arn=$a AND disabled_ms IS NULL
                """, transaction, ("$now", now), ("$a", oldArn));
        }

        if (newArn is not null)
        {
            EnsureStream(connection, transaction, after!, newArn, TargetOf(after!).ViewType!);
        }
    }

    private long EnsureStream(SqliteConnection c, SqliteTransaction tx, DynamoTable table, string arn, string viewType)
    {
        if (_streamIds.TryGetValue(arn, out var id))
        {
            return id;
        }

        if (c.Scalar("SELECT stream_id FROM ddb_streams WHERE stream_arn=$a", tx, ("$a", arn)) is long existing)
        {
            _streamIds[arn] = existing;
            return existing;
        }

        // Not cached: the insert may still roll back with the transaction.
        var d = table.DefinitionNode();
        var now = _time.GetUtcNow().ToUnixTimeMilliseconds();
        var label = arn[(arn.LastIndexOf("/stream/", StringComparison.Ordinal) + 8)..];
        var shard = $"shardId-{now:D20}-{Guid.NewGuid().ToString("N")[..8]}";
        return (long)c.Scalar(
            """
            INSERT INTO ddb_streams (stream_arn, account, region, table_name, table_id, label, view_type, key_schema, shard_id, created_ms, start_seq)
            VALUES ($a, $acc, $r, $n, $t, $l, $v, $k, $s, $now,
                COALESCE((SELECT seq FROM sqlite_sequence WHERE name='ddb_stream_records'), 0) + 1)
            RETURNING stream_id
            """, tx,
            ("$a", arn), ("$acc", table.Account), ("$r", table.Region), ("$n", table.Name), ("$t", table.Id), ("$l", label),
            ("$v", viewType), ("$k", d["KeySchema"]!.ToJsonString()), ("$s", shard), ("$now", now))!;
    }

    public void OnItemChanged(SqliteConnection connection, SqliteTransaction transaction, DynamoTable table, JsonObject? oldItem, JsonObject? newItem, bool expired)
    {
        var target = TargetOf(table);
        if (target.Arn is null)
        {
            return;
        }

        if (oldItem is not null && newItem is not null && JsonNode.DeepEquals(oldItem, newItem))
        {
            // As DynamoDB: a write that changes nothing writes no stream record.
            return;
        }

        var streamId = EnsureStream(connection, transaction, table, target.Arn, target.ViewType!);
        var item = (newItem ?? oldItem)!;
        var keys = new JsonObject { [table.Hash.Name] = item[table.Hash.Name]!.DeepClone() };
        if (table.Range is not null)
        {
            keys[table.Range.Name] = item[table.Range.Name]!.DeepClone();
        }

        var withNew = target.ViewType is "NEW_IMAGE" or "NEW_AND_OLD_IMAGES" ? newItem : null;
        var withOld = target.ViewType is "OLD_IMAGE" or "NEW_AND_OLD_IMAGES" ? oldItem : null;
        var size = AttributeValues.ItemSize(keys) + (withNew is null ? 0 : AttributeValues.ItemSize(withNew)) + (withOld is null ? 0 : AttributeValues.ItemSize(withOld));
        var eventName = oldItem is null ? "INSERT" : newItem is null ? "REMOVE" : "MODIFY";
        connection.Execute(
            """
            INSERT INTO ddb_stream_records (stream_id, created_ms, event_id, event_name, partition_key, keys, new_image, old_image, size, ttl)
            VALUES ($s, $c, $e, $n, $p, $k, $new, $old, $z, $ttl)
            """, transaction,
            ("$s", streamId), ("$c", _time.GetUtcNow().ToUnixTimeMilliseconds()), ("$e", Guid.NewGuid().ToString("N")), ("$n", eventName),
            ("$p", AttributeValues.ItemKey(table, item).Hash), ("$k", keys.ToJsonString()), ("$new", withNew?.ToJsonString()),
            ("$old", withOld?.ToJsonString()), ("$z", size), ("$ttl", expired ? 1 : 0));
        Pulse();
    }

    private const string StreamColumns =
        "stream_id, stream_arn, account, region, table_name, label, view_type, key_schema, shard_id, created_ms, start_seq, disabled_ms, ending_seq, trimmed_to";

    private static StreamInfo ReadStream(SqliteDataReader r) => new(
        r.GetInt64(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetString(4), r.GetString(5), r.GetString(6), r.GetString(7),
        r.GetString(8), r.GetInt64(9), r.GetInt64(10), r.IsDBNull(11) ? null : r.GetInt64(11), r.IsDBNull(12) ? null : r.GetInt64(12), r.GetInt64(13));

    public StreamInfo? Find(string arn)
    {
        using var c = _store.Open();
        return c.Query($"SELECT {StreamColumns} FROM ddb_streams WHERE stream_arn=$a", ReadStream, null, ("$a", arn)).FirstOrDefault();
    }

    /// <summary>Streams of an account and region (optionally of one table), in creation order.</summary>
    public List<StreamInfo> List(string account, string region, string? tableName)
    {
        using var c = _store.Open();
        return c.Query(
            $"SELECT {StreamColumns} FROM ddb_streams WHERE account=$acc AND region=$r AND ($n IS NULL OR table_name=$n) ORDER BY stream_id",
            ReadStream, null, ("$acc", account), ("$r", region), ("$n", tableName));
    }

    /// <summary>The newest sequence number in the stream, or the one before its first when it has none.</summary>
    public long LastSequence(StreamInfo stream)
    {
        using var c = _store.Open();
        return c.Scalar("SELECT MAX(seq) FROM ddb_stream_records WHERE stream_id=$s", null, ("$s", stream.Id)) as long? ?? Math.Max(stream.StartSeq - 1, stream.TrimmedTo);
    }

    /// <summary>The sequence number before the first record created at or after <paramref name="timestamp"/>.</summary>
    public long SequenceBefore(StreamInfo stream, DateTimeOffset timestamp)
    {
        using var c = _store.Open();
        var first = c.Scalar("SELECT MIN(seq) FROM ddb_stream_records WHERE stream_id=$s AND created_ms >= $t", null, ("$s", stream.Id), ("$t", timestamp.ToUnixTimeMilliseconds())) as long?;
        return first is { } f ? f - 1 : LastSequence(stream);
    }

    public bool Exists(StreamInfo stream, long seq)
    {
        using var c = _store.Open();
        return c.Scalar("SELECT 1 FROM ddb_stream_records WHERE stream_id=$s AND seq=$q", null, ("$s", stream.Id), ("$q", seq)) is not null;
    }

    /// <summary>Up to <paramref name="limit"/> records after <paramref name="after"/>, and at most about <paramref name="maxBytes"/> of them.</summary>
    public List<StoredRecord> Read(StreamInfo stream, long after, int limit, long maxBytes = long.MaxValue)
    {
        using var c = _store.Open();
        var list = new List<StoredRecord>();
        long bytes = 0;
        using var command = c.Command(
            "SELECT seq, created_ms, event_id, event_name, partition_key, keys, new_image, old_image, size, ttl FROM ddb_stream_records WHERE stream_id=$s AND seq > $a ORDER BY seq LIMIT $l",
            null, ("$s", stream.Id), ("$a", after), ("$l", limit));
        using var r = command.ExecuteReader();
        while (r.Read())
        {
            var size = r.GetInt64(8);
            if (list.Count > 0 && bytes + size > maxBytes)
            {
                break;
            }

            bytes += size;
            var seq = r.GetInt64(0);
            var created = r.GetInt64(1);
            var dynamodb = new JsonObject
            {
                ["ApproximateCreationDateTime"] = created / 1000,
                ["Keys"] = JsonNode.Parse(r.GetString(5)),
            };
            if (!r.IsDBNull(6))
            {
                dynamodb["NewImage"] = JsonNode.Parse(r.GetString(6));
            }

            if (!r.IsDBNull(7))
            {
                dynamodb["OldImage"] = JsonNode.Parse(r.GetString(7));
            }

            dynamodb["SequenceNumber"] = FormatSequence(seq);
            dynamodb["SizeBytes"] = size;
            dynamodb["StreamViewType"] = stream.ViewType;
            var record = new JsonObject
            {
                ["eventID"] = r.GetString(2),
                ["eventName"] = r.GetString(3),
                ["eventVersion"] = "1.1",
                ["eventSource"] = "aws:dynamodb",
                ["awsRegion"] = stream.Region,
                ["dynamodb"] = dynamodb,
            };
            if (r.GetInt64(9) == 1)
            {
                record["userIdentity"] = new JsonObject { ["type"] = "Service", ["principalId"] = "dynamodb.amazonaws.com" };
            }

            list.Add(new StoredRecord(seq, created, Convert.ToHexString((byte[])r.GetValue(4)), size, record));
        }

        return list;
    }

    /// <summary>Drops records older than the retention period, and closed streams that closed before it.</summary>
    public int Trim(DateTimeOffset now)
    {
        var cut = (now - Retention).ToUnixTimeMilliseconds();
        return _store.Write((c, tx) =>
        {
            c.Execute(
                """
                UPDATE ddb_streams SET trimmed_to = MAX(trimmed_to,
                    COALESCE((SELECT MAX(seq) FROM ddb_stream_records r WHERE r.stream_id=ddb_streams.stream_id AND r.created_ms < $cut), 0))
                """, tx, ("$cut", cut));
            var deleted = c.Execute("DELETE FROM ddb_stream_records WHERE created_ms < $cut", tx, ("$cut", cut));
            foreach (var arn in c.Query("SELECT stream_arn FROM ddb_streams WHERE disabled_ms IS NOT NULL AND disabled_ms < $cut", r => r.GetString(0), tx, ("$cut", cut)))
            {
                _streamIds.TryRemove(arn, out _);
            }

            c.Execute("DELETE FROM ddb_stream_records WHERE stream_id IN (SELECT stream_id FROM ddb_streams WHERE disabled_ms IS NOT NULL AND disabled_ms < $cut)", tx, ("$cut", cut));
            c.Execute("DELETE FROM ddb_streams WHERE disabled_ms IS NOT NULL AND disabled_ms < $cut", tx, ("$cut", cut));
            return deleted;
        });
    }
}
