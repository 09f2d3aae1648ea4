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

        // v2: integer ids. Every log line is an insert into log_events and its two indexes; keyed by the four strings
        // (account, region, group, stream) those index entries were ~100 bytes each and every insert compared strings
        // down both b-trees. Groups and streams get explicit ids (stable across VACUUM), events carry them.
        new("logs", 2, """
            CREATE TABLE log_groups_v2 (
                id INTEGER PRIMARY KEY, account TEXT NOT NULL, region TEXT NOT NULL, name TEXT NOT NULL, created INTEGER NOT NULL,
                retention_days INTEGER NULL, UNIQUE (account, region, name));
            INSERT INTO log_groups_v2 (account, region, name, created, retention_days)
                SELECT account, region, name, created, retention_days FROM log_groups ORDER BY rowid;
            CREATE TABLE log_streams_v2 (
                id INTEGER PRIMARY KEY, group_id INTEGER NOT NULL, account TEXT NOT NULL, region TEXT NOT NULL,
                group_name TEXT NOT NULL, name TEXT NOT NULL, created INTEGER NOT NULL, first_event INTEGER NULL,
                last_event INTEGER NULL, last_ingestion INTEGER NULL, stored_bytes INTEGER NOT NULL DEFAULT 0,
                UNIQUE (account, region, group_name, name));
            INSERT INTO log_streams_v2 (group_id, account, region, group_name, name, created, first_event, last_event, last_ingestion, stored_bytes)
                SELECT g.id, s.account, s.region, s.group_name, s.name, s.created, s.first_event, s.last_event, s.last_ingestion, s.stored_bytes
                FROM log_streams s JOIN log_groups_v2 g ON g.account = s.account AND g.region = s.region AND g.name = s.group_name
                ORDER BY s.rowid;
            CREATE TABLE log_events_v2 (
                id INTEGER PRIMARY KEY AUTOINCREMENT, group_id INTEGER NOT NULL, stream_id INTEGER NOT NULL,
                ts INTEGER NOT NULL, ingestion INTEGER NOT NULL, message TEXT NOT NULL);
            INSERT INTO log_events_v2 (id, group_id, stream_id, ts, ingestion, message)
                SELECT e.id, s.group_id, s.id, e.ts, e.ingestion, e.message
                FROM log_events e JOIN log_streams_v2 s
                    ON s.account = e.account AND s.region = e.region AND s.group_name = e.group_name AND s.name = e.stream
                ORDER BY e.id;
            UPDATE sqlite_sequence SET seq = MAX(seq, COALESCE((SELECT seq FROM sqlite_sequence WHERE name = 'log_events'), 0))
                WHERE name = 'log_events_v2';
            INSERT INTO sqlite_sequence (name, seq) SELECT 'log_events_v2', seq FROM sqlite_sequence
                WHERE name = 'log_events' AND NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = 'log_events_v2');
            DROP TABLE log_events;
            DROP TABLE log_streams;
            DROP TABLE log_groups;
            ALTER TABLE log_groups_v2 RENAME TO log_groups;
            ALTER TABLE log_streams_v2 RENAME TO log_streams;
            ALTER TABLE log_events_v2 RENAME TO log_events;
            CREATE INDEX log_events_by_stream ON log_events (stream_id, id);
            CREATE INDEX log_events_by_group ON log_events (group_id, id);
            """),
    ];
}
