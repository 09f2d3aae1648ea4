using System.Globalization;
using System.Text;
using System.Xml.Linq;
using Nimbus.Core.Errors;
using Nimbus.Core.Identity;
using Nimbus.Core.Provisioning;
using Nimbus.Core.Services;

namespace Nimbus.Data.S3;

/// <summary><see cref="IObjectStorage"/> through the S3 API itself: path-style requests handled in-process by <see cref="S3Api"/> (<see cref="InProcessApi"/>).</summary>
internal sealed class S3ObjectStorage(S3Api api, IServiceProvider services) : IObjectStorage
{
    private static readonly XNamespace Ns = "http://s3.amazonaws.com/doc/2006-03-01/";

    public async Task<StoredObject> GetAsync(string bucket, string key, string? versionId, AwsRequestContext caller, CancellationToken cancellationToken = default)
    {
        var response = await SendAsync("GET", ObjectPath(bucket, key), versionId is null ? "" : "?versionId=" + Uri.EscapeDataString(versionId), null, null, caller, cancellationToken).ConfigureAwait(false);
        var headers = response.Headers;
        var lastModified = headers.TryGetValue("Last-Modified", out var text) && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var lm)
            ? lm
            : DateTimeOffset.UnixEpoch;
        return new StoredObject(
            response.Body,
            headers.GetValueOrDefault("Content-Type") ?? "binary/octet-stream",
            headers.GetValueOrDefault("ETag") ?? "",
            lastModified,
            headers.GetValueOrDefault("x-amz-version-id"));
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

        var response = await SendAsync("GET", "/" + Uri.EscapeDataString(bucket), query.ToString(), null, null, caller, cancellationToken).ConfigureAwait(false);
        var doc = XDocument.Parse(Encoding.UTF8.GetString(response.Body));
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
        var response = await SendAsync("PUT", ObjectPath(bucket, key), "", body, contentType, caller, cancellationToken).ConfigureAwait(false);
        return response.Headers.GetValueOrDefault("ETag") ?? "";
    }

    private static string ObjectPath(string bucket, string key) =>
        "/" + Uri.EscapeDataString(bucket) + "/" + string.Join('/', key.Split('/').Select(Uri.EscapeDataString));

    private async Task<InProcessResponse> SendAsync(string method, string path, string query, byte[]? body, string? contentType, AwsRequestContext caller, CancellationToken cancellationToken)
    {
        var response = await InProcessApi.SendAsync(services, api.HandleAsync, method, path, query, body, contentType, caller, "s3", cancellationToken).ConfigureAwait(false);
        if (response.Status >= 400)
        {
            var text = Encoding.UTF8.GetString(response.Body);
            var error = text.StartsWith('<') ? XDocument.Parse(text).Root : null;
            throw new AwsServiceException(
                error?.Element("Code")?.Value ?? error?.Element(Ns + "Code")?.Value ?? "S3Error",
                error?.Element("Message")?.Value ?? error?.Element(Ns + "Message")?.Value ?? text,
                response.Status);
        }

        return response;
    }
}
