using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Nimbus.Core.Messaging;

namespace Nimbus.Messaging.Sqs;

/// <summary>The MD5 digests SQS returns and the SDKs verify: of the body, and of the message (or system) attributes.</summary>
/// <remarks>
/// The attribute digest (SQS Developer Guide, "Calculating the MD5 message digest for message attributes") runs over the
/// attributes sorted by name (ordinal); each contributes its name, its data type (each as a 4-byte big-endian length and
/// the UTF-8 bytes), a transport byte (1 for String and Number types, 2 for Binary) and the value (length-prefixed
/// UTF-8 string or raw bytes). Lower-case hex, as AWS answers.
/// </remarks>
internal static class MessageDigests
{
    public static string Body(string body) => Convert.ToHexStringLower(MD5.HashData(Encoding.UTF8.GetBytes(body)));

    /// <summary>Null when there are no attributes (AWS then omits the member).</summary>
    public static string? Attributes(IReadOnlyList<QueueMessageAttribute> attributes)
    {
        if (attributes.Count == 0)
        {
            return null;
        }

        using var md5 = IncrementalHash.CreateHash(HashAlgorithmName.MD5);
        foreach (var a in attributes.OrderBy(a => a.Name, StringComparer.Ordinal))
        {
            AppendLengthPrefixed(md5, Encoding.UTF8.GetBytes(a.Name));
            AppendLengthPrefixed(md5, Encoding.UTF8.GetBytes(a.DataType));
            if (a.BinaryValue is { } bytes)
            {
                md5.AppendData([2]);
                AppendLengthPrefixed(md5, bytes);
            }
            else
            {
                md5.AppendData([1]);
                AppendLengthPrefixed(md5, Encoding.UTF8.GetBytes(a.StringValue ?? ""));
            }
        }

        return Convert.ToHexStringLower(md5.GetHashAndReset());
    }

    private static void AppendLengthPrefixed(IncrementalHash md5, byte[] bytes)
    {
        Span<byte> length = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(length, bytes.Length);
        md5.AppendData(length);
        md5.AppendData(bytes);
    }
}
