using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Nimbus.Core.Identity;

namespace Nimbus.Data.S3;

/// <summary>A parsed S3 request: bucket and key from the virtual host or the path, the raw query, the caller.</summary>
internal sealed class S3Request
{
    private S3Request(HttpContext http, string? bucket, string? key, string rawPath, string rawQuery)
    {
        Http = http;
        Bucket = bucket;
        Key = key;
        RawPath = rawPath;
        RawQuery = rawQuery;
        Caller = CallerResolver.Resolve(http);
    }

    public HttpContext Http { get; }

    public string? Bucket { get; }

    public string? Key { get; }

    public string RawPath { get; }

    public string RawQuery { get; }

    public AwsRequestContext Caller { get; }

    public IQueryCollection Query => Http.Request.Query;

    public IHeaderDictionary Headers => Http.Request.Headers;

    public string Method => Http.Request.Method;

    public bool Has(string name) => Http.Request.Query.ContainsKey(name);

    public string? Q(string name) => Http.Request.Query.TryGetValue(name, out var v) ? v.ToString() : null;

    public string? H(string name) => Http.Request.Headers.TryGetValue(name, out var v) && v.Count > 0 ? v.ToString() : null;

    public string Resource => Key is null ? $"/{Bucket}" : $"/{Bucket}/{Key}";

    /// <summary>The bucket in a <c>{bucket}.s3.localhost</c> host, or null.</summary>
    public static string? VirtualHostBucket(string host, out bool isS3Host)
    {
        var h = host;
        var colon = h.LastIndexOf(':');
        if (colon > 0 && !h.EndsWith(']'))
        {
            h = h[..colon];
        }

        h = h.ToLowerInvariant();
        if (h == "s3.localhost")
        {
            isS3Host = true;
            return null;
        }

        const string suffix = ".s3.localhost";
        isS3Host = h.EndsWith(suffix, StringComparison.Ordinal) && h.Length > suffix.Length;
        return isS3Host ? h[..^suffix.Length] : null;
    }

    public static S3Request Parse(HttpContext http)
    {
        var raw = http.Features.Get<IHttpRequestFeature>()?.RawTarget ?? (http.Request.PathBase + http.Request.Path + http.Request.QueryString).ToString();
        if (raw.StartsWith("http://", StringComparison.OrdinalIgnoreCase) || raw.StartsWith("https://", StringComparison.OrdinalIgnoreCase))
        {
            var u = new Uri(raw);
            raw = u.PathAndQuery;
        }

        var q = raw.IndexOf('?');
        var rawPath = q < 0 ? raw : raw[..q];
        var rawQuery = q < 0 ? "" : raw[(q + 1)..];
        var hostBucket = VirtualHostBucket(http.Request.Host.Value ?? "", out _);
        string? bucket;
        string? key;
        if (hostBucket is not null)
        {
            bucket = hostBucket;
            key = rawPath.Length > 1 ? Uri.UnescapeDataString(rawPath[1..]) : null;
        }
        else
        {
            var path = rawPath.TrimStart('/');
            var slash = path.IndexOf('/');
            bucket = path.Length == 0 ? null : Uri.UnescapeDataString(slash < 0 ? path : path[..slash]);
            key = slash < 0 || slash == path.Length - 1 ? null : Uri.UnescapeDataString(path[(slash + 1)..]);
        }

        return new S3Request(http, bucket, key, rawPath, rawQuery);
    }
}
