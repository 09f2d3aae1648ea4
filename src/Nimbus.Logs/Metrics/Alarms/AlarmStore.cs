using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Data.Sqlite;
using Nimbus.Storage.Sqlite;

namespace Nimbus.Logs.Metrics.Alarms;

/// <summary>Metric alarms and their history in SQLite, the source of truth the API and the evaluator share.</summary>
/// <remarks>Thread-safe: each call uses its own pooled connection; a state change and its history item commit together.</remarks>
internal sealed class AlarmStore(StateStore store, MetricsOptions options)
{
    private const string Columns = "account, region, name, config, state, state_reason, state_reason_data, state_updated, state_transitioned, config_updated, actions_enabled, tags";

    public MetricAlarm? Get(string account, string region, string name)
    {
        using var c = store.Open();
        return c.Query($"SELECT {Columns} FROM metric_alarms WHERE account=$a AND region=$r AND name=$n", Read, null, ("$a", account), ("$r", region), ("$n", name)).FirstOrDefault();
    }

    /// <summary>The alarms of an account and region by name; all accounts and regions when both are null.</summary>
    public List<MetricAlarm> List(string? account, string? region)
    {
        using var c = store.Open();
        return c.Query($"SELECT {Columns} FROM metric_alarms WHERE ($a IS NULL OR account=$a) AND ($r IS NULL OR region=$r) ORDER BY name", Read, null, ("$a", account), ("$r", region));
    }

    /// <summary>Creates or replaces an alarm's configuration; a new alarm starts in INSUFFICIENT_DATA, an existing one keeps its state and tags.</summary>
    /// <remarks>AWS ignores the Tags of a PutMetricAlarm that updates an existing alarm.</remarks>
    /// <returns>True when the alarm was created.</returns>
    public bool Put(MetricAlarm alarm, Func<bool, AlarmHistoryItem> history) => store.Write((c, tx) =>
    {
        var exists = c.Scalar("SELECT 1 FROM metric_alarms WHERE account=$a AND region=$r AND name=$n", tx, ("$a", alarm.AccountId), ("$r", alarm.Region), ("$n", alarm.Name)) is not null;
        if (exists)
        {
            c.Execute(
                "UPDATE metric_alarms SET config=$c, config_updated=$u, actions_enabled=$e WHERE account=$a AND region=$r AND name=$n", tx,
                ("$c", alarm.Config.ToJsonString()), ("$u", alarm.ConfigUpdated), ("$e", alarm.ActionsEnabled ? 1 : 0),
                ("$a", alarm.AccountId), ("$r", alarm.Region), ("$n", alarm.Name));
        }
        else
        {
            c.Execute(
                $"INSERT INTO metric_alarms ({Columns}) VALUES ($a, $r, $n, $c, $s, $sr, $sd, $su, $st, $u, $e, $t)", tx,
                ("$a", alarm.AccountId), ("$r", alarm.Region), ("$n", alarm.Name), ("$c", alarm.Config.ToJsonString()), ("$s", alarm.State),
                ("$sr", alarm.StateReason), ("$sd", alarm.StateReasonData), ("$su", alarm.StateUpdated), ("$st", alarm.StateTransitioned),
                ("$u", alarm.ConfigUpdated), ("$e", alarm.ActionsEnabled ? 1 : 0), ("$t", TagsJson(alarm.Tags)));
        }

        Append(c, tx, alarm.AccountId, alarm.Region, history(!exists));
        return !exists;
    });

    /// <summary>Records a new state (and reason) with its history item; false when the alarm is gone.</summary>
    public bool SetState(MetricAlarm alarm, string state, string reason, string? reasonData, long now, AlarmHistoryItem? history) => store.Write((c, tx) =>
    {
        var changed = c.Execute(
            """
            UPDATE metric_alarms SET state=$s, state_reason=$sr, state_reason_data=$sd, state_updated=$now,
                state_transitioned=CASE WHEN state = $s THEN state_transitioned ELSE $now END
            WHERE account=$a AND region=$r AND name=$n
            """, tx,
            ("$s", state), ("$sr", reason), ("$sd", reasonData), ("$now", now), ("$a", alarm.AccountId), ("$r", alarm.Region), ("$n", alarm.Name));
        if (changed > 0 && history is not null)
        {
            Append(c, tx, alarm.AccountId, alarm.Region, history);
        }

        return changed > 0;
    });

    public List<string> Delete(string account, string region, IEnumerable<string> names, Func<string, AlarmHistoryItem> history) => store.Write((c, tx) =>
    {
        var deleted = new List<string>();
        foreach (var name in names)
        {
            if (c.Execute("DELETE FROM metric_alarms WHERE account=$a AND region=$r AND name=$n", tx, ("$a", account), ("$r", region), ("$n", name)) > 0)
            {
                deleted.Add(name);
                Append(c, tx, account, region, history(name));
            }
        }

        return deleted;
    });

    public void SetActionsEnabled(string account, string region, IEnumerable<string> names, bool enabled) => store.Write((c, tx) =>
    {
        foreach (var name in names)
        {
            c.Execute("UPDATE metric_alarms SET actions_enabled=$e WHERE account=$a AND region=$r AND name=$n", tx, ("$e", enabled ? 1 : 0), ("$a", account), ("$r", region), ("$n", name));
        }

        return 0;
    });

    public void SetTags(string account, string region, string name, IReadOnlyDictionary<string, string> tags) => store.Write((c, tx) =>
        c.Execute("UPDATE metric_alarms SET tags=$t WHERE account=$a AND region=$r AND name=$n", tx, ("$t", TagsJson(tags)), ("$a", account), ("$r", region), ("$n", name)));

    public void AppendHistory(string account, string region, AlarmHistoryItem item) => store.Write((c, tx) =>
    {
        Append(c, tx, account, region, item);
        return 0;
    });

    /// <summary>History items newest first (or oldest first), filtered as DescribeAlarmHistory filters them.</summary>
    public List<AlarmHistoryItem> History(string account, string region, string? name, string? type, long from, long to, bool ascending)
    {
        using var c = store.Open();
        return c.Query(
            $"""
            SELECT alarm_name, ts, type, summary, data FROM alarm_history
            WHERE account=$a AND region=$r AND ($n IS NULL OR alarm_name=$n) AND ($t IS NULL OR type=$t) AND ts >= $f AND ts <= $to
            ORDER BY ts {(ascending ? "ASC" : "DESC")}, id {(ascending ? "ASC" : "DESC")}
            """,
            r => new AlarmHistoryItem(r.GetString(0), r.GetInt64(1), r.GetString(2), r.GetString(3), r.GetString(4)),
            null, ("$a", account), ("$r", region), ("$n", name), ("$t", type), ("$f", from), ("$to", to));
    }

    /// <summary>The names among <paramref name="names"/> whose history shows a move into ALARM at or after <paramref name="since"/> (Unix ms).</summary>
    public HashSet<string> EnteredAlarmSince(string account, string region, IReadOnlyCollection<string> names, long since)
    {
        using var c = store.Open();
        var entered = new HashSet<string>(StringComparer.Ordinal);
        foreach (var name in names)
        {
            // One indexed range per alarm (account, region, alarm_name, ts).
            if (c.Scalar(
                "SELECT 1 FROM alarm_history WHERE account=$a AND region=$r AND alarm_name=$n AND ts >= $s AND type='StateUpdate' AND summary LIKE '% to ALARM' LIMIT 1",
                null, ("$a", account), ("$r", region), ("$n", name), ("$s", since)) is not null)
            {
                entered.Add(name);
            }
        }

        return entered;
    }

    /// <summary>Deletes the oldest history items beyond the cap.</summary>
    public int TrimHistory() => store.Write((c, tx) =>
    {
        var keepFrom = c.Scalar("SELECT id FROM alarm_history ORDER BY id DESC LIMIT 1 OFFSET $k", tx, ("$k", options.MaxHistoryItems - 1));
        return keepFrom is long k ? c.Execute("DELETE FROM alarm_history WHERE id < $k", tx, ("$k", k)) : 0;
    });

    private static void Append(SqliteConnection c, SqliteTransaction tx, string account, string region, AlarmHistoryItem item) =>
        c.Execute("INSERT INTO alarm_history (account, region, alarm_name, ts, type, summary, data) VALUES ($a, $r, $n, $t, $ty, $s, $d)", tx,
            ("$a", account), ("$r", region), ("$n", item.AlarmName), ("$t", item.Timestamp), ("$ty", item.Type), ("$s", item.Summary), ("$d", item.Data));

    private static MetricAlarm Read(SqliteDataReader r) => new(
        r.GetString(0), r.GetString(1), r.GetString(2), JsonNode.Parse(r.GetString(3))!.AsObject(), r.GetString(4), r.GetString(5), r.StringOrNull(6),
        r.GetInt64(7), r.GetInt64(8), r.GetInt64(9), r.GetInt64(10) != 0, JsonSerializer.Deserialize(r.GetString(11), MetricsJsonContext.Default.DictionaryStringString)!);

    private static string TagsJson(IReadOnlyDictionary<string, string> tags)
    {
        var o = new JsonObject();
        foreach (var (k, v) in tags)
        {
            o[k] = v;
        }

        return o.ToJsonString();
    }
}
