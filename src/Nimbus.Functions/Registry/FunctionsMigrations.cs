using Nimbus.Storage.Sqlite;

namespace Nimbus.Functions.Registry;

/// <summary>The Lambda module's tables.</summary>
internal sealed class FunctionsMigrations : IMigrationSource
{
    public IEnumerable<Migration> Migrations =>
    [
        new("lambda", 1, """
            CREATE TABLE lambda_functions (
                account TEXT NOT NULL, region TEXT NOT NULL, name TEXT NOT NULL,
                latest_json TEXT NOT NULL, last_version INTEGER NOT NULL DEFAULT 0,
                reserved_concurrency INTEGER NULL, tags_json TEXT NOT NULL DEFAULT '{}',
                PRIMARY KEY (account, region, name));
            CREATE TABLE lambda_versions (
                account TEXT NOT NULL, region TEXT NOT NULL, name TEXT NOT NULL, version INTEGER NOT NULL,
                config_json TEXT NOT NULL, PRIMARY KEY (account, region, name, version));
            CREATE TABLE lambda_aliases (
                account TEXT NOT NULL, region TEXT NOT NULL, function_name TEXT NOT NULL, name TEXT NOT NULL,
                config_json TEXT NOT NULL, PRIMARY KEY (account, region, function_name, name));
            CREATE TABLE lambda_layer_versions (
                account TEXT NOT NULL, region TEXT NOT NULL, layer TEXT NOT NULL, version INTEGER NOT NULL,
                record_json TEXT NOT NULL, PRIMARY KEY (account, region, layer, version));
            CREATE TABLE lambda_layers (
                account TEXT NOT NULL, region TEXT NOT NULL, layer TEXT NOT NULL, last_version INTEGER NOT NULL,
                PRIMARY KEY (account, region, layer));
            CREATE TABLE lambda_async_invocations (
                id TEXT NOT NULL PRIMARY KEY, account TEXT NOT NULL, region TEXT NOT NULL,
                function_name TEXT NOT NULL, qualifier TEXT NULL, payload BLOB NOT NULL,
                client_context TEXT NULL, enqueued_at INTEGER NOT NULL, attempts INTEGER NOT NULL DEFAULT 0);
            """),
        new("lambda", 2, """
            CREATE TABLE lambda_event_invoke_configs (
                account TEXT NOT NULL, region TEXT NOT NULL, function_name TEXT NOT NULL, qualifier TEXT NOT NULL,
                config_json TEXT NOT NULL, PRIMARY KEY (account, region, function_name, qualifier));
            ALTER TABLE lambda_async_invocations ADD COLUMN due_at INTEGER NOT NULL DEFAULT 0;
            ALTER TABLE lambda_async_invocations ADD COLUMN retries INTEGER NOT NULL DEFAULT 0;
            """),
        new("lambda", 3, """
            CREATE TABLE lambda_event_source_mappings (
                uuid TEXT NOT NULL PRIMARY KEY, account TEXT NOT NULL, region TEXT NOT NULL, config_json TEXT NOT NULL);
            """),
        new("lambda", 4, """
            CREATE TABLE lambda_stream_checkpoints (
                uuid TEXT NOT NULL, shard_id TEXT NOT NULL, position TEXT NULL, updated_at INTEGER NOT NULL,
                PRIMARY KEY (uuid, shard_id));
            """),
        new("lambda", 5, """
            CREATE TABLE lambda_function_urls (
                account TEXT NOT NULL, region TEXT NOT NULL, function_name TEXT NOT NULL, qualifier TEXT NOT NULL,
                url_id TEXT NOT NULL UNIQUE, config_json TEXT NOT NULL, PRIMARY KEY (account, region, function_name, qualifier));
            """),
    ];
}
