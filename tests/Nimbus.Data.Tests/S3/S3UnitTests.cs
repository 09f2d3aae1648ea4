using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Nimbus.Core.Errors;
using Nimbus.Data.S3;
using Nimbus.Storage.Sqlite;

namespace Nimbus.Data.Tests.S3;

public sealed class ChecksumTests
{
    private static readonly byte[] Check = Encoding.ASCII.GetBytes("123456789");

    [Theory]
    [InlineData("CRC32", "cbf43926")]
    [InlineData("CRC32C", "e3069283")]
    [InlineData("CRC64NVME", "ae8b14860a799888")]
    public void Crcs_MatchTheStandardCheckValues(string algorithm, string hex) =>
        Assert.Equal(hex, Convert.ToHexStringLower(Convert.FromBase64String(Checksums.Compute(algorithm, Check))));

    [Theory]
    [InlineData("CRC32")]
    [InlineData("CRC32C")]
    [InlineData("SHA256")]
    public void IncrementalAppends_EqualOneShot(string algorithm)
    {
        var data = RandomNumberGenerator.GetBytes(100_003);
        var c = Checksums.Create(algorithm);
        c.Append(data.AsSpan(0, 7));
        c.Append(data.AsSpan(7, 50_000));
        c.Append(data.AsSpan(50_007));
        Assert.Equal(Checksums.Compute(algorithm, data), c.Base64());
    }

    [Fact]
    public void Sha256_IsBase64OfTheDigest() =>
        Assert.Equal(Convert.ToBase64String(SHA256.HashData(Check)), Checksums.Compute("SHA256", Check));
}

public sealed class AwsChunkedTests
{
    [Fact]
    public async Task SignedChunks_AreDecoded()
    {
        var body = "5;chunk-signature=abc\r\nhello\r\n6;chunk-signature=def\r\n world\r\n0;chunk-signature=fin\r\n\r\n";
        using var stream = new AwsChunkedStream(new MemoryStream(Encoding.ASCII.GetBytes(body)));
        using var reader = new StreamReader(stream);
        Assert.Equal("hello world", await reader.ReadToEndAsync());
    }

    [Fact]
    public async Task UnsignedTrailer_IsCollected()
    {
        var data = RandomNumberGenerator.GetBytes(70_000);
        var crc = Checksums.Compute("CRC32", data);
        var wire = new MemoryStream();
        wire.Write(Encoding.ASCII.GetBytes($"{data.Length:x}\r\n"));
        wire.Write(data);
        wire.Write(Encoding.ASCII.GetBytes($"\r\n0\r\nx-amz-checksum-crc32:{crc}\r\n\r\n"));
        wire.Position = 0;
        using var stream = new AwsChunkedStream(wire);
        var copy = new MemoryStream();
        await stream.CopyToAsync(copy);
        Assert.Equal(data, copy.ToArray());
        Assert.Equal(crc, stream.Trailers["x-amz-checksum-crc32"]);
    }

    [Fact]
    public async Task TruncatedBody_Throws()
    {
        using var stream = new AwsChunkedStream(new MemoryStream(Encoding.ASCII.GetBytes("10\r\nshort")));
        await Assert.ThrowsAsync<InvalidDataException>(() => stream.CopyToAsync(Stream.Null));
    }
}

public sealed class RangeAndListingTests
{
    [Theory]
    [InlineData("bytes=0-4", 0, 5)]
    [InlineData("bytes=5-", 5, 15)]
    [InlineData("bytes=-3", 17, 3)]
    [InlineData("bytes=10-100", 10, 10)]
    public void Ranges_Parse(string header, long start, long length)
    {
        Assert.True(S3Api.TryParseRange(header, 20, out var s, out var l, out var ok));
        Assert.True(ok);
        Assert.Equal((start, length), (s, l));
    }

    [Fact]
    public void RangeBeyondTheEnd_IsUnsatisfiable_AndMalformedIsIgnored()
    {
        Assert.True(S3Api.TryParseRange("bytes=20-30", 20, out _, out _, out var ok));
        Assert.False(ok);
        Assert.False(S3Api.TryParseRange("bytes=5-2", 20, out _, out _, out _));
        Assert.False(S3Api.TryParseRange("items=0-1", 20, out _, out _, out _));
    }

    private static Func<string, int, List<ObjectRecord>> Fetch(params string[] keys) => (after, limit) =>
        keys.Where(k => string.CompareOrdinal(k, after) > 0).OrderBy(k => k, StringComparer.Ordinal).Take(limit)
            .Select(k => new ObjectRecord("b", k, "null", 1, true, false, 0, "\"\"", [], null, null, null, 0, null, null)).ToList();

    [Fact]
    public void Delimiter_GroupsCommonPrefixes_AndPagesAcrossThem()
    {
        var fetch = Fetch("a/1", "a/2", "a/3", "b", "c/x/1", "c/y", "d");
        var seen = new List<string>();
        var after = "";
        var pages = 0;
        while (true)
        {
            var (contents, prefixes, truncated, last) = S3Api.Page(fetch, "", "/", after, 2);
            seen.AddRange(contents.Select(c => c.Key).Concat(prefixes));
            pages++;
            if (!truncated)
            {
                break;
            }

            after = last!;
        }

        Assert.Equal(["a/", "b", "c/", "d"], seen.Order(StringComparer.Ordinal));
        Assert.Equal(2, pages);
    }

    [Fact]
    public void Prefix_AndNestedDelimiter()
    {
        var fetch = Fetch("c/x/1", "c/x/2", "c/y");
        var (contents, prefixes, truncated, _) = S3Api.Page(fetch, "c/", "/", "", 1000);
        Assert.Equal(["c/y"], contents.Select(c => c.Key));
        Assert.Equal(["c/x/"], prefixes);
        Assert.False(truncated);
    }

    [Fact]
    public void ManyKeys_BeyondOneFetchBatch_AreAllListed()
    {
        var keys = Enumerable.Range(0, 2500).Select(i => $"k{i:D5}").ToArray();
        var (contents, _, truncated, _) = S3Api.Page(Fetch(keys), "", null, "", 1000);
        Assert.Equal(1000, contents.Count);
        Assert.True(truncated);
        var (rest, _, t2, _) = S3Api.Page(Fetch(keys), "", null, contents[^1].Key, 1000);
        Assert.Equal("k01000", rest[0].Key);
        Assert.True(t2);
    }

    [Theory]
    [InlineData("my-bucket", true)]
    [InlineData("a.b.c", true)]
    [InlineData("ab", false)]
    [InlineData("Upper", false)]
    [InlineData("under_score", false)]
    [InlineData("192.168.1.1", false)]
    [InlineData("a..b", false)]
    [InlineData("xn--abc", false)]
    public void BucketNames(string name, bool valid) => Assert.Equal(valid, S3Api.IsValidBucketName(name));
}

public sealed class S3StoreTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "nimbus-s3-tests-" + Guid.NewGuid().ToString("N"));

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private S3Store Open()
    {
        var state = new StateStore(_dir);
        state.Migrate([new S3Migrations()]);
        return new S3Store(state, TimeProvider.System);
    }

    private static StagedBody Stage(S3Store store, byte[] data)
    {
        var path = store.NewTempPath();
        File.WriteAllBytes(path, data);
        return new StagedBody(path, data.Length, Convert.ToHexStringLower(MD5.HashData(data)), "CRC32", Checksums.Compute("CRC32", data));
    }

    [Fact]
    public void Objects_AndAnInterruptedMultipartUpload_SurviveAReopen()
    {
        var store = Open();
        store.CreateBucket("durable", "000000000000", "us-east-1");
        var data = RandomNumberGenerator.GetBytes(10_000);
        var put = store.PutObject("durable", "k", Stage(store, data), new() { ["Content-Type"] = "text/plain", ["x-amz-meta-a"] = "1" }, null, "ObjectCreated:Put");
        Assert.Equal($"\"{Convert.ToHexStringLower(MD5.HashData(data))}\"", put.ETag);
        var upload = store.CreateUpload("durable", "mp", [], null, null);
        var part = RandomNumberGenerator.GetBytes(5000);
        store.PutPart(upload.UploadId, 1, Stage(store, part));

        var reopened = Open();
        var o = reopened.GetObject("durable", "k", null)!;
        Assert.Equal(data, File.ReadAllBytes(reopened.PathOf(o.File!)));
        Assert.Equal("1", o.Headers["x-amz-meta-a"]);
        Assert.Equal(put.Checksum, o.Checksum);
        var parts = reopened.ListParts(reopened.RequireUpload("durable", "mp", upload.UploadId).UploadId);
        Assert.Single(parts);
        Assert.Equal(part, File.ReadAllBytes(reopened.PathOf(parts[0].File)));
    }

    [Fact]
    public void Overwrite_RemovesTheOldBody_AndVersioningKeepsIt()
    {
        var store = Open();
        store.CreateBucket("b", "000000000000", "us-east-1");
        var first = store.PutObject("b", "k", Stage(store, [1]), [], null, "ObjectCreated:Put");
        store.PutObject("b", "k", Stage(store, [2]), [], null, "ObjectCreated:Put");
        Assert.False(File.Exists(store.PathOf(first.File!)));

        store.SetBucketConfig("b", "versioning", "Enabled");
        var v1 = store.PutObject("b", "v", Stage(store, [1]), [], null, "ObjectCreated:Put");
        var v2 = store.PutObject("b", "v", Stage(store, [2]), [], null, "ObjectCreated:Put");
        Assert.NotEqual(v1.VersionId, v2.VersionId);
        var (_, marker, _) = store.DeleteObject("b", "v", null);
        Assert.True(marker);
        Assert.True(store.GetObject("b", "v", null)!.DeleteMarker);
        Assert.True(File.Exists(store.PathOf(store.GetObject("b", "v", v1.VersionId)!.File!)));
        Assert.Equal(3, store.ListVersions("b", "v", "", 100).Count);
    }

    [Fact]
    public void BucketRules_AreEnforced()
    {
        var store = Open();
        store.CreateBucket("b", "111111111111", "eu-west-1");
        Assert.Equal("BucketAlreadyOwnedByYou", Assert.Throws<AwsServiceException>(() => store.CreateBucket("b", "111111111111", "eu-west-1")).Error.Code);
        Assert.Equal("BucketAlreadyExists", Assert.Throws<AwsServiceException>(() => store.CreateBucket("b", "222222222222", "us-east-1")).Error.Code);
        store.PutObject("b", "k", Stage(store, [1]), [], null, "ObjectCreated:Put");
        Assert.Equal("BucketNotEmpty", Assert.Throws<AwsServiceException>(() => store.DeleteBucket("b")).Error.Code);
        Assert.Equal("NoSuchBucket", Assert.Throws<AwsServiceException>(() => store.DeleteBucket("nope")).Error.Code);
    }

    [Fact]
    public void Notifications_AreWrittenToTheOutbox_InTheSameTransaction()
    {
        var store = Open();
        store.CreateBucket("n", "000000000000", "us-east-1");
        store.SetBucketConfig("n", "notification",
            "<NotificationConfiguration><CloudFunctionConfiguration><Id>c1</Id><CloudFunction>arn:aws:lambda:us-east-1:000000000000:function:f</CloudFunction><Event>s3:ObjectCreated:*</Event><Filter><S3Key><FilterRule><Name>suffix</Name><Value>.jpg</Value></FilterRule></S3Key></Filter></CloudFunctionConfiguration></NotificationConfiguration>");
        store.OnEvent = (c, tx, b, name, o) =>
        {
            foreach (var t in S3Notifications.Parse(b.Notification, out _).Where(t => S3Notifications.Matches(t, name, o.Key)))
            {
                c.Execute("INSERT INTO s3_outbox (target, account, region, body, due) VALUES ($t, 'a', 'r', $b, 0)", tx, ("$t", t.Arn), ("$b", S3Notifications.EventRecord(b, name, o, t.Id)));
            }
        };
        store.PutObject("n", "skip.png", Stage(store, [1]), [], null, "ObjectCreated:Put");
        store.PutObject("n", "my photo.jpg", Stage(store, [1, 2]), [], null, "ObjectCreated:Put");
        using var c = store.State.Open();
        var bodies = c.Query("SELECT body FROM s3_outbox", r => r.GetString(0));
        var body = Assert.Single(bodies);
        using var doc = JsonDocument.Parse(body);
        var record = doc.RootElement.GetProperty("Records")[0];
        Assert.Equal("2.1", record.GetProperty("eventVersion").GetString());
        Assert.Equal("ObjectCreated:Put", record.GetProperty("eventName").GetString());
        Assert.Equal("c1", record.GetProperty("s3").GetProperty("configurationId").GetString());
        Assert.Equal("my+photo.jpg", record.GetProperty("s3").GetProperty("object").GetProperty("key").GetString());
        Assert.Equal(2, record.GetProperty("s3").GetProperty("object").GetProperty("size").GetInt64());
    }
}

public sealed class SignatureTests
{
    [Fact]
    public void CanonicalQuery_SortsAndReencodes_WithoutTheSignature() =>
        Assert.Equal("X-Amz-Credential=test%2F20250101%2Fus-east-1%2Fs3%2Faws4_request&a=b%20c&z=",
            S3Signatures.CanonicalQuery("z=&a=b+c&X-Amz-Signature=ff&X-Amz-Credential=test/20250101/us-east-1/s3/aws4_request".Replace("b+c", "b%20c", StringComparison.Ordinal)));
}
