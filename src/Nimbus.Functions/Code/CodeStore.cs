using System.Collections.Concurrent;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using Nimbus.Functions.Registry;
using Nimbus.Storage.Blobs;

namespace Nimbus.Functions.Code;

/// <summary>Stores function and layer archives as blobs and unpacks them once into read-only folders.</summary>
/// <remarks>Unpacked folders are content-addressed (<c>code/{sha256}</c>), so every function with the same archive
/// shares one folder. Layers of a function are merged in order (later layers win) into <c>opt/{digest}</c>.</remarks>
internal sealed class CodeStore
{
    public const long MaxZippedBytes = 50L * 1024 * 1024;
    public const long MaxUnzippedBytes = 262_144_000;

    private readonly BlobStore _blobs;
    private readonly string _codeRoot;
    private readonly string _optRoot;
    private readonly ConcurrentDictionary<string, Lazy<string>> _unpacked = new(StringComparer.Ordinal);

    public CodeStore(BlobStore blobs, string stateDirectory)
    {
        _blobs = blobs;
        _codeRoot = Path.Combine(stateDirectory, "code");
        _optRoot = Path.Combine(stateDirectory, "opt");
        Directory.CreateDirectory(_codeRoot);
        Directory.CreateDirectory(_optRoot);
    }

    public string BlobPath(string hex) => _blobs.PathOf(hex);

    /// <summary>Validates and stores a zip archive; returns its blob and unzipped size.</summary>
    public (BlobRef Blob, long UnzippedSize) StoreZip(byte[] zip)
    {
        if (zip.Length > MaxZippedBytes)
        {
            throw LambdaErrors.RequestTooLarge(MaxZippedBytes, "CreateFunction").ToException();
        }

        long unzipped;
        try
        {
            using var archive = new ZipArchive(new MemoryStream(zip), ZipArchiveMode.Read);
            unzipped = archive.Entries.Sum(e => e.Length);
        }
        catch (InvalidDataException)
        {
            throw LambdaErrors.InvalidParameter("Could not unzip uploaded file. Please check your file, then try to upload again.").ToException();
        }

        if (unzipped > MaxUnzippedBytes)
        {
            throw LambdaErrors.InvalidParameter($"Unzipped size must be smaller than {MaxUnzippedBytes} bytes").ToException();
        }

        return (_blobs.Put(zip), unzipped);
    }

    /// <summary>The folder holding the unpacked archive <paramref name="hex"/>, unpacking it on first use.</summary>
    public string Unpacked(string hex) =>
        _unpacked.GetOrAdd(hex, h => new Lazy<string>(() => Unpack(h))).Value;

    /// <summary>The merged <c>/opt</c> folder for these layer archives, in order; null when there are none.</summary>
    public string? MergedLayers(IReadOnlyList<string> layerHexes)
    {
        if (layerHexes.Count == 0)
        {
            return null;
        }

        var digest = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(string.Join(",", layerHexes))));
        return _unpacked.GetOrAdd("opt:" + digest, _ => new Lazy<string>(() =>
        {
            var target = Path.Combine(_optRoot, digest);
            if (Directory.Exists(target))
            {
                return target;
            }

            var temp = target + ".tmp-" + Guid.NewGuid().ToString("N");
            foreach (var hex in layerHexes)
            {
                CopyTree(Unpacked(hex), temp);
            }

            Directory.Move(temp, target);
            return target;
        })).Value;
    }

    private string Unpack(string hex)
    {
        var target = Path.Combine(_codeRoot, hex);
        if (Directory.Exists(target))
        {
            return target;
        }

        var temp = target + ".tmp-" + Guid.NewGuid().ToString("N");
        ZipFile.ExtractToDirectory(_blobs.PathOf(hex), temp);
        try
        {
            Directory.Move(temp, target);
        }
        catch (IOException) when (Directory.Exists(target))
        {
            Directory.Delete(temp, recursive: true);
        }

        return target;
    }

    private static void CopyTree(string source, string destination)
    {
        Directory.CreateDirectory(destination);
        foreach (var dir in Directory.EnumerateDirectories(source, "*", SearchOption.AllDirectories))
        {
            Directory.CreateDirectory(Path.Combine(destination, Path.GetRelativePath(source, dir)));
        }

        foreach (var file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
        {
            var to = Path.Combine(destination, Path.GetRelativePath(source, file));
            File.Copy(file, to, overwrite: true);
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(to, File.GetUnixFileMode(file));
            }
        }
    }
}
