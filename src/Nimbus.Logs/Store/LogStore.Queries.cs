using Nimbus.Core.Errors;
using Nimbus.Storage.Sqlite;

namespace Nimbus.Logs.Store;

/// <summary>Reads and control-plane changes of groups and streams.</summary>
internal sealed partial class LogStore
{
    public sealed record GroupRow(string Name, long Created, int? RetentionDays, long StoredBytes);

    public sealed record StreamRow(string Name, long Created, long? FirstEvent, long? LastEvent, long? LastIngestion, long StoredBytes);

    public static AwsError GroupNotFound() => new("ResourceNotFoundException", "The specified log group does not exist.", 400);

    public static AwsError StreamNotFound() => new("ResourceNotFoundException", "The specified log stream does not exist.", 400);

    public void CreateGroup(string account, string region, string name)
    {
        var inserted = _store.Write((c, tx) => c.Execute(
            "INSERT OR IGNORE INTO log_groups (account, region, name, created) VALUES ($a, $r, $g, $t)", tx,
            ("$a", account), ("$r", region), ("$g", name), ("$t", _time.GetUtcNow().ToUnixTimeMilliseconds())));
        if (inserted == 0)
        {
            throw new AwsError("ResourceAlreadyExistsException", "The specified log group already exists", 400).ToException();
        }
    }

    public void DeleteGroup(string account, string region, string name)
    {
        var deleted = _store.Write((c, tx) =>
        {
            (string, object?)[] p = [("$a", account), ("$r", region), ("$g", name)];
            c.Execute("DELETE FROM log_events WHERE group_id = (SELECT id FROM log_groups WHERE account=$a AND region=$r AND name=$g)", tx, p);
            c.Execute("DELETE FROM log_streams WHERE account=$a AND region=$r AND group_name=$g", tx, p);
            return c.Execute("DELETE FROM log_groups WHERE account=$a AND region=$r AND name=$g", tx, p);
        });
        ForgetStreams();
        if (deleted == 0)
        {
            throw GroupNotFound().ToException();
        }
    }

    public void SetRetention(string account, string region, string name, int? days)
    {
        var n = _store.Write((c, tx) => c.Execute("UPDATE log_groups SET retention_days=$d WHERE account=$a AND region=$r AND name=$g", tx,
            ("$a", account), ("$r", region), ("$g", name), ("$d", days)));
        if (n == 0)
        {
            throw GroupNotFound().ToException();
        }
    }

    public void CreateStream(string account, string region, string group, string name)
    {
        RequireGroup(account, region, group);
        var inserted = _store.Write((c, tx) => c.Execute(
            """
            INSERT OR IGNORE INTO log_streams (group_id, account, region, group_name, name, created)
            SELECT id, $a, $r, $g, $s, $t FROM log_groups WHERE account=$a AND region=$r AND name=$g
            """, tx,
            ("$a", account), ("$r", region), ("$g", group), ("$s", name), ("$t", _time.GetUtcNow().ToUnixTimeMilliseconds())));
        if (inserted == 0)
        {
            throw new AwsError("ResourceAlreadyExistsException", "The specified log stream already exists", 400).ToException();
        }
    }

    public void DeleteStream(string account, string region, string group, string name)
    {
        var deleted = _store.Write((c, tx) =>
        {
            (string, object?)[] p = [("$a", account), ("$r", region), ("$g", group), ("$s", name)];
            c.Execute("DELETE FROM log_events WHERE stream_id = (SELECT id FROM log_streams WHERE account=$a AND region=$r AND group_name=$g AND name=$s)", tx, p);
            return c.Execute("DELETE FROM log_streams WHERE account=$a AND region=$r AND group_name=$g AND name=$s", tx, p);
        });
        ForgetStreams();
        if (deleted == 0)
        {
            throw StreamNotFound().ToException();
        }
    }

    public List<GroupRow> Groups(string account, string region, string? prefix)
    {
        using var c = _store.Open();
        return c.Query(
            """
            SELECT g.name, g.created, g.retention_days, COALESCE((SELECT SUM(stored_bytes) FROM log_streams s
                WHERE s.account=g.account AND s.region=g.region AND s.group_name=g.name), 0)
            FROM log_groups g WHERE g.account=$a AND g.region=$r AND ($p IS NULL OR substr(g.name, 1, length($p)) = $p)
            ORDER BY g.name
            """,
            r => new GroupRow(r.GetString(0), r.GetInt64(1), r.IsDBNull(2) ? null : r.GetInt32(2), r.GetInt64(3)),
            null, ("$a", account), ("$r", region), ("$p", prefix));
    }

    public void RequireGroup(string account, string region, string group)
    {
        using var c = _store.Open();
        if (c.Scalar("SELECT 1 FROM log_groups WHERE account=$a AND region=$r AND name=$g", null, ("$a", account), ("$r", region), ("$g", group)) is null)
        {
            throw GroupNotFound().ToException();
        }
    }

    public List<StreamRow> Streams(string account, string region, string group, string? prefix)
    {
        RequireGroup(account, region, group);
        using var c = _store.Open();
        return c.Query(
            """
            SELECT name, created, first_event, last_event, last_ingestion, stored_bytes FROM log_streams
            WHERE account=$a AND region=$r AND group_name=$g AND ($p IS NULL OR substr(name, 1, length($p)) = $p)
            ORDER BY name
            """,
            r => new StreamRow(r.GetString(0), r.GetInt64(1), r.IsDBNull(2) ? null : r.GetInt64(2), r.IsDBNull(3) ? null : r.GetInt64(3),
                r.IsDBNull(4) ? null : r.GetInt64(4), r.GetInt64(5)),
            null, ("$a", account), ("$r", region), ("$g", group), ("$p", prefix));
    }

    /// <summary>Events of one stream with ids in (<paramref name="afterId"/>, <paramref name="beforeId"/>), oldest first.</summary>
    public List<LogEventRecord> StreamEvents(string account, string region, string group, string stream, long? startTime, long? endTime, long afterId, long beforeId, int limit, bool fromHead)
    {
        using var c = _store.Open();
        if (c.Scalar("SELECT id FROM log_streams WHERE account=$a AND region=$r AND group_name=$g AND name=$s", null,
                ("$a", account), ("$r", region), ("$g", group), ("$s", stream)) is not long streamId)
        {
            throw StreamNotFound().ToException();
        }

        var rows = c.Query(
            $"""
            SELECT id, ts, ingestion, message FROM log_events
            WHERE stream_id=$sid AND id > $after AND id < $before
              AND ($st IS NULL OR ts >= $st) AND ($et IS NULL OR ts < $et)
            ORDER BY id {(fromHead ? "ASC" : "DESC")} LIMIT $n
            """,
            r => new LogEventRecord(r.GetInt64(0), stream, r.GetInt64(1), r.GetInt64(2), r.GetString(3)),
            null, ("$sid", streamId), ("$after", afterId), ("$before", beforeId), ("$st", startTime), ("$et", endTime), ("$n", limit));
        if (!fromHead)
        {
            rows.Reverse();
        }

        return rows;
    }

    /// <summary>Events of a group across streams, by time, after event id <paramref name="afterId"/>.</summary>
    public List<LogEventRecord> GroupEvents(string account, string region, string group, IReadOnlyCollection<string>? streams, string? streamPrefix, long? startTime, long? endTime, long afterId, int limit)
    {
        using var c = _store.Open();
        if (c.Scalar("SELECT id FROM log_groups WHERE account=$a AND region=$r AND name=$g", null,
                ("$a", account), ("$r", region), ("$g", group)) is not long groupId)
        {
            throw GroupNotFound().ToException();
        }

        return c.Query(
            """
            SELECT e.id, s.name, e.ts, e.ingestion, e.message FROM log_events e JOIN log_streams s ON s.id = e.stream_id
            WHERE e.group_id=$gid AND e.id > $after
              AND ($st IS NULL OR e.ts >= $st) AND ($et IS NULL OR e.ts <= $et)
              AND ($p IS NULL OR substr(s.name, 1, length($p)) = $p)
            ORDER BY e.id LIMIT $n
            """,
            r => new LogEventRecord(r.GetInt64(0), r.GetString(1), r.GetInt64(2), r.GetInt64(3), r.GetString(4)),
            null, ("$gid", groupId), ("$after", afterId), ("$st", startTime), ("$et", endTime), ("$p", streamPrefix), ("$n", limit))
            .Where(e => streams is null || streams.Contains(e.Stream))
            .ToList();
    }
}
