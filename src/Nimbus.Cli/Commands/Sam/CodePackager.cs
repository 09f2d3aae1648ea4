using System.IO.Compression;
using System.Security.Cryptography;
using System.Text.Json.Nodes;

namespace Nimbus.Cli.Commands.Sam;

/// <summary>
/// <c>sam package</c>'s part of <c>sam deploy</c>: zips each local code path, uploads it to S3 under its MD5 (unchanged
/// code is not uploaded again), and rewrites the template to point at the uploaded object.
/// </summary>
internal sealed class CodePackager(AwsClient s3, string bucket, string? prefix)
{
    /// <summary>(resource type, property, zip a folder?, how the S3 location is written).</summary>
    private static readonly (string Type, string Property, bool Zip, string Form)[] Artifacts =
    [
        ("AWS::Serverless::Function", "CodeUri", true, "uri"),
        ("AWS::Serverless::LayerVersion", "ContentUri", true, "uri"),
        ("AWS::Serverless::StateMachine", "DefinitionUri", false, "uri"),
        ("AWS::Serverless::Api", "DefinitionUri", false, "uri"),
        ("AWS::Serverless::HttpApi", "DefinitionUri", false, "uri"),
        ("AWS::Lambda::Function", "Code", true, "code"),
        ("AWS::Lambda::LayerVersion", "Content", true, "code"),
        ("AWS::StepFunctions::StateMachine", "DefinitionS3Location", false, "location"),
    ];

    public async Task EnsureBucketAsync()
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, $"/{bucket}");
        s3.Sign(request, "s3");
        using var response = await s3.Http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode && !text.Contains("BucketAlreadyOwnedByYou", StringComparison.Ordinal))
        {
            throw new CliException($"Could not create the deployment bucket {bucket}: {(int)response.StatusCode} {text}");
        }
    }

    /// <summary>Uploads every local artifact of <paramref name="template"/> (a copy is rewritten and returned).</summary>
    public async Task<JsonObject> PackageAsync(TemplateFile file, bool forceUpload)
    {
        var output = file.Document.DeepClone().AsObject();
        if (output["Globals"]?["Function"] is JsonObject globals && TemplateFile.IsLocalPath(globals["CodeUri"]))
        {
            globals["CodeUri"] = await UploadAsync(file.Resolve(globals["CodeUri"]!.GetValue<string>()), zip: true, forceUpload);
        }

        foreach (var (_, node) in output["Resources"] as JsonObject ?? [])
        {
            if (node?["Properties"] is not JsonObject props)
            {
                continue;
            }

            // Nested templates (SAM applications, CloudFormation stacks) are packaged first, relative to their own folder,
            // then uploaded, as `sam package` does; the property becomes the object's https URL.
            var nested = node["Type"]?.ToString() switch
            {
                "AWS::Serverless::Application" => "Location",
                "AWS::CloudFormation::Stack" => "TemplateURL",
                _ => null,
            };
            if (nested is not null && TemplateFile.IsLocalPath(props[nested]))
            {
                var child = TemplateFile.Load(file.Resolve(props[nested]!.GetValue<string>()));
                var packagedChild = await PackageAsync(child, forceUpload);
                var uri = await UploadBytesAsync(child.FilePath, System.Text.Encoding.UTF8.GetBytes(packagedChild.ToJsonString()), ".json", forceUpload);
                props[nested] = $"https://s3.amazonaws.com/{bucket}/{uri[(5 + bucket.Length + 1)..]}";
                continue;
            }

            foreach (var (type, property, zip, form) in Artifacts)
            {
                if (node["Type"]?.ToString() != type || !TemplateFile.IsLocalPath(props[property]))
                {
                    continue;
                }

                var uri = await UploadAsync(file.Resolve(props[property]!.GetValue<string>()), zip, forceUpload);
                var key = uri[(5 + bucket.Length + 1)..];
                props[property] = form switch
                {
                    "code" => new JsonObject { ["S3Bucket"] = bucket, ["S3Key"] = key },
                    "location" => new JsonObject { ["Bucket"] = bucket, ["Key"] = key },
                    _ => uri,
                };
            }
        }

        return output;
    }

    private async Task<string> UploadAsync(string path, bool zip, bool forceUpload)
    {
        byte[] bytes;
        if (Directory.Exists(path))
        {
            using var buffer = new MemoryStream();
            using (var archive = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
            {
                // Sorted entries with a fixed time: the same code gives the same zip, so the same key and no re-upload.
                foreach (var f in Directory.EnumerateFiles(path, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
                {
                    var entry = archive.CreateEntry(Path.GetRelativePath(path, f).Replace('\\', '/'), CompressionLevel.Fastest);
                    entry.LastWriteTime = new DateTimeOffset(1980, 1, 1, 0, 0, 0, TimeSpan.Zero);
                    await using var target = entry.Open();
                    await using var source = File.OpenRead(f);
                    await source.CopyToAsync(target);
                }
            }

            bytes = buffer.ToArray();
        }
        else if (File.Exists(path))
        {
            bytes = await File.ReadAllBytesAsync(path);
        }
        else
        {
            throw new CliException($"Unable to upload artifact {path}: the path does not exist.");
        }

        return await UploadBytesAsync(path, bytes, zip && Directory.Exists(path) ? "" : Path.GetExtension(path), forceUpload);
    }

    private async Task<string> UploadBytesAsync(string path, byte[] bytes, string extension, bool forceUpload)
    {
        var hash = Convert.ToHexStringLower(MD5.HashData(bytes));
        var key = (string.IsNullOrEmpty(prefix) ? "" : prefix.TrimEnd('/') + "/") + hash + extension;
        if (!forceUpload && await ExistsAsync(key))
        {
            Console.WriteLine(Output.Dim($"File with same data already exists at {key}, skipping upload"));
        }
        else
        {
            using var request = new HttpRequestMessage(HttpMethod.Put, $"/{bucket}/{key}") { Content = new ByteArrayContent(bytes) };
            s3.Sign(request, "s3");
            using var response = await s3.Http.SendAsync(request);
            if (!response.IsSuccessStatusCode)
            {
                throw new CliException($"Uploading {path} to s3://{bucket}/{key} failed: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
            }

            Console.WriteLine($"Uploading to {key}  {bytes.Length} / {bytes.Length}  (100.00%)");
        }

        return $"s3://{bucket}/{key}";
    }

    private async Task<bool> ExistsAsync(string key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Head, $"/{bucket}/{key}");
        s3.Sign(request, "s3");
        using var response = await s3.Http.SendAsync(request);
        return response.IsSuccessStatusCode;
    }
}
