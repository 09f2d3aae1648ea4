using Nimbus.Storage.Sqlite;

namespace Nimbus.Data.S3;

/// <summary>The S3 module's tables: buckets, object versions, multipart uploads and parts, the notification outbox.</summary>
internal sealed class S3Migrations : IMigrationSource
{
    public IEnumerable<Migration> Migrations =>
    [
        new("s3", 1, """
            CREATE TABLE s3_buckets (
                name TEXT PRIMARY KEY, account TEXT NOT NULL, region TEXT NOT NULL, created INTEGER NOT NULL,
                versioning TEXT NULL, tags TEXT NULL, cors TEXT NULL, policy TEXT NULL, notification TEXT NULL);
            CREATE TABLE s3_objects (
                bucket TEXT NOT NULL, key TEXT NOT NULL, version_id TEXT NOT NULL, seq INTEGER NOT NULL,
                is_latest INTEGER NOT NULL, delete_marker INTEGER NOT NULL, size INTEGER NOT NULL, etag TEXT NOT NULL,
                headers TEXT NOT NULL, checksum_algorithm TEXT NULL, checksum TEXT NULL, file TEXT NULL,
                modified INTEGER NOT NULL, tags TEXT NULL, parts INTEGER NULL,
                PRIMARY KEY (bucket, key, version_id));
            CREATE INDEX s3_objects_latest ON s3_objects (bucket, is_latest, key);
            CREATE TABLE s3_uploads (
                upload_id TEXT PRIMARY KEY, bucket TEXT NOT NULL, key TEXT NOT NULL, initiated INTEGER NOT NULL,
                headers TEXT NOT NULL, checksum_algorithm TEXT NULL, tags TEXT NULL);
            CREATE TABLE s3_parts (
                upload_id TEXT NOT NULL, part_number INTEGER NOT NULL, size INTEGER NOT NULL, etag TEXT NOT NULL,
                checksum TEXT NULL, file TEXT NOT NULL, modified INTEGER NOT NULL, PRIMARY KEY (upload_id, part_number));
            CREATE TABLE s3_outbox (
                id INTEGER PRIMARY KEY AUTOINCREMENT, target TEXT NOT NULL, account TEXT NOT NULL, region TEXT NOT NULL,
                body TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0, due INTEGER NOT NULL);
            """),
    ];
}
