using Nimbus.Storage.Sqlite;

namespace Nimbus.Messaging.Sns;

/// <summary>The SNS module's tables: topics, subscriptions, FIFO deduplication and the delivery outbox.</summary>
internal sealed class SnsMigrations : IMigrationSource
{
    public IEnumerable<Migration> Migrations =>
    [
        new("sns", 1, """
            CREATE TABLE sns_topics (
                arn TEXT NOT NULL PRIMARY KEY, account TEXT NOT NULL, region TEXT NOT NULL, name TEXT NOT NULL,
                attributes TEXT NOT NULL, tags TEXT NOT NULL, sequence INTEGER NOT NULL DEFAULT 0, created INTEGER NOT NULL);
            CREATE TABLE sns_subscriptions (
                arn TEXT NOT NULL PRIMARY KEY, topic_arn TEXT NOT NULL, owner TEXT NOT NULL, protocol TEXT NOT NULL,
                endpoint TEXT NOT NULL, attributes TEXT NOT NULL, pending INTEGER NOT NULL, token TEXT NULL,
                base_url TEXT NOT NULL, created INTEGER NOT NULL);
            CREATE INDEX sns_subscriptions_by_topic ON sns_subscriptions (topic_arn);
            CREATE TABLE sns_dedup (
                topic_arn TEXT NOT NULL, dedup_id TEXT NOT NULL, message_id TEXT NOT NULL, sequence TEXT NOT NULL,
                expires INTEGER NOT NULL, PRIMARY KEY (topic_arn, dedup_id));
            CREATE TABLE sns_outbox (
                id INTEGER PRIMARY KEY AUTOINCREMENT, kind TEXT NOT NULL, subscription_arn TEXT NOT NULL,
                protocol TEXT NOT NULL, endpoint TEXT NOT NULL, message_id TEXT NOT NULL, body TEXT NOT NULL,
                attributes TEXT NULL, subject TEXT NULL, group_id TEXT NULL, dedup_id TEXT NULL,
                account TEXT NOT NULL, region TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0, due INTEGER NOT NULL,
                last_error TEXT NULL);
            CREATE INDEX sns_outbox_by_due ON sns_outbox (due);
            """),
    ];
}
