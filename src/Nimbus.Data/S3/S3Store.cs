using Microsoft.Data.Sqlite;
using Nimbus.Core.Errors;
using Nimbus.Storage.Sqlite;

namespace Nimbus.Data.S3;

/// <summary>S3's durable state: metadata in SQLite, bodies as files under <c>{state}/s3/data</c>.</summary>
/// <remarks>
/// A body is streamed to <c>{state}/s3/tmp</c>, flushed, then renamed into <c>data</c> before the row that names it commits,
/// so a crash leaves at worst an orphan file, never a row without its body. Replaced bodies are deleted after the commit.
/// </remarks>
internal sealed class S3Store
{
    private const string Columns = "bucket, key, version_id, seq, is_latest, delete_marker, size, etag, headers, checksum_algorithm, checksum, file, modified, tags, parts";
    private readonly StateStore _state;
    private readonly TimeProvider _time;
    private readonly string _data;
    private readonly string _tmp;

    public S3Store(StateStore state, TimeProvider time)
    {
        _state = state;
        _time = time;
        _data = Path.Combine(state.StateDirectory, "s3", "data");
        _tmp = Path.Combine(state.StateDirectory, "s3", "tmp");
        Directory.CreateDirectory(_data);
        Directory.CreateDirectory(_tmp);
    }

    /// <summary>Called after a write commits (inside the transaction), to enqueue notifications.</summary>
    public Action<SqliteConnection, SqliteTransaction, BucketRecord, string, ObjectRecord>? OnEvent { get; set; }

    public StateStore State => _state;

    public long Now => _time.GetUtcNow().ToUnixTimeMilliseconds();

    public string NewTempPath() => Path.Combine(_tmp, Guid.NewGuid().ToString("N"));

    public string PathOf(string file) => Path.Combine(_data, file[..2], file);

    // ---- buckets -------------------------------------------------------------------------------------------------

    public BucketRecord? GetBucket(string name)
    {
        using var c = _state.Open();
        return c.Query("SELECT name, account, region, created, versioning, tags, cors, policy, notification FROM s3_buckets WHERE name=$n", ReadBucket, null, ("$n", name)).FirstOrDefault();
    }

    public BucketRecord RequireBucket(string name) =>
        GetBucket(name) ?? throw S3Errors.NoSuchBucket(name);

    public List<BucketRecord> ListBuckets(string account)
    {
        using var c = _state.Open();
        return c.Query("SELECT name, account, region, created, versioning, tags, cors, policy, notification FROM s3_buckets WHERE account=$a ORDER BY name", ReadBucket, null, ("$a", account));
    }

    public void CreateBucket(string name, string account, string region) =>
        _state.Write((c, tx) =>
        {
            var existing = c.Query("SELECT account, region FROM s3_buckets WHERE name=$n", r => (r.GetString(0), r.GetString(1)), tx, ("$n", name)).FirstOrDefault();
            if (existing != default)
            {
                // us-east-1 answers 200 to the owner re-creating its bucket there; elsewhere BucketAlreadyOwnedByYou.
                if (existing.Item1 == account)
                {
                    if (existing.Item2 == "us-east-1" && region == "us-east-1")
                    {
                        return 0;
                    }

                    throw new AwsServiceException("BucketAlreadyOwnedByYou", "Your previous request to create the named bucket succeeded and you already own it.", 409);
                }

                throw new AwsServiceException("BucketAlreadyExists", "The requested bucket name is not available. The bucket namespace is shared by all users of the system. Please select a different name and try again.", 409);
            }

            return c.Execute("INSERT INTO s3_buckets (name, account, region, created) VALUES ($n, $a, $r, $t)", tx, ("$n", name), ("$a", account), ("$r", region), ("$t", Now));
        });

    public void DeleteBucket(string name) =>
        _state.Write((c, tx) =>
        {
            if (c.Scalar("SELECT 1 FROM s3_buckets WHERE name=$n", tx, ("$n", name)) is null)
            {
                throw S3Errors.NoSuchBucket(name);
            }

            if (c.Scalar("SELECT 1 FROM s3_objects WHERE bucket=$n LIMIT 1", tx, ("$n", name)) is not null
                || c.Scalar("SELECT 1 FROM s3_uploads WHERE bucket=$n LIMIT 1", tx, ("$n", name)) is not null)
            {
                throw new AwsServiceException("BucketNotEmpty", "The bucket you tried to delete is not empty", 409);
            }

            return c.Execute("DELETE FROM s3_buckets WHERE name=$n", tx, ("$n", name));
        });

    /// <summary>Sets one configuration column (versioning, tags, cors, policy, notification) of a bucket.</summary>
    public void SetBucketConfig(string name, string column, string? value)
    {
        if (column is not ("versioning" or "tags" or "cors" or "policy" or "notification"))
        {
            throw new ArgumentException(column);
        }

        _state.Write((c, tx) =>
        {
            var n = c.Execute($"UPDATE s3_buckets SET {column}=$v WHERE name=$n", tx, ("$v", value), ("$n", name));
            return n == 0 ? throw S3Errors.NoSuchBucket(name) : n;
        });
    }

    // ---- bodies --------------------------------------------------------------------------------------------------

    /// <summary>Moves a staged body into the data directory and returns its file name.</summary>
    private string Adopt(string tempPath)
    {
        var file = Guid.NewGuid().ToString("N");
        var path = PathOf(file);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.Move(tempPath, path);
        return file;
    }

    private void DeleteFiles(IEnumerable<string?> files)
    {
        foreach (var f in files)
        {
            if (f is not null)
            {
                try
                {
                    File.Delete(PathOf(f));
                }
                catch (IOException)
                {
                    // An open reader keeps the inode alive on Unix; nothing to do.
                }
            }
        }
    }

    // ---- objects -------------------------------------------------------------------------------------------------

    /// <summary>Stores a new version of an object (replacing the <c>null</c> version unless versioning is enabled).</summary>
    public ObjectRecord PutObject(
        string bucket, string key, StagedBody body, Dictionary<string, string> headers, Dictionary<string, string>? tags,
        string eventName, string? etag = null, int? parts = null)
    {
        var file = Adopt(body.TempPath);
        var replaced = new List<string?>();
        try
        {
            var record = _state.Write((c, tx) =>
            {
                var b = ReadBucketTx(c, tx, bucket);
                var rec = InsertVersion(c, tx, b, key, false, body.Size, etag ?? $"\"{body.Md5Hex}\"", headers, body.ChecksumAlgorithm, body.Checksum, file, tags, parts, replaced);
                OnEvent?.Invoke(c, tx, b, eventName, rec);
                return rec;
            });
            DeleteFiles(replaced);
            return record;
        }
        catch
        {
            DeleteFiles([file]);
            throw;
        }
    }

    private ObjectRecord InsertVersion(
        SqliteConnection c, SqliteTransaction tx, BucketRecord b, string key, bool deleteMarker, long size, string etag,
        Dictionary<string, string> headers, string? checksumAlgorithm, string? checksum, string? file, Dictionary<string, string>? tags,
        int? parts, List<string?> replaced)
    {
        var versioned = b.Versioning == "Enabled";
        var versionId = versioned ? NewVersionId() : "null";
        if (!versioned)
        {
            replaced.AddRange(c.Query("SELECT file FROM s3_objects WHERE bucket=$b AND key=$k AND version_id='null'", r => r.StringOrNull(0), tx, ("$b", b.Name), ("$k", key)));
            c.Execute("DELETE FROM s3_objects WHERE bucket=$b AND key=$k AND version_id='null'", tx, ("$b", b.Name), ("$k", key));
        }

        c.Execute("UPDATE s3_objects SET is_latest=0 WHERE bucket=$b AND key=$k AND is_latest=1", tx, ("$b", b.Name), ("$k", key));
        var seq = Convert.ToInt64(c.Scalar("SELECT COALESCE(MAX(seq), 0) + 1 FROM s3_objects", tx), System.Globalization.CultureInfo.InvariantCulture);
        var rec = new ObjectRecord(b.Name, key, versionId, seq, true, deleteMarker, size, etag, headers, checksumAlgorithm, checksum, file, Now, tags, parts);
        c.Execute(
            $"INSERT INTO s3_objects ({Columns}) VALUES ($b, $k, $v, $s, 1, $d, $z, $e, $h, $ca, $cs, $f, $m, $t, $p)", tx,
            ("$b", b.Name), ("$k", key), ("$v", versionId), ("$s", seq), ("$d", deleteMarker ? 1 : 0), ("$z", size), ("$e", etag),
            ("$h", S3Json.Write(headers)), ("$ca", checksumAlgorithm), ("$cs", checksum), ("$f", file), ("$m", rec.Modified),
            ("$t", tags is null ? null : S3Json.Write(tags)), ("$p", parts));
        return rec;
    }

    private static string NewVersionId() => Convert.ToBase64String(Guid.NewGuid().ToByteArray()).TrimEnd('=').Replace('+', '.').Replace('/', '_');

    /// <summary>The object version asked for, or the latest; null when there is none.</summary>
    public ObjectRecord? GetObject(string bucket, string key, string? versionId)
    {
        using var c = _state.Open();
        return versionId is null
            ? c.Query($"SELECT {Columns} FROM s3_objects WHERE bucket=$b AND key=$k AND is_latest=1", ReadObject, null, ("$b", bucket), ("$k", key)).FirstOrDefault()
            : c.Query($"SELECT {Columns} FROM s3_objects WHERE bucket=$b AND key=$k AND version_id=$v", ReadObject, null, ("$b", bucket), ("$k", key), ("$v", versionId)).FirstOrDefault();
    }

    /// <summary>Deletes an object: permanently for a version id or an unversioned bucket, else by adding a delete marker.</summary>
    public (ObjectRecord? Deleted, bool DeleteMarker, string? VersionId) DeleteObject(string bucket, string key, string? versionId)
    {
        var files = new List<string?>();
        var result = _state.Write<(ObjectRecord?, bool, string?)>((c, tx) =>
        {
            var b = ReadBucketTx(c, tx, bucket);
            if (versionId is not null)
            {
                var existing = c.Query($"SELECT {Columns} FROM s3_objects WHERE bucket=$b AND key=$k AND version_id=$v", ReadObject, tx, ("$b", bucket), ("$k", key), ("$v", versionId)).FirstOrDefault();
                if (existing is null)
                {
                    return (null, false, versionId);
                }

                files.Add(existing.File);
                c.Execute("DELETE FROM s3_objects WHERE bucket=$b AND key=$k AND version_id=$v", tx, ("$b", bucket), ("$k", key), ("$v", versionId));
                if (existing.IsLatest)
                {
                    c.Execute("UPDATE s3_objects SET is_latest=1 WHERE bucket=$b AND key=$k AND seq=(SELECT MAX(seq) FROM s3_objects WHERE bucket=$b AND key=$k)", tx, ("$b", bucket), ("$k", key));
                }

                OnEvent?.Invoke(c, tx, b, existing.DeleteMarker ? "ObjectRemoved:Delete" : "ObjectRemoved:Delete", existing);
                return (existing, existing.DeleteMarker, versionId);
            }

            if (b.Versioning is null)
            {
                var existing = c.Query($"SELECT {Columns} FROM s3_objects WHERE bucket=$b AND key=$k AND is_latest=1", ReadObject, tx, ("$b", bucket), ("$k", key)).FirstOrDefault();
                if (existing is null)
                {
                    return (null, false, null);
                }

                files.Add(existing.File);
                c.Execute("DELETE FROM s3_objects WHERE bucket=$b AND key=$k", tx, ("$b", bucket), ("$k", key));
                OnEvent?.Invoke(c, tx, b, "ObjectRemoved:Delete", existing);
                return (existing, false, null);
            }

            var marker = InsertVersion(c, tx, b, key, true, 0, "", [], null, null, null, null, null, files);
            OnEvent?.Invoke(c, tx, b, "ObjectRemoved:DeleteMarkerCreated", marker);
            return (marker, true, b.Versioning == "Enabled" ? marker.VersionId : "null");
        });
        DeleteFiles(files);
        return result;
    }

    public void SetObjectTags(string bucket, string key, string? versionId, Dictionary<string, string>? tags) =>
        _state.Write((c, tx) =>
        {
            var n = versionId is null
                ? c.Execute("UPDATE s3_objects SET tags=$t WHERE bucket=$b AND key=$k AND is_latest=1 AND delete_marker=0", tx, ("$t", tags is null ? null : S3Json.Write(tags)), ("$b", bucket), ("$k", key))
                : c.Execute("UPDATE s3_objects SET tags=$t WHERE bucket=$b AND key=$k AND version_id=$v AND delete_marker=0", tx, ("$t", tags is null ? null : S3Json.Write(tags)), ("$b", bucket), ("$k", key), ("$v", versionId));
            return n == 0 ? throw S3Errors.NoSuchKey(key) : n;
        });

    /// <summary>Latest, live objects with keys after <paramref name="after"/> under <paramref name="prefix"/>, in key order.</summary>
    public List<ObjectRecord> ListLatest(string bucket, string prefix, string after, int limit)
    {
        using var c = _state.Open();
        return c.Query(
            $"SELECT {Columns} FROM s3_objects WHERE bucket=$b AND is_latest=1 AND delete_marker=0 AND key > $a AND substr(key, 1, $pl) = $p ORDER BY key LIMIT $l",
            ReadObject, null, ("$b", bucket), ("$a", after), ("$p", prefix), ("$pl", prefix.Length), ("$l", limit));
    }

    /// <summary>All versions (and delete markers) with keys at or after <paramref name="after"/>, by key then newest first.</summary>
    public List<ObjectRecord> ListVersions(string bucket, string prefix, string after, int limit)
    {
        using var c = _state.Open();
        return c.Query(
            $"SELECT {Columns} FROM s3_objects WHERE bucket=$b AND key >= $a AND substr(key, 1, $pl) = $p ORDER BY key, seq DESC LIMIT $l",
            ReadObject, null, ("$b", bucket), ("$a", after), ("$p", prefix), ("$pl", prefix.Length), ("$l", limit));
    }

    // ---- multipart -----------------------------------------------------------------------------------------------

    public UploadRecord CreateUpload(string bucket, string key, Dictionary<string, string> headers, string? checksumAlgorithm, Dictionary<string, string>? tags)
    {
        var upload = new UploadRecord(NewVersionId() + NewVersionId(), bucket, key, Now, headers, checksumAlgorithm, tags);
        _state.Write((c, tx) =>
        {
            ReadBucketTx(c, tx, bucket);
            return c.Execute(
                "INSERT INTO s3_uploads (upload_id, bucket, key, initiated, headers, checksum_algorithm, tags) VALUES ($u, $b, $k, $i, $h, $c, $t)", tx,
                ("$u", upload.UploadId), ("$b", bucket), ("$k", key), ("$i", upload.Initiated), ("$h", S3Json.Write(headers)),
                ("$c", checksumAlgorithm), ("$t", tags is null ? null : S3Json.Write(tags)));
        });
        return upload;
    }

    public UploadRecord RequireUpload(string bucket, string key, string uploadId)
    {
        using var c = _state.Open();
        return c.Query("SELECT upload_id, bucket, key, initiated, headers, checksum_algorithm, tags FROM s3_uploads WHERE upload_id=$u AND bucket=$b AND key=$k", ReadUpload, null, ("$u", uploadId), ("$b", bucket), ("$k", key)).FirstOrDefault()
            ?? throw S3Errors.NoSuchUpload();
    }

    public List<UploadRecord> ListUploads(string bucket)
    {
        using var c = _state.Open();
        return c.Query("SELECT upload_id, bucket, key, initiated, headers, checksum_algorithm, tags FROM s3_uploads WHERE bucket=$b ORDER BY key, initiated", ReadUpload, null, ("$b", bucket));
    }

    public PartRecord PutPart(string uploadId, int partNumber, StagedBody body)
    {
        var file = Adopt(body.TempPath);
        var old = new List<string?>();
        try
        {
            var part = new PartRecord(uploadId, partNumber, body.Size, $"\"{body.Md5Hex}\"", body.Checksum, file, Now);
            _state.Write((c, tx) =>
            {
                if (c.Scalar("SELECT 1 FROM s3_uploads WHERE upload_id=$u", tx, ("$u", uploadId)) is null)
                {
                    throw S3Errors.NoSuchUpload();
                }

                old.AddRange(c.Query("SELECT file FROM s3_parts WHERE upload_id=$u AND part_number=$n", r => r.StringOrNull(0), tx, ("$u", uploadId), ("$n", partNumber)));
                return c.Execute(
                    "INSERT OR REPLACE INTO s3_parts (upload_id, part_number, size, etag, checksum, file, modified) VALUES ($u, $n, $s, $e, $c, $f, $m)", tx,
                    ("$u", uploadId), ("$n", partNumber), ("$s", body.Size), ("$e", part.ETag), ("$c", body.Checksum), ("$f", file), ("$m", part.Modified));
            });
            DeleteFiles(old);
            return part;
        }
        catch
        {
            DeleteFiles([file]);
            throw;
        }
    }

    public List<PartRecord> ListParts(string uploadId)
    {
        using var c = _state.Open();
        return c.Query("SELECT upload_id, part_number, size, etag, checksum, file, modified FROM s3_parts WHERE upload_id=$u ORDER BY part_number", r =>
            new PartRecord(r.GetString(0), r.GetInt32(1), r.GetInt64(2), r.GetString(3), r.StringOrNull(4), r.GetString(5), r.GetInt64(6)), null, ("$u", uploadId));
    }

    /// <summary>Stores the assembled object and forgets the upload and its parts, in one transaction.</summary>
    public ObjectRecord CompleteUpload(UploadRecord upload, StagedBody body, string etag, int partCount, List<PartRecord> parts)
    {
        var file = Adopt(body.TempPath);
        var replaced = new List<string?>();
        try
        {
            var record = _state.Write((c, tx) =>
            {
                if (c.Scalar("SELECT 1 FROM s3_uploads WHERE upload_id=$u", tx, ("$u", upload.UploadId)) is null)
                {
                    throw S3Errors.NoSuchUpload();
                }

                var b = ReadBucketTx(c, tx, upload.Bucket);
                var rec = InsertVersion(c, tx, b, upload.Key, false, body.Size, etag, upload.Headers, upload.ChecksumAlgorithm, body.Checksum, file, upload.Tags, partCount, replaced);
                replaced.AddRange(c.Query("SELECT file FROM s3_parts WHERE upload_id=$u", r => r.StringOrNull(0), tx, ("$u", upload.UploadId)));
                c.Execute("DELETE FROM s3_parts WHERE upload_id=$u", tx, ("$u", upload.UploadId));
                c.Execute("DELETE FROM s3_uploads WHERE upload_id=$u", tx, ("$u", upload.UploadId));
                OnEvent?.Invoke(c, tx, b, "ObjectCreated:CompleteMultipartUpload", rec);
                return rec;
            });
            DeleteFiles(replaced);
            return record;
        }
        catch
        {
            DeleteFiles([file]);
            throw;
        }
    }

    public void AbortUpload(string uploadId)
    {
        var files = _state.Write((c, tx) =>
        {
            if (c.Scalar("SELECT 1 FROM s3_uploads WHERE upload_id=$u", tx, ("$u", uploadId)) is null)
            {
                throw S3Errors.NoSuchUpload();
            }

            var f = c.Query("SELECT file FROM s3_parts WHERE upload_id=$u", r => r.StringOrNull(0), tx, ("$u", uploadId));
            c.Execute("DELETE FROM s3_parts WHERE upload_id=$u", tx, ("$u", uploadId));
            c.Execute("DELETE FROM s3_uploads WHERE upload_id=$u", tx, ("$u", uploadId));
            return f;
        });
        DeleteFiles(files);
    }

    // ---- readers -------------------------------------------------------------------------------------------------

    private static BucketRecord ReadBucketTx(SqliteConnection c, SqliteTransaction tx, string name) =>
        c.Query("SELECT name, account, region, created, versioning, tags, cors, policy, notification FROM s3_buckets WHERE name=$n", ReadBucket, tx, ("$n", name)).FirstOrDefault()
        ?? throw S3Errors.NoSuchBucket(name);

    private static BucketRecord ReadBucket(SqliteDataReader r) =>
        new(r.GetString(0), r.GetString(1), r.GetString(2), r.GetInt64(3), r.StringOrNull(4), r.StringOrNull(5), r.StringOrNull(6), r.StringOrNull(7), r.StringOrNull(8));

    private static ObjectRecord ReadObject(SqliteDataReader r) =>
        new(r.GetString(0), r.GetString(1), r.GetString(2), r.GetInt64(3), r.GetInt32(4) == 1, r.GetInt32(5) == 1, r.GetInt64(6), r.GetString(7),
            S3Json.Read(r.GetString(8)), r.StringOrNull(9), r.StringOrNull(10), r.StringOrNull(11), r.GetInt64(12),
            r.IsDBNull(13) ? null : S3Json.Read(r.GetString(13)), r.IsDBNull(14) ? null : r.GetInt32(14));

    private static UploadRecord ReadUpload(SqliteDataReader r) =>
        new(r.GetString(0), r.GetString(1), r.GetString(2), r.GetInt64(3), S3Json.Read(r.GetString(4)), r.StringOrNull(5), r.IsDBNull(6) ? null : S3Json.Read(r.GetString(6)));
}
