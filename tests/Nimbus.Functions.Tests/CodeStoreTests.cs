using Nimbus.Core.Errors;
using Nimbus.Functions.Code;
using Nimbus.Storage.Blobs;

namespace Nimbus.Functions.Tests;

public sealed class CodeStoreTests : IDisposable
{
    private readonly TestState _state = new();
    private readonly CodeStore _code;

    public CodeStoreTests() => _code = new CodeStore(new BlobStore(_state.Directory), _state.Directory);

    public void Dispose() => _state.Dispose();

    [Fact]
    public void StoreZip_ValidZip_ReturnsBlobAndUnzippedSize()
    {
        var zip = TestState.Zip(("bootstrap", "#!/bin/sh\n", 0b111_101_101), ("data.txt", "0123456789", 0b110_100_100));

        var (blob, unzipped) = _code.StoreZip(zip);

        Assert.Equal(zip.Length, blob.Size);
        Assert.Equal(20, unzipped);
        Assert.Equal(zip, File.ReadAllBytes(_code.BlobPath(blob.Hex)));
    }

    [Fact]
    public void Unpacked_ValidZip_ExtractsFilesWithUnixPermissions()
    {
        var zip = TestState.Zip(
            ("bootstrap", "#!/bin/sh\necho hi\n", 0b111_101_101),
            ("lib/data.txt", "data", 0b110_100_000));
        var (blob, _) = _code.StoreZip(zip);

        var dir = _code.Unpacked(blob.Hex);

        Assert.Equal(Path.Combine(_state.Directory, "code", blob.Hex), dir);
        Assert.Equal("#!/bin/sh\necho hi\n", File.ReadAllText(Path.Combine(dir, "bootstrap")));
        Assert.Equal("data", File.ReadAllText(Path.Combine(dir, "lib", "data.txt")));
        Assert.Equal(
            UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute,
            File.GetUnixFileMode(Path.Combine(dir, "bootstrap")));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead, File.GetUnixFileMode(Path.Combine(dir, "lib", "data.txt")));
    }

    [Fact]
    public void Unpacked_CalledTwice_ReturnsSameFolder()
    {
        var (blob, _) = _code.StoreZip(TestState.Zip(("a", "1", 0b110_100_100)));

        var first = _code.Unpacked(blob.Hex);
        var second = new CodeStore(new BlobStore(_state.Directory), _state.Directory).Unpacked(blob.Hex);

        Assert.Equal(first, second);
        Assert.Single(Directory.GetDirectories(Path.Combine(_state.Directory, "code")));
    }

    [Theory]
    [InlineData(new byte[] { 1, 2, 3, 4 })]
    [InlineData(new byte[] { (byte)'P', (byte)'K', 3, 4, 0, 0, 0, 0 })]
    public void StoreZip_InvalidZip_ThrowsInvalidParameterValue(byte[] bytes)
    {
        var e = Assert.Throws<AwsServiceException>(() => _code.StoreZip(bytes));

        Assert.Equal("InvalidParameterValueException", e.Error.Code);
        Assert.Equal(400, e.Error.StatusCode);
        Assert.Equal("Could not unzip uploaded file. Please check your file, then try to upload again.", e.Error.Message);
        Assert.Empty(Directory.GetFiles(Path.Combine(_state.Directory, "blobs"), "*", SearchOption.AllDirectories));
    }

    [Fact]
    public void MergedLayers_TwoLayers_LaterLayerWinsAndBothContribute()
    {
        var first = _code.StoreZip(TestState.Zip(("shared.txt", "first", 0b110_100_100), ("only-first.txt", "1", 0b110_100_100), ("bin/tool", "t1", 0b111_101_101))).Blob;
        var second = _code.StoreZip(TestState.Zip(("shared.txt", "second", 0b110_100_100), ("only-second.txt", "2", 0b110_100_100))).Blob;

        var merged = _code.MergedLayers([first.Hex, second.Hex])!;

        Assert.StartsWith(Path.Combine(_state.Directory, "opt"), merged, StringComparison.Ordinal);
        Assert.Equal("second", File.ReadAllText(Path.Combine(merged, "shared.txt")));
        Assert.Equal("1", File.ReadAllText(Path.Combine(merged, "only-first.txt")));
        Assert.Equal("2", File.ReadAllText(Path.Combine(merged, "only-second.txt")));
        Assert.True(File.GetUnixFileMode(Path.Combine(merged, "bin", "tool")).HasFlag(UnixFileMode.UserExecute));
    }

    [Fact]
    public void MergedLayers_ReversedOrder_OtherLayerWinsInItsOwnFolder()
    {
        var first = _code.StoreZip(TestState.Zip(("shared.txt", "first", 0b110_100_100))).Blob;
        var second = _code.StoreZip(TestState.Zip(("shared.txt", "second", 0b110_100_100))).Blob;

        var forward = _code.MergedLayers([first.Hex, second.Hex])!;
        var backward = _code.MergedLayers([second.Hex, first.Hex])!;

        Assert.NotEqual(forward, backward);
        Assert.Equal("second", File.ReadAllText(Path.Combine(forward, "shared.txt")));
        Assert.Equal("first", File.ReadAllText(Path.Combine(backward, "shared.txt")));
        Assert.Equal(forward, _code.MergedLayers([first.Hex, second.Hex]));
    }

    [Fact]
    public void MergedLayers_None_ReturnsNull()
    {
        Assert.Null(_code.MergedLayers([]));
    }
}
