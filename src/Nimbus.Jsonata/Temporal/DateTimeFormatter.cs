using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Nimbus.Jsonata.Temporal;

/// <summary>A marker or literal in a date/time picture string.</summary>
internal sealed class PicturePart
{
    public bool IsLiteral { get; set; }

    public string Value { get; set; } = string.Empty;

    public char Component { get; set; }

    public string? Presentation1 { get; set; }

    public string? Presentation2 { get; set; }

    public bool Ordinal { get; set; }

    public LetterCase? Names { get; set; }

    public int? WidthMin { get; set; }

    public int? WidthMax { get; set; }

    public bool HasWidth { get; set; }

    public IntegerFormat? IntegerFormat { get; set; }

    public int N { get; set; } = -1;
}

/// <summary>$fromMillis / $now formatting (XPath fn:format-dateTime), port of datetime.js.</summary>
internal static class DateTimeFormatter
{
    private static readonly Dictionary<char, string> DefaultPresentationModifiers = new()
    {
        ['Y'] = "1", ['M'] = "1", ['D'] = "1", ['d'] = "1", ['F'] = "n", ['W'] = "1", ['w'] = "1", ['X'] = "1", ['x'] = "1", ['H'] = "1", ['h'] = "1",
        ['P'] = "n", ['m'] = "01", ['s'] = "01", ['f'] = "1", ['Z'] = "01:01", ['z'] = "01:01", ['C'] = "n", ['E'] = "n",
    };

    internal static readonly string[] Days = ["", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"];
    internal static readonly string[] Months = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];
    private const double MillisInADay = 1000 * 60 * 60 * 24;

    private static readonly Lazy<List<PicturePart>> Iso8601Spec = new(() => AnalyseDateTimePicture("[Y0001]-[M01]-[D01]T[H01]:[m01]:[s01].[f001][Z01:01t]"));

    public static List<PicturePart> AnalyseDateTimePicture(string picture)
    {
        var spec = new List<PicturePart>();
        void AddLiteral(int start, int end)
        {
            if (end > start)
            {
                var literal = picture[start..end].Replace("]]", "]", StringComparison.Ordinal);
                spec.Add(new PicturePart { IsLiteral = true, Value = literal });
            }
        }

        int startPos = 0, pos = 0;
        while (pos < picture.Length)
        {
            if (picture[pos] == '[')
            {
                if (pos + 1 < picture.Length && picture[pos + 1] == '[')
                {
                    AddLiteral(startPos, pos);
                    spec.Add(new PicturePart { IsLiteral = true, Value = "[" });
                    pos += 2;
                    startPos = pos;
                    continue;
                }

                AddLiteral(startPos, pos);
                startPos = pos;
                pos = picture.IndexOf(']', startPos);
                if (pos == -1)
                {
                    throw JsonataException.Create("D3135");
                }

                var marker = Regex.Replace(picture[(startPos + 1)..pos], @"\s+", string.Empty);
                var def = new PicturePart { Component = marker.Length > 0 ? marker[0] : '\0' };
                var comma = marker.LastIndexOf(',');
                string presMod;
                if (comma != -1)
                {
                    var widthMod = marker[(comma + 1)..];
                    var dash = widthMod.IndexOf('-', StringComparison.Ordinal);
                    string? min, max = null;
                    if (dash == -1)
                    {
                        min = widthMod;
                    }
                    else
                    {
                        min = widthMod[..dash];
                        max = widthMod[(dash + 1)..];
                    }

                    def.HasWidth = true;
                    def.WidthMin = ParseWidth(min);
                    def.WidthMax = ParseWidth(max);
                    presMod = marker[1..comma];
                }
                else
                {
                    presMod = marker.Length > 0 ? marker[1..] : string.Empty;
                }

                if (presMod.Length == 1)
                {
                    def.Presentation1 = presMod;
                }
                else if (presMod.Length > 1)
                {
                    var lastChar = presMod[^1];
                    if ("atco".Contains(lastChar, StringComparison.Ordinal))
                    {
                        def.Presentation2 = lastChar.ToString();
                        if (lastChar == 'o')
                        {
                            def.Ordinal = true;
                        }

                        def.Presentation1 = presMod[..^1];
                    }
                    else
                    {
                        def.Presentation1 = presMod;
                    }
                }
                else
                {
                    def.Presentation1 = DefaultPresentationModifiers.GetValueOrDefault(def.Component);
                }

                if (def.Presentation1 is null)
                {
                    throw new JsonataException("D3132") { RawValue = def.Component.ToString(), HasValue = true };
                }

                if (def.Presentation1[0] == 'n')
                {
                    def.Names = LetterCase.Lower;
                }
                else if (def.Presentation1[0] == 'N')
                {
                    def.Names = def.Presentation1.Length > 1 && def.Presentation1[1] == 'n' ? LetterCase.Title : LetterCase.Upper;
                }
                else if ("YMDdFWwXxHhmsf".Contains(def.Component, StringComparison.Ordinal))
                {
                    var integerPattern = def.Presentation1;
                    if (def.Presentation2 is not null)
                    {
                        integerPattern += ";" + def.Presentation2;
                    }

                    def.IntegerFormat = IntegerFormatter.AnalyseIntegerPicture(integerPattern);
                    if (def.WidthMin is { } wmin && def.IntegerFormat.MandatoryDigits < wmin)
                    {
                        def.IntegerFormat.MandatoryDigits = wmin;
                    }

                    if (def.Component == 'Y')
                    {
                        def.N = -1;
                        if (def.WidthMax is { } wmax)
                        {
                            def.N = wmax;
                            def.IntegerFormat.MandatoryDigits = def.N;
                        }
                        else
                        {
                            var w = def.IntegerFormat.MandatoryDigits + def.IntegerFormat.OptionalDigits;
                            if (w >= 2)
                            {
                                def.N = w;
                            }
                        }
                    }

                    var previousPart = spec.Count > 0 ? spec[^1] : null;
                    if (previousPart?.IntegerFormat is not null)
                    {
                        previousPart.IntegerFormat.ParseWidth = previousPart.IntegerFormat.MandatoryDigits;
                    }
                }

                if (def.Component is 'Z' or 'z')
                {
                    def.IntegerFormat = IntegerFormatter.AnalyseIntegerPicture(def.Presentation1);
                }

                spec.Add(def);
                startPos = pos + 1;
            }

            pos++;
        }

        AddLiteral(startPos, pos);
        return spec;
    }

    private static int? ParseWidth(string? wm)
    {
        if (wm is null || wm == "*")
        {
            return null;
        }

        var v = IntegerFormatter.ParseIntPrefix(wm);
        return double.IsNaN(v) ? null : (int)v;
    }

    private static double StartOfFirstWeek(int year, int month)
    {
        var jan1 = UtcMillis(year, month, 1);
        var dayOfJan1 = (int)DateTimeOffset.FromUnixTimeMilliseconds((long)jan1).DayOfWeek;
        if (dayOfJan1 == 0)
        {
            dayOfJan1 = 7;
        }

        return dayOfJan1 > 4 ? jan1 + ((8 - dayOfJan1) * MillisInADay) : jan1 - ((dayOfJan1 - 1) * MillisInADay);
    }

    public static double UtcMillis(int year, int month0, int day, int hour = 0, int minute = 0, int second = 0, int millis = 0)
    {
        // Date.UTC semantics with overflow of month
        year += month0 / 12;
        month0 %= 12;
        if (month0 < 0)
        {
            month0 += 12;
            year--;
        }

        var days = DaysFromCivil(year, month0 + 1, 1) + (day - 1);
        return (days * MillisInADay) + (hour * 3600000.0) + (minute * 60000.0) + (second * 1000.0) + millis;
    }

    private static long DaysFromCivil(long y, int m, int d)
    {
        y -= m <= 2 ? 1 : 0;
        var era = (y >= 0 ? y : y - 399) / 400;
        var yoe = y - (era * 400);
        var doy = (((153 * (m + (m > 2 ? -3 : 9))) + 2) / 5) + d - 1;
        var doe = (yoe * 365) + (yoe / 4) - (yoe / 100) + doy;
        return (era * 146097) + doe - 719468;
    }

    internal static object GetDateTimeFragment(DateTimeOffset date, char component)
    {
        switch (component)
        {
            case 'Y':
                return (double)date.Year;
            case 'M':
                return (double)date.Month;
            case 'D':
                return (double)date.Day;
            case 'd':
                return (double)date.DayOfYear;
            case 'F':
                {
                    var v = (int)date.DayOfWeek;
                    return (double)(v == 0 ? 7 : v);
                }

            case 'W':
                {
                    var year = date.Year;
                    var startOfWeek1 = StartOfFirstWeek(year, 0);
                    var today = UtcMillis(year, date.Month - 1, date.Day);
                    var week = ((today - startOfWeek1) / (MillisInADay * 7)) + 1;
                    if (week > 52)
                    {
                        var startOfFollowingYear = StartOfFirstWeek(year + 1, 0);
                        if (today >= startOfFollowingYear)
                        {
                            week = 1;
                        }
                    }
                    else if (week < 1)
                    {
                        var startOfPreviousYear = StartOfFirstWeek(year - 1, 0);
                        week = ((today - startOfPreviousYear) / (MillisInADay * 7)) + 1;
                    }

                    return Math.Floor(week);
                }

            case 'w':
                {
                    var year = date.Year;
                    var month = date.Month - 1;
                    var startOfWeek1 = StartOfFirstWeek(year, month);
                    var today = UtcMillis(year, month, date.Day);
                    var week = ((today - startOfWeek1) / (MillisInADay * 7)) + 1;
                    if (week > 4)
                    {
                        var (ny, nm) = month == 11 ? (year + 1, 0) : (year, month + 1);
                        if (today >= StartOfFirstWeek(ny, nm))
                        {
                            week = 1;
                        }
                    }
                    else if (week < 1)
                    {
                        var (py, pm) = month == 0 ? (year - 1, 11) : (year, month - 1);
                        week = ((today - StartOfFirstWeek(py, pm)) / (MillisInADay * 7)) + 1;
                    }

                    return Math.Floor(week);
                }

            case 'X':
                {
                    var year = date.Year;
                    var start = StartOfFirstWeek(year, 0);
                    var end = StartOfFirstWeek(year + 1, 0);
                    var now = (double)date.ToUnixTimeMilliseconds();
                    return now < start ? year - 1 : now >= end ? year + 1 : (double)year;
                }

            case 'x':
                {
                    var year = date.Year;
                    var month = date.Month - 1;
                    var start = StartOfFirstWeek(year, month);
                    var (ny, nm) = month == 11 ? (year + 1, 0) : (year, month + 1);
                    var end = StartOfFirstWeek(ny, nm);
                    var now = (double)date.ToUnixTimeMilliseconds();
                    if (now < start)
                    {
                        return (double)(month == 0 ? 12 : month);
                    }

                    return now >= end ? nm + 1 : (double)(month + 1);
                }

            case 'H':
                return (double)date.Hour;
            case 'h':
                {
                    var h = date.Hour % 12;
                    return (double)(h == 0 ? 12 : h);
                }

            case 'P':
                return date.Hour >= 12 ? "pm" : "am";
            case 'm':
                return (double)date.Minute;
            case 's':
                return (double)date.Second;
            case 'f':
                return (double)date.Millisecond;
            case 'C':
            case 'E':
                return "ISO";
            default:
                return string.Empty;
        }
    }

    public static string? FromMillis(double millis, string? picture, string? timezone)
    {
        var offsetHours = 0;
        var offsetMinutes = 0;
        if (timezone is not null)
        {
            var offset = (int)IntegerFormatter.ParseIntPrefix(timezone);
            offsetHours = (int)Math.Floor(offset / 100.0);
            offsetMinutes = offset % 100;
        }

        var spec = picture is null ? Iso8601Spec.Value : AnalyseDateTimePicture(picture);
        var offsetMillis = ((60 * offsetHours) + offsetMinutes) * 60 * 1000;
        var date = DateTimeOffset.FromUnixTimeMilliseconds((long)Math.Floor(millis + offsetMillis));
        var sb = new StringBuilder();
        foreach (var part in spec)
        {
            sb.Append(part.IsLiteral ? part.Value : FormatComponent(date, part, offsetHours, offsetMinutes));
        }

        return sb.ToString();
    }

    private static string FormatComponent(DateTimeOffset date, PicturePart markerSpec, int offsetHours, int offsetMinutes)
    {
        var componentValue = GetDateTimeFragment(date, markerSpec.Component);
        if ("YMDdFWwXxHhms".Contains(markerSpec.Component, StringComparison.Ordinal))
        {
            var num = (double)componentValue;
            if (markerSpec.Component == 'Y' && markerSpec.N != -1)
            {
                num %= Math.Pow(10, markerSpec.N);
            }

            if (markerSpec.Names is { } names)
            {
                string text;
                if (markerSpec.Component is 'M' or 'x')
                {
                    text = Months[(int)num - 1];
                }
                else if (markerSpec.Component == 'F')
                {
                    text = Days[(int)num];
                }
                else
                {
                    throw new JsonataException("D3133") { RawValue = markerSpec.Component.ToString(), HasValue = true };
                }

                if (names == LetterCase.Upper)
                {
                    text = text.ToUpperInvariant();
                }
                else if (names == LetterCase.Lower)
                {
                    text = text.ToLowerInvariant();
                }

                if (markerSpec.WidthMax is { } max && text.Length > max)
                {
                    text = text[..max];
                }

                return text;
            }

            return IntegerFormatter.Format(num, markerSpec.IntegerFormat!);
        }

        if (markerSpec.Component == 'f')
        {
            return IntegerFormatter.Format((double)componentValue, markerSpec.IntegerFormat!);
        }

        if (markerSpec.Component is 'Z' or 'z')
        {
            var offset = (offsetHours * 100) + offsetMinutes;
            string text;
            var fmt = markerSpec.IntegerFormat!;
            if (fmt.Regular)
            {
                text = IntegerFormatter.Format(offset, fmt);
            }
            else
            {
                var numDigits = fmt.MandatoryDigits;
                if (numDigits is 1 or 2)
                {
                    text = IntegerFormatter.Format(offsetHours, fmt);
                    if (offsetMinutes != 0)
                    {
                        text += ":" + IntegerFormatter.FormatInteger(offsetMinutes, "00");
                    }
                }
                else if (numDigits is 3 or 4)
                {
                    text = IntegerFormatter.Format(offset, fmt);
                }
                else
                {
                    throw new JsonataException("D3134") { RawValue = (double)numDigits, HasValue = true };
                }
            }

            if (offset >= 0)
            {
                text = "+" + text;
            }

            if (markerSpec.Component == 'z')
            {
                text = "GMT" + text;
            }

            if (offset == 0 && markerSpec.Presentation2 == "t")
            {
                text = "Z";
            }

            return text;
        }

        if (markerSpec.Component == 'P')
        {
            var text = (string)componentValue;
            return markerSpec.Names == LetterCase.Upper ? text.ToUpperInvariant() : text;
        }

        return Convert.ToString(componentValue, CultureInfo.InvariantCulture) ?? string.Empty;
    }
}
