using System.Security.Cryptography;
using System.Text;
using Nimbus.Storage.Blobs;

namespace Nimbus.Storage.Tests;

public sealed class BlobStoreTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Put_Content_ReturnsSha256DigestsAndSize()
    {
        var store = new BlobStore(_dir.Path);
        var content = Encoding.UTF8.GetBytes("hello, nimbus");
        var sha = SHA256.HashData(content);

        var blob = store.Put(content);

        Assert.Equal(Convert.ToHexStringLower(sha), blob.Hex);
        Assert.Equal(Convert.ToBase64String(sha), blob.Base64Sha256);
        Assert.Equal(content.Length, blob.Size);
        Assert.Equal(64, blob.Hex.Length);
        Assert.Equal(blob.Hex.ToLowerInvariant(), blob.Hex);
    }

    [Fact]
    public void Read_AfterPut_ReturnsSameBytes()
    {
        var store = new BlobStore(_dir.Path);
        var content = RandomNumberGenerator.GetBytes(100_000);

        var blob = store.Put(content);

        Assert.True(store.Exists(blob.Hex));
        Assert.Equal(content, store.Read(blob.Hex));
        Assert.Equal(Path.Combine(_dir.Path, "blobs", blob.Hex[..2], blob.Hex), store.PathOf(blob.Hex));
    }

    [Fact]
    public void Put_SameContentTwice_StoresOneFileAndSameRef()
    {
        var store = new BlobStore(_dir.Path);
        var content = Encoding.UTF8.GetBytes("same");

        var first = store.Put(content);
        var second = new BlobStore(_dir.Path).Put(content);

        Assert.Equal(first, second);
        var files = Directory.GetFiles(Path.Combine(_dir.Path, "blobs"), "*", SearchOption.AllDirectories);
        Assert.Equal([store.PathOf(first.Hex)], files);
    }

    [Fact]
    public void Put_EmptyContent_UsesDigestOfEmptyInput()
    {
        var store = new BlobStore(_dir.Path);

        var blob = store.Put([]);

        Assert.Equal("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", blob.Hex);
        Assert.Equal("47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=", blob.Base64Sha256);
        Assert.Empty(store.Read(blob.Hex));
    }

    [Fact]
    public void Exists_UnknownDigest_ReturnsFalse()
    {
        var store = new BlobStore(_dir.Path);

        Assert.False(store.Exists(new string('a', 64)));
    }

    [Fact]
    public async Task Put_ConcurrentWritersOfSameContent_LeaveOneCompleteBlob()
    {
        var store = new BlobStore(_dir.Path);
        var content = RandomNumberGenerator.GetBytes(256 * 1024);

        var refs = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() => store.Put(content))));

        Assert.All(refs, r => Assert.Equal(refs[0], r));
        Assert.Equal(content, store.Read(refs[0].Hex));
        Assert.Single(Directory.GetFiles(Path.Combine(_dir.Path, "blobs"), "*", SearchOption.AllDirectories));
    }
}
