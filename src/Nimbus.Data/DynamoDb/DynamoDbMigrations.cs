using Nimbus.Storage.Sqlite;

namespace Nimbus.Data.DynamoDb;

/// <summary>DynamoDB's tables: table definitions and items keyed by encoded (hash, sort) keys; streams and their records (v2).</summary>
internal sealed class DynamoDbMigrations : IMigrationSource
{
    public IEnumerable<Migration> Migrations =>
    [
        new("dynamodb", 1, """
            CREATE TABLE ddb_tables (
                account TEXT NOT NULL, region TEXT NOT NULL, name TEXT NOT NULL, table_id TEXT NOT NULL UNIQUE,
                definition TEXT NOT NULL, PRIMARY KEY (account, region, name));
            CREATE TABLE ddb_items (
                table_id TEXT NOT NULL, hk BLOB NOT NULL, sk BLOB NOT NULL, item TEXT NOT NULL, size INTEGER NOT NULL,
                PRIMARY KEY (table_id, hk, sk)) WITHOUT ROWID;
            """),
        new("dynamodb-indexes", 1, """
            CREATE TABLE ddb_index_items (
                table_id TEXT NOT NULL, index_name TEXT NOT NULL, ihk BLOB NOT NULL, isk BLOB NOT NULL, thk BLOB NOT NULL, tsk BLOB NOT NULL,
                item TEXT NOT NULL, size INTEGER NOT NULL,
                PRIMARY KEY (table_id, index_name, ihk, isk, thk, tsk)) WITHOUT ROWID;
            CREATE TABLE ddb_tx_tokens (token TEXT PRIMARY KEY, request_hash TEXT NOT NULL, created INTEGER NOT NULL, response TEXT NOT NULL);
            """),
        new("dynamodb", 2, """
            CREATE TABLE ddb_streams (
                stream_id INTEGER PRIMARY KEY AUTOINCREMENT, stream_arn TEXT NOT NULL UNIQUE,
                account TEXT NOT NULL, region TEXT NOT NULL, table_name TEXT NOT NULL, table_id TEXT NOT NULL,
                label TEXT NOT NULL, view_type TEXT NOT NULL, key_schema TEXT NOT NULL, shard_id TEXT NOT NULL,
                created_ms INTEGER NOT NULL, start_seq INTEGER NOT NULL, disabled_ms INTEGER NULL, ending_seq INTEGER NULL,
                trimmed_to INTEGER NOT NULL DEFAULT 0);
            CREATE TABLE ddb_stream_records (
                seq INTEGER PRIMARY KEY AUTOINCREMENT, stream_id INTEGER NOT NULL, created_ms INTEGER NOT NULL,
                event_id TEXT NOT NULL, event_name TEXT NOT NULL, partition_key BLOB NOT NULL, keys TEXT NOT NULL,
                new_image TEXT NULL, old_image TEXT NULL, size INTEGER NOT NULL, ttl INTEGER NOT NULL);
            CREATE INDEX ddb_stream_records_by_stream ON ddb_stream_records (stream_id, seq);
            CREATE INDEX ddb_stream_records_by_time ON ddb_stream_records (created_ms);
            """),
    ];
}
