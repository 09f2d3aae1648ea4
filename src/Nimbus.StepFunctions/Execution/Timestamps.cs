using System.Globalization;
using System.Text.RegularExpressions;

namespace Nimbus.StepFunctions.Execution;

/// <summary>RFC3339 / ISO-8601 extended offset date-time parsing as AWS accepts it (an offset or Z is required).</summary>
internal static partial class Timestamps
{
    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$", RegexOptions.CultureInvariant)]
    private static partial Regex Rfc3339();

    public static bool TryParse(string text, out DateTimeOffset value)
    {
        value = default;
        if (!Rfc3339().IsMatch(text))
        {
            return false;
        }

        var normalized = text;
        var dot = text.IndexOf('.', StringComparison.Ordinal);
        if (dot >= 0)
        {
            // .NET handles at most 7 fractional digits.
            var end = dot + 1;
            while (end < text.Length && char.IsDigit(text[end]))
            {
                end++;
            }

            var frac = text[(dot + 1)..end];
            if (frac.Length > 7)
            {
                normalized = text[..(dot + 1)] + frac[..7] + text[end..];
            }
        }

        return DateTimeOffset.TryParse(normalized, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal, out value);
    }
}
