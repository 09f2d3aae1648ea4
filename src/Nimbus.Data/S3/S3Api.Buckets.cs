using System.Text.RegularExpressions;
using System.Xml.Linq;
using Microsoft.AspNetCore.Http;
using Nimbus.Core.Errors;

namespace Nimbus.Data.S3;

internal sealed partial class S3Api
{
    [GeneratedRegex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")]
    private static partial Regex BucketNamePattern();

    [GeneratedRegex(@"^\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}$")]
    private static partial Regex IpPattern();

    /// <summary>S3's general-purpose bucket naming rules.</summary>
    public static bool IsValidBucketName(string name) =>
        BucketNamePattern().IsMatch(name) && !name.Contains("..", StringComparison.Ordinal) && !IpPattern().IsMatch(name)
        && !name.StartsWith("xn--", StringComparison.Ordinal) && !name.StartsWith("sthree-", StringComparison.Ordinal)
        && !name.EndsWith("-s3alias", StringComparison.Ordinal) && !name.EndsWith("--ol-s3", StringComparison.Ordinal)
        && !name.Contains(".-", StringComparison.Ordinal) && !name.Contains("-.", StringComparison.Ordinal);

    private Task ListBucketsAsync(S3Request r)
    {
        var buckets = store.ListBuckets(r.Caller.AccountId);
        var prefix = r.Q("prefix");
        var region = r.Q("bucket-region");
        var filtered = buckets.Where(b => (prefix is null || b.Name.StartsWith(prefix, StringComparison.Ordinal)) && (region is null || b.Region == region)).ToList();
        var max = int.TryParse(r.Q("max-buckets"), out var mb) ? mb : 10000;
        var after = r.Q("continuation-token");
        var page = filtered.Where(b => after is null || string.CompareOrdinal(b.Name, after) > 0).Take(max + 1).ToList();
        var result = X("ListAllMyBucketsResult",
            Owner(r.Caller.AccountId),
            X("Buckets", page.Take(max).Select(b => X("Bucket", X("Name", b.Name), X("CreationDate", IsoTime(b.Created)), X("BucketRegion", b.Region)))));
        if (page.Count > max)
        {
            result.Add(X("ContinuationToken", page[max - 1].Name));
        }

        if (prefix is not null)
        {
            result.Add(X("Prefix", prefix));
        }

        return WriteXmlAsync(r, result);
    }

    private async Task CreateBucketAsync(S3Request r)
    {
        var name = r.Bucket!;
        if (!IsValidBucketName(name))
        {
            throw new AwsServiceException("InvalidBucketName", "The specified bucket is not valid.", 400);
        }

        var doc = await ReadXmlAsync(r);
        var location = El(doc?.Root, "LocationConstraint");
        var region = string.IsNullOrEmpty(location) ? "us-east-1" : location == "EU" ? "eu-west-1" : location;
        if (!string.IsNullOrEmpty(location) && location == "us-east-1")
        {
            throw new AwsServiceException("InvalidLocationConstraint", "The specified location-constraint is not valid", 400);
        }

        if (r.Caller.Region != "us-east-1" && region != r.Caller.Region && !string.IsNullOrEmpty(location))
        {
            throw new AwsServiceException("IllegalLocationConstraintException", $"The {location} location constraint is incompatible for the region specific endpoint this request was sent to.", 400);
        }

        if (string.IsNullOrEmpty(location) && r.Caller.Region != "us-east-1")
        {
            throw new AwsServiceException("IllegalLocationConstraintException", "The unspecified location constraint is incompatible for the region specific endpoint this request was sent to.", 400);
        }

        store.CreateBucket(name, r.Caller.AccountId, region);
        r.Http.Response.Headers.Location = "/" + name;
        r.Http.Response.StatusCode = 200;
    }

    private Task HeadBucketAsync(S3Request r)
    {
        var b = Bucket(r);
        r.Http.Response.Headers["x-amz-bucket-region"] = b.Region;
        r.Http.Response.StatusCode = 200;
        return Task.CompletedTask;
    }

    private Task GetBucketLocationAsync(S3Request r)
    {
        var b = Bucket(r);
        return WriteXmlAsync(r, X("LocationConstraint", b.Region == "us-east-1" ? null : b.Region));
    }

    private Task DeleteBucketAsync(S3Request r)
    {
        store.DeleteBucket(r.Bucket!);
        r.Http.Response.StatusCode = 204;
        return Task.CompletedTask;
    }

    private async Task PutBucketVersioningAsync(S3Request r)
    {
        Bucket(r);
        var doc = await ReadXmlAsync(r) ?? throw S3Errors.Malformed();
        var status = El(doc.Root, "Status");
        if (status is not ("Enabled" or "Suspended"))
        {
            throw S3Errors.Malformed();
        }

        store.SetBucketConfig(r.Bucket!, "versioning", status);
    }

    private Task GetBucketVersioningAsync(S3Request r)
    {
        var b = Bucket(r);
        return WriteXmlAsync(r, X("VersioningConfiguration", b.Versioning is null ? null : X("Status", b.Versioning)));
    }

    private static Dictionary<string, string> ParseTagSet(XDocument? doc)
    {
        var tags = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var tag in Els(Els(doc?.Root, "TagSet").FirstOrDefault(), "Tag"))
        {
            var key = El(tag, "Key") ?? throw S3Errors.Malformed();
            if (key.Length is 0 or > 128)
            {
                throw new AwsServiceException("InvalidTag", "The TagKey you have provided is invalid", 400);
            }

            if ((El(tag, "Value") ?? "").Length > 256)
            {
                throw new AwsServiceException("InvalidTag", "The TagValue you have provided is invalid", 400);
            }

            if (!tags.TryAdd(key, El(tag, "Value") ?? ""))
            {
                throw new AwsServiceException("InvalidTag", "Cannot provide multiple Tags with the same key", 400);
            }
        }

        return tags;
    }

    private static XElement TagSet(Dictionary<string, string>? tags) =>
        X("Tagging", X("TagSet", (tags ?? []).Select(t => X("Tag", X("Key", t.Key), X("Value", t.Value)))));

    private async Task PutBucketTaggingAsync(S3Request r)
    {
        Bucket(r);
        var tags = ParseTagSet(await ReadXmlAsync(r));
        if (tags.Count > 50)
        {
            throw new AwsServiceException("InvalidTag", "Bucket tag count cannot be greater than 50", 400);
        }

        store.SetBucketConfig(r.Bucket!, "tags", S3Json.Write(tags));
        r.Http.Response.StatusCode = 204;
    }

    private Task GetBucketTaggingAsync(S3Request r)
    {
        var b = Bucket(r);
        if (b.Tags is null)
        {
            throw new AwsServiceException(new AwsError("NoSuchTagSet", "The TagSet does not exist", 404) { Fields = new Dictionary<string, string> { ["BucketName"] = b.Name } });
        }

        return WriteXmlAsync(r, TagSet(S3Json.Read(b.Tags)));
    }

    private async Task PutBucketConfigAsync(S3Request r, string column)
    {
        Bucket(r);
        var doc = await ReadXmlAsync(r) ?? throw S3Errors.Malformed();
        if (column == "cors" && !Els(doc.Root, "CORSRule").Any())
        {
            throw S3Errors.Malformed();
        }

        store.SetBucketConfig(r.Bucket!, column, doc.ToString(SaveOptions.DisableFormatting));
    }

    private Task GetBucketCorsAsync(S3Request r)
    {
        var b = Bucket(r);
        if (b.Cors is null)
        {
            throw new AwsServiceException("NoSuchCORSConfiguration", "The CORS configuration does not exist", 404);
        }

        var doc = XDocument.Parse(b.Cors);
        doc.Root!.Name = Ns + "CORSConfiguration";
        foreach (var e in doc.Root.Descendants())
        {
            e.Name = Ns + e.Name.LocalName;
        }

        return WriteXmlAsync(r, doc.Root);
    }

    private async Task PutBucketPolicyAsync(S3Request r)
    {
        Bucket(r);
        var text = await ReadTextAsync(r);
        try
        {
            using var parsed = System.Text.Json.JsonDocument.Parse(text);
            if (parsed.RootElement.ValueKind != System.Text.Json.JsonValueKind.Object || !parsed.RootElement.TryGetProperty("Statement", out _))
            {
                throw new AwsServiceException("MalformedPolicy", "Missing required field Statement", 400);
            }
        }
        catch (System.Text.Json.JsonException)
        {
            throw new AwsServiceException("MalformedPolicy", "Policies must be valid JSON and the first byte must be '{'", 400);
        }

        store.SetBucketConfig(r.Bucket!, "policy", text);
        r.Http.Response.StatusCode = 204;
    }

    private Task GetBucketPolicyAsync(S3Request r)
    {
        var b = Bucket(r);
        if (b.Policy is null)
        {
            throw new AwsServiceException("NoSuchBucketPolicy", "The bucket policy does not exist", 404);
        }

        r.Http.Response.ContentType = "application/json";
        return r.Http.Response.WriteAsync(b.Policy);
    }

    private Task DeleteBucketConfigAsync(S3Request r, string column)
    {
        Bucket(r);
        store.SetBucketConfig(r.Bucket!, column, null);
        r.Http.Response.StatusCode = 204;
        return Task.CompletedTask;
    }
}
