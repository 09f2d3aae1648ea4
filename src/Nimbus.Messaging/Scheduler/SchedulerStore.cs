using System.Collections.Immutable;
using System.Text.Json.Nodes;
using Microsoft.Data.Sqlite;
using Nimbus.Storage.Sqlite;

namespace Nimbus.Messaging.Scheduler;

/// <summary>Schedule groups and schedules in SQLite with an in-memory snapshot, and the invocation outbox.</summary>
/// <remarks>SQLite commits first, then the snapshot swaps; writers hold <c>_gate</c>, readers take the snapshot without it.
/// The <c>default</c> group of an account and region is created on first use. A firing commits its outbox entry together with
/// the schedule's next firing time (or the schedule's deletion), so a restart neither loses nor repeats it.</remarks>
internal sealed class SchedulerStore(StateStore store, TimeProvider time)
{
    private readonly Lock _gate = new();
    private ImmutableDictionary<string, ScheduleGroup>? _groups;
    private ImmutableDictionary<string, ScheduleDefinition> _schedules = ImmutableDictionary<string, ScheduleDefinition>.Empty;

    private ImmutableDictionary<string, ScheduleGroup> Groups
    {
        get
        {
            if (_groups is { } g)
            {
                return g;
            }

            lock (_gate)
            {
                if (_groups is null)
                {
                    using var c = store.Open();
                    _schedules = c.Query("SELECT arn, name, grp, account, region, doc, next_fire FROM scheduler_schedules", ReadSchedule)
                        .ToImmutableDictionary(x => x.Arn, StringComparer.Ordinal);
                    Volatile.Write(ref _groups, c.Query("SELECT arn, name, account, region, doc FROM scheduler_groups", r => new ScheduleGroup(
                        r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), (JsonObject)JsonNode.Parse(r.GetString(4))!))
                        .ToImmutableDictionary(x => x.Arn, StringComparer.Ordinal));
                }

                return _groups!;
            }
        }
    }

    public ScheduleGroup? Group(string account, string region, string name)
    {
        var arn = ScheduleGroup.ArnFor(region, account, name);
        if (Groups.TryGetValue(arn, out var group))
        {
            return group;
        }

        if (name != ScheduleGroup.Default)
        {
            return null;
        }

        var now = ScheduleDefinition.EpochSeconds(time.GetUtcNow());
        return PutGroup(new ScheduleGroup(arn, name, account, region, new JsonObject { ["CreationDate"] = now, ["LastModificationDate"] = now, ["Tags"] = new JsonArray() }), create: true)
            ?? Groups[arn];
    }

    public IReadOnlyList<ScheduleGroup> ListGroups(string account, string region)
    {
        _ = Group(account, region, ScheduleGroup.Default);
        return Groups.Values.Where(g => g.Account == account && g.Region == region).OrderBy(g => g.Name, StringComparer.Ordinal).ToList();
    }

    /// <summary>Inserts (create) or replaces a group; returns null when creating one that exists.</summary>
    public ScheduleGroup? PutGroup(ScheduleGroup group, bool create)
    {
        lock (_gate)
        {
            if (create && Groups.ContainsKey(group.Arn))
            {
                return null;
            }

            store.Write((c, tx) => c.Execute(
                "INSERT INTO scheduler_groups (arn, account, region, name, doc) VALUES ($a, $ac, $r, $n, $d) ON CONFLICT (arn) DO UPDATE SET doc = excluded.doc", tx,
                ("$a", group.Arn), ("$ac", group.Account), ("$r", group.Region), ("$n", group.Name), ("$d", group.Doc.ToJsonString())));
            _groups = Groups.SetItem(group.Arn, group);
            return group;
        }
    }

    /// <summary>Deletes a group and every schedule in it.</summary>
    public void DeleteGroup(ScheduleGroup group)
    {
        lock (_gate)
        {
            store.Write((c, tx) =>
            {
                c.Execute("DELETE FROM scheduler_schedules WHERE account = $a AND region = $r AND grp = $g", tx, ("$a", group.Account), ("$r", group.Region), ("$g", group.Name));
                return c.Execute("DELETE FROM scheduler_groups WHERE arn = $a", tx, ("$a", group.Arn));
            });
            _groups = Groups.Remove(group.Arn);
            _schedules = _schedules.RemoveRange(_schedules.Values.Where(s => s.Account == group.Account && s.Region == group.Region && s.Group == group.Name).Select(s => s.Arn));
        }
    }

    public ScheduleDefinition? Schedule(string account, string region, string group, string name)
    {
        _ = Groups;
        return _schedules.GetValueOrDefault(ScheduleDefinition.ArnFor(region, account, group, name));
    }

    public IReadOnlyList<ScheduleDefinition> Schedules(string account, string region)
    {
        _ = Groups;
        return _schedules.Values.Where(s => s.Account == account && s.Region == region)
            .OrderBy(s => s.Group, StringComparer.Ordinal).ThenBy(s => s.Name, StringComparer.Ordinal).ToList();
    }

    public IReadOnlyList<ScheduleDefinition> AllSchedules()
    {
        _ = Groups;
        return [.. _schedules.Values];
    }

    /// <summary>Inserts (create) or replaces a schedule; returns null when creating one that exists.</summary>
    public ScheduleDefinition? PutSchedule(ScheduleDefinition schedule, bool create)
    {
        lock (_gate)
        {
            _ = Groups;
            if (create && _schedules.ContainsKey(schedule.Arn))
            {
                return null;
            }

            store.Write((c, tx) => c.Execute(
                """
                INSERT INTO scheduler_schedules (arn, account, region, grp, name, doc, next_fire) VALUES ($a, $ac, $r, $g, $n, $d, $x)
                ON CONFLICT (arn) DO UPDATE SET doc = excluded.doc, next_fire = excluded.next_fire
                """, tx,
                ("$a", schedule.Arn), ("$ac", schedule.Account), ("$r", schedule.Region), ("$g", schedule.Group), ("$n", schedule.Name),
                ("$d", schedule.Doc.ToJsonString()), ("$x", schedule.NextFire)));
            _schedules = _schedules.SetItem(schedule.Arn, schedule);
            return schedule;
        }
    }

    public void DeleteSchedule(ScheduleDefinition schedule)
    {
        lock (_gate)
        {
            store.Write((c, tx) => c.Execute("DELETE FROM scheduler_schedules WHERE arn = $a", tx, ("$a", schedule.Arn)));
            _schedules = _schedules.Remove(schedule.Arn);
        }
    }

    /// <summary>Commits one firing: its outbox entry, and the schedule's next firing time or (completed with DELETE) its deletion.</summary>
    /// <returns>False when the schedule changed or went away since <paramref name="schedule"/> was read; nothing is written then.</returns>
    public bool Fire(ScheduleDefinition schedule, ScheduleInvocation invocation, long? nextFire, bool delete)
    {
        lock (_gate)
        {
            if (!_schedules.TryGetValue(schedule.Arn, out var current) || !ReferenceEquals(current, schedule))
            {
                return false;
            }

            store.Write((c, tx) =>
            {
                c.Execute(
                    """
                    INSERT INTO scheduler_outbox (schedule_arn, target, account, region, scheduled_time, execution_id, max_attempts, expires, attempts, due)
                    VALUES ($s, $t, $ac, $r, $st, $e, $m, $x, 0, $d)
                    """, tx,
                    ("$s", invocation.ScheduleArn), ("$t", invocation.Target.ToJsonString()), ("$ac", invocation.Account), ("$r", invocation.Region),
                    ("$st", invocation.ScheduledTime), ("$e", invocation.ExecutionId), ("$m", invocation.MaxAttempts), ("$x", invocation.Expires), ("$d", invocation.Due));
                return delete
                    ? c.Execute("DELETE FROM scheduler_schedules WHERE arn = $a", tx, ("$a", schedule.Arn))
                    : c.Execute("UPDATE scheduler_schedules SET next_fire = $x WHERE arn = $a", tx, ("$x", nextFire), ("$a", schedule.Arn));
            });
            _schedules = delete ? _schedules.Remove(schedule.Arn) : _schedules.SetItem(schedule.Arn, schedule with { NextFire = nextFire });
            return true;
        }
    }

    public IReadOnlyList<ScheduleInvocation> Due(long now, int limit)
    {
        using var c = store.Open();
        return c.Query(
            """
            SELECT id, schedule_arn, target, account, region, scheduled_time, execution_id, max_attempts, expires, attempts, due
            FROM scheduler_outbox WHERE due <= $n ORDER BY id LIMIT $l
            """,
            r => new ScheduleInvocation(r.GetInt64(0), r.GetString(1), (JsonObject)JsonNode.Parse(r.GetString(2))!, r.GetString(3), r.GetString(4),
                r.GetInt64(5), r.GetString(6), r.GetInt32(7), r.GetInt64(8), r.GetInt32(9), r.GetInt64(10)),
            null, ("$n", now), ("$l", limit));
    }

    public long? NextDue()
    {
        using var c = store.Open();
        return c.Scalar("SELECT MIN(due) FROM scheduler_outbox") is long due ? due : null;
    }

    public void Complete(long id) => store.Write((c, tx) => c.Execute("DELETE FROM scheduler_outbox WHERE id = $i", tx, ("$i", id)));

    public void Retry(long id, int attempts, long due, string error) => store.Write((c, tx) => c.Execute(
        "UPDATE scheduler_outbox SET attempts = $a, due = $d, last_error = $e WHERE id = $i", tx, ("$a", attempts), ("$d", due), ("$e", error), ("$i", id)));

    private static ScheduleDefinition ReadSchedule(SqliteDataReader r) => new(
        r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetString(4), (JsonObject)JsonNode.Parse(r.GetString(5))!,
        r.IsDBNull(6) ? null : r.GetInt64(6));
}
