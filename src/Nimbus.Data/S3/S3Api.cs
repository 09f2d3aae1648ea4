using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Xml.Linq;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;
using Nimbus.Core.Errors;
using Nimbus.Core.Identity;

namespace Nimbus.Data.S3;

/// <summary>S3's REST-XML API: routes a request to its operation and writes S3's responses and errors.</summary>
internal sealed partial class S3Api(S3Store store, S3Notifications notifications, S3Signatures signatures, Nimbus.Core.Targets.IArnTargets targets, ILogger<S3Api> logger)
{
    public static readonly XNamespace Ns = "http://s3.amazonaws.com/doc/2006-03-01/";
    private const long MaxPutSize = 5L * 1024 * 1024 * 1024;

    /// <summary>Whether the request is S3's: signed for <c>s3</c>, or addressed to <c>s3.localhost</c>.</summary>
    public static bool Claims(HttpContext http)
    {
        if (CallerResolver.SigningService(http.Request) == "s3")
        {
            return true;
        }

        S3Request.VirtualHostBucket(http.Request.Host.Value ?? "", out var isS3Host);
        return isS3Host;
    }

    public async Task HandleAsync(HttpContext http)
    {
        var req = S3Request.Parse(http);

        // A single PUT may be up to 5 GiB; the server-wide limit is for the JSON APIs.
        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = MaxPutSize;
        }

        http.Response.Headers["x-amz-request-id"] = req.Caller.RequestId;
        http.Response.Headers["x-amz-id-2"] = Convert.ToBase64String(Encoding.ASCII.GetBytes(req.Caller.RequestId));
        try
        {
            if (req.Has("X-Amz-Signature"))
            {
                signatures.VerifyPresigned(req);
            }

            await DispatchAsync(req);
        }
        catch (AwsServiceException e)
        {
            await WriteErrorAsync(req, e.Error);
        }
        catch (InvalidDataException e)
        {
            await WriteErrorAsync(req, new AwsError("IncompleteBody", "You did not provide the number of bytes specified by the Content-Length HTTP header: " + e.Message, 400));
        }
        catch (BadHttpRequestException e)
        {
            await WriteErrorAsync(req, new AwsError(e.StatusCode == 413 ? "EntityTooLarge" : "IncompleteBody", e.Message, e.StatusCode));
        }
        catch (OperationCanceledException) when (http.RequestAborted.IsCancellationRequested)
        {
            // The client went away; whatever was staged has been removed.
        }
    }

    private Task DispatchAsync(S3Request r)
    {
        var m = r.Method;
        if (r.Bucket is null)
        {
            return m == "GET" ? ListBucketsAsync(r) : throw MethodNotAllowed();
        }

        if (r.Key is null)
        {
            return m switch
            {
                "PUT" when r.Has("versioning") => PutBucketVersioningAsync(r),
                "PUT" when r.Has("tagging") => PutBucketTaggingAsync(r),
                "PUT" when r.Has("cors") => PutBucketConfigAsync(r, "cors"),
                "PUT" when r.Has("policy") => PutBucketPolicyAsync(r),
                "PUT" when r.Has("notification") => PutBucketNotificationAsync(r),
                "PUT" => CreateBucketAsync(r),
                "GET" when r.Has("location") => GetBucketLocationAsync(r),
                "GET" when r.Has("versioning") => GetBucketVersioningAsync(r),
                "GET" when r.Has("tagging") => GetBucketTaggingAsync(r),
                "GET" when r.Has("cors") => GetBucketCorsAsync(r),
                "GET" when r.Has("policy") => GetBucketPolicyAsync(r),
                "GET" when r.Has("notification") => GetBucketNotificationAsync(r),
                "GET" when r.Has("uploads") => ListMultipartUploadsAsync(r),
                "GET" when r.Has("versions") => ListObjectVersionsAsync(r),
                "GET" when r.Q("list-type") == "2" => ListObjectsAsync(r, v2: true),
                "GET" => ListObjectsAsync(r, v2: false),
                "HEAD" => HeadBucketAsync(r),
                "DELETE" when r.Has("tagging") => DeleteBucketConfigAsync(r, "tags"),
                "DELETE" when r.Has("cors") => DeleteBucketConfigAsync(r, "cors"),
                "DELETE" when r.Has("policy") => DeleteBucketConfigAsync(r, "policy"),
                "DELETE" => DeleteBucketAsync(r),
                "POST" when r.Has("delete") => DeleteObjectsAsync(r),
                _ => throw MethodNotAllowed(),
            };
        }

        return m switch
        {
            "PUT" when r.Has("tagging") => PutObjectTaggingAsync(r),
            "PUT" when r.Has("uploadId") && r.Has("partNumber") => UploadPartAsync(r),
            "PUT" when r.H("x-amz-copy-source") is not null => CopyObjectAsync(r),
            "PUT" => PutObjectAsync(r),
            "GET" when r.Has("tagging") => GetObjectTaggingAsync(r),
            "GET" when r.Has("uploadId") => ListPartsAsync(r),
            "GET" => GetObjectAsync(r, head: false),
            "HEAD" => GetObjectAsync(r, head: true),
            "DELETE" when r.Has("tagging") => DeleteObjectTaggingAsync(r),
            "DELETE" when r.Has("uploadId") => AbortMultipartUploadAsync(r),
            "DELETE" => DeleteObjectAsync(r),
            "POST" when r.Has("uploads") => CreateMultipartUploadAsync(r),
            "POST" when r.Has("uploadId") => CompleteMultipartUploadAsync(r),
            _ => throw MethodNotAllowed(),
        };
    }

    private static AwsServiceException MethodNotAllowed() => new("MethodNotAllowed", "The specified method is not allowed against this resource.", 405);

    private async Task WriteErrorAsync(S3Request r, AwsError error)
    {
        var response = r.Http.Response;
        if (response.HasStarted)
        {
            logger.LogWarning("S3 error after the response started: {Code} {Message}", error.Code, error.Message);
            return;
        }

        response.Clear();
        response.Headers["x-amz-request-id"] = r.Caller.RequestId;
        response.StatusCode = error.StatusCode;
        if (error.Headers is not null)
        {
            foreach (var (k, v) in error.Headers)
            {
                response.Headers[k] = v;
            }
        }

        if (r.Method == "HEAD")
        {
            return;
        }

        var doc = new XElement("Error",
            new XElement("Code", error.Code),
            new XElement("Message", error.Message));
        if (error.Fields is not null)
        {
            foreach (var (k, v) in error.Fields)
            {
                doc.Add(new XElement(k, v));
            }
        }

        if (r.Bucket is not null)
        {
            doc.Add(new XElement(r.Key is null ? "BucketName" : "Key", r.Key ?? r.Bucket));
            doc.Add(new XElement("Resource", r.Resource));
        }

        doc.Add(new XElement("RequestId", r.Caller.RequestId));
        doc.Add(new XElement("HostId", r.Caller.RequestId));
        response.ContentType = "application/xml";
        await response.WriteAsync("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" + doc.ToString(SaveOptions.DisableFormatting));
    }

    private static Task WriteXmlAsync(S3Request r, XElement body, int status = 200)
    {
        var response = r.Http.Response;
        response.StatusCode = status;
        response.ContentType = "application/xml";
        return response.WriteAsync("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" + body.ToString(SaveOptions.DisableFormatting));
    }

    private static XElement X(string name, params object?[] content) => new(Ns + name, content);

    private static string IsoTime(long ms) => DateTimeOffset.FromUnixTimeMilliseconds(ms).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    private static string HttpTime(long ms) => DateTimeOffset.FromUnixTimeMilliseconds(ms).UtcDateTime.ToString("R", CultureInfo.InvariantCulture);

    private static XElement Owner(string account) => X("Owner", X("ID", OwnerId(account)), X("DisplayName", "webfile"));

    private static string OwnerId(string account) => Convert.ToHexStringLower(SHA256.HashData(Encoding.ASCII.GetBytes(account)));

    /// <summary>Reads a small request body (an XML document) fully, verifying Content-MD5 and flexible checksums.</summary>
    private async Task<XDocument?> ReadXmlAsync(S3Request r)
    {
        var staged = await StageAsync(r, requireLength: false);
        try
        {
            if (staged.Size == 0)
            {
                return null;
            }

            if (staged.Size > 1024 * 1024)
            {
                throw new AwsServiceException("MaxMessageLengthExceeded", "Your request was too big.", 400);
            }

            try
            {
                await using var file = File.OpenRead(staged.TempPath);
                return XDocument.Load(file);
            }
            catch (System.Xml.XmlException)
            {
                throw S3Errors.Malformed();
            }
        }
        finally
        {
            File.Delete(staged.TempPath);
        }
    }

    private async Task<string> ReadTextAsync(S3Request r)
    {
        var staged = await StageAsync(r, requireLength: false);
        try
        {
            return await File.ReadAllTextAsync(staged.TempPath);
        }
        finally
        {
            File.Delete(staged.TempPath);
        }
    }

    private BucketRecord Bucket(S3Request r) => store.RequireBucket(r.Bucket!);

    private static string? El(XElement? parent, string name) => parent?.Elements().FirstOrDefault(e => e.Name.LocalName == name)?.Value;

    private static IEnumerable<XElement> Els(XElement? parent, string name) => parent?.Elements().Where(e => e.Name.LocalName == name) ?? [];
}
