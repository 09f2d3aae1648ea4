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

    private AmazonS3Client Client() => new(
        new BasicAWSCredentials("test", "test"),
        new AmazonS3Config { ServiceURL = fixture.Nimbus.Endpoint, ForcePathStyle = true, AuthenticationRegion = "us-east-1", MaxErrorRetry = 0 });

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
