using System.IO.Compression;
using System.Text.Json;
using System.Text.Json.Nodes;
using Nimbus.Core.Identity;
using Nimbus.Core.Provisioning;
using Nimbus.Storage.Blobs;
using Nimbus.Templates.Parsing;

namespace Nimbus.Templates.Stacks;

/// <summary>Turns local code folders of a template into content-addressed packages, the way <c>sam package</c> uploads them.</summary>
/// <remarks>
/// A local <c>CodeUri</c>/<c>ContentUri</c> (SAM) or <c>Code</c>/<c>Content</c> string (CloudFormation, as <c>aws cloudformation package</c>
/// accepts) is zipped deterministically (sorted entries, fixed timestamps, Unix modes kept) into the blob store and replaced by
/// <c>s3://.nimbus-blobs/{sha256}</c>: a bucket name no S3 bucket can have, which the Lambda provisioner reads from the blob store.
/// The same folder contents give the same key, so an unchanged function is not updated. Relative paths are relative to the
/// server's working directory; a local <c>DefinitionUri</c> of a state machine is read and inlined.
/// </remarks>
internal sealed class ArtifactResolver(BlobStore blobs)
{
    public const string BlobBucket = ".nimbus-blobs";

    public Task ResolveSamAsync(JsonObject template, AwsRequestContext caller, CancellationToken cancellationToken)
    {
        if (template["Globals"]?["Function"] is JsonObject globals)
        {
            LocalToUri(globals, "CodeUri");
        }

        foreach (var (_, node) in template["Resources"] as JsonObject ?? [])
        {
            if (node is not JsonObject r || r["Properties"] is not JsonObject p)
            {
                continue;
            }

            switch (r["Type"]?.ToString())
            {
                case "AWS::Serverless::Function":
                    LocalToUri(p, "CodeUri");
                    break;
                case "AWS::Serverless::LayerVersion":
                    LocalToUri(p, "ContentUri");
                    break;
                case "AWS::Serverless::StateMachine" when Local(p["DefinitionUri"]) is { } file:
                    p.Remove("DefinitionUri");
                    p["Definition"] = ReadDefinition(file);
                    break;
            }
        }

        return Task.CompletedTask;
    }

    public Task ResolveCloudFormationAsync(JsonObject template, AwsRequestContext caller, CancellationToken cancellationToken)
    {
        foreach (var (_, node) in template["Resources"] as JsonObject ?? [])
        {
            if (node is not JsonObject r || r["Properties"] is not JsonObject p)
            {
                continue;
            }

            var (property, type) = r["Type"]?.ToString() switch
            {
                "AWS::Lambda::Function" => ("Code", "Code"),
                "AWS::Lambda::LayerVersion" => ("Content", "Content"),
                _ => (null, null),
            };
            if (property is not null && Local(p[property]) is { } path)
            {
                var hex = Package(path);
                p[type!] = new JsonObject { ["S3Bucket"] = BlobBucket, ["S3Key"] = hex };
            }
        }

        return Task.CompletedTask;
    }

    private void LocalToUri(JsonObject properties, string name)
    {
        if (Local(properties[name]) is { } path)
        {
            properties[name] = $"s3://{BlobBucket}/{Package(path)}";
        }
    }

    private static string? Local(JsonNode? value) =>
        value is JsonValue v && v.GetValueKind() == JsonValueKind.String && v.GetValue<string>() is { Length: > 0 } s
            && !s.StartsWith("s3://", StringComparison.Ordinal) && !s.StartsWith("https://", StringComparison.Ordinal)
            ? s
            : null;

    private static JsonNode ReadDefinition(string path)
    {
        var full = Path.GetFullPath(path);
        if (!File.Exists(full))
        {
            throw StackErrors.Validation($"Transform failed: DefinitionUri {path} is neither an s3:// location nor an existing local file.");
        }

        return TemplateReader.Read(File.ReadAllText(full));
    }

    /// <summary>Zips a folder (or takes a .zip as is) into the blob store; returns the blob's hex SHA-256.</summary>
    public string Package(string path)
    {
        var full = Path.GetFullPath(path);
        if (File.Exists(full) && full.EndsWith(".zip", StringComparison.OrdinalIgnoreCase))
        {
            return blobs.Put(File.ReadAllBytes(full)).Hex;
        }

        if (!Directory.Exists(full) && !File.Exists(full))
        {
            throw StackErrors.Validation($"Code location {path} is neither an s3:// location nor an existing local folder or file (resolved to {full}).");
        }

        var root = Directory.Exists(full) ? full : Path.GetDirectoryName(full)!;
        var files = Directory.Exists(full)
            ? Directory.EnumerateFiles(full, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToList()
            : [full];
        using var buffer = new MemoryStream();
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var file in files)
            {
                var entry = zip.CreateEntry(Path.GetRelativePath(root, file).Replace('\\', '/'), CompressionLevel.Fastest);
                entry.LastWriteTime = new DateTimeOffset(1980, 1, 1, 0, 0, 0, TimeSpan.Zero);
                var mode = OperatingSystem.IsWindows() ? 0b110_100_100 : (int)File.GetUnixFileMode(file);
                entry.ExternalAttributes = (0x8000 | mode) << 16;
                using var target = entry.Open();
                using var source = File.OpenRead(file);
                source.CopyTo(target);
            }
        }

        return blobs.Put(buffer.ToArray()).Hex;
    }
}
