using System.Globalization;
using System.Text;

namespace Nimbus.Jsonata.Functions;

/// <summary>encodeURI/encodeURIComponent/decodeURI/decodeURIComponent with JavaScript semantics.</summary>
internal static class UrlCodec
{
    private const string ComponentUnreserved = "-_.!~*'()";
    private const string UriReserved = ";/?:@&=+$,#";

    public static string? Encode(string? str, bool component, string functionName)
    {
        if (str is null)
        {
            return null;
        }

        var sb = new StringBuilder();
        for (var i = 0; i < str.Length; i++)
        {
            var c = str[i];
            if (char.IsAsciiLetterOrDigit(c) || ComponentUnreserved.Contains(c, StringComparison.Ordinal) || (!component && UriReserved.Contains(c, StringComparison.Ordinal)))
            {
                sb.Append(c);
                continue;
            }

            int cp;
            if (char.IsHighSurrogate(c))
            {
                if (i + 1 >= str.Length || !char.IsLowSurrogate(str[i + 1]))
                {
                    throw new JsonataException("D3140") { RawValue = str, HasValue = true, FunctionName = functionName };
                }

                cp = char.ConvertToUtf32(c, str[i + 1]);
                i++;
            }
            else if (char.IsLowSurrogate(c))
            {
                throw new JsonataException("D3140") { RawValue = str, HasValue = true, FunctionName = functionName };
            }
            else
            {
                cp = c;
            }

            foreach (var b in Encoding.UTF8.GetBytes(char.ConvertFromUtf32(cp)))
            {
                sb.Append('%').Append(b.ToString("X2", CultureInfo.InvariantCulture));
            }
        }

        return sb.ToString();
    }

    public static string? Decode(string? str, bool component, string functionName)
    {
        if (str is null)
        {
            return null;
        }

        var sb = new StringBuilder();
        var i = 0;
        while (i < str.Length)
        {
            var c = str[i];
            if (c != '%')
            {
                sb.Append(c);
                i++;
                continue;
            }

            var start = i;
            var bytes = new List<byte>();
            if (!TryHex(str, i, out var first))
            {
                throw Malformed(str, functionName);
            }

            int n;
            if ((first & 0x80) == 0)
            {
                n = 1;
            }
            else if ((first & 0xE0) == 0xC0)
            {
                n = 2;
            }
            else if ((first & 0xF0) == 0xE0)
            {
                n = 3;
            }
            else if ((first & 0xF8) == 0xF0)
            {
                n = 4;
            }
            else
            {
                throw Malformed(str, functionName);
            }

            bytes.Add(first);
            i += 3;
            for (var k = 1; k < n; k++)
            {
                if (i >= str.Length || str[i] != '%' || !TryHex(str, i, out var next) || (next & 0xC0) != 0x80)
                {
                    throw Malformed(str, functionName);
                }

                bytes.Add(next);
                i += 3;
            }

            string decoded;
            try
            {
                decoded = new UTF8Encoding(false, true).GetString(bytes.ToArray());
            }
            catch (DecoderFallbackException)
            {
                throw Malformed(str, functionName);
            }

            if (!component && n == 1 && (UriReserved.Contains(decoded[0], StringComparison.Ordinal)))
            {
                sb.Append(str, start, 3);
            }
            else
            {
                sb.Append(decoded);
            }
        }

        return sb.ToString();
    }

    private static JsonataException Malformed(string str, string functionName) =>
        new("D3140") { RawValue = str, HasValue = true, FunctionName = functionName };

    private static bool TryHex(string s, int i, out byte value)
    {
        value = 0;
        if (i + 3 > s.Length)
        {
            return false;
        }

        return byte.TryParse(s.AsSpan(i + 1, 2), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out value);
    }
}
