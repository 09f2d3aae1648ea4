using System.Globalization;
using System.Xml.Linq;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;
using Nimbus.Core.Errors;

namespace Nimbus.Data.S3;

internal sealed partial class S3Api
{
    private static readonly string[] StoredHeaders =
        ["Content-Type", "Content-Encoding", "Content-Disposition", "Content-Language", "Cache-Control", "Expires", "x-amz-website-redirect-location", "x-amz-storage-class"];

    /// <summary>The object headers a write stores: standard content headers and <c>x-amz-meta-*</c>.</summary>
    private static Dictionary<string, string> ObjectHeaders(S3Request r)
    {
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var name in StoredHeaders)
        {
            var v = r.H(name);
            if (name == "Content-Encoding" && v is not null)
            {
                v = string.Join(",", v.Split(',').Select(s => s.Trim()).Where(s => s.Length > 0 && !s.Equals("aws-chunked", StringComparison.OrdinalIgnoreCase)));
                if (v.Length == 0)
                {
                    v = null;
                }
            }

            if (v is not null)
            {
                headers[name] = v;
            }
        }

        headers.TryAdd("Content-Type", "binary/octet-stream");
        foreach (var (k, v) in r.Headers)
        {
            if (k.StartsWith("x-amz-meta-", StringComparison.OrdinalIgnoreCase))
            {
                headers[k.ToLowerInvariant()] = v.ToString();
            }
        }

        return headers;
    }

    private static Dictionary<string, string>? TaggingHeader(S3Request r)
    {
        var header = r.H("x-amz-tagging");
        if (header is null)
        {
            return null;
        }

        var tags = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var pair in header.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = pair.IndexOf('=');
            var k = Uri.UnescapeDataString((eq < 0 ? pair : pair[..eq]).Replace('+', ' '));
            var v = eq < 0 ? "" : Uri.UnescapeDataString(pair[(eq + 1)..].Replace('+', ' '));
            tags[k] = v;
        }

        return tags;
    }

    private void WriteVersionAndChecksum(S3Request r, ObjectRecord o, bool includeChecksum)
    {
        var h = r.Http.Response.Headers;
        if (o.VersionId != "null" || Bucket(r).Versioning is not null)
        {
            h["x-amz-version-id"] = o.VersionId;
        }

        if (includeChecksum && o.ChecksumAlgorithm is not null && o.Checksum is not null)
        {
            h[Checksums.HeaderOf(o.ChecksumAlgorithm)] = o.Checksum;
            if (o.Checksum.Contains('-', StringComparison.Ordinal))
            {
                h["x-amz-checksum-type"] = "COMPOSITE";
            }
            else
            {
                h["x-amz-checksum-type"] = "FULL_OBJECT";
            }
        }
    }

    private async Task PutObjectAsync(S3Request r)
    {
        Bucket(r);
        if (System.Text.Encoding.UTF8.GetByteCount(r.Key!) > 1024)
        {
            throw new AwsServiceException("KeyTooLongError", "Your key is too long", 400);
        }

        var headers = ObjectHeaders(r);
        var tags = TaggingHeader(r);
        var body = await StageAsync(r, requireLength: true);
        var o = store.PutObject(r.Bucket!, r.Key!, body, headers, tags, "ObjectCreated:Put");
        notifications.Wake();
        r.Http.Response.Headers.ETag = o.ETag;
        WriteVersionAndChecksum(r, o, includeChecksum: true);
        r.Http.Response.StatusCode = 200;
    }

    private ObjectRecord RequireObject(S3Request r, string bucket, string key, string? versionId)
    {
        var o = store.GetObject(bucket, key, versionId);
        if (o is null)
        {
            if (versionId is not null)
            {
                store.RequireBucket(bucket);
                throw new AwsServiceException(new AwsError("NoSuchVersion", "The specified version does not exist.", 404) { Fields = new Dictionary<string, string> { ["VersionId"] = versionId } });
            }

            store.RequireBucket(bucket);
            throw S3Errors.NoSuchKey(key);
        }

        if (o.DeleteMarker)
        {
            var headers = new Dictionary<string, string> { ["x-amz-delete-marker"] = "true", ["x-amz-version-id"] = o.VersionId };
            throw versionId is null
                ? new AwsServiceException(new AwsError("NoSuchKey", "The specified key does not exist.", 404) { Headers = headers })
                : new AwsServiceException(new AwsError("MethodNotAllowed", "The specified method is not allowed against this resource.", 405) { Headers = headers });
        }

        return o;
    }

    private static bool EtagMatches(string? header, string etag) =>
        header is not null && header.Split(',').Select(s => s.Trim()).Any(s => s == "*" || s == etag || $"\"{s.Trim('"')}\"" == etag);

    private static DateTimeOffset? HttpDate(string? value) =>
        value is not null && DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var d) ? d : null;

    private async Task GetObjectAsync(S3Request r, bool head)
    {
        var o = RequireObject(r, r.Bucket!, r.Key!, r.Q("versionId"));
        var response = r.Http.Response;
        var h = response.Headers;
        var modified = DateTimeOffset.FromUnixTimeMilliseconds(o.Modified);
        var modifiedSecond = DateTimeOffset.FromUnixTimeSeconds(modified.ToUnixTimeSeconds());

        // Conditional requests, in S3's precedence: If-Match / If-Unmodified-Since (412), If-None-Match / If-Modified-Since (304).
        var ifMatch = r.H("If-Match");
        var ifNoneMatch = r.H("If-None-Match");
        var ifUnmodified = HttpDate(r.H("If-Unmodified-Since"));
        var ifModified = HttpDate(r.H("If-Modified-Since"));
        if ((ifMatch is not null && !EtagMatches(ifMatch, o.ETag)) || (ifMatch is null && ifUnmodified is not null && modifiedSecond > ifUnmodified))
        {
            throw new AwsServiceException(new AwsError("PreconditionFailed", "At least one of the pre-conditions you specified did not hold", 412)
            { Fields = new Dictionary<string, string> { ["Condition"] = ifMatch is not null ? "If-Match" : "If-Unmodified-Since" } });
        }

        if ((ifNoneMatch is not null && EtagMatches(ifNoneMatch, o.ETag)) || (ifNoneMatch is null && ifModified is not null && modifiedSecond <= ifModified))
        {
            response.StatusCode = 304;
            h.ETag = o.ETag;
            h.LastModified = HttpTime(o.Modified);
            return;
        }

        foreach (var (k, v) in o.Headers)
        {
            h[k] = v;
        }

        h.ETag = o.ETag;
        h.LastModified = HttpTime(o.Modified);
        h.AcceptRanges = "bytes";
        if (o.Tags is { Count: > 0 })
        {
            h["x-amz-tagging-count"] = o.Tags.Count.ToString(CultureInfo.InvariantCulture);
        }

        if (o.Parts is not null)
        {
            h["x-amz-mp-parts-count"] = o.Parts.Value.ToString(CultureInfo.InvariantCulture);
        }

        foreach (var (q, header) in new[] { ("response-content-type", "Content-Type"), ("response-content-language", "Content-Language"), ("response-expires", "Expires"), ("response-cache-control", "Cache-Control"), ("response-content-disposition", "Content-Disposition"), ("response-content-encoding", "Content-Encoding") })
        {
            if (r.Q(q) is { } v)
            {
                h[header] = v;
            }
        }

        long start = 0, length = o.Size;
        var range = r.H("Range");
        var partial = false;
        if (range is not null && TryParseRange(range, o.Size, out start, out length, out var satisfiable))
        {
            if (!satisfiable)
            {
                throw new AwsServiceException(new AwsError("InvalidRange", "The requested range is not satisfiable", 416)
                { Fields = new Dictionary<string, string> { ["RangeRequested"] = range, ["ActualObjectSize"] = o.Size.ToString(CultureInfo.InvariantCulture) }, Headers = new Dictionary<string, string> { ["Content-Range"] = $"bytes */{o.Size}" } });
            }

            partial = true;
            response.StatusCode = 206;
            h.ContentRange = $"bytes {start}-{start + length - 1}/{o.Size}";
        }
        else
        {
            response.StatusCode = 200;
        }

        WriteVersionAndChecksum(r, o, includeChecksum: !partial && r.H("x-amz-checksum-mode")?.Equals("ENABLED", StringComparison.OrdinalIgnoreCase) == true);
        response.ContentLength = length;
        if (head || length == 0)
        {
            return;
        }

        await response.SendFileAsync(store.PathOf(o.File!), start, length, r.Http.RequestAborted);
    }

    /// <summary>Parses <c>bytes=a-b</c>, <c>bytes=a-</c>, <c>bytes=-n</c>; false when the header is ignored (malformed or multi-range).</summary>
    internal static bool TryParseRange(string header, long size, out long start, out long length, out bool satisfiable)
    {
        start = 0;
        length = size;
        satisfiable = true;
        if (!header.StartsWith("bytes=", StringComparison.OrdinalIgnoreCase) || header.Contains(',', StringComparison.Ordinal))
        {
            return false;
        }

        var spec = header[6..].Trim();
        var dash = spec.IndexOf('-');
        if (dash < 0)
        {
            return false;
        }

        var a = spec[..dash].Trim();
        var b = spec[(dash + 1)..].Trim();
        if (a.Length == 0)
        {
            if (!long.TryParse(b, CultureInfo.InvariantCulture, out var suffix))
            {
                return false;
            }

            if (suffix == 0 || size == 0)
            {
                satisfiable = false;
                return true;
            }

            start = Math.Max(0, size - suffix);
            length = size - start;
            return true;
        }

        if (!long.TryParse(a, CultureInfo.InvariantCulture, out start))
        {
            return false;
        }

        long end = size - 1;
        if (b.Length > 0)
        {
            if (!long.TryParse(b, CultureInfo.InvariantCulture, out end) || end < start)
            {
                return false;
            }
        }

        if (start >= size)
        {
            satisfiable = false;
            return true;
        }

        end = Math.Min(end, size - 1);
        length = end - start + 1;
        return true;
    }

    private Task DeleteObjectAsync(S3Request r)
    {
        Bucket(r);
        var (_, marker, versionId) = store.DeleteObject(r.Bucket!, r.Key!, r.Q("versionId"));
        notifications.Wake();
        if (marker)
        {
            r.Http.Response.Headers["x-amz-delete-marker"] = "true";
        }

        if (versionId is not null)
        {
            r.Http.Response.Headers["x-amz-version-id"] = versionId;
        }

        r.Http.Response.StatusCode = 204;
        return Task.CompletedTask;
    }

    private async Task DeleteObjectsAsync(S3Request r)
    {
        Bucket(r);
        var doc = await ReadXmlAsync(r) ?? throw S3Errors.Malformed();
        var quiet = El(doc.Root, "Quiet") == "true";
        var objects = Els(doc.Root, "Object").ToList();
        if (objects.Count > 1000)
        {
            throw S3Errors.Malformed();
        }

        var result = X("DeleteResult");
        foreach (var obj in objects)
        {
            var key = El(obj, "Key") ?? throw S3Errors.Malformed();
            var version = El(obj, "VersionId");
            try
            {
                var (deleted, marker, versionId) = store.DeleteObject(r.Bucket!, key, version);
                if (!quiet)
                {
                    var e = X("Deleted", X("Key", key));
                    if (version is not null)
                    {
                        e.Add(X("VersionId", version));
                    }

                    if (marker)
                    {
                        e.Add(X("DeleteMarker", "true"));
                        if (version is null || deleted?.DeleteMarker == true)
                        {
                            e.Add(X("DeleteMarkerVersionId", versionId));
                        }
                    }

                    result.Add(e);
                }
            }
            catch (AwsServiceException ex)
            {
                result.Add(X("Error", X("Key", key), version is null ? null : X("VersionId", version), X("Code", ex.Error.Code), X("Message", ex.Error.Message)));
            }
        }

        notifications.Wake();
        await WriteXmlAsync(r, result);
    }

    private async Task CopyObjectAsync(S3Request r)
    {
        Bucket(r);
        var source = r.H("x-amz-copy-source")!;
        string? sourceVersion = null;
        var q = source.IndexOf('?');
        if (q >= 0)
        {
            var query = Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(source[q..]);
            sourceVersion = query.TryGetValue("versionId", out StringValues v) ? v.ToString() : null;
            source = source[..q];
        }

        source = Uri.UnescapeDataString(source).TrimStart('/');
        var slash = source.IndexOf('/');
        if (slash <= 0 || slash == source.Length - 1)
        {
            throw new AwsServiceException("InvalidArgument", "Invalid copy source object key", 400);
        }

        var srcBucket = source[..slash];
        var srcKey = source[(slash + 1)..];
        var src = RequireObject(r, srcBucket, srcKey, sourceVersion);

        var ifMatch = r.H("x-amz-copy-source-if-match");
        var ifNoneMatch = r.H("x-amz-copy-source-if-none-match");
        if ((ifMatch is not null && !EtagMatches(ifMatch, src.ETag)) || (ifNoneMatch is not null && EtagMatches(ifNoneMatch, src.ETag)))
        {
            throw new AwsServiceException("PreconditionFailed", "At least one of the pre-conditions you specified did not hold", 412);
        }

        var replace = string.Equals(r.H("x-amz-metadata-directive"), "REPLACE", StringComparison.OrdinalIgnoreCase);
        if (srcBucket == r.Bucket && srcKey == r.Key && sourceVersion is null && !replace && Bucket(r).Versioning != "Enabled")
        {
            throw new AwsServiceException("InvalidRequest", "This copy request is illegal because it is trying to copy an object to itself without changing the object's metadata, storage class, website redirect location or encryption attributes.", 400);
        }

        var headers = replace ? ObjectHeaders(r) : new Dictionary<string, string>(src.Headers, StringComparer.OrdinalIgnoreCase);
        var tags = string.Equals(r.H("x-amz-tagging-directive"), "REPLACE", StringComparison.OrdinalIgnoreCase) ? TaggingHeader(r) : src.Tags;
        var temp = store.NewTempPath();
        File.Copy(store.PathOf(src.File!), temp);
        var algorithm = RequestedChecksum(r) ?? src.ChecksumAlgorithm;
        string? checksum = null;
        if (algorithm is not null)
        {
            if (algorithm == src.ChecksumAlgorithm && src.Checksum?.Contains('-', StringComparison.Ordinal) == false)
            {
                checksum = src.Checksum;
            }
            else
            {
                var c = Checksums.Create(algorithm);
                await using var f = File.OpenRead(temp);
                var buffer = new byte[1024 * 1024];
                int n;
                while ((n = await f.ReadAsync(buffer)) > 0)
                {
                    c.Append(buffer.AsSpan(0, n));
                }

                checksum = c.Base64();
            }
        }

        string md5;
        if (src.Parts is null)
        {
            md5 = src.ETag.Trim('"');
        }
        else
        {
            await using var f = File.OpenRead(temp);
            md5 = Convert.ToHexStringLower(await System.Security.Cryptography.MD5.HashDataAsync(f));
        }

        var body = new StagedBody(temp, src.Size, md5, algorithm, checksum);
        var o = store.PutObject(r.Bucket!, r.Key!, body, headers, tags, "ObjectCreated:Copy");
        notifications.Wake();
        if (src.VersionId != "null")
        {
            r.Http.Response.Headers["x-amz-copy-source-version-id"] = src.VersionId;
        }

        WriteVersionAndChecksum(r, o, includeChecksum: false);
        var result = X("CopyObjectResult", X("ETag", o.ETag), X("LastModified", IsoTime(o.Modified)));
        if (o.ChecksumAlgorithm is not null)
        {
            result.Add(X("Checksum" + o.ChecksumAlgorithm, o.Checksum));
        }

        await WriteXmlAsync(r, result);
    }

    private async Task PutObjectTaggingAsync(S3Request r)
    {
        Bucket(r);
        var tags = ParseTagSet(await ReadXmlAsync(r));
        if (tags.Count > 10)
        {
            throw new AwsServiceException("BadRequest", "Object tags cannot be greater than 10", 400);
        }

        store.SetObjectTags(r.Bucket!, r.Key!, r.Q("versionId"), tags);
        var o = store.GetObject(r.Bucket!, r.Key!, r.Q("versionId"));
        if (o is not null && o.VersionId != "null")
        {
            r.Http.Response.Headers["x-amz-version-id"] = o.VersionId;
        }
    }

    private Task GetObjectTaggingAsync(S3Request r)
    {
        var o = RequireObject(r, r.Bucket!, r.Key!, r.Q("versionId"));
        if (o.VersionId != "null")
        {
            r.Http.Response.Headers["x-amz-version-id"] = o.VersionId;
        }

        return WriteXmlAsync(r, TagSet(o.Tags));
    }

    private Task DeleteObjectTaggingAsync(S3Request r)
    {
        RequireObject(r, r.Bucket!, r.Key!, r.Q("versionId"));
        store.SetObjectTags(r.Bucket!, r.Key!, r.Q("versionId"), null);
        r.Http.Response.StatusCode = 204;
        return Task.CompletedTask;
    }
}
