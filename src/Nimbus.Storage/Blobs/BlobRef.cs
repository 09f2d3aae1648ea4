namespace Nimbus.Storage.Blobs;

/// <summary>A stored blob: hex digest (its name), base64 digest (Lambda's <c>CodeSha256</c>) and size.</summary>
public sealed record BlobRef(string Hex, string Base64Sha256, long Size);
