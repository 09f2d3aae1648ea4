using System.Buffers;
using System.Security.Cryptography;
using Nimbus.Core.Errors;

namespace Nimbus.Data.S3;

internal sealed partial class S3Api
{
    /// <summary>The flexible checksum algorithm a request carries (header value, trailer or declared algorithm).</summary>
    private static string? RequestedChecksum(S3Request r)
    {
        foreach (var alg in Checksums.Algorithms)
        {
            if (r.H(Checksums.HeaderOf(alg)) is not null)
            {
                return alg;
            }
        }

        var trailer = r.H("x-amz-trailer");
        if (trailer is not null)
        {
            foreach (var alg in Checksums.Algorithms)
            {
                if (trailer.Trim().Equals(Checksums.HeaderOf(alg), StringComparison.OrdinalIgnoreCase))
                {
                    return alg;
                }
            }
        }

        var declared = (r.H("x-amz-sdk-checksum-algorithm") ?? r.H("x-amz-checksum-algorithm"))?.ToUpperInvariant();
        return declared is not null && Checksums.Algorithms.Contains(declared) ? declared : null;
    }

    /// <summary>Streams the request body to a temporary file, decoding aws-chunked, and verifies MD5 and checksums.</summary>
    /// <remarks>Never buffers the body: 1 MiB at a time goes to disk while MD5 and the checksum are computed.</remarks>
    private async Task<StagedBody> StageAsync(S3Request r, bool requireLength, string? algorithm = null)
    {
        var http = r.Http;
        var sha = r.H("x-amz-content-sha256") ?? "";
        var chunked = sha.StartsWith("STREAMING-", StringComparison.Ordinal)
            || (r.H("Content-Encoding")?.Contains("aws-chunked", StringComparison.OrdinalIgnoreCase) ?? false);
        if (requireLength && http.Request.ContentLength is null && !chunked && r.H("Transfer-Encoding") is null)
        {
            throw new AwsServiceException("MissingContentLength", "You must provide the Content-Length HTTP header.", 411);
        }

        if (http.Request.ContentLength > MaxPutSize)
        {
            throw new AwsServiceException("EntityTooLarge", "Your proposed upload exceeds the maximum allowed size", 400);
        }

        algorithm ??= RequestedChecksum(r);
        var source = chunked ? new AwsChunkedStream(http.Request.Body) : http.Request.Body;
        var temp = store.NewTempPath();
        using var md5 = IncrementalHash.CreateHash(HashAlgorithmName.MD5);
        var checksum = algorithm is null ? null : Checksums.Create(algorithm);
        var buffer = ArrayPool<byte>.Shared.Rent(1024 * 1024);
        var next = ArrayPool<byte>.Shared.Rent(1024 * 1024);
        long size = 0;
        try
        {
            await using (var file = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.Asynchronous))
            {
                // Double-buffered: the next chunk is read from the connection while this one is written and hashed.
                var n = await ReadFullAsync(source, buffer, http.RequestAborted);
                Task<int>? reading = null;
                try
                {
                    while (n > 0)
                    {
                        reading = n == buffer.Length ? ReadFullAsync(source, next, http.RequestAborted) : Task.FromResult(0);
                        var chunk = buffer.AsMemory(0, n);
                        var write = file.WriteAsync(chunk, http.RequestAborted);
                        md5.AppendData(chunk.Span);
                        checksum?.Append(chunk.Span);
                        await write;
                        size += n;
                        n = await reading;
                        reading = null;
                        (buffer, next) = (next, buffer);
                    }
                }
                finally
                {
                    // Never hand the buffers back to the pool while a read still fills one.
                    if (reading is not null)
                    {
                        try
                        {
                            await reading;
                        }
#pragma warning disable CA1031 // the write's failure is the one that propagates
                        catch (Exception)
#pragma warning restore CA1031
                        {
                        }
                    }
                }
            }

            var md5Bytes = md5.GetHashAndReset();
            var contentMd5 = r.H("Content-MD5");
            if (contentMd5 is not null)
            {
                byte[] expected;
                try
                {
                    expected = Convert.FromBase64String(contentMd5);
                }
                catch (FormatException)
                {
                    throw new AwsServiceException("InvalidDigest", "The Content-MD5 you specified was invalid.", 400);
                }

                if (!expected.AsSpan().SequenceEqual(md5Bytes))
                {
                    throw new AwsServiceException("BadDigest", "The Content-MD5 you specified did not match what we received.", 400);
                }
            }

            string? value = null;
            if (algorithm is not null)
            {
                value = checksum!.Base64();
                var header = Checksums.HeaderOf(algorithm);
                var claimed = r.H(header);
                if (claimed is null && source is AwsChunkedStream decoded)
                {
                    decoded.Trailers.TryGetValue(header, out claimed);
                }

                if (claimed is not null && claimed != value)
                {
                    throw new AwsServiceException("BadDigest", $"The {algorithm} you specified did not match the calculated checksum.", 400);
                }
            }

            var decodedLength = r.H("x-amz-decoded-content-length");
            if (chunked && decodedLength is not null && long.TryParse(decodedLength, out var expectedLength) && expectedLength != size)
            {
                throw new AwsServiceException("IncompleteBody", "You did not provide the number of bytes specified by the Content-Length HTTP header", 400);
            }

            return new StagedBody(temp, size, Convert.ToHexStringLower(md5Bytes), algorithm, value);
        }
        catch
        {
            File.Delete(temp);
            throw;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
            ArrayPool<byte>.Shared.Return(next);
        }
    }

    private static async Task<int> ReadFullAsync(Stream source, byte[] buffer, CancellationToken ct)
    {
        var total = 0;
        while (total < buffer.Length)
        {
            var n = await source.ReadAsync(buffer.AsMemory(total), ct);
            if (n == 0)
            {
                break;
            }

            total += n;
        }

        return total;
    }
}
