using System.Security.Cryptography;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using Amazon.S3.Transfer;

namespace Nimbus.EndToEnd.Tests;

/// <summary>S3 driven by @aws-sdk/client-s3 (tests/clients/e2e/s3.test.mjs) and by AWSSDK.S3 for .NET, which validates
/// checksums and response shapes on its own.</summary>
[Collection("nimbus")]
public sealed class S3ClientTests(NimbusFixture fixture)
{
    [Fact]
    public Task BucketsObjectsListingMultipartVersioningPresignAndNotifications_WorkThroughTheJsSdk() =>
        NodeClients.RunAsync(fixture.Nimbus, ["--test", "--test-reporter=spec", Path.Combine("e2e", "s3.test.mjs")]);

    private AmazonS3Client Client() => Client(fixture.Nimbus.Endpoint);

    private static AmazonS3Client Client(string endpoint) => new(
        new BasicAWSCredentials("test", "test"),
        new AmazonS3Config { ServiceURL = endpoint, ForcePathStyle = true, AuthenticationRegion = "us-east-1", MaxErrorRetry = 0 });

    [Fact]
    public async Task Restart_AfterKill_KeepsObjectsAndTheUploadedPartsOfAMultipartUpload()
    {
        var state = Path.Combine(Path.GetTempPath(), "nimbus-s3-restart-" + Guid.NewGuid().ToString("N"));
        var part1 = RandomNumberGenerator.GetBytes(5 * 1024 * 1024);
        var part2 = RandomNumberGenerator.GetBytes(777);
        var object1 = RandomNumberGenerator.GetBytes(4096);
        string uploadId;
        string etag1;
        try
        {
            await using (var first = await NimbusProcess.StartAsync(state))
            {
                using var s3 = Client(first.Endpoint);
                await s3.PutBucketAsync(new PutBucketRequest { BucketName = "restart-bucket" });
                await s3.PutObjectAsync(new PutObjectRequest { BucketName = "restart-bucket", Key = "kept", InputStream = new MemoryStream(object1) });
                uploadId = (await s3.InitiateMultipartUploadAsync(new InitiateMultipartUploadRequest { BucketName = "restart-bucket", Key = "mp" })).UploadId;
                etag1 = (await s3.UploadPartAsync(new UploadPartRequest { BucketName = "restart-bucket", Key = "mp", UploadId = uploadId, PartNumber = 1, InputStream = new MemoryStream(part1) })).ETag;
                first.Kill();
            }

            await using var second = await NimbusProcess.StartAsync(state);
            using (var s3 = Client(second.Endpoint))
            {
                using (var kept = await s3.GetObjectAsync("restart-bucket", "kept"))
                {
                    using var copy = new MemoryStream();
                    await kept.ResponseStream.CopyToAsync(copy);
                    Assert.Equal(object1, copy.ToArray());
                }

                var parts = await s3.ListPartsAsync(new ListPartsRequest { BucketName = "restart-bucket", Key = "mp", UploadId = uploadId });
                Assert.Equal(etag1, Assert.Single(parts.Parts).ETag);
                var etag2 = (await s3.UploadPartAsync(new UploadPartRequest { BucketName = "restart-bucket", Key = "mp", UploadId = uploadId, PartNumber = 2, InputStream = new MemoryStream(part2) })).ETag;
                await s3.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest
                {
                    BucketName = "restart-bucket", Key = "mp", UploadId = uploadId,
                    PartETags = [new PartETag(1, etag1), new PartETag(2, etag2)],
                });
                using var mp = await s3.GetObjectAsync("restart-bucket", "mp");
                using var all = new MemoryStream();
                await mp.ResponseStream.CopyToAsync(all);
                Assert.Equal([.. part1, .. part2], all.ToArray());
            }
        }
        finally
        {
            try
            {
                Directory.Delete(state, recursive: true);
            }
            catch (IOException)
            {
                // Best effort.
            }
        }
    }

    [Fact]
    public async Task DotNetSdk_PutGetListAndTransferUtilityMultipart_RoundTrip()
    {
        using var s3 = Client();
        var bucket = "dotnet-" + Guid.NewGuid().ToString("N")[..12];
        await s3.PutBucketAsync(new PutBucketRequest { BucketName = bucket });

        var small = RandomNumberGenerator.GetBytes(100_000);
        var put = await s3.PutObjectAsync(new PutObjectRequest
        {
            BucketName = bucket, Key = "small.bin", InputStream = new MemoryStream(small), ContentType = "application/octet-stream",
            ChecksumAlgorithm = ChecksumAlgorithm.CRC32C,
        });
        Assert.Equal($"\"{Convert.ToHexStringLower(MD5.HashData(small))}\"", put.ETag);
        Assert.False(string.IsNullOrEmpty(put.ChecksumCRC32C));

        using (var get = await s3.GetObjectAsync(new GetObjectRequest { BucketName = bucket, Key = "small.bin", ChecksumMode = ChecksumMode.ENABLED }))
        {
            using var copy = new MemoryStream();
            await get.ResponseStream.CopyToAsync(copy);
            Assert.Equal(small, copy.ToArray());
            Assert.Equal(put.ETag, get.ETag);
        }

        // TransferUtility splits a 12 MiB file into parts (multipart) and reads it back.
        var big = RandomNumberGenerator.GetBytes(12 * 1024 * 1024);
        var path = Path.Combine(Path.GetTempPath(), "nimbus-s3-" + Guid.NewGuid().ToString("N"));
        await File.WriteAllBytesAsync(path, big);
        try
        {
            using var transfer = new TransferUtility(s3, new TransferUtilityConfig { MinSizeBeforePartUpload = 5 * 1024 * 1024 });
            await transfer.UploadAsync(new TransferUtilityUploadRequest { BucketName = bucket, Key = "big.bin", FilePath = path, PartSize = 5 * 1024 * 1024 });
            var head = await s3.GetObjectMetadataAsync(bucket, "big.bin");
            Assert.Equal(big.Length, head.ContentLength);
            Assert.EndsWith("-3\"", head.ETag, StringComparison.Ordinal);
            var download = path + ".down";
            await transfer.DownloadAsync(new TransferUtilityDownloadRequest { BucketName = bucket, Key = "big.bin", FilePath = download });
            Assert.Equal(big, await File.ReadAllBytesAsync(download));
            File.Delete(download);
        }
        finally
        {
            File.Delete(path);
        }

        var list = await s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket });
        Assert.Equal(["big.bin", "small.bin"], list.S3Objects.Select(o => o.Key));
        Assert.Equal(big.Length, list.S3Objects[0].Size);

        var missing = await Assert.ThrowsAsync<NoSuchKeyException>(() => s3.GetObjectAsync(bucket, "nope"));
        Assert.Equal("NoSuchKey", missing.ErrorCode);

        await s3.DeleteObjectsAsync(new DeleteObjectsRequest { BucketName = bucket, Objects = [new KeyVersion { Key = "big.bin" }, new KeyVersion { Key = "small.bin" }] });
        await s3.DeleteBucketAsync(bucket);
    }
}
