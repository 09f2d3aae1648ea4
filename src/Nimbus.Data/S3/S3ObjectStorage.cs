using System.Globalization;
using System.Text;
using System.Xml.Linq;
using Microsoft.AspNetCore.Http;
using Nimbus.Core.Errors;
using Nimbus.Core.Identity;
using Nimbus.Core.Services;

namespace Nimbus.Data.S3;

/// <summary><see cref="IObjectStorage"/> through the S3 API itself: path-style requests handled in-process by <see cref="S3Api"/>.</summary>
internal sealed class S3ObjectStorage(S3Api api, IServiceProvider services) : IObjectStorage
{
    private static readonly XNamespace Ns = "http://s3.amazonaws.com/doc/2006-03-01/";

    public async Task<StoredObject> GetAsync(string bucket, string key, string? versionId, AwsRequestContext caller, CancellationToken cancellationToken = default)
    {
        var http = await SendAsync("GET", ObjectPath(bucket, key), versionId is null ? "" : "?versionId=" + Uri.EscapeDataString(versionId), null, null, caller, cancellationToken).ConfigureAwait(false);
        var headers = http.Response.Headers;
        var lastModified = DateTimeOffset.TryParse(headers.LastModified.ToString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var lm) ? lm : DateTimeOffset.UnixEpoch;
        return new StoredObject(
            ((MemoryStream)http.Response.Body).ToArray(),
            http.Response.ContentType ?? "binary/octet-stream",
            headers.ETag.ToString(),
            lastModified,
            headers.TryGetValue("x-amz-version-id", out var v) ? v.ToString() : null);
    }

    public async Task<ObjectListing> ListAsync(string bucket, string? prefix, string? continuationToken, int maxKeys, AwsRequestContext caller, CancellationToken cancellationToken = default)
    {
        var query = new StringBuilder("?list-type=2&max-keys=").Append(maxKeys.ToString(CultureInfo.InvariantCulture));
        if (!string.IsNullOrEmpty(prefix))
        {
            query.Append("&prefix=").Append(Uri.EscapeDataString(prefix));
        }

        if (!string.IsNullOrEmpty(continuationToken))
        {
            query.Append("&continuation-token=").Append(Uri.EscapeDataString(continuationToken));
        }

        var http = await SendAsync("GET", "/" + Uri.EscapeDataString(bucket), query.ToString(), null, null, caller, cancellationToken).ConfigureAwait(false);
        var doc = XDocument.Parse(Encoding.UTF8.GetString(((MemoryStream)http.Response.Body).ToArray()));
        var root = doc.Root!;
        var ns = root.Name.Namespace;
        var objects = root.Elements(ns + "Contents").Select(c => new ObjectSummary(
            c.Element(ns + "Key")!.Value,
            long.Parse(c.Element(ns + "Size")?.Value ?? "0", CultureInfo.InvariantCulture),
            c.Element(ns + "ETag")?.Value ?? "",
            DateTimeOffset.Parse(c.Element(ns + "LastModified")?.Value ?? "1970-01-01T00:00:00Z", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal),
            c.Element(ns + "StorageClass")?.Value ?? "STANDARD")).ToList();
        var truncated = root.Element(ns + "IsTruncated")?.Value == "true";
        return new ObjectListing(objects, truncated ? root.Element(ns + "NextContinuationToken")?.Value : null);
    }

    public async Task<string> PutAsync(string bucket, string key, byte[] body, string contentType, AwsRequestContext caller, CancellationToken cancellationToken = default)
    {
        var http = await SendAsync("PUT", ObjectPath(bucket, key), "", body, contentType, caller, cancellationToken).ConfigureAwait(false);
        return http.Response.Headers.ETag.ToString();
    }

    private static string ObjectPath(string bucket, string key) =>
        "/" + Uri.EscapeDataString(bucket) + "/" + string.Join('/', key.Split('/').Select(Uri.EscapeDataString));

    private async Task<HttpContext> SendAsync(string method, string path, string query, byte[]? body, string? contentType, AwsRequestContext caller, CancellationToken cancellationToken)
    {
        var http = new DefaultHttpContext { RequestServices = services, RequestAborted = cancellationToken };
        var request = http.Request;
        request.Method = method;
        request.Scheme = "http";
        request.Host = new HostString("s3.localhost");
        request.Path = path;
        request.QueryString = new QueryString(query);
        // S3 reads bucket and key from the raw target (percent-encoding preserved), as Kestrel provides it.
        http.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpRequestFeature>()!.RawTarget = path + query;
        // The caller's account and region travel in the credential scope, which is all S3 reads of an unverified header.
        request.Headers.Authorization = $"AWS4-HMAC-SHA256 Credential={caller.AccountId}/20260101/{caller.Region}/s3/aws4_request, SignedHeaders=host, Signature=0";
        request.Headers["x-amz-content-sha256"] = "UNSIGNED-PAYLOAD";
        if (body is not null)
        {
            request.Body = new MemoryStream(body);
            request.ContentLength = body.Length;
            request.ContentType = contentType;
        }

        http.Response.Body = new MemoryStream();
        await api.HandleAsync(http).ConfigureAwait(false);
        if (http.Response.StatusCode >= 400)
        {
            var text = Encoding.UTF8.GetString(((MemoryStream)http.Response.Body).ToArray());
            var error = text.StartsWith('<') ? XDocument.Parse(text).Root : null;
            throw new AwsServiceException(
                error?.Element("Code")?.Value ?? error?.Element(Ns + "Code")?.Value ?? "S3Error",
                error?.Element("Message")?.Value ?? error?.Element(Ns + "Message")?.Value ?? text,
                http.Response.StatusCode);
        }

        return http;
    }
}
