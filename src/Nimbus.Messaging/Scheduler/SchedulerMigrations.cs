using Nimbus.Storage.Sqlite;

namespace Nimbus.Messaging.Scheduler;

/// <summary>EventBridge Scheduler's tables: schedule groups, schedules (with their next firing time) and the invocation outbox.</summary>
internal sealed class SchedulerMigrations : IMigrationSource
{
    public IEnumerable<Migration> Migrations =>
    [
        new("scheduler", 1, """
            CREATE TABLE scheduler_groups (
                arn TEXT NOT NULL PRIMARY KEY, account TEXT NOT NULL, region TEXT NOT NULL, name TEXT NOT NULL, doc TEXT NOT NULL);
            CREATE TABLE scheduler_schedules (
                arn TEXT NOT NULL PRIMARY KEY, account TEXT NOT NULL, region TEXT NOT NULL, grp TEXT NOT NULL, name TEXT NOT NULL,
                doc TEXT NOT NULL, next_fire INTEGER NULL);
            CREATE TABLE scheduler_outbox (
                id INTEGER PRIMARY KEY AUTOINCREMENT, schedule_arn TEXT NOT NULL, target TEXT NOT NULL, account TEXT NOT NULL,
                region TEXT NOT NULL, scheduled_time INTEGER NOT NULL, execution_id TEXT NOT NULL, max_attempts INTEGER NOT NULL,
                expires INTEGER NOT NULL, attempts INTEGER NOT NULL DEFAULT 0, due INTEGER NOT NULL, last_error TEXT NULL);
            CREATE INDEX scheduler_outbox_by_due ON scheduler_outbox (due);
            """),
    ];
}
