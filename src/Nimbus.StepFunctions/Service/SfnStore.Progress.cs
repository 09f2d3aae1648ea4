using System.Text.Json.Nodes;
using Microsoft.Data.Sqlite;
using Nimbus.StepFunctions.Execution;
using Nimbus.Storage.Sqlite;

namespace Nimbus.StepFunctions.Service;

/// <summary>
/// The durable progress of top-level Map and Parallel states (<c>sfn_composite_progress</c>): rows keyed by the execution and
/// the state's entered event id; idx -1 is the header (the state's start events and Map Run), the others are finished children.
/// </summary>
internal sealed partial class SfnStore
{
    private const int HeaderIndex = -1;

    /// <summary>Commits a finished child, its events and the state's header events, through the group commit.</summary>
    public Task RecordProgressAsync(
        string executionArn, long key, int index, string body, IReadOnlyList<(long Id, string Body)> events, IReadOnlyList<(long Id, string Body)> header, string? mapRunArn) =>
        db.WriteGroupedAsync((c, tx) =>
        {
            using (var insert = c.Command("INSERT OR REPLACE INTO sfn_events (execution_arn, id, body) VALUES ($a, $i, $b)", tx))
            {
                var a = insert.Parameters.Add("$a", SqliteType.Text);
                var i = insert.Parameters.Add("$i", SqliteType.Integer);
                var b = insert.Parameters.Add("$b", SqliteType.Text);
                a.Value = executionArn;
                foreach (var (id, text) in header.Concat(events))
                {
                    (i.Value, b.Value) = (id, text);
                    insert.ExecuteNonQuery();
                }
            }

            if (header.Count > 0)
            {
                // A state continued after a restart has no new header: the stored one (renumbered at the restart) stays.
                var headerBody = new JsonObject { ["mapRunArn"] = mapRunArn, ["redriven"] = false }.ToJsonString();
                c.Execute(
                    "INSERT OR REPLACE INTO sfn_composite_progress (execution_arn, entered_event_id, idx, body, events) VALUES ($a, $k, $i, $b, $e)",
                    tx, ("$a", executionArn), ("$k", key), ("$i", HeaderIndex), ("$b", headerBody), ("$e", IdList(header.Select(h => h.Id))));
            }

            c.Execute(
                "INSERT OR REPLACE INTO sfn_composite_progress (execution_arn, entered_event_id, idx, body, events) VALUES ($a, $k, $i, $b, $e)",
                tx, ("$a", executionArn), ("$k", key), ("$i", index), ("$b", body), ("$e", IdList(events.Select(h => h.Id))));
            return 0;
        });

    /// <summary>Forgets the progress of one run of a state (a Retry runs it over).</summary>
    public Task ResetProgressAsync(string executionArn, long key) => db.WriteGroupedAsync((c, tx) =>
        c.Execute("DELETE FROM sfn_composite_progress WHERE execution_arn = $a AND entered_event_id = $k", tx, ("$a", executionArn), ("$k", key)));

    public CompositeProgress? LoadProgress(string executionArn, long key)
    {
        using var c = db.Open();
        var rows = c.Query(
            "SELECT idx, body, events FROM sfn_composite_progress WHERE execution_arn = $a AND entered_event_id = $k ORDER BY idx",
            r => (Index: r.GetInt32(0), Body: r.GetString(1), Events: r.GetString(2)), null, ("$a", executionArn), ("$k", key));
        if (rows.Count == 0)
        {
            return null;
        }

        var children = new Dictionary<int, CompletedChild>();
        List<long> header = [];
        string? mapRunArn = null;
        var redriven = false;
        foreach (var (index, body, events) in rows)
        {
            var o = JsonNode.Parse(body)!.AsObject();
            if (index == HeaderIndex)
            {
                header = ParseIds(events);
                mapRunArn = o["mapRunArn"]?.GetValue<string>();
                redriven = o["redriven"]?.GetValue<bool>() == true;
            }
            else
            {
                children[index] = o["ok"]!.GetValue<bool>()
                    ? new CompletedChild(true, o["output"]?.GetValue<string>())
                    : new CompletedChild(false, null, o["error"]?.GetValue<string>(), o["cause"]?.GetValue<string>());
            }
        }

        return new CompositeProgress { HeaderEventIds = header, MapRunArn = mapRunArn, Redriven = redriven, Children = children };
    }

    public static string ChildBody(CompletedChild child) => (child.Succeeded
        ? new JsonObject { ["ok"] = true, ["output"] = child.Output }
        : new JsonObject { ["ok"] = false, ["error"] = child.Error, ["cause"] = child.Cause }).ToJsonString();

    /// <summary>
    /// At start-up, for an execution resumed at the state entered at <paramref name="enteredEventId"/>: keeps the events of
    /// that state's header and finished children (dropping the rest of its partial work), renumbers them to follow the entered
    /// event without gaps, and forgets other states' progress. Returns the id of the last kept event.
    /// </summary>
    public long RecoverProgress(string executionArn, long enteredEventId) => db.Write((c, tx) =>
    {
        c.Execute("DELETE FROM sfn_composite_progress WHERE execution_arn = $a AND entered_event_id <> $k", tx, ("$a", executionArn), ("$k", enteredEventId));
        var rows = c.Query(
            "SELECT idx, events FROM sfn_composite_progress WHERE execution_arn = $a AND entered_event_id = $k",
            r => (Index: r.GetInt32(0), Events: ParseIds(r.GetString(1))), tx, ("$a", executionArn), ("$k", enteredEventId));
        var kept = new SortedSet<long>(rows.SelectMany(r => r.Events).Where(id => id > enteredEventId));
        var stored = c.Query(
            "SELECT id, body FROM sfn_events WHERE execution_arn = $a AND id > $k ORDER BY id", r => (Id: r.GetInt64(0), Body: r.GetString(1)), tx, ("$a", executionArn), ("$k", enteredEventId));
        c.Execute("DELETE FROM sfn_events WHERE execution_arn = $a AND id > $k", tx, ("$a", executionArn), ("$k", enteredEventId));
        var renumber = new Dictionary<long, long>();
        var next = enteredEventId;
        foreach (var (id, body) in stored)
        {
            if (!kept.Contains(id))
            {
                continue;
            }

            renumber[id] = ++next;
            var e = JsonNode.Parse(body)!.AsObject();
            e["id"] = next;
            var previous = e["previousEventId"]!.GetValue<long>();
            e["previousEventId"] = renumber.GetValueOrDefault(previous, previous > enteredEventId ? enteredEventId : previous);
            c.Execute("INSERT INTO sfn_events (execution_arn, id, body) VALUES ($a, $i, $b)", tx, ("$a", executionArn), ("$i", next), ("$b", e.ToJsonString()));
        }

        foreach (var (index, events) in rows)
        {
            c.Execute(
                "UPDATE sfn_composite_progress SET events = $e WHERE execution_arn = $a AND entered_event_id = $k AND idx = $i",
                tx, ("$a", executionArn), ("$k", enteredEventId), ("$i", index), ("$e", IdList(events.Where(renumber.ContainsKey).Select(id => renumber[id]))));
        }

        return next;
    });

    /// <summary>
    /// In the redrive transaction: the failed state's successful children are kept for its re-entry (entered at
    /// <paramref name="reenteredEventId"/>), its unsuccessful ones are dropped (they run again), and the header remembers the
    /// Map Run to redrive.
    /// </summary>
    private static void PrepareProgressForRedrive(SqliteConnection c, SqliteTransaction tx, string executionArn, long failedEnteredEventId, long reenteredEventId)
    {
        c.Execute("DELETE FROM sfn_composite_progress WHERE execution_arn = $a AND entered_event_id <> $k", tx, ("$a", executionArn), ("$k", failedEnteredEventId));
        var rows = c.Query(
            "SELECT idx, body FROM sfn_composite_progress WHERE execution_arn = $a AND entered_event_id = $k",
            r => (Index: r.GetInt32(0), Body: JsonNode.Parse(r.GetString(1))!.AsObject()), tx, ("$a", executionArn), ("$k", failedEnteredEventId));
        c.Execute("DELETE FROM sfn_composite_progress WHERE execution_arn = $a", tx, ("$a", executionArn));
        foreach (var (index, body) in rows)
        {
            if (index == HeaderIndex)
            {
                body["redriven"] = true;
            }
            else if (body["ok"]?.GetValue<bool>() != true)
            {
                continue;
            }

            c.Execute(
                "INSERT INTO sfn_composite_progress (execution_arn, entered_event_id, idx, body, events) VALUES ($a, $k, $i, $b, '[]')",
                tx, ("$a", executionArn), ("$k", reenteredEventId), ("$i", index), ("$b", body.ToJsonString()));
        }
    }

    private static string IdList(IEnumerable<long> ids) => new JsonArray([.. ids.Select(id => (JsonNode)id)]).ToJsonString();

    private static List<long> ParseIds(string json) => [.. JsonNode.Parse(json)!.AsArray().Select(n => n!.GetValue<long>())];
}
