using System.Collections.Immutable;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Data.Sqlite;
using Nimbus.Core.Messaging;
using Nimbus.Storage.Sqlite;

namespace Nimbus.Messaging.Sqs;

/// <summary>Durable SQS state in SQLite: every change to a queue or message commits here before it is visible.</summary>
/// <remarks>Thread-safe (each call runs on its own pooled connection); callers serialise changes to one queue with its lock.</remarks>
internal sealed class SqsStore(StateStore store)
{
    private const string MessageColumns =
        "seq, message_id, body, attributes, system_attributes, sent, sender_id, group_id, dedup_id, sequence_number, dlq_source, visible_at, receive_count, first_receive, receipt";

    /// <summary>Reads every queue with its messages and live deduplication records.</summary>
    public List<SqsQueue> LoadAll(long now)
    {
        using var c = store.Open();
        var queues = c.Query(
            "SELECT id, account, region, name, attributes, tags, created, modified, last_purge FROM sqs_queues",
            r =>
            {
                var q = new SqsQueue(r.GetInt64(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetInt64(6))
                {
                    LastModified = r.GetInt64(7),
                    LastPurge = r.GetInt64(8),
                };
                q.Settings = QueueSettings.Defaults(q.Fifo).With(ReadMap(r.GetString(4)), creating: true, _ => q.Fifo);
                q.Tags = ReadMap(r.GetString(5)).ToImmutableSortedDictionary(StringComparer.Ordinal);
                return q;
            });
        var byId = queues.ToDictionary(q => q.Id);
        c.Query($"SELECT queue_id, {MessageColumns} FROM sqs_messages ORDER BY queue_id, seq", r =>
        {
            if (byId.TryGetValue(r.GetInt64(0), out var q))
            {
                var m = ReadMessage(r, 1);
                q.Messages[m.Seq] = m;
            }

            return 0;
        });
        c.Query("SELECT queue_id, dedup_key, message_id, sequence_number, expires FROM sqs_dedup WHERE expires > $now", r =>
        {
            if (byId.TryGetValue(r.GetInt64(0), out var q))
            {
                q.Deduplication[r.GetString(1)] = new DeduplicationEntry(r.GetString(2), r.StringOrNull(3), r.GetInt64(4));
            }

            return 0;
        }, null, ("$now", now));
        return queues;
    }

    public long InsertQueue(SqsQueue q) => store.Write((c, tx) => (long)c.Scalar(
        "INSERT INTO sqs_queues (account, region, name, attributes, tags, created, modified) VALUES ($a, $r, $n, $attrs, $tags, $c, $m) RETURNING id", tx,
        ("$a", q.Account), ("$r", q.Region), ("$n", q.Name), ("$attrs", WriteMap(q.Settings.Values)), ("$tags", WriteMap(q.Tags)),
        ("$c", q.Created), ("$m", q.LastModified))!);

    public void UpdateQueue(long id, QueueSettings settings, IReadOnlyDictionary<string, string> tags, long modified) =>
        store.Write((c, tx) => c.Execute(
            "UPDATE sqs_queues SET attributes = $attrs, tags = $tags, modified = $m WHERE id = $id", tx,
            ("$attrs", WriteMap(settings.Values)), ("$tags", WriteMap(tags)), ("$m", modified), ("$id", id)));

    public void DeleteQueue(long id) => store.Write((c, tx) => c.Execute("DELETE FROM sqs_queues WHERE id = $id", tx, ("$id", id)));

    public void Purge(long id, long now) => store.Write((c, tx) =>
    {
        c.Execute("DELETE FROM sqs_messages WHERE queue_id = $id", tx, ("$id", id));
        return c.Execute("UPDATE sqs_queues SET last_purge = $now WHERE id = $id", tx, ("$id", id), ("$now", now));
    });

    /// <summary>Inserts sent messages and their deduplication records in one transaction.</summary>
    public void Insert(long queueId, IReadOnlyList<SqsMessage> messages, IReadOnlyList<(string Key, DeduplicationEntry Entry)> dedup) =>
        store.Write((c, tx) =>
        {
            InsertMessages(c, tx, queueId, messages);
            foreach (var (key, e) in dedup)
            {
                c.Execute(
                    "INSERT OR REPLACE INTO sqs_dedup (queue_id, dedup_key, message_id, sequence_number, expires) VALUES ($q, $k, $m, $s, $e)", tx,
                    ("$q", queueId), ("$k", key), ("$m", e.MessageId), ("$s", e.SequenceNumber), ("$e", e.ExpiresAt));
            }

            return 0;
        });

    /// <summary>Commits the delivery state (visibility, receive count, receipt) of messages.</summary>
    public void UpdateDelivery(long queueId, IEnumerable<SqsMessage> messages) => store.Write((c, tx) =>
    {
        using var cmd = c.Command(
            "UPDATE sqs_messages SET visible_at = $v, receive_count = $n, first_receive = $f, receipt = $r WHERE queue_id = $q AND seq = $s", tx);
        var p = new[] { "$v", "$n", "$f", "$r", "$q", "$s" }.Select(n => cmd.Parameters.Add(n, n == "$r" ? SqliteType.Text : SqliteType.Integer)).ToArray();
        foreach (var m in messages)
        {
            p[0].Value = m.VisibleAt;
            p[1].Value = m.ReceiveCount;
            p[2].Value = (object?)m.FirstReceiveAt ?? DBNull.Value;
            p[3].Value = (object?)m.Receipt ?? DBNull.Value;
            p[4].Value = queueId;
            p[5].Value = m.Seq;
            cmd.ExecuteNonQuery();
        }

        return 0;
    });

    public void Delete(long queueId, IEnumerable<long> seqs) => store.Write((c, tx) =>
    {
        using var cmd = c.Command("DELETE FROM sqs_messages WHERE queue_id = $q AND seq = $s", tx);
        var q = cmd.Parameters.Add("$q", SqliteType.Integer);
        var s = cmd.Parameters.Add("$s", SqliteType.Integer);
        q.Value = queueId;
        foreach (var seq in seqs)
        {
            s.Value = seq;
            cmd.ExecuteNonQuery();
        }

        return 0;
    });

    /// <summary>Moves messages to another queue (a dead-letter queue, a move task) in one transaction.</summary>
    public void Move(long fromQueueId, IEnumerable<long> seqs, long toQueueId, IReadOnlyList<SqsMessage> moved) => store.Write((c, tx) =>
    {
        foreach (var seq in seqs)
        {
            c.Execute("DELETE FROM sqs_messages WHERE queue_id = $q AND seq = $s", tx, ("$q", fromQueueId), ("$s", seq));
        }

        InsertMessages(c, tx, toQueueId, moved);
        return 0;
    });

    public void PruneDeduplication(long now) =>
        store.Write((c, tx) => c.Execute("DELETE FROM sqs_dedup WHERE expires <= $now", tx, ("$now", now)));

    private static void InsertMessages(SqliteConnection c, SqliteTransaction tx, long queueId, IReadOnlyList<SqsMessage> messages)
    {
        using var cmd = c.Command(
            $"INSERT INTO sqs_messages (queue_id, {MessageColumns}) VALUES ($q, $seq, $id, $body, $attrs, $sys, $sent, $sender, $group, $dedup, $sn, $dlq, $vis, $n, $first, $receipt)", tx);
        foreach (var m in messages)
        {
            cmd.Parameters.Clear();
            foreach (var (name, value) in new (string, object?)[]
            {
                ("$q", queueId), ("$seq", m.Seq), ("$id", m.MessageId), ("$body", m.Body), ("$attrs", WriteAttributes(m.Attributes)),
                ("$sys", WriteAttributes(m.SystemAttributes)), ("$sent", m.SentAt), ("$sender", m.SenderId), ("$group", m.GroupId),
                ("$dedup", m.DeduplicationId), ("$sn", m.SequenceNumber), ("$dlq", m.DeadLetterSourceArn), ("$vis", m.VisibleAt),
                ("$n", m.ReceiveCount), ("$first", m.FirstReceiveAt), ("$receipt", m.Receipt),
            })
            {
                cmd.Parameters.AddWithValue(name, value ?? DBNull.Value);
            }

            cmd.ExecuteNonQuery();
        }
    }

    private static SqsMessage ReadMessage(SqliteDataReader r, int o) => new()
    {
        Seq = r.GetInt64(o),
        MessageId = r.GetString(o + 1),
        Body = r.GetString(o + 2),
        Attributes = ReadAttributes(r.StringOrNull(o + 3)),
        SystemAttributes = ReadAttributes(r.StringOrNull(o + 4)),
        SentAt = r.GetInt64(o + 5),
        SenderId = r.GetString(o + 6),
        GroupId = r.StringOrNull(o + 7),
        DeduplicationId = r.StringOrNull(o + 8),
        SequenceNumber = r.StringOrNull(o + 9),
        DeadLetterSourceArn = r.StringOrNull(o + 10),
        VisibleAt = r.GetInt64(o + 11),
        ReceiveCount = r.GetInt32(o + 12),
        FirstReceiveAt = r.IsDBNull(o + 13) ? null : r.GetInt64(o + 13),
        Receipt = r.StringOrNull(o + 14),
    };

    private static string? WriteAttributes(IReadOnlyList<QueueMessageAttribute> attributes)
    {
        if (attributes.Count == 0)
        {
            return null;
        }

        var array = new JsonArray();
        foreach (var a in attributes)
        {
            var o = new JsonObject { ["Name"] = a.Name, ["DataType"] = a.DataType };
            if (a.BinaryValue is not null)
            {
                o["BinaryValue"] = Convert.ToBase64String(a.BinaryValue);
            }
            else
            {
                o["StringValue"] = a.StringValue;
            }

            array.Add(o);
        }

        return array.ToJsonString();
    }

    private static List<QueueMessageAttribute> ReadAttributes(string? json)
    {
        if (json is null)
        {
            return [];
        }

        return JsonNode.Parse(json)!.AsArray().Select(n => new QueueMessageAttribute(
            n!["Name"]!.GetValue<string>(),
            n["DataType"]!.GetValue<string>(),
            n["StringValue"]?.GetValue<string>(),
            n["BinaryValue"] is { } b ? Convert.FromBase64String(b.GetValue<string>()) : null)).ToList();
    }

    private static string WriteMap(IEnumerable<KeyValuePair<string, string>> map)
    {
        var o = new JsonObject();
        foreach (var (k, v) in map)
        {
            o[k] = v;
        }

        return o.ToJsonString();
    }

    private static Dictionary<string, string> ReadMap(string json) =>
        JsonNode.Parse(json) is JsonObject o
            ? o.ToDictionary(p => p.Key, p => p.Value?.GetValueKind() == JsonValueKind.String ? p.Value.GetValue<string>() : p.Value?.ToJsonString() ?? "", StringComparer.Ordinal)
            : [];
}
