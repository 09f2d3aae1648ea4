using Nimbus.Storage.Sqlite;

namespace Nimbus.Messaging.Sqs;

/// <summary>The SQS tables: queues, their messages (with delivery state) and FIFO deduplication records.</summary>
internal sealed class SqsMigrations : IMigrationSource
{
    public IEnumerable<Migration> Migrations =>
    [
        new("sqs", 1, """
            CREATE TABLE sqs_queues (
                id INTEGER PRIMARY KEY AUTOINCREMENT, account TEXT NOT NULL, region TEXT NOT NULL, name TEXT NOT NULL,
                attributes TEXT NOT NULL, tags TEXT NOT NULL, created INTEGER NOT NULL, modified INTEGER NOT NULL,
                last_purge INTEGER NOT NULL DEFAULT 0, UNIQUE (account, region, name));
            CREATE TABLE sqs_messages (
                queue_id INTEGER NOT NULL REFERENCES sqs_queues (id) ON DELETE CASCADE, seq INTEGER NOT NULL,
                message_id TEXT NOT NULL, body TEXT NOT NULL, attributes TEXT NULL, system_attributes TEXT NULL,
                sent INTEGER NOT NULL, sender_id TEXT NOT NULL, group_id TEXT NULL, dedup_id TEXT NULL, sequence_number TEXT NULL,
                dlq_source TEXT NULL, visible_at INTEGER NOT NULL, receive_count INTEGER NOT NULL, first_receive INTEGER NULL,
                receipt TEXT NULL, PRIMARY KEY (queue_id, seq));
            CREATE TABLE sqs_dedup (
                queue_id INTEGER NOT NULL REFERENCES sqs_queues (id) ON DELETE CASCADE, dedup_key TEXT NOT NULL,
                message_id TEXT NOT NULL, sequence_number TEXT NULL, expires INTEGER NOT NULL, PRIMARY KEY (queue_id, dedup_key));
            """),
    ];
}
