using Nimbus.Storage.Sqlite;

namespace Nimbus.Messaging.Sns;

/// <summary>The durable outbox: publishes commit their deliveries here; the delivery worker drains it.</summary>
internal sealed partial class SnsStore
{
    /// <summary>The outcome of accepting a publish: its message id and sequence number, or the earlier duplicate's.</summary>
    public sealed record Accepted(string MessageId, string? SequenceNumber, bool Duplicate);

    /// <summary>Commits a publish's deliveries (and its FIFO sequence number and dedup record) in one transaction.</summary>
    public Accepted Accept(Topic topic, string messageId, string? dedupId, long now, Func<string?, IReadOnlyList<OutboxEntry>> deliveries)
    {
        return store.Write((c, tx) =>
        {
            string? sequence = null;
            if (topic.IsFifo)
            {
                c.Execute("DELETE FROM sns_dedup WHERE topic_arn = $t AND expires <= $n", tx, ("$t", topic.Arn), ("$n", now));
                if (dedupId is not null)
                {
                    var earlier = c.Query(
                        "SELECT message_id, sequence FROM sns_dedup WHERE topic_arn = $t AND dedup_id = $d", r => (r.GetString(0), r.GetString(1)), tx,
                        ("$t", topic.Arn), ("$d", dedupId));
                    if (earlier.Count > 0)
                    {
                        return new Accepted(earlier[0].Item1, earlier[0].Item2, true);
                    }
                }

                var next = (long)c.Scalar("UPDATE sns_topics SET sequence = sequence + 1 WHERE arn = $t RETURNING sequence", tx, ("$t", topic.Arn))!;
                sequence = next.ToString("D20", System.Globalization.CultureInfo.InvariantCulture);
                if (dedupId is not null)
                {
                    c.Execute(
                        "INSERT INTO sns_dedup (topic_arn, dedup_id, message_id, sequence, expires) VALUES ($t, $d, $m, $s, $e)", tx,
                        ("$t", topic.Arn), ("$d", dedupId), ("$m", messageId), ("$s", sequence), ("$e", now + (5 * 60 * 1000)));
                }
            }

            foreach (var e in deliveries(sequence))
            {
                Insert(c, tx, e);
            }

            return new Accepted(messageId, sequence, false);
        });
    }

    public IReadOnlyList<OutboxEntry> Due(long now, int limit)
    {
        using var c = store.Open();
        return c.Query(
            """
            SELECT id, kind, subscription_arn, protocol, endpoint, message_id, body, attributes, subject, group_id, dedup_id,
                   account, region, attempts, due
            FROM sns_outbox WHERE due <= $n ORDER BY id LIMIT $l
            """,
            r => new OutboxEntry(r.GetInt64(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetString(4), r.GetString(5), r.GetString(6),
                r.StringOrNull(7), r.StringOrNull(8), r.StringOrNull(9), r.StringOrNull(10), r.GetString(11), r.GetString(12), r.GetInt32(13), r.GetInt64(14)),
            null, ("$n", now), ("$l", limit));
    }

    /// <summary>The earliest due time in the outbox, or null when it is empty.</summary>
    public long? NextDue()
    {
        using var c = store.Open();
        return c.Scalar("SELECT MIN(due) FROM sns_outbox") is long due ? due : null;
    }

    public void Complete(long id) => store.Write((c, tx) => c.Execute("DELETE FROM sns_outbox WHERE id = $i", tx, ("$i", id)));

    public void Retry(long id, int attempts, long due, string error) => store.Write((c, tx) => c.Execute(
        "UPDATE sns_outbox SET attempts = $a, due = $d, last_error = $e WHERE id = $i", tx, ("$a", attempts), ("$d", due), ("$e", error), ("$i", id)));

    private static void Insert(Microsoft.Data.Sqlite.SqliteConnection c, Microsoft.Data.Sqlite.SqliteTransaction tx, OutboxEntry e) => c.Execute(
        """
        INSERT INTO sns_outbox (kind, subscription_arn, protocol, endpoint, message_id, body, attributes, subject, group_id, dedup_id, account, region, attempts, due)
        VALUES ($k, $s, $p, $e, $m, $b, $at, $su, $g, $d, $ac, $r, $a, $du)
        """, tx,
        ("$k", e.Kind), ("$s", e.SubscriptionArn), ("$p", e.Protocol), ("$e", e.Endpoint), ("$m", e.MessageId), ("$b", e.Body),
        ("$at", e.Attributes), ("$su", e.Subject), ("$g", e.GroupId), ("$d", e.DedupId), ("$ac", e.Account), ("$r", e.Region),
        ("$a", e.Attempts), ("$du", e.Due));
}
