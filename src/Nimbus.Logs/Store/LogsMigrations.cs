using Nimbus.Storage.Sqlite;

namespace Nimbus.Logs.Store;

/// <summary>The CloudWatch Logs module's tables.</summary>
internal sealed class LogsMigrations : IMigrationSource
{
    public IEnumerable<Migration> Migrations =>
    [
        new("logs", 1, """
            CREATE TABLE log_groups (
                account TEXT NOT NULL, region TEXT NOT NULL, name TEXT NOT NULL, created INTEGER NOT NULL,
                retention_days INTEGER NULL, PRIMARY KEY (account, region, name));
            CREATE TABLE log_streams (
                account TEXT NOT NULL, region TEXT NOT NULL, group_name TEXT NOT NULL, name TEXT NOT NULL,
                created INTEGER NOT NULL, first_event INTEGER NULL, last_event INTEGER NULL, last_ingestion INTEGER NULL,
                stored_bytes INTEGER NOT NULL DEFAULT 0, PRIMARY KEY (account, region, group_name, name));
            CREATE TABLE log_events (
                id INTEGER PRIMARY KEY AUTOINCREMENT, account TEXT NOT NULL, region TEXT NOT NULL, group_name TEXT NOT NULL,
                stream TEXT NOT NULL, ts INTEGER NOT NULL, ingestion INTEGER NOT NULL, message TEXT NOT NULL);
            CREATE INDEX log_events_by_stream ON log_events (account, region, group_name, stream, id);
            CREATE INDEX log_events_by_group_time ON log_events (account, region, group_name, ts);
            """),
    ];
}
