using Nimbus.Core.Identity;

namespace Nimbus.Core.Provisioning;

/// <summary>Reads an object of Nimbus's S3 (code packages, templates referenced by URL); implemented by the S3 service.</summary>
public interface IObjectReader
{
    /// <summary>The object's bytes, or null when the bucket or key does not exist.</summary>
    Task<byte[]?> ReadAsync(string bucket, string key, string? versionId, AwsRequestContext caller, CancellationToken cancellationToken = default);
}
