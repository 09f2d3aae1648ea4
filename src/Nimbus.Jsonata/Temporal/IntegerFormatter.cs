using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Nimbus.Jsonata.Values;

namespace Nimbus.Jsonata.Temporal;

/// <summary>$formatInteger / $parseInteger (XPath fn:format-integer), port of datetime.js.</summary>
internal static class IntegerFormatter
{
    private static readonly string[] Few = ["Zero", "One", "Two", "Three", "Four", "Five", "Six", "Seven", "Eight", "Nine", "Ten",
        "Eleven", "Twelve", "Thirteen", "Fourteen", "Fifteen", "Sixteen", "Seventeen", "Eighteen", "Nineteen"];

    private static readonly string[] Ordinals = ["Zeroth", "First", "Second", "Third", "Fourth", "Fifth", "Sixth", "Seventh", "Eighth", "Ninth", "Tenth",
        "Eleventh", "Twelfth", "Thirteenth", "Fourteenth", "Fifteenth", "Sixteenth", "Seventeenth", "Eighteenth", "Nineteenth"];

    private static readonly string[] Decades = ["Twenty", "Thirty", "Forty", "Fifty", "Sixty", "Seventy", "Eighty", "Ninety", "Hundred"];
    private static readonly string[] Magnitudes = ["Thousand", "Million", "Billion", "Trillion"];

    private static readonly int[] DecimalGroups = [0x30, 0x0660, 0x06F0, 0x07C0, 0x0966, 0x09E6, 0x0A66, 0x0AE6, 0x0B66, 0x0BE6, 0x0C66, 0x0CE6, 0x0D66, 0x0DE6, 0x0E50, 0x0ED0, 0x0F20, 0x1040, 0x1090, 0x17E0, 0x1810, 0x1946, 0x19D0, 0x1A80, 0x1A90, 0x1B50, 0x1BB0, 0x1C40, 0x1C50, 0xA620, 0xA8D0, 0xA900, 0xA9D0, 0xA9F0, 0xAA50, 0xABF0, 0xFF10];

    private static readonly Dictionary<string, double> WordValues = BuildWordValues();

    private static Dictionary<string, double> BuildWordValues()
    {
        var d = new Dictionary<string, double>(StringComparer.Ordinal);
        for (var i = 0; i < Few.Length; i++)
        {
            d[Few[i].ToLowerInvariant()] = i;
        }

        for (var i = 0; i < Ordinals.Length; i++)
        {
            d[Ordinals[i].ToLowerInvariant()] = i;
        }

        for (var i = 0; i < Decades.Length; i++)
        {
            var lword = Decades[i].ToLowerInvariant();
            d[lword] = (i + 2) * 10;
            d[lword[..^1] + "ieth"] = d[lword];
        }

        d["hundredth"] = 100;
        for (var i = 0; i < Magnitudes.Length; i++)
        {
            var lword = Magnitudes[i].ToLowerInvariant();
            var val = Math.Pow(10, (i + 1) * 3);
            d[lword] = val;
            d[lword + "th"] = val;
        }

        return d;
    }

    public static string NumberToWords(double value, bool ordinal)
    {
        string Lookup(double num, bool prev, bool ord)
        {
            var words = string.Empty;
            if (num <= 19)
            {
                words = (prev ? " and " : string.Empty) + (ord ? Ordinals[(int)num] : Few[(int)num]);
            }
            else if (num < 100)
            {
                var tens = (int)Math.Floor(num / 10);
                var remainder = num % 10;
                words = (prev ? " and " : string.Empty) + Decades[tens - 2];
                if (remainder > 0)
                {
                    words += "-" + Lookup(remainder, false, ord);
                }
                else if (ord)
                {
                    words = words[..^1] + "ieth";
                }
            }
            else if (num < 1000)
            {
                var hundreds = (int)Math.Floor(num / 100);
                var remainder = num % 100;
                words = (prev ? ", " : string.Empty) + Few[hundreds] + " Hundred";
                if (remainder > 0)
                {
                    words += Lookup(remainder, true, ord);
                }
                else if (ord)
                {
                    words += "th";
                }
            }
            else
            {
                var mag = (int)Math.Floor(Math.Log10(num) / 3);
                if (mag > Magnitudes.Length)
                {
                    mag = Magnitudes.Length;
                }

                var factor = Math.Pow(10, mag * 3);
                var mant = Math.Floor(num / factor);
                var remainder = num - (mant * factor);
                words = (prev ? ", " : string.Empty) + Lookup(mant, false, false) + " " + Magnitudes[mag - 1];
                if (remainder > 0)
                {
                    words += Lookup(remainder, true, ord);
                }
                else if (ord)
                {
                    words += "th";
                }
            }

            return words;
        }

        return Lookup(value, false, ordinal);
    }

    private static double WordsToNumber(string text)
    {
        var parts = Regex.Split(text, @",\s|\sand\s|[\s\\-]");
        var segs = new List<double> { 0 };
        foreach (var part in parts)
        {
            if (!WordValues.TryGetValue(part, out var value))
            {
                value = double.NaN;
            }

            if (value < 100)
            {
                var top = segs[^1];
                segs.RemoveAt(segs.Count - 1);
                if (top >= 1000)
                {
                    segs.Add(top);
                    top = 0;
                }

                segs.Add(top + value);
            }
            else
            {
                var top = segs[^1];
                segs.RemoveAt(segs.Count - 1);
                segs.Add(top * value);
            }
        }

        return segs.Sum();
    }

    private static readonly (int Value, string Letters)[] RomanNumerals =
    [
        (1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"), (50, "l"), (40, "xl"), (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i"),
    ];

    private static string DecimalToRoman(double value)
    {
        if (value > 1e7)
        {
            throw new ArgumentOutOfRangeException(nameof(value), "Number too large for roman numerals");
        }

        var sb = new StringBuilder();
        var v = (long)value;
        foreach (var (num, letters) in RomanNumerals)
        {
            while (v >= num)
            {
                sb.Append(letters);
                v -= num;
            }
        }

        return sb.ToString();
    }

    private static double RomanToDecimal(string roman)
    {
        var values = new Dictionary<char, int> { ['M'] = 1000, ['D'] = 500, ['C'] = 100, ['L'] = 50, ['X'] = 10, ['V'] = 5, ['I'] = 1 };
        var dec = 0;
        var max = 1;
        for (var i = roman.Length - 1; i >= 0; i--)
        {
            var value = values.GetValueOrDefault(roman[i]);
            if (value < max)
            {
                dec -= value;
            }
            else
            {
                max = value;
                dec += value;
            }
        }

        return dec;
    }

    private static string DecimalToLetters(double value, char aChar)
    {
        var letters = new StringBuilder();
        var v = (long)value;
        while (v > 0)
        {
            letters.Insert(0, (char)(((v - 1) % 26) + aChar));
            v = (v - 1) / 26;
        }

        return letters.ToString();
    }

    private static double LettersToDecimal(string letters, char aChar)
    {
        double dec = 0;
        for (var i = 0; i < letters.Length; i++)
        {
            dec += (letters[letters.Length - i - 1] - aChar + 1) * Math.Pow(26, i);
        }

        return dec;
    }

    public static string FormatInteger(double value, string picture)
    {
        value = Math.Floor(value);
        var format = AnalyseIntegerPicture(picture);
        return Format(value, format);
    }

    public static string Format(double value, IntegerFormat format)
    {
        string formatted;
        var negative = value < 0;
        value = Math.Abs(value);
        switch (format.Primary)
        {
            case IntegerPrimary.Letters:
                formatted = DecimalToLetters(value, format.Case == LetterCase.Upper ? 'A' : 'a');
                break;
            case IntegerPrimary.Roman:
                formatted = DecimalToRoman(value);
                if (format.Case == LetterCase.Upper)
                {
                    formatted = formatted.ToUpperInvariant();
                }

                break;
            case IntegerPrimary.Words:
                formatted = NumberToWords(value, format.Ordinal);
                if (format.Case == LetterCase.Upper)
                {
                    formatted = formatted.ToUpperInvariant();
                }
                else if (format.Case == LetterCase.Lower)
                {
                    formatted = formatted.ToLowerInvariant();
                }

                break;
            case IntegerPrimary.Decimal:
                {
                    formatted = JsNumber.ToString(value);
                    var padLength = format.MandatoryDigits - formatted.Length;
                    if (padLength > 0)
                    {
                        formatted = new string('0', padLength) + formatted;
                    }

                    if (format.ZeroCode != 0x30)
                    {
                        var sb = new StringBuilder();
                        foreach (var cp in Helpers.CodePoints(formatted))
                        {
                            sb.Append(char.ConvertFromUtf32(cp + format.ZeroCode - 0x30));
                        }

                        formatted = sb.ToString();
                    }

                    if (format.Regular)
                    {
                        var sep = format.GroupingSeparators[0];
                        var chars = Helpers.StringToArray(formatted);
                        var n = (chars.Count - 1) / sep.Position;
                        for (var ii = n; ii > 0; ii--)
                        {
                            var pos = chars.Count - (ii * sep.Position);
                            chars.Insert(pos, sep.Character);
                        }

                        formatted = string.Concat(chars);
                    }
                    else
                    {
                        var seps = new List<GroupingSeparator>(format.GroupingSeparators);
                        seps.Reverse();
                        foreach (var separator in seps)
                        {
                            var pos = formatted.Length - separator.Position;
                            if (pos >= 0 && pos <= formatted.Length)
                            {
                                formatted = formatted[..pos] + separator.Character + formatted[pos..];
                            }
                        }
                    }

                    if (format.Ordinal)
                    {
                        var lastDigit = formatted[^1];
                        var suffix = lastDigit switch { '1' => "st", '2' => "nd", '3' => "rd", _ => "th" };
                        if (formatted.Length > 1 && formatted[^2] == '1')
                        {
                            suffix = "th";
                        }

                        formatted += suffix;
                    }

                    break;
                }

            default:
                throw new JsonataException("D3130") { RawValue = format.Token, HasValue = true };
        }

        return negative ? "-" + formatted : formatted;
    }

    public static IntegerFormat AnalyseIntegerPicture(string picture)
    {
        var format = new IntegerFormat();
        string primaryFormat;
        var semicolon = picture.LastIndexOf(';');
        if (semicolon == -1)
        {
            primaryFormat = picture;
        }
        else
        {
            primaryFormat = picture[..semicolon];
            var formatModifier = picture[(semicolon + 1)..];
            if (formatModifier.StartsWith('o'))
            {
                format.Ordinal = true;
            }
        }

        switch (primaryFormat)
        {
            case "A":
                format.Case = LetterCase.Upper;
                format.Primary = IntegerPrimary.Letters;
                break;
            case "a":
                format.Primary = IntegerPrimary.Letters;
                break;
            case "I":
                format.Case = LetterCase.Upper;
                format.Primary = IntegerPrimary.Roman;
                break;
            case "i":
                format.Primary = IntegerPrimary.Roman;
                break;
            case "W":
                format.Case = LetterCase.Upper;
                format.Primary = IntegerPrimary.Words;
                break;
            case "Ww":
                format.Case = LetterCase.Title;
                format.Primary = IntegerPrimary.Words;
                break;
            case "w":
                format.Primary = IntegerPrimary.Words;
                break;
            default:
                {
                    int? zeroCode = null;
                    var mandatoryDigits = 0;
                    var optionalDigits = 0;
                    var groupingSeparators = new List<GroupingSeparator>();
                    var separatorPosition = 0;
                    var codepoints = Helpers.CodePoints(primaryFormat).Reverse().ToArray();
                    foreach (var codePoint in codepoints)
                    {
                        var digit = false;
                        foreach (var group in DecimalGroups)
                        {
                            if (codePoint >= group && codePoint <= group + 9)
                            {
                                digit = true;
                                mandatoryDigits++;
                                separatorPosition++;
                                if (zeroCode is null)
                                {
                                    zeroCode = group;
                                }
                                else if (group != zeroCode)
                                {
                                    throw JsonataException.Create("D3131");
                                }

                                break;
                            }
                        }

                        if (!digit)
                        {
                            if (codePoint == 0x23)
                            {
                                separatorPosition++;
                                optionalDigits++;
                            }
                            else
                            {
                                groupingSeparators.Add(new GroupingSeparator(separatorPosition, char.ConvertFromUtf32(codePoint)));
                            }
                        }
                    }

                    if (mandatoryDigits > 0)
                    {
                        format.Primary = IntegerPrimary.Decimal;
                        format.ZeroCode = zeroCode!.Value;
                        format.MandatoryDigits = mandatoryDigits;
                        format.OptionalDigits = optionalDigits;
                        var regular = RegularRepeat(groupingSeparators);
                        if (regular > 0)
                        {
                            format.Regular = true;
                            format.GroupingSeparators = [new GroupingSeparator(regular, groupingSeparators[0].Character)];
                        }
                        else
                        {
                            format.Regular = false;
                            format.GroupingSeparators = groupingSeparators;
                        }
                    }
                    else
                    {
                        format.Primary = IntegerPrimary.Sequence;
                        format.Token = primaryFormat;
                    }

                    break;
                }
        }

        return format;
    }

    private static int RegularRepeat(List<GroupingSeparator> separators)
    {
        if (separators.Count == 0)
        {
            return 0;
        }

        var sepChar = separators[0].Character;
        for (var ii = 1; ii < separators.Count; ii++)
        {
            if (separators[ii].Character != sepChar)
            {
                return 0;
            }
        }

        var indexes = separators.Select(s => s.Position).ToList();
        static int Gcd(int a, int b) => b == 0 ? a : Gcd(b, a % b);
        var factor = indexes.Aggregate(Gcd);
        for (var index = 1; index <= indexes.Count; index++)
        {
            if (!indexes.Contains(index * factor))
            {
                return 0;
            }
        }

        return factor;
    }

    /// <summary>Regex fragment and parser for an integer format (generateRegex, integer branch).</summary>
    public static (string Regex, Func<string, double> Parse) Matcher(IntegerFormat format)
    {
        var isUpper = format.Case == LetterCase.Upper;
        switch (format.Primary)
        {
            case IntegerPrimary.Letters:
                return (isUpper ? "[A-Z]+" : "[a-z]+", v => LettersToDecimal(v, isUpper ? 'A' : 'a'));
            case IntegerPrimary.Roman:
                return (isUpper ? "[MDCLXVI]+" : "[mdclxvi]+", v => RomanToDecimal(isUpper ? v : v.ToUpperInvariant()));
            case IntegerPrimary.Words:
                {
                    var alternatives = WordValues.Keys.Concat(["and", "[\\-, ]"]);
                    return ("(?:" + string.Join("|", alternatives) + ")+", v => WordsToNumber(v.ToLowerInvariant()));
                }

            case IntegerPrimary.Decimal:
                {
                    var regex = "[0-9]" + (format.ParseWidth is { } w ? "{" + w.ToString(CultureInfo.InvariantCulture) + "}" : "+");
                    if (format.Ordinal)
                    {
                        regex += "(?:th|st|nd|rd)";
                    }

                    return (regex, value =>
                    {
                        var digits = value;
                        if (format.Ordinal)
                        {
                            digits = value[..^2];
                        }

                        if (format.Regular)
                        {
                            digits = digits.Replace(",", string.Empty, StringComparison.Ordinal);
                        }
                        else
                        {
                            foreach (var sep in format.GroupingSeparators)
                            {
                                digits = digits.Replace(sep.Character, string.Empty, StringComparison.Ordinal);
                            }
                        }

                        if (format.ZeroCode != 0x30)
                        {
                            digits = new string(digits.Select(ch => (char)(ch - format.ZeroCode + 0x30)).ToArray());
                        }

                        return ParseIntPrefix(digits);
                    });
                }

            default:
                throw new JsonataException("D3130") { RawValue = format.Token, HasValue = true };
        }
    }

    public static double ParseIntPrefix(string s)
    {
        var i = 0;
        var neg = false;
        if (i < s.Length && (s[i] == '-' || s[i] == '+'))
        {
            neg = s[i] == '-';
            i++;
        }

        var start = i;
        while (i < s.Length && char.IsAsciiDigit(s[i]))
        {
            i++;
        }

        if (i == start)
        {
            return double.NaN;
        }

        var v = double.Parse(s[start..i], CultureInfo.InvariantCulture);
        return neg ? -v : v;
    }

    public static object? ParseInteger(string value, string picture)
    {
        var format = AnalyseIntegerPicture(picture);
        var (_, parse) = Matcher(format);
        var result = parse(value);
        return double.IsNaN(result) ? null : result;
    }
}
