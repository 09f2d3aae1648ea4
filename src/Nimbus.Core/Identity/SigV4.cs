using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Nimbus.Core.Identity;

/// <summary>The pieces of AWS Signature Version 4 that every verifier needs (S3 presigned URLs, API Gateway's AWS_IAM).</summary>
/// <remarks>Every access key's secret is <see cref="Secret"/>, as LocalStack's.</remarks>
public static class SigV4
{
    public const string Algorithm = "AWS4-HMAC-SHA256";

    public const string Secret = "test";

    /// <summary>RFC 3986 encoding as SigV4 specifies: unreserved characters as they are, every other UTF-8 byte as <c>%XX</c>.</summary>
    public static string UriEncode(string s)
    {
        var sb = new StringBuilder();
        foreach (var b in Encoding.UTF8.GetBytes(s))
        {
            var c = (char)b;
            if (char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or '~')
            {
                sb.Append(c);
            }
            else
            {
                sb.Append('%').Append(b.ToString("X2", CultureInfo.InvariantCulture));
            }
        }

        return sb.ToString();
    }

    /// <summary>The canonical query string: parameters decoded, re-encoded, sorted by name then value.</summary>
    /// <param name="plusIsSpace">Whether a literal <c>+</c> in the raw query means a space (form encoding).</param>
    /// <param name="skip">A parameter left out (the presigned URL's own <c>X-Amz-Signature</c>).</param>
    public static string CanonicalQuery(string rawQuery, bool plusIsSpace = false, string? skip = null)
    {
        var pairs = new List<(string Key, string Value)>();
        foreach (var part in rawQuery.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = part.IndexOf('=', StringComparison.Ordinal);
            var rawKey = eq < 0 ? part : part[..eq];
            var rawValue = eq < 0 ? "" : part[(eq + 1)..];
            var k = Uri.UnescapeDataString(plusIsSpace ? rawKey.Replace('+', ' ') : rawKey);
            var v = Uri.UnescapeDataString(plusIsSpace ? rawValue.Replace('+', ' ') : rawValue);
            if (k == skip)
            {
                continue;
            }

            pairs.Add((UriEncode(k), UriEncode(v)));
        }

        return string.Join('&', pairs.OrderBy(p => p.Key, StringComparer.Ordinal).ThenBy(p => p.Value, StringComparer.Ordinal).Select(p => p.Key + "=" + p.Value));
    }

    /// <summary>A header value as canonical headers carry it: each comma-separated part trimmed, runs of spaces collapsed.</summary>
    public static string CanonicalHeaderValue(string value) =>
        string.Join(",", value.Split(',').Select(v => CollapseSpaces(v.Trim())));

    /// <summary>The hex signature of <paramref name="stringToSign"/> with the key derived for the credential scope.</summary>
    public static string Sign(string date, string region, string service, string terminator, string stringToSign)
    {
        var key = Hmac(Encoding.UTF8.GetBytes("AWS4" + Secret), date);
        key = Hmac(key, region);
        key = Hmac(key, service);
        key = Hmac(key, terminator);
        return Convert.ToHexStringLower(Hmac(key, stringToSign));
    }

    /// <summary>Compares a computed signature with the one given, in constant time, ignoring the given one's case.</summary>
    public static bool Matches(string expected, string given) =>
        CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(expected), Encoding.ASCII.GetBytes(given.ToLowerInvariant()));

    private static string CollapseSpaces(string s)
    {
        while (s.Contains("  ", StringComparison.Ordinal))
        {
            s = s.Replace("  ", " ", StringComparison.Ordinal);
        }

        return s;
    }

    private static byte[] Hmac(byte[] key, string data) => HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(data));
}
