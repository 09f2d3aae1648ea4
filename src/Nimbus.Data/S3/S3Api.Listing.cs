using System.Globalization;
using System.Text;
using System.Xml.Linq;
using Nimbus.Core.Errors;

namespace Nimbus.Data.S3;

internal sealed partial class S3Api
{
    private const string AfterEverything = "\U0010FFFF";

    /// <summary>One page of a listing: objects and common prefixes in key order, after <paramref name="after"/>.</summary>
    internal static (List<ObjectRecord> Contents, List<string> Prefixes, bool Truncated, string? Last) Page(
        Func<string, int, List<ObjectRecord>> fetch, string prefix, string? delimiter, string after, int maxKeys)
    {
        var contents = new List<ObjectRecord>();
        var prefixes = new List<string>();
        string? last = null;
        var cursor = after;
        if (maxKeys <= 0)
        {
            return (contents, prefixes, false, null);
        }

        while (true)
        {
            var rows = fetch(cursor, 1000);
            if (rows.Count == 0)
            {
                return (contents, prefixes, false, last);
            }

            var restarted = false;
            foreach (var row in rows)
            {
                cursor = row.Key;
                string? common = null;
                if (!string.IsNullOrEmpty(delimiter))
                {
                    var at = row.Key.IndexOf(delimiter, prefix.Length, StringComparison.Ordinal);
                    if (at >= 0)
                    {
                        common = row.Key[..(at + delimiter.Length)];
                    }
                }

                if (common is not null && string.CompareOrdinal(common, after) <= 0)
                {
                    cursor = common + AfterEverything;
                    restarted = true;
                    break;
                }

                if (contents.Count + prefixes.Count == maxKeys)
                {
                    return (contents, prefixes, true, last);
                }

                if (common is not null)
                {
                    prefixes.Add(common);
                    last = common;
                    cursor = common + AfterEverything;
                    restarted = true;
                    break;
                }

                contents.Add(row);
                last = row.Key;
            }

            if (!restarted && rows.Count < 1000)
            {
                return (contents, prefixes, false, last);
            }
        }
    }

    private Task ListObjectsAsync(S3Request r, bool v2)
    {
        var b = Bucket(r);
        var prefix = r.Q("prefix") ?? "";
        var delimiter = r.Q("delimiter");
        var encoding = r.Q("encoding-type");
        if (encoding is not null && encoding != "url")
        {
            throw S3Errors.InvalidArgument("Invalid Encoding Method specified in Request");
        }

        var maxKeys = 1000;
        if (r.Q("max-keys") is { } mk)
        {
            if (!int.TryParse(mk, CultureInfo.InvariantCulture, out maxKeys) || maxKeys < 0)
            {
                throw S3Errors.InvalidArgument("Provided max-keys not an integer or within integer range");
            }

            maxKeys = Math.Min(maxKeys, 1000);
        }

        string after;
        var token = r.Q("continuation-token");
        var startAfter = r.Q("start-after");
        if (v2)
        {
            if (token is not null)
            {
                try
                {
                    after = Encoding.UTF8.GetString(Convert.FromBase64String(token));
                }
                catch (FormatException)
                {
                    throw S3Errors.InvalidArgument("The continuation token provided is incorrect");
                }
            }
            else
            {
                after = startAfter ?? "";
            }
        }
        else
        {
            after = r.Q("marker") ?? "";
        }

        var (contents, prefixes, truncated, last) = Page((a, n) => store.ListLatest(b.Name, prefix, a, n), prefix, delimiter, after, maxKeys);
        string Enc(string s) => encoding == "url" ? UrlEncode(s) : s;
        var owner = r.Q("fetch-owner") == "true" || !v2;
        var result = X(v2 ? "ListBucketResult" : "ListBucketResult",
            X("Name", b.Name),
            X("Prefix", Enc(prefix)));
        if (v2)
        {
            if (token is not null)
            {
                result.Add(X("ContinuationToken", token));
            }

            if (startAfter is not null)
            {
                result.Add(X("StartAfter", Enc(startAfter)));
            }

            result.Add(X("KeyCount", contents.Count + prefixes.Count));
        }
        else
        {
            result.Add(X("Marker", Enc(r.Q("marker") ?? "")));
        }

        result.Add(X("MaxKeys", maxKeys));
        if (delimiter is not null)
        {
            result.Add(X("Delimiter", Enc(delimiter)));
        }

        result.Add(X("IsTruncated", truncated ? "true" : "false"));
        if (truncated && last is not null)
        {
            if (v2)
            {
                result.Add(X("NextContinuationToken", Convert.ToBase64String(Encoding.UTF8.GetBytes(last))));
            }
            else if (delimiter is not null)
            {
                result.Add(X("NextMarker", Enc(last)));
            }
        }

        if (encoding is not null)
        {
            result.Add(X("EncodingType", encoding));
        }

        foreach (var o in contents)
        {
            var e = X("Contents",
                X("Key", Enc(o.Key)),
                X("LastModified", IsoTime(o.Modified)),
                X("ETag", o.ETag),
                o.ChecksumAlgorithm is null ? null : X("ChecksumAlgorithm", o.ChecksumAlgorithm),
                o.ChecksumAlgorithm is null ? null : X("ChecksumType", o.Checksum?.Contains('-', StringComparison.Ordinal) == true ? "COMPOSITE" : "FULL_OBJECT"),
                X("Size", o.Size),
                owner ? Owner(b.Account) : null,
                X("StorageClass", o.Headers.GetValueOrDefault("x-amz-storage-class") ?? "STANDARD"));
            result.Add(e);
        }

        foreach (var p in prefixes)
        {
            result.Add(X("CommonPrefixes", X("Prefix", Enc(p))));
        }

        return WriteXmlAsync(r, result);
    }

    private static string UrlEncode(string s)
    {
        var sb = new StringBuilder();
        foreach (var b in Encoding.UTF8.GetBytes(s))
        {
            var c = (char)b;
            if (char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or '~' or '/')
            {
                sb.Append(c);
            }
            else
            {
                sb.Append('%').Append(b.ToString("X2", CultureInfo.InvariantCulture));
            }
        }

        return sb.ToString();
    }

    private Task ListObjectVersionsAsync(S3Request r)
    {
        var b = Bucket(r);
        var prefix = r.Q("prefix") ?? "";
        var keyMarker = r.Q("key-marker") ?? "";
        var versionMarker = r.Q("version-id-marker");
        var maxKeys = int.TryParse(r.Q("max-keys"), CultureInfo.InvariantCulture, out var mk) ? Math.Clamp(mk, 0, 1000) : 1000;
        var encoding = r.Q("encoding-type");
        string Enc(string s) => encoding == "url" ? UrlEncode(s) : s;
        var rows = store.ListVersions(b.Name, prefix, keyMarker, int.MaxValue);

        // Skip to just after (key-marker, version-id-marker): with no version marker, past every version of key-marker.
        var start = 0;
        if (keyMarker.Length > 0)
        {
            if (versionMarker is null)
            {
                while (start < rows.Count && rows[start].Key == keyMarker)
                {
                    start++;
                }
            }
            else
            {
                var at = rows.FindIndex(x => x.Key == keyMarker && x.VersionId == versionMarker);
                if (at < 0)
                {
                    throw S3Errors.InvalidArgument("Invalid version id specified");
                }

                start = at + 1;
            }
        }

        var page = rows.Skip(start).Take(maxKeys + 1).ToList();
        var truncated = page.Count > maxKeys;
        page = page.Take(maxKeys).ToList();
        var result = X("ListVersionsResult",
            X("Name", b.Name), X("Prefix", Enc(prefix)), X("KeyMarker", Enc(keyMarker)), X("VersionIdMarker", versionMarker ?? ""),
            X("MaxKeys", maxKeys), X("IsTruncated", truncated ? "true" : "false"));
        if (truncated && page.Count > 0)
        {
            result.Add(X("NextKeyMarker", Enc(page[^1].Key)), X("NextVersionIdMarker", page[^1].VersionId));
        }

        if (encoding is not null)
        {
            result.Add(X("EncodingType", encoding));
        }

        foreach (var o in page)
        {
            result.Add(o.DeleteMarker
                ? X("DeleteMarker", X("Key", Enc(o.Key)), X("VersionId", o.VersionId), X("IsLatest", o.IsLatest ? "true" : "false"), X("LastModified", IsoTime(o.Modified)), Owner(b.Account))
                : X("Version", X("Key", Enc(o.Key)), X("VersionId", o.VersionId), X("IsLatest", o.IsLatest ? "true" : "false"), X("LastModified", IsoTime(o.Modified)),
                    X("ETag", o.ETag), X("Size", o.Size), X("StorageClass", "STANDARD"), Owner(b.Account)));
        }

        return WriteXmlAsync(r, result);
    }

    private static AwsServiceException InvalidPartNumber() => S3Errors.InvalidArgument("Part number must be an integer between 1 and 10000, inclusive");
}
