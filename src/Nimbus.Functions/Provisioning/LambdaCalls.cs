using System.IO.Compression;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Nimbus.Core.Errors;
using Nimbus.Core.Identity;
using Nimbus.Core.Provisioning;
using Nimbus.Storage.Blobs;

namespace Nimbus.Functions.Provisioning;

/// <summary>Shared plumbing of the Lambda provisioners: calls to the Lambda API in-process and CloudFormation's code locations.</summary>
internal sealed class LambdaCalls(IServiceProvider services)
{
    /// <summary>The bucket name the stack engine uses for packages it stored in the blob store (no S3 bucket can be named so).</summary>
    public const string BlobBucket = ".nimbus-blobs";

    public Task<JsonNode?> CallAsync(string method, string path, JsonNode? body, AwsRequestContext caller) =>
        InProcessApi.RestJsonAsync(services, "lambda", method, path, body, caller);

    /// <summary>Runs a delete, treating "already gone" as done.</summary>
    public async Task DeleteAsync(string path, AwsRequestContext caller)
    {
        try
        {
            await CallAsync("DELETE", path, null, caller);
        }
        catch (AwsServiceException e) when (e.Error.Code == "ResourceNotFoundException")
        {
        }
    }

    public static string Escape(string s) => Uri.EscapeDataString(s);

    /// <summary>CloudFormation's Tags list (<c>[{Key, Value}]</c>) as the API's map.</summary>
    public static JsonObject? Tags(JsonNode? tags) => tags is JsonArray list
        ? new JsonObject(list.OfType<JsonObject>().Select(t => KeyValuePair.Create(t["Key"]!.ToString(), (JsonNode?)(t["Value"]?.ToString() ?? ""))))
        : null;

    /// <summary>The API's <c>Code</c> from CloudFormation's: inline <c>ZipFile</c> source, a blob-store package, hot-reload, or an object of Nimbus's S3.</summary>
    public async Task<JsonObject> CodeAsync(JsonNode? code, string? runtime, AwsRequestContext caller)
    {
        if (code is not JsonObject c)
        {
            throw new ProvisioningException("Properties validation failed for resource: Code is required.");
        }

        if (c["ZipFile"]?.ToString() is { } inline)
        {
            return new JsonObject { ["ZipFile"] = Convert.ToBase64String(InlineZip(inline, runtime)) };
        }

        var bucket = c["S3Bucket"]?.ToString();
        var key = c["S3Key"]?.ToString();
        if (bucket is null || key is null)
        {
            throw new ProvisioningException("Properties validation failed for resource: Code needs ZipFile, or S3Bucket and S3Key (ImageUri is not supported yet).");
        }

        if (bucket == "hot-reload")
        {
            return new JsonObject { ["S3Bucket"] = bucket, ["S3Key"] = key };
        }

        byte[] zip;
        if (bucket == BlobBucket)
        {
            var blobs = services.GetRequiredService<BlobStore>();
            zip = blobs.Exists(key) ? blobs.Read(key) : throw new ProvisioningException($"The code package {key} is no longer in Nimbus's blob store; deploy again from the source folder.");
        }
        else
        {
            var reader = services.GetService<IObjectReader>() ?? throw new ProvisioningException("Code in S3 needs Nimbus's S3 service.");
            zip = await reader.ReadAsync(bucket, key, c["S3ObjectVersion"]?.ToString(), caller)
                ?? throw new ProvisioningException($"Error occurred while GetObject. S3 Error Code: NoSuchKey. S3 Error Message: The specified key does not exist. (s3://{bucket}/{key})");
        }

        return new JsonObject { ["ZipFile"] = Convert.ToBase64String(zip) };
    }

    /// <summary>Inline code goes into a file named <c>index</c> with the runtime's extension, as CloudFormation does.</summary>
    private static byte[] InlineZip(string source, string? runtime)
    {
        var name = runtime switch
        {
            { } r when r.StartsWith("python", StringComparison.Ordinal) => "index.py",
            { } r when r.StartsWith("nodejs", StringComparison.Ordinal) => "index.js",
            _ => "index",
        };
        using var buffer = new MemoryStream();
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            var entry = zip.CreateEntry(name);
            entry.ExternalAttributes = (0x8000 | 0b111_101_101) << 16;
            using var s = entry.Open();
            s.Write(Encoding.UTF8.GetBytes(source));
        }

        return buffer.ToArray();
    }
}
