using System.Security.Cryptography;

namespace Nimbus.Storage.Blobs;

/// <summary>A content-addressed store of immutable blobs (function code, layers), named by their SHA-256.</summary>
/// <remarks>Thread-safe: a blob is written to a temporary file and renamed into place, so readers never see a partial
/// blob and two writers of the same content produce the same file.</remarks>
public sealed class BlobStore
{
    private readonly string _root;

    public BlobStore(string stateDirectory)
    {
        _root = Path.Combine(stateDirectory, "blobs");
        Directory.CreateDirectory(_root);
    }

    /// <summary>Stores <paramref name="content"/> and returns its digest.</summary>
    public BlobRef Put(ReadOnlySpan<byte> content)
    {
        var hash = SHA256.HashData(content);
        var hex = Convert.ToHexStringLower(hash);
        var path = PathOf(hex);
        if (!File.Exists(path))
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            var temp = path + "." + Guid.NewGuid().ToString("N") + ".tmp";
            using (var file = File.Create(temp))
            {
                file.Write(content);
                file.Flush(flushToDisk: true);
            }

            File.Move(temp, path, overwrite: true);
        }

        return new BlobRef(hex, Convert.ToBase64String(hash), content.Length);
    }

    public bool Exists(string hex) => File.Exists(PathOf(hex));

    public byte[] Read(string hex) => File.ReadAllBytes(PathOf(hex));

    public string PathOf(string hex) => Path.Combine(_root, hex[..2], hex);
}
