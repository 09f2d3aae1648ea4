using System.Text.Json;
using System.Text.Json.Serialization;

namespace Nimbus.Data.S3;

internal sealed record BucketRecord(
    string Name, string Account, string Region, long Created, string? Versioning, string? Tags, string? Cors, string? Policy, string? Notification);

/// <summary>One version of an object (or a delete marker). Non-versioned writes have version id <c>null</c>.</summary>
internal sealed record ObjectRecord(
    string Bucket, string Key, string VersionId, long Seq, bool IsLatest, bool DeleteMarker, long Size, string ETag,
    Dictionary<string, string> Headers, string? ChecksumAlgorithm, string? Checksum, string? File, long Modified,
    Dictionary<string, string>? Tags, int? Parts);

internal sealed record UploadRecord(
    string UploadId, string Bucket, string Key, long Initiated, Dictionary<string, string> Headers, string? ChecksumAlgorithm,
    Dictionary<string, string>? Tags);

internal sealed record PartRecord(string UploadId, int PartNumber, long Size, string ETag, string? Checksum, string File, long Modified);

/// <summary>A body written to a temporary file: its size, MD5 (hex) and flexible checksum (base64), if one was asked for.</summary>
internal sealed record StagedBody(string TempPath, long Size, string Md5Hex, string? ChecksumAlgorithm, string? Checksum);

[JsonSerializable(typeof(Dictionary<string, string>))]
[JsonSerializable(typeof(string))]
internal sealed partial class S3Json : JsonSerializerContext
{
    public static string Write(Dictionary<string, string>? value) => value is null ? "{}" : JsonSerializer.Serialize(value, Default.DictionaryStringString);

    public static Dictionary<string, string> Read(string? json) =>
        string.IsNullOrEmpty(json) ? [] : JsonSerializer.Deserialize(json, Default.DictionaryStringString) ?? [];
}
