using System.Text;
using Nimbus.Jsonata.Values;

namespace Nimbus.Jsonata.Functions;

/// <summary>String functions.</summary>
internal static partial class BuiltIns
{
    private const double MaxStringLength = 100_000_000;

    private static string? Substring(string? str, double start, double? length)
    {
        if (str is null)
        {
            return null;
        }

        var chars = Helpers.StringToArray(str);
        var strLength = chars.Count;
        if (strLength + start < 0)
        {
            start = 0;
        }

        int Clamp(double i)
        {
            if (double.IsNaN(i))
            {
                return 0;
            }

            if (i < 0)
            {
                i = Math.Max(0, strLength + i);
            }

            return (int)Math.Min(Math.Floor(i), strLength);
        }

        if (length is { } len)
        {
            if (len <= 0)
            {
                return string.Empty;
            }

            var end = start >= 0 ? start + len : strLength + start + len;
            var s = Clamp(start);
            var e = Clamp(end);
            return e <= s ? string.Empty : string.Concat(chars.GetRange(s, e - s));
        }

        var from = Clamp(start);
        return string.Concat(chars.GetRange(from, strLength - from));
    }

    private static string? SubstringBefore(string? str, string? chars)
    {
        if (str is null)
        {
            return null;
        }

        var pos = str.IndexOf(chars ?? string.Empty, StringComparison.Ordinal);
        return pos > -1 ? str[..pos] : str;
    }

    private static string? SubstringAfter(string? str, string? chars)
    {
        if (str is null)
        {
            return null;
        }

        chars ??= string.Empty;
        var pos = str.IndexOf(chars, StringComparison.Ordinal);
        return pos > -1 ? str[(pos + chars.Length)..] : str;
    }

    private static string? Trim(string? str)
    {
        if (str is null)
        {
            return null;
        }

        var sb = new StringBuilder(str.Length);
        var inSpace = false;
        foreach (var c in str)
        {
            if (c is ' ' or '\t' or '\n' or '\r')
            {
                if (!inSpace)
                {
                    sb.Append(' ');
                    inSpace = true;
                }
            }
            else
            {
                sb.Append(c);
                inSpace = false;
            }
        }

        var result = sb.ToString();
        if (result.StartsWith(' '))
        {
            result = result[1..];
        }

        if (result.EndsWith(' '))
        {
            result = result[..^1];
        }

        return result;
    }

    private static string? Pad(string? str, double width, string? chars)
    {
        if (str is null)
        {
            return null;
        }

        if (string.IsNullOrEmpty(chars))
        {
            chars = " ";
        }

        var padLengthD = Math.Abs(width) - Helpers.CodePoints(str).Length;
        if (padLengthD <= 0 || double.IsNaN(padLengthD))
        {
            return str;
        }

        if (padLengthD > MaxStringLength)
        {
            throw new ArgumentOutOfRangeException(nameof(width), "The padded string would exceed the maximum string length");
        }

        var padLength = (int)padLengthD;
        var unit = Helpers.StringToArray(chars);
        var sb = new StringBuilder(padLength);
        for (var i = 0; i < padLength; i++)
        {
            sb.Append(unit[i % unit.Count]);
        }

        var padding = sb.ToString();
        return width > 0 ? str + padding : padding + str;
    }

    private static string Base64Encode(string s)
    {
        var bytes = new byte[s.Length];
        for (var i = 0; i < s.Length; i++)
        {
            bytes[i] = (byte)s[i];
        }

        return Convert.ToBase64String(bytes);
    }

    private static string Base64Decode(string s)
    {
        // lenient like Node's Buffer.from(s, 'base64'): skip foreign characters, accept URL-safe and missing padding
        var clean = new StringBuilder(s.Length);
        foreach (var c in s)
        {
            if (c == '=')
            {
                break;
            }

            if (char.IsAsciiLetterOrDigit(c) || c is '+' or '/')
            {
                clean.Append(c);
            }
            else if (c is '-' or '_')
            {
                clean.Append(c == '-' ? '+' : '/');
            }
        }

        if (clean.Length % 4 == 1)
        {
            clean.Length--;
        }

        while (clean.Length % 4 != 0)
        {
            clean.Append('=');
        }

        var bytes = Convert.FromBase64String(clean.ToString());
        var sb = new StringBuilder(bytes.Length);
        foreach (var b in bytes)
        {
            sb.Append((char)b);
        }

        return sb.ToString();
    }
}
