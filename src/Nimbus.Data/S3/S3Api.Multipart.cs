using System.Globalization;
using System.Security.Cryptography;
using Nimbus.Core.Errors;

namespace Nimbus.Data.S3;

internal sealed partial class S3Api
{
    private const long MinPartSize = 5L * 1024 * 1024;

    private Task CreateMultipartUploadAsync(S3Request r)
    {
        Bucket(r);
        var algorithm = r.H("x-amz-checksum-algorithm")?.ToUpperInvariant();
        if (algorithm is not null && !Checksums.Algorithms.Contains(algorithm))
        {
            throw S3Errors.InvalidArgument("Checksum algorithm provided is unsupported.");
        }

        var upload = store.CreateUpload(r.Bucket!, r.Key!, ObjectHeaders(r), algorithm, TaggingHeader(r));
        if (algorithm is not null)
        {
            r.Http.Response.Headers["x-amz-checksum-algorithm"] = algorithm;
            r.Http.Response.Headers["x-amz-checksum-type"] = "COMPOSITE";
        }

        return WriteXmlAsync(r, X("InitiateMultipartUploadResult", X("Bucket", r.Bucket), X("Key", r.Key), X("UploadId", upload.UploadId)));
    }

    private async Task UploadPartAsync(S3Request r)
    {
        if (!int.TryParse(r.Q("partNumber"), CultureInfo.InvariantCulture, out var number) || number is < 1 or > 10000)
        {
            throw InvalidPartNumber();
        }

        Bucket(r);
        var upload = store.RequireUpload(r.Bucket!, r.Key!, r.Q("uploadId")!);
        var body = await StageAsync(r, requireLength: true, RequestedChecksum(r) ?? upload.ChecksumAlgorithm);
        var part = store.PutPart(upload.UploadId, number, body);
        r.Http.Response.Headers.ETag = part.ETag;
        if (body.ChecksumAlgorithm is not null)
        {
            r.Http.Response.Headers[Checksums.HeaderOf(body.ChecksumAlgorithm)] = body.Checksum;
        }
    }

    private async Task CompleteMultipartUploadAsync(S3Request r)
    {
        Bucket(r);
        var upload = store.RequireUpload(r.Bucket!, r.Key!, r.Q("uploadId")!);
        var doc = await ReadXmlAsync(r) ?? throw S3Errors.Malformed();
        var requested = Els(doc.Root, "Part").Select(p => (
            Number: int.TryParse(El(p, "PartNumber"), CultureInfo.InvariantCulture, out var n) ? n : throw S3Errors.Malformed(),
            ETag: El(p, "ETag") ?? throw S3Errors.Malformed())).ToList();
        if (requested.Count == 0)
        {
            throw new AwsServiceException("MalformedXML", "The XML you provided was not well-formed or did not validate against our published schema", 400);
        }

        for (var i = 1; i < requested.Count; i++)
        {
            if (requested[i].Number <= requested[i - 1].Number)
            {
                throw new AwsServiceException("InvalidPartOrder", "The list of parts was not in ascending order. The parts list must be specified in order by part number.", 400);
            }
        }

        var stored = store.ListParts(upload.UploadId).ToDictionary(p => p.PartNumber);
        var chosen = new List<PartRecord>();
        foreach (var (number, partTag) in requested)
        {
            if (!stored.TryGetValue(number, out var part) || $"\"{partTag.Trim('"')}\"" != part.ETag)
            {
                throw new AwsServiceException("InvalidPart", "One or more of the specified parts could not be found. The part may not have been uploaded, or the specified entity tag may not have matched the part's entity tag.", 400);
            }

            chosen.Add(part);
        }

        for (var i = 0; i < chosen.Count - 1; i++)
        {
            if (chosen[i].Size < MinPartSize)
            {
                throw new AwsServiceException(new AwsError("EntityTooSmall", "Your proposed upload is smaller than the minimum allowed size", 400)
                {
                    Fields = new Dictionary<string, string>
                    {
                        ["ProposedSize"] = chosen[i].Size.ToString(CultureInfo.InvariantCulture),
                        ["MinSizeAllowed"] = MinPartSize.ToString(CultureInfo.InvariantCulture),
                        ["PartNumber"] = chosen[i].PartNumber.ToString(CultureInfo.InvariantCulture),
                        ["ETag"] = chosen[i].ETag.Trim('"'),
                    },
                });
            }
        }

        // Assemble the parts into one file (streamed) and derive the multipart ETag and composite checksum.
        var temp = store.NewTempPath();
        using var etags = IncrementalHash.CreateHash(HashAlgorithmName.MD5);
        var composite = upload.ChecksumAlgorithm is null ? null : Checksums.Create(upload.ChecksumAlgorithm);
        long size = 0;
        try
        {
            await using (var output = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1024 * 1024, FileOptions.Asynchronous))
            {
                foreach (var part in chosen)
                {
                    etags.AppendData(Convert.FromHexString(part.ETag.Trim('"')));
                    if (composite is not null)
                    {
                        composite.Append(part.Checksum is null ? [] : Convert.FromBase64String(part.Checksum));
                    }

                    await using var input = new FileStream(store.PathOf(part.File), FileMode.Open, FileAccess.Read, FileShare.Read, 1024 * 1024, FileOptions.Asynchronous | FileOptions.SequentialScan);
                    await input.CopyToAsync(output, r.Http.RequestAborted);
                    size += part.Size;
                }
            }
        }
        catch
        {
            File.Delete(temp);
            throw;
        }

        var etag = $"\"{Convert.ToHexStringLower(etags.GetHashAndReset())}-{chosen.Count}\"";
        var checksum = composite is null ? null : $"{composite.Base64()}-{chosen.Count}";
        var o = store.CompleteUpload(upload, new StagedBody(temp, size, "", upload.ChecksumAlgorithm, checksum), etag, chosen.Count, chosen);
        notifications.Wake();
        WriteVersionAndChecksum(r, o, includeChecksum: false);
        var result = X("CompleteMultipartUploadResult",
            X("Location", $"{r.Http.Request.Scheme}://{r.Http.Request.Host}/{o.Bucket}/{o.Key}"),
            X("Bucket", o.Bucket), X("Key", o.Key), X("ETag", o.ETag));
        if (checksum is not null)
        {
            result.Add(X("Checksum" + upload.ChecksumAlgorithm, checksum), X("ChecksumType", "COMPOSITE"));
        }

        await WriteXmlAsync(r, result);
    }

    private Task AbortMultipartUploadAsync(S3Request r)
    {
        Bucket(r);
        store.RequireUpload(r.Bucket!, r.Key!, r.Q("uploadId")!);
        store.AbortUpload(r.Q("uploadId")!);
        r.Http.Response.StatusCode = 204;
        return Task.CompletedTask;
    }

    private Task ListPartsAsync(S3Request r)
    {
        var b = Bucket(r);
        var upload = store.RequireUpload(r.Bucket!, r.Key!, r.Q("uploadId")!);
        var marker = int.TryParse(r.Q("part-number-marker"), CultureInfo.InvariantCulture, out var m) ? m : 0;
        var max = int.TryParse(r.Q("max-parts"), CultureInfo.InvariantCulture, out var mp) ? Math.Clamp(mp, 0, 1000) : 1000;
        var parts = store.ListParts(upload.UploadId).Where(p => p.PartNumber > marker).Take(max + 1).ToList();
        var truncated = parts.Count > max;
        parts = parts.Take(max).ToList();
        var result = X("ListPartsResult",
            X("Bucket", b.Name), X("Key", upload.Key), X("UploadId", upload.UploadId),
            X("PartNumberMarker", marker), X("NextPartNumberMarker", parts.Count > 0 ? parts[^1].PartNumber : 0),
            X("MaxParts", max), X("IsTruncated", truncated ? "true" : "false"),
            X("Initiator", X("ID", OwnerId(b.Account)), X("DisplayName", "webfile")), Owner(b.Account), X("StorageClass", "STANDARD"),
            upload.ChecksumAlgorithm is null ? null : X("ChecksumAlgorithm", upload.ChecksumAlgorithm));
        foreach (var p in parts)
        {
            result.Add(X("Part", X("PartNumber", p.PartNumber), X("LastModified", IsoTime(p.Modified)), X("ETag", p.ETag), X("Size", p.Size),
                p.Checksum is null || upload.ChecksumAlgorithm is null ? null : X("Checksum" + upload.ChecksumAlgorithm, p.Checksum)));
        }

        return WriteXmlAsync(r, result);
    }

    private Task ListMultipartUploadsAsync(S3Request r)
    {
        var b = Bucket(r);
        var prefix = r.Q("prefix") ?? "";
        var max = int.TryParse(r.Q("max-uploads"), CultureInfo.InvariantCulture, out var mu) ? Math.Clamp(mu, 0, 1000) : 1000;
        var keyMarker = r.Q("key-marker") ?? "";
        var uploadMarker = r.Q("upload-id-marker");
        var all = store.ListUploads(b.Name).Where(u => u.Key.StartsWith(prefix, StringComparison.Ordinal)).ToList();
        var start = 0;
        if (keyMarker.Length > 0)
        {
            start = uploadMarker is null
                ? all.FindIndex(u => string.CompareOrdinal(u.Key, keyMarker) > 0)
                : all.FindIndex(u => u.Key == keyMarker && u.UploadId == uploadMarker) + 1;
            if (start < 0)
            {
                start = all.Count;
            }
        }

        var page = all.Skip(start).Take(max + 1).ToList();
        var truncated = page.Count > max;
        page = page.Take(max).ToList();
        var result = X("ListMultipartUploadsResult",
            X("Bucket", b.Name), X("KeyMarker", keyMarker), X("UploadIdMarker", uploadMarker ?? ""),
            X("NextKeyMarker", page.Count > 0 ? page[^1].Key : ""), X("NextUploadIdMarker", page.Count > 0 ? page[^1].UploadId : ""),
            X("Prefix", prefix), X("MaxUploads", max), X("IsTruncated", truncated ? "true" : "false"));
        foreach (var u in page)
        {
            result.Add(X("Upload", X("Key", u.Key), X("UploadId", u.UploadId),
                X("Initiator", X("ID", OwnerId(b.Account)), X("DisplayName", "webfile")), Owner(b.Account),
                X("StorageClass", "STANDARD"), X("Initiated", IsoTime(u.Initiated)),
                u.ChecksumAlgorithm is null ? null : X("ChecksumAlgorithm", u.ChecksumAlgorithm)));
        }

        return WriteXmlAsync(r, result);
    }
}
