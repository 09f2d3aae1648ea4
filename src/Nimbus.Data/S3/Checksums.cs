using System.Buffers.Binary;
using System.Runtime.Intrinsics.X86;
using System.Security.Cryptography;

namespace Nimbus.Data.S3;

/// <summary>The flexible checksums S3 supports: CRC32, CRC32C, CRC64NVME, SHA1, SHA256 (base64 of the big-endian digest).</summary>
internal static class Checksums
{
    public static readonly string[] Algorithms = ["CRC32", "CRC32C", "CRC64NVME", "SHA1", "SHA256"];

    public static string HeaderOf(string algorithm) => "x-amz-checksum-" + algorithm.ToLowerInvariant();

    public static IChecksum Create(string algorithm) => algorithm switch
    {
        "CRC32" => new Crc32(0xEDB88320u, hardware: false),
        "CRC32C" => new Crc32(0x82F63B78u, hardware: Sse42.IsSupported),
        "CRC64NVME" => new Crc64(),
        "SHA1" => new Hash(IncrementalHash.CreateHash(HashAlgorithmName.SHA1)),
        "SHA256" => new Hash(IncrementalHash.CreateHash(HashAlgorithmName.SHA256)),
        _ => throw new ArgumentException(algorithm),
    };

    public static string Compute(string algorithm, ReadOnlySpan<byte> data)
    {
        var c = Create(algorithm);
        c.Append(data);
        return c.Base64();
    }
}

internal interface IChecksum
{
    void Append(ReadOnlySpan<byte> data);

    byte[] Digest();

    string Base64() => Convert.ToBase64String(Digest());
}

internal sealed class Hash(IncrementalHash hash) : IChecksum
{
    public void Append(ReadOnlySpan<byte> data) => hash.AppendData(data);

    public byte[] Digest() => hash.GetHashAndReset();
}

/// <summary>Reflected CRC-32 (slicing by 8); CRC32C uses the SSE4.2 instruction when the CPU has it.</summary>
internal sealed class Crc32 : IChecksum
{
    private static readonly Dictionary<uint, uint[][]> Tables = [];
    private readonly uint[][] _t;
    private readonly bool _hardware;
    private uint _crc = 0xFFFFFFFFu;

    /// <summary>The CRC-32 (IEEE) of <paramref name="data"/> in one call, e.g. for DynamoDB's <c>x-amz-crc32</c> header.</summary>
    public static uint Ieee(ReadOnlySpan<byte> data)
    {
        var crc = new Crc32(IeeeTables);
        crc.Append(data);
        return ~crc._crc;
    }

    private static readonly uint[][] IeeeTables = new Crc32(0xEDB88320u, hardware: false)._t;

    private Crc32(uint[][] tables) => _t = tables;

    public Crc32(uint poly, bool hardware)
    {
        _hardware = hardware;
        lock (Tables)
        {
            if (!Tables.TryGetValue(poly, out _t!))
            {
                _t = new uint[8][];
                for (var k = 0; k < 8; k++)
                {
                    _t[k] = new uint[256];
                }

                for (uint i = 0; i < 256; i++)
                {
                    var c = i;
                    for (var j = 0; j < 8; j++)
                    {
                        c = (c & 1) != 0 ? poly ^ (c >> 1) : c >> 1;
                    }

                    _t[0][i] = c;
                }

                for (var i = 0; i < 256; i++)
                {
                    for (var k = 1; k < 8; k++)
                    {
                        _t[k][i] = (_t[k - 1][i] >> 8) ^ _t[0][_t[k - 1][i] & 0xFF];
                    }
                }

                Tables[poly] = _t;
            }
        }
    }

    public void Append(ReadOnlySpan<byte> data)
    {
        var crc = _crc;
        if (_hardware && Sse42.X64.IsSupported)
        {
            ulong c64 = crc;
            while (data.Length >= 8)
            {
                c64 = Sse42.X64.Crc32(c64, BinaryPrimitives.ReadUInt64LittleEndian(data));
                data = data[8..];
            }

            crc = (uint)c64;
            foreach (var b in data)
            {
                crc = Sse42.Crc32(crc, b);
            }

            _crc = crc;
            return;
        }

        var t = _t;
        while (data.Length >= 8)
        {
            var lo = BinaryPrimitives.ReadUInt32LittleEndian(data) ^ crc;
            var hi = BinaryPrimitives.ReadUInt32LittleEndian(data[4..]);
            crc = t[7][lo & 0xFF] ^ t[6][(lo >> 8) & 0xFF] ^ t[5][(lo >> 16) & 0xFF] ^ t[4][lo >> 24]
                ^ t[3][hi & 0xFF] ^ t[2][(hi >> 8) & 0xFF] ^ t[1][(hi >> 16) & 0xFF] ^ t[0][hi >> 24];
            data = data[8..];
        }

        foreach (var b in data)
        {
            crc = t[0][(crc ^ b) & 0xFF] ^ (crc >> 8);
        }

        _crc = crc;
    }

    public byte[] Digest()
    {
        var bytes = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(bytes, ~_crc);
        return bytes;
    }
}

/// <summary>CRC-64/NVME (reflected polynomial 0x9A6C9329AC4BC9B5).</summary>
internal sealed class Crc64 : IChecksum
{
    private static readonly ulong[] Table = Build();
    private ulong _crc = ulong.MaxValue;

    private static ulong[] Build()
    {
        var t = new ulong[256];
        for (ulong i = 0; i < 256; i++)
        {
            var c = i;
            for (var j = 0; j < 8; j++)
            {
                c = (c & 1) != 0 ? 0x9A6C9329AC4BC9B5UL ^ (c >> 1) : c >> 1;
            }

            t[i] = c;
        }

        return t;
    }

    public void Append(ReadOnlySpan<byte> data)
    {
        var crc = _crc;
        foreach (var b in data)
        {
            crc = Table[(crc ^ b) & 0xFF] ^ (crc >> 8);
        }

        _crc = crc;
    }

    public byte[] Digest()
    {
        var bytes = new byte[8];
        BinaryPrimitives.WriteUInt64BigEndian(bytes, ~_crc);
        return bytes;
    }
}
