using Nimbus.Storage.Sqlite;

namespace Nimbus.Messaging.Events;

/// <summary>The EventBridge module's tables: buses, rules (with their targets) and the delivery outbox.</summary>
internal sealed class EventsMigrations : IMigrationSource
{
    public IEnumerable<Migration> Migrations =>
    [
        new("events", 1, """
            CREATE TABLE events_buses (
                arn TEXT NOT NULL PRIMARY KEY, account TEXT NOT NULL, region TEXT NOT NULL, name TEXT NOT NULL, doc TEXT NOT NULL);
            CREATE TABLE events_rules (
                arn TEXT NOT NULL PRIMARY KEY, account TEXT NOT NULL, region TEXT NOT NULL, bus TEXT NOT NULL, name TEXT NOT NULL, doc TEXT NOT NULL);
            CREATE TABLE events_outbox (
                id INTEGER PRIMARY KEY AUTOINCREMENT, rule_arn TEXT NOT NULL, target_id TEXT NOT NULL, target_arn TEXT NOT NULL,
                payload TEXT NOT NULL, event TEXT NOT NULL, account TEXT NOT NULL, region TEXT NOT NULL,
                max_attempts INTEGER NOT NULL, expires INTEGER NOT NULL, dead_letter_arn TEXT NULL,
                attempts INTEGER NOT NULL DEFAULT 0, due INTEGER NOT NULL, last_error TEXT NULL);
            CREATE INDEX events_outbox_by_due ON events_outbox (due);
            """),
    ];
}
