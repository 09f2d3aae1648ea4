using System.Collections.Concurrent;
using Microsoft.Data.Sqlite;
using Nimbus.Storage.Sqlite;

namespace Nimbus.StepFunctions.Service;

/// <summary>One distributed Map run: its limits and its child runs' counts. Times are Unix milliseconds.</summary>
/// <remarks>A live run's limits are read by the running Map state (UpdateMapRun takes effect at once, see <see cref="Changed"/>).</remarks>
internal sealed class MapRunRecord : Execution.IMapRunControl
{
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public required string Arn { get; init; }

    public required string ExecutionArn { get; init; }

    public required string StateMachineArn { get; init; }

    public string Status { get; set; } = "RUNNING";

    public long StartDate { get; init; }

    public long? StopDate { get; set; }

    public int MaxConcurrency { get; set; }

    public double? ToleratedFailurePercentage { get; set; }

    public int? ToleratedFailureCount { get; set; }

    public int Total { get; init; }

    public int Succeeded;

    public int Failed;

    public int TimedOut;

    public int Aborted;

    /// <summary>Child runs started and not yet ended.</summary>
    public int Running;

    /// <summary>Unsuccessful child runs of a redriven run not started again yet.</summary>
    public int PendingRedrive;

    public int RedriveCount { get; set; }

    public long? RedriveDate { get; set; }

    public Task Changed => Volatile.Read(ref _changed).Task;

    /// <summary>Wakes the running Map state after a change of the limits.</summary>
    public void SignalChanged() => Interlocked.Exchange(ref _changed, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
}

/// <summary>
/// The Map Runs of distributed Map states: live ones in memory (counts updated as child runs end), durable executions'
/// ones in <c>sfn_map_runs</c> (written at start and end). Runs left RUNNING by the previous process are closed as ABORTED at
/// start-up; the resumed Map state then reopens its run (<see cref="Continued"/>), as a redrive does.
/// </summary>
internal sealed class MapRuns(StateStore db, TimeProvider time)
{
    private const string Columns =
        "arn, execution_arn, state_machine_arn, status, start_date, stop_date, max_concurrency, tolerated_pct, tolerated_count, total, succeeded, failed, timed_out, aborted, redrive_count, redrive_date";

    private readonly ConcurrentDictionary<string, MapRunRecord> _live = new(StringComparer.Ordinal);

    private long Now() => time.GetUtcNow().ToUnixTimeMilliseconds();

    public void CloseInterrupted() => db.Write((c, tx) =>
        c.Execute("UPDATE sfn_map_runs SET status = 'ABORTED', stop_date = $d WHERE status = 'RUNNING'", tx, ("$d", Now())));

    public void Started(string arn, string executionArn, string stateMachineArn, int total, int maxConcurrency, double? pct, int? count, bool durable)
    {
        var run = new MapRunRecord
        {
            Arn = arn, ExecutionArn = executionArn, StateMachineArn = stateMachineArn, StartDate = Now(), Total = total,
            MaxConcurrency = maxConcurrency, ToleratedFailurePercentage = pct, ToleratedFailureCount = count,
        };
        _live[arn] = run;
        if (durable)
        {
            Save(run);
        }
    }

    public void ItemStarted(string arn)
    {
        if (_live.TryGetValue(arn, out var run))
        {
            Interlocked.Increment(ref run.Running);
            if (Volatile.Read(ref run.PendingRedrive) > 0)
            {
                Interlocked.Decrement(ref run.PendingRedrive);
            }
        }
    }

    /// <summary>
    /// A run goes on after a restart or is redriven: it is RUNNING again with the children kept from before (a redrive also
    /// counts one more redrive and clears the unsuccessful children, which become pending redrive). Returns the redrive count.
    /// </summary>
    public int Continued(string arn, string executionArn, string stateMachineArn, int total, bool redriven, int kept, int keptFailed, int rerun, bool durable)
    {
        var run = Find(arn) ?? new MapRunRecord { Arn = arn, ExecutionArn = executionArn, StateMachineArn = stateMachineArn, StartDate = Now(), Total = total };
        run.Status = "RUNNING";
        run.StopDate = null;
        Volatile.Write(ref run.Succeeded, kept - keptFailed);
        Volatile.Write(ref run.Failed, keptFailed);
        Volatile.Write(ref run.TimedOut, 0);
        Volatile.Write(ref run.Aborted, 0);
        Volatile.Write(ref run.Running, 0);
        Volatile.Write(ref run.PendingRedrive, redriven ? rerun : 0);
        if (redriven)
        {
            run.RedriveCount++;
            run.RedriveDate = Now();
        }

        _live[arn] = run;
        if (durable)
        {
            Save(run);
        }

        return run.RedriveCount;
    }

    public void ItemFinished(string arn, string status)
    {
        if (!_live.TryGetValue(arn, out var run))
        {
            return;
        }

        Interlocked.Decrement(ref run.Running);

        switch (status)
        {
            case "SUCCEEDED":
                Interlocked.Increment(ref run.Succeeded);
                break;
            case "TIMED_OUT":
                Interlocked.Increment(ref run.TimedOut);
                break;
            case "ABORTED":
                Interlocked.Increment(ref run.Aborted);
                break;
            default:
                Interlocked.Increment(ref run.Failed);
                break;
        }
    }

    public void Finished(string arn, string status, bool durable)
    {
        if (!_live.TryGetValue(arn, out var run))
        {
            return;
        }

        run.StopDate = Now();
        run.Status = status;
        Volatile.Write(ref run.Running, 0);
        Volatile.Write(ref run.PendingRedrive, 0);
        if (durable)
        {
            Save(run);
            _live.TryRemove(arn, out _);
        }
    }

    public MapRunRecord? Find(string arn)
    {
        if (_live.TryGetValue(arn, out var run))
        {
            return run;
        }

        using var c = db.Open();
        return c.Query($"SELECT {Columns} FROM sfn_map_runs WHERE arn = $a", Read, null, ("$a", arn)).FirstOrDefault();
    }

    public List<MapRunRecord> OfExecution(string executionArn)
    {
        using var c = db.Open();
        var stored = c.Query($"SELECT {Columns} FROM sfn_map_runs WHERE execution_arn = $e ORDER BY start_date DESC", Read, null, ("$e", executionArn));
        var live = _live.Values.Where(r => r.ExecutionArn == executionArn).ToList();
        return [.. stored.Select(s => live.FirstOrDefault(l => l.Arn == s.Arn) ?? s)
            .Concat(live.Where(l => stored.All(s => s.Arn != l.Arn)))
            .OrderByDescending(r => r.StartDate)];
    }

    /// <summary>UpdateMapRun: records new limits (stored at once for a durable run); a running Map state applies them at once.</summary>
    public void Update(MapRunRecord run, int? maxConcurrency, double? pct, int? count)
    {
        run.MaxConcurrency = maxConcurrency ?? run.MaxConcurrency;
        run.ToleratedFailurePercentage = pct ?? run.ToleratedFailurePercentage;
        run.ToleratedFailureCount = count ?? run.ToleratedFailureCount;
        db.Write((c, tx) => c.Execute(
            "UPDATE sfn_map_runs SET max_concurrency = $m, tolerated_pct = $p, tolerated_count = $c WHERE arn = $a",
            tx, ("$a", run.Arn), ("$m", run.MaxConcurrency), ("$p", run.ToleratedFailurePercentage), ("$c", run.ToleratedFailureCount)));
        run.SignalChanged();
    }

    private void Save(MapRunRecord r) => db.Write((c, tx) => c.Execute(
        $"INSERT OR REPLACE INTO sfn_map_runs ({Columns}) VALUES ($a, $e, $sm, $st, $start, $stop, $m, $p, $c, $t, $s, $f, $to, $ab, $rc, $rd)",
        tx,
        ("$a", r.Arn), ("$e", r.ExecutionArn), ("$sm", r.StateMachineArn), ("$st", r.Status), ("$start", r.StartDate), ("$stop", r.StopDate),
        ("$m", r.MaxConcurrency), ("$p", r.ToleratedFailurePercentage), ("$c", r.ToleratedFailureCount), ("$t", r.Total),
        ("$s", Volatile.Read(ref r.Succeeded)), ("$f", Volatile.Read(ref r.Failed)), ("$to", Volatile.Read(ref r.TimedOut)), ("$ab", Volatile.Read(ref r.Aborted)),
        ("$rc", r.RedriveCount), ("$rd", r.RedriveDate)));

    private static MapRunRecord Read(SqliteDataReader r) => new()
    {
        Arn = r.GetString(0),
        ExecutionArn = r.GetString(1),
        StateMachineArn = r.GetString(2),
        Status = r.GetString(3),
        StartDate = r.GetInt64(4),
        StopDate = r.IsDBNull(5) ? null : r.GetInt64(5),
        MaxConcurrency = r.GetInt32(6),
        ToleratedFailurePercentage = r.IsDBNull(7) ? null : r.GetDouble(7),
        ToleratedFailureCount = r.IsDBNull(8) ? null : r.GetInt32(8),
        Total = r.GetInt32(9),
        Succeeded = r.GetInt32(10),
        Failed = r.GetInt32(11),
        TimedOut = r.GetInt32(12),
        Aborted = r.GetInt32(13),
        RedriveCount = r.GetInt32(14),
        RedriveDate = r.IsDBNull(15) ? null : r.GetInt64(15),
    };
}
