using Nimbus.Core.Identity;

namespace Nimbus.Core.Services;

/// <summary>Object reads, listings and writes against Nimbus's S3, for other services (Step Functions' ItemReader/ResultWriter and S3 tasks).</summary>
/// <remarks>
/// Implemented by the S3 service through its own API (in-process requests), so validation, versioning and event notifications
/// behave as for any client. S3 errors surface as <see cref="Errors.AwsServiceException"/> with S3's codes (<c>NoSuchBucket</c>,
/// <c>NoSuchKey</c>…).
/// </remarks>
public interface IObjectStorage
{
    Task<StoredObject> GetAsync(string bucket, string key, string? versionId, AwsRequestContext caller, CancellationToken cancellationToken = default);

    Task<ObjectListing> ListAsync(string bucket, string? prefix, string? continuationToken, int maxKeys, AwsRequestContext caller, CancellationToken cancellationToken = default);

    /// <summary>Writes an object; returns its ETag (quoted, as S3 returns it).</summary>
    Task<string> PutAsync(string bucket, string key, byte[] body, string contentType, AwsRequestContext caller, CancellationToken cancellationToken = default);
}

public sealed record StoredObject(byte[] Body, string ContentType, string ETag, DateTimeOffset LastModified, string? VersionId);

public sealed record ObjectSummary(string Key, long Size, string ETag, DateTimeOffset LastModified, string StorageClass);

public sealed record ObjectListing(IReadOnlyList<ObjectSummary> Objects, string? NextContinuationToken);
