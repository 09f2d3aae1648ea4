using System.Text;
using System.Text.RegularExpressions;
using Nimbus.Jsonata.Values;

namespace Nimbus.Jsonata.Parsing;

/// <summary>Translates a JavaScript regular expression into an equivalent .NET regex.</summary>
internal static class RegexTranslator
{
    public static RegexFunction Create(string pattern, string flags)
    {
        var options = RegexOptions.CultureInvariant;
        if (flags.Contains('i', StringComparison.Ordinal))
        {
            options |= RegexOptions.IgnoreCase;
        }

        if (flags.Contains('m', StringComparison.Ordinal))
        {
            options |= RegexOptions.Multiline;
        }

        var source = Translate(pattern, (options & RegexOptions.Multiline) != 0);
        Regex regex;
        try
        {
            regex = new Regex(source, options);
        }
        catch (ArgumentException)
        {
            throw new JsonataException("S0302") { CustomMessage = "Invalid regular expression: /" + pattern + "/" };
        }

        return new RegexFunction(regex, pattern);
    }

    private static string Translate(string pattern, bool multiline)
    {
        var sb = new StringBuilder(pattern.Length + 8);
        var inClass = false;
        for (var i = 0; i < pattern.Length; i++)
        {
            var c = pattern[i];
            if (c == '\\' && i + 1 < pattern.Length)
            {
                var n = pattern[i + 1];
                switch (n)
                {
                    case 'd':
                        sb.Append(inClass ? "0-9" : "[0-9]");
                        break;
                    case 'D':
                        sb.Append(inClass ? "\\D" : "[^0-9]");
                        break;
                    default:
                        sb.Append(c).Append(n);
                        break;
                }

                i++;
                continue;
            }

            if (c == '[' && !inClass)
            {
                inClass = true;
            }
            else if (c == ']' && inClass)
            {
                inClass = false;
            }
            else if (c == '$' && !inClass && !multiline)
            {
                // JavaScript '$' (without m) only matches at the very end
                sb.Append("(?!.|\\n)");
                continue;
            }

            sb.Append(c);
        }

        return sb.ToString();
    }
}
