using Nimbus.Storage.Sqlite;

namespace Nimbus.Data.DynamoDb;

/// <summary>DynamoDB's tables: table definitions and items keyed by encoded (hash, sort) keys.</summary>
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
    ];
}
