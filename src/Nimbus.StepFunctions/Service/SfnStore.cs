using Microsoft.Data.Sqlite;
using Nimbus.Storage.Sqlite;

namespace Nimbus.StepFunctions.Service;

/// <summary>SQL access for the Step Functions tables.</summary>
internal sealed partial class SfnStore(StateStore db)
{
    private const string MachineColumns = "arn, account, region, name, type, definition, role_arn, created, updated, revision_id, logging, tracing, description";

    private const string ExecutionColumns =
        "arn, state_machine_arn, state_machine_name, name, status, input, output, error, cause, start_date, stop_date, definition, role_arn, definition_updated, revision_id, trace_header, checkpoint, version_arn, alias_arn, redrive_count, redrive_date, test_case";

    /// <summary>The execution columns as read: the resume checkpoint lives in its own table (see <see cref="CommitAsync"/>).</summary>
    private static readonly string ExecutionSelect = ExecutionColumns.Replace(
        " checkpoint,", " (SELECT body FROM sfn_checkpoints WHERE sfn_checkpoints.execution_arn = sfn_executions.arn) AS checkpoint,", StringComparison.Ordinal);

    private const string VersionColumns = "arn, machine_arn, version, type, definition, role_arn, created, revision_id, logging, tracing, description";

    private const string AliasColumns = "arn, machine_arn, name, description, routing, created, updated";

    public StateStore Db => db;

    // ---- state machines -------------------------------------------------------------------------------------------

    public StateMachineRecord? Machine(string arn)
    {
        using var c = db.Open();
        return c.Query($"SELECT {MachineColumns} FROM sfn_state_machines WHERE arn = $a", ReadMachine, null, ("$a", arn)).FirstOrDefault();
    }

    public List<StateMachineRecord> Machines(string account, string region)
    {
        using var c = db.Open();
        return c.Query($"SELECT {MachineColumns} FROM sfn_state_machines WHERE account = $a AND region = $r ORDER BY created, name", ReadMachine, null, ("$a", account), ("$r", region));
    }

    /// <summary>Inserts the machine unless one with the ARN exists; returns the stored one (new or existing).</summary>
    public (StateMachineRecord Record, bool Created) InsertMachine(StateMachineRecord m, IEnumerable<KeyValuePair<string, string>> tags) => db.Write((c, tx) =>
    {
        var existing = c.Query($"SELECT {MachineColumns} FROM sfn_state_machines WHERE arn = $a", ReadMachine, tx, ("$a", m.Arn)).FirstOrDefault();
        if (existing is not null)
        {
            return (existing, false);
        }

        c.Execute(
            $"INSERT INTO sfn_state_machines ({MachineColumns}) VALUES ($arn, $acc, $reg, $name, $type, $def, $role, $created, $updated, $rev, $log, $trace, $desc)",
            tx,
            ("$arn", m.Arn), ("$acc", m.Account), ("$reg", m.Region), ("$name", m.Name), ("$type", m.Type), ("$def", m.Definition),
            ("$role", m.RoleArn), ("$created", m.Created), ("$updated", m.Updated), ("$rev", m.RevisionId), ("$log", m.Logging),
            ("$trace", m.Tracing), ("$desc", m.Description));
        SetTags(c, tx, m.Arn, tags);
        return (m, true);
    });

    public void UpdateMachine(StateMachineRecord m) => db.Write((c, tx) => c.Execute(
        "UPDATE sfn_state_machines SET definition = $def, role_arn = $role, updated = $updated, revision_id = $rev, logging = $log, tracing = $trace WHERE arn = $arn",
        tx,
        ("$arn", m.Arn), ("$def", m.Definition), ("$role", m.RoleArn), ("$updated", m.Updated), ("$rev", m.RevisionId), ("$log", m.Logging), ("$trace", m.Tracing)));

    public void DeleteMachine(string arn) => db.Write((c, tx) =>
    {
        c.Execute("DELETE FROM sfn_tags WHERE resource_arn = $a OR resource_arn IN (SELECT arn FROM sfn_aliases WHERE machine_arn = $a)", tx, ("$a", arn));
        c.Execute("DELETE FROM sfn_aliases WHERE machine_arn = $a", tx, ("$a", arn));
        c.Execute("DELETE FROM sfn_versions WHERE machine_arn = $a", tx, ("$a", arn));
        return c.Execute("DELETE FROM sfn_state_machines WHERE arn = $a", tx, ("$a", arn));
    });

    // ---- versions and aliases -------------------------------------------------------------------------------------

    public const int MaxVersions = 1000;

    public VersionRecord? Version(string arn)
    {
        using var c = db.Open();
        return c.Query($"SELECT {VersionColumns} FROM sfn_versions WHERE arn = $a", ReadVersion, null, ("$a", arn)).FirstOrDefault();
    }

    /// <summary>The machine's versions, newest first.</summary>
    public List<VersionRecord> Versions(string machineArn)
    {
        using var c = db.Open();
        return c.Query($"SELECT {VersionColumns} FROM sfn_versions WHERE machine_arn = $a ORDER BY version DESC", ReadVersion, null, ("$a", machineArn));
    }

    /// <summary>
    /// Publishes the machine's current revision as a new version, or returns the version already published for it.
    /// Version numbers only grow (a deleted version's number is not reused).
    /// </summary>
    public (VersionRecord Version, bool Created) Publish(string machineArn, string? expectedRevision, string? description, long now) => db.Write((c, tx) =>
    {
        var m = c.Query($"SELECT {MachineColumns} FROM sfn_state_machines WHERE arn = $a", ReadMachine, tx, ("$a", machineArn)).FirstOrDefault()
            ?? throw SfnErrors.StateMachineDoesNotExist(machineArn);
        if (expectedRevision is not null && expectedRevision != m.RevisionId)
        {
            throw SfnErrors.Conflict($"Failed to publish the State Machine version for revision {expectedRevision}. The current State Machine revision is {m.RevisionId}.");
        }

        var existing = c.Query($"SELECT {VersionColumns} FROM sfn_versions WHERE machine_arn = $a AND revision_id = $r", ReadVersion, tx, ("$a", machineArn), ("$r", m.RevisionId)).FirstOrDefault();
        if (existing is not null)
        {
            return (existing, false);
        }

        if ((long)(c.Scalar("SELECT COUNT(*) FROM sfn_versions WHERE machine_arn = $a", tx, ("$a", machineArn)) ?? 0L) >= MaxVersions)
        {
            throw SfnErrors.QuotaExceeded($"Reached the maximum number of versions ({MaxVersions}) for the State Machine: '{machineArn}'. Delete unused versions and try again.");
        }

        var number = (long)(c.Scalar("SELECT last_version FROM sfn_state_machines WHERE arn = $a", tx, ("$a", machineArn)) ?? 0L) + 1;
        var v = new VersionRecord($"{machineArn}:{number}", machineArn, number, m.Type, m.Definition, m.RoleArn, now, m.RevisionId, m.Logging, m.Tracing, description);
        c.Execute(
            $"INSERT INTO sfn_versions ({VersionColumns}) VALUES ($arn, $m, $v, $type, $def, $role, $created, $rev, $log, $trace, $desc)",
            tx,
            ("$arn", v.Arn), ("$m", machineArn), ("$v", number), ("$type", v.Type), ("$def", v.Definition), ("$role", v.RoleArn), ("$created", now),
            ("$rev", v.RevisionId), ("$log", v.Logging), ("$trace", v.Tracing), ("$desc", description));
        c.Execute("UPDATE sfn_state_machines SET last_version = $v WHERE arn = $a", tx, ("$a", machineArn), ("$v", number));
        return (v, true);
    });

    /// <summary>Deletes a version unless an alias routes to it (ConflictException).</summary>
    public void DeleteVersion(string versionArn, string machineArn) => db.Write((c, tx) =>
    {
        var referencing = c.Query($"SELECT {AliasColumns} FROM sfn_aliases WHERE machine_arn = $a", ReadAlias, tx, ("$a", machineArn))
            .Where(a => a.Routing.Any(r => r.VersionArn == versionArn)).Select(a => a.Arn).ToList();
        if (referencing.Count > 0)
        {
            throw SfnErrors.Conflict($"Version to be deleted must not be referenced by an alias. Current list of aliases referencing this version: [{string.Join(", ", referencing)}]");
        }

        return c.Execute("DELETE FROM sfn_versions WHERE arn = $a", tx, ("$a", versionArn));
    });

    public AliasRecord? Alias(string arn)
    {
        using var c = db.Open();
        return c.Query($"SELECT {AliasColumns} FROM sfn_aliases WHERE arn = $a", ReadAlias, null, ("$a", arn)).FirstOrDefault();
    }

    public List<AliasRecord> Aliases(string machineArn)
    {
        using var c = db.Open();
        return c.Query($"SELECT {AliasColumns} FROM sfn_aliases WHERE machine_arn = $a ORDER BY created, name", ReadAlias, null, ("$a", machineArn));
    }

    /// <summary>Inserts the alias unless one with the ARN exists; returns the stored one (new or existing).</summary>
    public (AliasRecord Alias, bool Created) InsertAlias(AliasRecord a) => db.Write((c, tx) =>
    {
        var existing = c.Query($"SELECT {AliasColumns} FROM sfn_aliases WHERE arn = $a", ReadAlias, tx, ("$a", a.Arn)).FirstOrDefault();
        if (existing is not null)
        {
            return (existing, false);
        }

        if ((long)(c.Scalar("SELECT COUNT(*) FROM sfn_aliases WHERE machine_arn = $a", tx, ("$a", a.MachineArn)) ?? 0L) >= 100)
        {
            throw SfnErrors.QuotaExceeded($"Reached the maximum number of aliases (100) for the State Machine: '{a.MachineArn}'.");
        }

        c.Execute(
            $"INSERT INTO sfn_aliases ({AliasColumns}) VALUES ($arn, $m, $name, $desc, $routing, $created, $updated)",
            tx,
            ("$arn", a.Arn), ("$m", a.MachineArn), ("$name", a.Name), ("$desc", a.Description), ("$routing", RoutingJson(a.Routing)), ("$created", a.Created), ("$updated", a.Updated));
        return (a, true);
    });

    public void UpdateAlias(AliasRecord a) => db.Write((c, tx) => c.Execute(
        "UPDATE sfn_aliases SET description = $desc, routing = $routing, updated = $updated WHERE arn = $arn",
        tx,
        ("$arn", a.Arn), ("$desc", a.Description), ("$routing", RoutingJson(a.Routing)), ("$updated", a.Updated)));

    public void DeleteAlias(string arn) => db.Write((c, tx) =>
    {
        c.Execute("DELETE FROM sfn_tags WHERE resource_arn = $a", tx, ("$a", arn));
        return c.Execute("DELETE FROM sfn_aliases WHERE arn = $a", tx, ("$a", arn));
    });

    private static string RoutingJson(IEnumerable<(string VersionArn, int Weight)> routing) =>
        new System.Text.Json.Nodes.JsonArray([.. routing.Select(r => (System.Text.Json.Nodes.JsonNode)new System.Text.Json.Nodes.JsonObject
        {
            ["stateMachineVersionArn"] = r.VersionArn,
            ["weight"] = r.Weight,
        })]).ToJsonString();

    private static VersionRecord ReadVersion(SqliteDataReader r) => new(
        r.GetString(0), r.GetString(1), r.GetInt64(2), r.GetString(3), r.GetString(4), r.GetString(5), r.GetInt64(6), r.GetString(7),
        r.StringOrNull(8), r.StringOrNull(9), r.StringOrNull(10));

    private static AliasRecord ReadAlias(SqliteDataReader r) => new(
        r.GetString(0), r.GetString(1), r.GetString(2), r.StringOrNull(3),
        [.. System.Text.Json.Nodes.JsonNode.Parse(r.GetString(4))!.AsArray().Select(x => (x!["stateMachineVersionArn"]!.GetValue<string>(), x["weight"]!.GetValue<int>()))],
        r.GetInt64(5), r.GetInt64(6));

    // ---- activities -----------------------------------------------------------------------------------------------

    public ActivityRecord? Activity(string arn)
    {
        using var c = db.Open();
        return c.Query("SELECT arn, name, created FROM sfn_activities WHERE arn = $a", ReadActivity, null, ("$a", arn)).FirstOrDefault();
    }

    public List<ActivityRecord> Activities(string account, string region)
    {
        using var c = db.Open();
        return c.Query("SELECT arn, name, created FROM sfn_activities WHERE account = $a AND region = $r ORDER BY created, name", ReadActivity, null, ("$a", account), ("$r", region));
    }

    /// <summary>Inserts the activity unless it exists (CreateActivity is idempotent by name); returns the stored one.</summary>
    public ActivityRecord InsertActivity(ActivityRecord a, string account, string region, IEnumerable<KeyValuePair<string, string>> tags) => db.Write((c, tx) =>
    {
        var existing = c.Query("SELECT arn, name, created FROM sfn_activities WHERE arn = $a", ReadActivity, tx, ("$a", a.Arn)).FirstOrDefault();
        if (existing is not null)
        {
            return existing;
        }

        c.Execute(
            "INSERT INTO sfn_activities (arn, account, region, name, created) VALUES ($arn, $acc, $reg, $name, $created)",
            tx, ("$arn", a.Arn), ("$acc", account), ("$reg", region), ("$name", a.Name), ("$created", a.Created));
        SetTags(c, tx, a.Arn, tags);
        return a;
    });

    public void DeleteActivity(string arn) => db.Write((c, tx) =>
    {
        c.Execute("DELETE FROM sfn_tags WHERE resource_arn = $a", tx, ("$a", arn));
        return c.Execute("DELETE FROM sfn_activities WHERE arn = $a", tx, ("$a", arn));
    });

    private static ActivityRecord ReadActivity(SqliteDataReader r) => new(r.GetString(0), r.GetString(1), r.GetInt64(2));

    // ---- tags -----------------------------------------------------------------------------------------------------

    public List<KeyValuePair<string, string>> Tags(string arn)
    {
        using var c = db.Open();
        return c.Query("SELECT key, value FROM sfn_tags WHERE resource_arn = $a ORDER BY key", r => KeyValuePair.Create(r.GetString(0), r.GetString(1)), null, ("$a", arn));
    }

    public void Tag(string arn, IEnumerable<KeyValuePair<string, string>> tags) => db.Write((c, tx) =>
    {
        SetTags(c, tx, arn, tags);
        return 0;
    });

    public void Untag(string arn, IEnumerable<string> keys) => db.Write((c, tx) =>
    {
        foreach (var k in keys)
        {
            c.Execute("DELETE FROM sfn_tags WHERE resource_arn = $a AND key = $k", tx, ("$a", arn), ("$k", k));
        }

        return 0;
    });

    private static void SetTags(SqliteConnection c, SqliteTransaction tx, string arn, IEnumerable<KeyValuePair<string, string>> tags)
    {
        foreach (var (k, v) in tags)
        {
            c.Execute("INSERT OR REPLACE INTO sfn_tags (resource_arn, key, value) VALUES ($a, $k, $v)", tx, ("$a", arn), ("$k", k), ("$v", v));
        }
    }

    // ---- executions -----------------------------------------------------------------------------------------------

    public ExecutionRecord? Execution(string arn)
    {
        using var c = db.Open();
        return c.Query($"SELECT {ExecutionSelect} FROM sfn_executions WHERE arn = $a", ReadExecution, null, ("$a", arn)).FirstOrDefault();
    }

    /// <summary>Inserts a new execution; returns the existing one instead when the ARN is taken.</summary>
    public ExecutionRecord? InsertExecution(ExecutionRecord e) => db.Write((c, tx) =>
    {
        var existing = c.Query($"SELECT {ExecutionSelect} FROM sfn_executions WHERE arn = $a", ReadExecution, tx, ("$a", e.Arn)).FirstOrDefault();
        if (existing is not null)
        {
            return existing;
        }

        c.Execute(
            $"INSERT INTO sfn_executions ({ExecutionColumns}) VALUES ($arn, $sm, $smn, $name, $status, $input, NULL, NULL, NULL, $start, NULL, $def, $role, $du, $rev, $trace, NULL, $ver, $alias, 0, NULL, $tc)",
            tx,
            ("$tc", e.TestCase),
            ("$ver", e.VersionArn), ("$alias", e.AliasArn),
            ("$arn", e.Arn), ("$sm", e.StateMachineArn), ("$smn", e.StateMachineName), ("$name", e.Name), ("$status", e.Status), ("$input", e.Input),
            ("$start", e.StartDate), ("$def", e.Definition), ("$role", e.RoleArn), ("$du", e.DefinitionUpdated), ("$rev", e.RevisionId), ("$trace", e.TraceHeader));
        return null;
    });

    /// <summary>Executions of a machine, newest first; <paramref name="qualifier"/> narrows to one version or alias ARN.</summary>
    public List<ExecutionRecord> Executions(string stateMachineArn, string? status, string? qualifier = null)
    {
        using var c = db.Open();
        return c.Query(
            $"SELECT {ExecutionSelect} FROM sfn_executions WHERE state_machine_arn = $sm AND ($st IS NULL OR status = $st) AND ($q IS NULL OR version_arn = $q OR alias_arn = $q) ORDER BY start_date DESC, rowid DESC",
            ReadExecution, null, ("$sm", stateMachineArn), ("$st", status), ("$q", qualifier));
    }

    public List<ExecutionRecord> RunningExecutions()
    {
        using var c = db.Open();
        return c.Query($"SELECT {ExecutionSelect} FROM sfn_executions WHERE status = 'RUNNING' ORDER BY start_date", ReadExecution);
    }

    /// <summary>
    /// Commits history events (and optionally a new checkpoint, or the final status) atomically, through the store's group
    /// commit: the work shares a transaction with other executions' and the task completes once that has committed.
    /// </summary>
    /// <remarks>
    /// The checkpoint is a row of its own (<c>sfn_checkpoints</c>), not a column of <c>sfn_executions</c>: updating the
    /// execution row would rewrite its definition snapshot (tens of KiB for a large machine) at every state entry.
    /// </remarks>
    public Task CommitAsync(string executionArn, IReadOnlyList<(long Id, string Body)> events, string? checkpoint, ExecutionRecord? final) =>
        db.WriteGroupedAsync((c, tx) =>
        {
            var commands = CommitCommands.For(ref _commit, c);
            if (events.Count > 0)
            {
                var insert = commands.InsertEvent;
                insert.Transaction = tx;
                commands.EventArn.Value = executionArn;
                foreach (var (id, body) in events)
                {
                    (commands.EventId.Value, commands.EventBody.Value) = (id, body);
                    insert.ExecuteNonQuery();
                }
            }

            if (final is not null)
            {
                c.Execute(
                    "UPDATE sfn_executions SET status = $s, output = $o, error = $e, cause = $c, stop_date = $d WHERE arn = $a",
                    tx,
                    ("$a", executionArn), ("$s", final.Status), ("$o", final.Output), ("$e", final.Error), ("$c", final.Cause), ("$d", final.StopDate));
                if (final.Status == "SUCCEEDED")
                {
                    c.Execute("DELETE FROM sfn_checkpoints WHERE execution_arn = $a", tx, ("$a", executionArn));
                }
            }
            else if (checkpoint is not null)
            {
                var upsert = commands.UpsertCheckpoint;
                upsert.Transaction = tx;
                (commands.CheckpointArn.Value, commands.CheckpointBody.Value) = (executionArn, checkpoint);
                upsert.ExecuteNonQuery();
            }

            return 0;
        });

    /// <summary>Prepared once per writer connection (group commits all run on one thread, on one connection).</summary>
    private CommitCommands? _commit;

    /// <summary>The statements of every transition's commit, kept prepared on the group writer's connection.</summary>
    private sealed class CommitCommands
    {
        private CommitCommands(SqliteConnection connection)
        {
            Connection = connection;
            InsertEvent = connection.CreateCommand();
            InsertEvent.CommandText = "INSERT OR REPLACE INTO sfn_events (execution_arn, id, body) VALUES ($a, $i, $b)";
            EventArn = InsertEvent.Parameters.Add("$a", SqliteType.Text);
            EventId = InsertEvent.Parameters.Add("$i", SqliteType.Integer);
            EventBody = InsertEvent.Parameters.Add("$b", SqliteType.Text);
            UpsertCheckpoint = connection.CreateCommand();
            UpsertCheckpoint.CommandText = "INSERT OR REPLACE INTO sfn_checkpoints (execution_arn, body) VALUES ($a, $cp)";
            CheckpointArn = UpsertCheckpoint.Parameters.Add("$a", SqliteType.Text);
            CheckpointBody = UpsertCheckpoint.Parameters.Add("$cp", SqliteType.Text);
        }

        public SqliteConnection Connection { get; }

        public SqliteCommand InsertEvent { get; }

        public SqliteParameter EventArn { get; }

        public SqliteParameter EventId { get; }

        public SqliteParameter EventBody { get; }

        public SqliteCommand UpsertCheckpoint { get; }

        public SqliteParameter CheckpointArn { get; }

        public SqliteParameter CheckpointBody { get; }

        /// <summary>The commands for <paramref name="connection"/>: the cached ones, or new ones when the writer reopened its connection.</summary>
        public static CommitCommands For(ref CommitCommands? cached, SqliteConnection connection)
        {
            if (cached?.Connection != connection)
            {
                cached?.InsertEvent.Dispose();
                cached?.UpsertCheckpoint.Dispose();
                cached = new CommitCommands(connection);
            }

            return cached;
        }
    }

    /// <summary>
    /// Redrive: appends the <c>ExecutionRedriven</c> event and reopens the execution (RUNNING, one more redrive, outcome
    /// cleared) in one transaction, with the checkpoint marked for re-entry. Returns the reopened record, or null when it was
    /// no longer closed (a concurrent redrive).
    /// </summary>
    public ExecutionRecord? Redrive(ExecutionRecord closed, long now, Func<long, long, string> redrivenEvent, Func<long, string> checkpoint) => db.Write((c, tx) =>
    {
        var current = c.Query($"SELECT {ExecutionSelect} FROM sfn_executions WHERE arn = $a", ReadExecution, tx, ("$a", closed.Arn)).FirstOrDefault();
        if (current is null || current.Status != closed.Status || current.RedriveCount != closed.RedriveCount)
        {
            return null;
        }

        var last = (long)(c.Scalar("SELECT COALESCE(MAX(id), 0) FROM sfn_events WHERE execution_arn = $a", tx, ("$a", closed.Arn)) ?? 0L);
        c.Execute("INSERT INTO sfn_events (execution_arn, id, body) VALUES ($a, $i, $b)", tx, ("$a", closed.Arn), ("$i", last + 1), ("$b", redrivenEvent(last + 1, last)));
        c.Execute(
            "UPDATE sfn_executions SET status = 'RUNNING', output = NULL, error = NULL, cause = NULL, stop_date = NULL, redrive_count = redrive_count + 1, redrive_date = $d WHERE arn = $a",
            tx, ("$a", closed.Arn), ("$d", now));
        c.Execute("INSERT OR REPLACE INTO sfn_checkpoints (execution_arn, body) VALUES ($a, $cp)", tx, ("$a", closed.Arn), ("$cp", checkpoint(last + 1)));
        PrepareProgressForRedrive(c, tx, closed.Arn, SfnJson.ParseCheckpoint(current.Checkpoint!).EnteredEventId, last + 2);
        return c.Query($"SELECT {ExecutionSelect} FROM sfn_executions WHERE arn = $a", ReadExecution, tx, ("$a", closed.Arn)).FirstOrDefault();
    });

    /// <summary>The id of the last recorded event.</summary>
    public long LastEventId(string executionArn)
    {
        using var c = db.Open();
        return (long)(c.Scalar("SELECT COALESCE(MAX(id), 0) FROM sfn_events WHERE execution_arn = $a", null, ("$a", executionArn)) ?? 0L);
    }

    /// <summary>Drops the events recorded after the checkpoint (the interrupted state's partial work, redone on resume).</summary>
    public void TruncateEvents(string executionArn, long lastKeptId) => db.Write((c, tx) =>
        c.Execute("DELETE FROM sfn_events WHERE execution_arn = $a AND id > $i", tx, ("$a", executionArn), ("$i", lastKeptId)));

    /// <summary>Events in id order (or reverse), after/before <paramref name="fromId"/> (exclusive), at most <paramref name="limit"/>.</summary>
    public List<(long Id, string Body)> Events(string executionArn, bool reverse, long? fromId, int limit)
    {
        using var c = db.Open();
        var sql = reverse
            ? "SELECT id, body FROM sfn_events WHERE execution_arn = $a AND id < $f ORDER BY id DESC LIMIT $l"
            : "SELECT id, body FROM sfn_events WHERE execution_arn = $a AND id > $f ORDER BY id LIMIT $l";
        return c.Query(sql, r => (r.GetInt64(0), r.GetString(1)), null, ("$a", executionArn), ("$f", fromId ?? (reverse ? long.MaxValue : 0)), ("$l", limit));
    }

    public long EventCount(string executionArn)
    {
        using var c = db.Open();
        return (long)(c.Scalar("SELECT COUNT(*) FROM sfn_events WHERE execution_arn = $a", null, ("$a", executionArn)) ?? 0L);
    }

    private static StateMachineRecord ReadMachine(SqliteDataReader r) => new(
        r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetString(4), r.GetString(5), r.GetString(6),
        r.GetInt64(7), r.GetInt64(8), r.GetString(9), r.StringOrNull(10), r.StringOrNull(11), r.StringOrNull(12));

    private static ExecutionRecord ReadExecution(SqliteDataReader r) => new()
    {
        Arn = r.GetString(0),
        StateMachineArn = r.GetString(1),
        StateMachineName = r.GetString(2),
        Name = r.GetString(3),
        Status = r.GetString(4),
        Input = r.GetString(5),
        Output = r.StringOrNull(6),
        Error = r.StringOrNull(7),
        Cause = r.StringOrNull(8),
        StartDate = r.GetInt64(9),
        StopDate = r.IsDBNull(10) ? null : r.GetInt64(10),
        Definition = r.GetString(11),
        RoleArn = r.GetString(12),
        DefinitionUpdated = r.GetInt64(13),
        RevisionId = r.StringOrNull(14),
        TraceHeader = r.StringOrNull(15),
        Checkpoint = r.StringOrNull(16),
        VersionArn = r.StringOrNull(17),
        AliasArn = r.StringOrNull(18),
        RedriveCount = r.GetInt32(19),
        RedriveDate = r.IsDBNull(20) ? null : r.GetInt64(20),
        TestCase = r.StringOrNull(21),
    };
}
