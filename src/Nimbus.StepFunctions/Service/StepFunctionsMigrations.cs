using Nimbus.Storage.Sqlite;

namespace Nimbus.StepFunctions.Service;

/// <summary>The Step Functions module's tables: state machines, executions (with their resume checkpoint), history events, tags.</summary>
internal sealed class StepFunctionsMigrations : IMigrationSource
{
    public IEnumerable<Migration> Migrations =>
    [
        new("states", 1, """
            CREATE TABLE sfn_state_machines (
                arn TEXT NOT NULL PRIMARY KEY, account TEXT NOT NULL, region TEXT NOT NULL, name TEXT NOT NULL, type TEXT NOT NULL,
                definition TEXT NOT NULL, role_arn TEXT NOT NULL, created INTEGER NOT NULL, updated INTEGER NOT NULL,
                revision_id TEXT NOT NULL, logging TEXT NULL, tracing TEXT NULL, description TEXT NULL);
            CREATE INDEX sfn_state_machines_by_scope ON sfn_state_machines (account, region, created);
            CREATE TABLE sfn_executions (
                arn TEXT NOT NULL PRIMARY KEY, state_machine_arn TEXT NOT NULL, state_machine_name TEXT NOT NULL, name TEXT NOT NULL,
                status TEXT NOT NULL, input TEXT NOT NULL, output TEXT NULL, error TEXT NULL, cause TEXT NULL,
                start_date INTEGER NOT NULL, stop_date INTEGER NULL, definition TEXT NOT NULL, role_arn TEXT NOT NULL,
                definition_updated INTEGER NOT NULL, revision_id TEXT NULL, trace_header TEXT NULL, checkpoint TEXT NULL);
            CREATE INDEX sfn_executions_by_machine ON sfn_executions (state_machine_arn, start_date);
            CREATE INDEX sfn_executions_by_status ON sfn_executions (status);
            CREATE TABLE sfn_events (
                execution_arn TEXT NOT NULL, id INTEGER NOT NULL, body TEXT NOT NULL, PRIMARY KEY (execution_arn, id)) WITHOUT ROWID;
            CREATE TABLE sfn_tags (
                resource_arn TEXT NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL, PRIMARY KEY (resource_arn, key));
            """),
        new("states", 2, """
            CREATE TABLE sfn_activities (
                arn TEXT NOT NULL PRIMARY KEY, account TEXT NOT NULL, region TEXT NOT NULL, name TEXT NOT NULL, created INTEGER NOT NULL);
            CREATE INDEX sfn_activities_by_scope ON sfn_activities (account, region, created);
            """),
        new("states", 3, """
            ALTER TABLE sfn_state_machines ADD COLUMN last_version INTEGER NOT NULL DEFAULT 0;
            ALTER TABLE sfn_executions ADD COLUMN version_arn TEXT NULL;
            ALTER TABLE sfn_executions ADD COLUMN alias_arn TEXT NULL;
            ALTER TABLE sfn_executions ADD COLUMN redrive_count INTEGER NOT NULL DEFAULT 0;
            ALTER TABLE sfn_executions ADD COLUMN redrive_date INTEGER NULL;
            CREATE TABLE sfn_versions (
                arn TEXT NOT NULL PRIMARY KEY, machine_arn TEXT NOT NULL, version INTEGER NOT NULL, type TEXT NOT NULL,
                definition TEXT NOT NULL, role_arn TEXT NOT NULL, created INTEGER NOT NULL, revision_id TEXT NOT NULL,
                logging TEXT NULL, tracing TEXT NULL, description TEXT NULL);
            CREATE INDEX sfn_versions_by_machine ON sfn_versions (machine_arn, version);
            CREATE TABLE sfn_aliases (
                arn TEXT NOT NULL PRIMARY KEY, machine_arn TEXT NOT NULL, name TEXT NOT NULL, description TEXT NULL,
                routing TEXT NOT NULL, created INTEGER NOT NULL, updated INTEGER NOT NULL);
            CREATE INDEX sfn_aliases_by_machine ON sfn_aliases (machine_arn, created);
            """),
        new("states", 4, """
            ALTER TABLE sfn_executions ADD COLUMN test_case TEXT NULL;
            """),
        new("states", 5, """
            CREATE TABLE sfn_map_runs (
                arn TEXT NOT NULL PRIMARY KEY, execution_arn TEXT NOT NULL, state_machine_arn TEXT NOT NULL, status TEXT NOT NULL,
                start_date INTEGER NOT NULL, stop_date INTEGER NULL, max_concurrency INTEGER NOT NULL, tolerated_pct REAL NULL,
                tolerated_count INTEGER NULL, total INTEGER NOT NULL, succeeded INTEGER NOT NULL, failed INTEGER NOT NULL,
                timed_out INTEGER NOT NULL, aborted INTEGER NOT NULL);
            CREATE INDEX sfn_map_runs_by_execution ON sfn_map_runs (execution_arn, start_date);
            """),
        // The resume checkpoint moves out of sfn_executions: rewriting that row (with its definition snapshot) at every
        // state entry dominated the cost of a durable transition. sfn_executions.checkpoint is no longer used.
        new("states", 6, """
            CREATE TABLE sfn_checkpoints (execution_arn TEXT NOT NULL PRIMARY KEY, body TEXT NOT NULL) WITHOUT ROWID;
            INSERT INTO sfn_checkpoints (execution_arn, body) SELECT arn, checkpoint FROM sfn_executions WHERE checkpoint IS NOT NULL;
            UPDATE sfn_executions SET checkpoint = NULL WHERE checkpoint IS NOT NULL;
            """),
        // The finished iterations/branches of the top-level Map or Parallel state being run (entered at entered_event_id):
        // idx -1 is the state's header (its start events, its Map Run), then one row per finished child with the ids of
        // its history events. A restart continues the state without them; a redrive keeps the successful ones.
        new("states", 7, """
            CREATE TABLE sfn_composite_progress (
                execution_arn TEXT NOT NULL, entered_event_id INTEGER NOT NULL, idx INTEGER NOT NULL, body TEXT NOT NULL, events TEXT NOT NULL,
                PRIMARY KEY (execution_arn, entered_event_id, idx)) WITHOUT ROWID;
            ALTER TABLE sfn_map_runs ADD COLUMN redrive_count INTEGER NOT NULL DEFAULT 0;
            ALTER TABLE sfn_map_runs ADD COLUMN redrive_date INTEGER NULL;
            """),
    ];
}
