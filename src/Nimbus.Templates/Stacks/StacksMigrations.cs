using Nimbus.Storage.Sqlite;

namespace Nimbus.Templates.Stacks;

/// <summary>CloudFormation's tables: stacks, their resources and events, change sets, exports and imports.</summary>
/// <remarks>Stacks, resources and change sets are JSON documents (read whole, replaced whole); events are append-only.</remarks>
internal sealed class StacksMigrations : IMigrationSource
{
    public IEnumerable<Migration> Migrations =>
    [
        new("cloudformation", 1, """
            CREATE TABLE cfn_stacks (
                stack_id TEXT NOT NULL PRIMARY KEY, account TEXT NOT NULL, region TEXT NOT NULL, name TEXT NOT NULL,
                deleted INTEGER NOT NULL, created INTEGER NOT NULL, doc TEXT NOT NULL);
            CREATE INDEX cfn_stacks_by_name ON cfn_stacks (account, region, name, deleted);
            CREATE TABLE cfn_resources (
                stack_id TEXT NOT NULL, logical_id TEXT NOT NULL, doc TEXT NOT NULL, PRIMARY KEY (stack_id, logical_id));
            CREATE TABLE cfn_events (seq INTEGER PRIMARY KEY AUTOINCREMENT, stack_id TEXT NOT NULL, doc TEXT NOT NULL);
            CREATE INDEX cfn_events_by_stack ON cfn_events (stack_id, seq);
            CREATE TABLE cfn_change_sets (
                change_set_id TEXT NOT NULL PRIMARY KEY, stack_id TEXT NOT NULL, name TEXT NOT NULL, doc TEXT NOT NULL);
            CREATE INDEX cfn_change_sets_by_stack ON cfn_change_sets (stack_id, name);
            CREATE TABLE cfn_exports (
                account TEXT NOT NULL, region TEXT NOT NULL, name TEXT NOT NULL, stack_id TEXT NOT NULL, value TEXT NOT NULL,
                PRIMARY KEY (account, region, name));
            CREATE TABLE cfn_imports (
                account TEXT NOT NULL, region TEXT NOT NULL, export_name TEXT NOT NULL, stack_id TEXT NOT NULL, stack_name TEXT NOT NULL,
                PRIMARY KEY (account, region, export_name, stack_id));
            """),
    ];
}
