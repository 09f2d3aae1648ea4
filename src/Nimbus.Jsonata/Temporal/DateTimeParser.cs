using System.Globalization;
using System.Text.RegularExpressions;

namespace Nimbus.Jsonata.Temporal;

/// <summary>$toMillis: ISO 8601 parsing and picture-driven parsing (datetime.js parseDateTime).</summary>
internal static partial class DateTimeParser
{
    [GeneratedRegex(@"^\d{4}(-[01]\d)*(-[0-3]\d)*(T[0-2]\d:[0-5]\d:[0-5]\d)*(\.\d+)?([+-][0-2]\d:?[0-5]\d|Z)?$")]
    private static partial Regex Iso8601();

    [GeneratedRegex(@"^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?)?(Z|[+-]\d{2}:?\d{2})?$")]
    private static partial Regex IsoParts();

    public static object? ToMillis(string timestamp, string? picture, double now)
    {
        if (picture is null)
        {
            if (!Iso8601().IsMatch(timestamp))
            {
                throw new JsonataException("D3110") { RawValue = timestamp, HasValue = true };
            }

            var m = IsoParts().Match(timestamp);
            if (!m.Success)
            {
                return null;
            }

            int G(int i, int def) => m.Groups[i].Success ? int.Parse(m.Groups[i].Value, CultureInfo.InvariantCulture) : def;
            var year = G(1, 1970);
            var month = G(2, 1);
            var day = G(3, 1);
            var hour = G(4, 0);
            var minute = G(5, 0);
            var second = G(6, 0);
            var ms = 0;
            if (m.Groups[7].Success)
            {
                var frac = (m.Groups[7].Value + "000")[..3];
                ms = int.Parse(frac, CultureInfo.InvariantCulture);
            }

            if (month is < 1 or > 12 || day is < 1 or > 31 || hour > 24 || minute > 59 || second > 59)
            {
                return null;
            }

            var millis = DateTimeFormatter.UtcMillis(year, month - 1, day, hour, minute, second, ms);
            if (m.Groups[8].Success && m.Groups[8].Value != "Z")
            {
                var tz = m.Groups[8].Value.Replace(":", string.Empty, StringComparison.Ordinal);
                var sign = tz[0] == '-' ? -1 : 1;
                var oh = int.Parse(tz.AsSpan(1, 2), CultureInfo.InvariantCulture);
                var om = int.Parse(tz.AsSpan(3, 2), CultureInfo.InvariantCulture);
                millis -= sign * ((oh * 60) + om) * 60000.0;
            }

            return millis;
        }

        return ParseDateTime(timestamp, picture, now);
    }

    private sealed record PartMatcher(string Regex, char Component, Func<string, double>? Parse);

    private static object? ParseDateTime(string timestamp, string picture, double nowMillis)
    {
        var spec = DateTimeFormatter.AnalyseDateTimePicture(picture);
        var parts = new List<PartMatcher>();
        foreach (var part in spec)
        {
            if (part.IsLiteral)
            {
                parts.Add(new PartMatcher(Regex.Escape(part.Value), '\0', null));
            }
            else if (part.Component is 'Z' or 'z')
            {
                var fmt = part.IntegerFormat!;
                GroupingSeparator? separator = fmt.Regular ? fmt.GroupingSeparators[0] : null;
                var regex = part.Component == 'z' ? "GMT" : string.Empty;
                regex += "[-+][0-9]+";
                if (separator is not null)
                {
                    regex += Regex.Escape(separator.Character) + "[0-9]+";
                }

                var component = part.Component;
                parts.Add(new PartMatcher(regex, part.Component, value =>
                {
                    if (component == 'z')
                    {
                        value = value[3..];
                    }

                    double offsetHours, offsetMinutes = 0;
                    if (separator is not null)
                    {
                        var idx = value.IndexOf(separator.Character, StringComparison.Ordinal);
                        offsetHours = IntegerFormatter.ParseIntPrefix(value[..idx]);
                        offsetMinutes = IntegerFormatter.ParseIntPrefix(value[(idx + 1)..]);
                    }
                    else
                    {
                        var numdigits = value.Length - 1;
                        if (numdigits <= 2)
                        {
                            offsetHours = IntegerFormatter.ParseIntPrefix(value);
                        }
                        else
                        {
                            offsetHours = IntegerFormatter.ParseIntPrefix(value[..3]);
                            offsetMinutes = IntegerFormatter.ParseIntPrefix(value[3..]);
                        }
                    }

                    return (offsetHours * 60) + offsetMinutes;
                }));
            }
            else if (part.IntegerFormat is not null)
            {
                var (regex, parse) = IntegerFormatter.Matcher(part.IntegerFormat);
                if (part.Component == 'f' && part.IntegerFormat.Primary == IntegerPrimary.Decimal)
                {
                    parse = v => Math.Floor(double.Parse("0." + v, CultureInfo.InvariantCulture) * 1000);
                }

                parts.Add(new PartMatcher(regex, part.Component, parse));
            }
            else
            {
                var lookup = new Dictionary<string, double>(StringComparer.OrdinalIgnoreCase);
                if (part.Component is 'M' or 'x')
                {
                    for (var i = 0; i < DateTimeFormatter.Months.Length; i++)
                    {
                        var name = DateTimeFormatter.Months[i];
                        lookup[part.WidthMax is { } max && max < name.Length ? name[..max] : name] = i + 1;
                    }
                }
                else if (part.Component == 'F')
                {
                    for (var i = 1; i < DateTimeFormatter.Days.Length; i++)
                    {
                        var name = DateTimeFormatter.Days[i];
                        lookup[part.WidthMax is { } max && max < name.Length ? name[..max] : name] = i;
                    }
                }
                else if (part.Component == 'P')
                {
                    lookup["am"] = 0;
                    lookup["pm"] = 1;
                }
                else
                {
                    throw new JsonataException("D3133") { RawValue = part.Component.ToString(), HasValue = true };
                }

                parts.Add(new PartMatcher("[a-zA-Z]+", part.Component, v => lookup.TryGetValue(v, out var r) ? r : double.NaN));
            }
        }

        var fullRegex = "^" + string.Concat(parts.Select(p => "(" + p.Regex + ")")) + "$";
        var info = Regex.Match(timestamp, fullRegex, RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);
        if (!info.Success)
        {
            return null;
        }

        var components = new Dictionary<char, double>();
        for (var i = 1; i < info.Groups.Count && i - 1 < parts.Count; i++)
        {
            var mpart = parts[i - 1];
            if (mpart.Parse is not null)
            {
                components[mpart.Component] = mpart.Parse(info.Groups[i].Value);
            }
        }

        if (components.Count == 0)
        {
            return null;
        }

        var mask = 0;
        void Shift(bool bit)
        {
            mask <<= 1;
            mask += bit ? 1 : 0;
        }

        bool IsType(int type) => (~type & mask) == 0 && (type & mask) != 0;

        foreach (var c in "YXMxWwdD")
        {
            Shift(components.ContainsKey(c));
        }

        var dateA = IsType(161);
        var dateB = !dateA && IsType(130);
        var dateC = IsType(84);
        var dateD = !dateC && IsType(72);
        mask = 0;
        foreach (var c in "PHhmsf")
        {
            Shift(components.ContainsKey(c));
        }

        var timeA = IsType(23);
        var timeB = !timeA && IsType(47);
        var dateComps = dateB ? "YD" : dateC ? "XxwF" : dateD ? "XWF" : "YMD";
        var timeComps = timeB ? "Phmsf" : "Hmsf";
        var comps = dateComps + timeComps;
        var now = DateTimeOffset.FromUnixTimeMilliseconds((long)nowMillis);
        var startSpecified = false;
        var endSpecified = false;
        foreach (var part in comps)
        {
            if (!components.ContainsKey(part))
            {
                if (startSpecified)
                {
                    components[part] = "MDd".Contains(part, StringComparison.Ordinal) ? 1 : 0;
                    endSpecified = true;
                }
                else
                {
                    var frag = DateTimeFormatter.GetDateTimeFragment(now, part);
                    components[part] = frag is double fd ? fd : 0;
                }
            }
            else
            {
                startSpecified = true;
                if (endSpecified)
                {
                    throw JsonataException.Create("D3136");
                }
            }
        }

        if (components.TryGetValue('M', out var mv) && mv > 0)
        {
            components['M'] = mv - 1;
        }
        else
        {
            components['M'] = 0;
        }

        if (dateB)
        {
            var firstJan = DateTimeFormatter.UtcMillis((int)components['Y'], 0, 1);
            var derived = DateTimeOffset.FromUnixTimeMilliseconds((long)(firstJan + ((components['d'] - 1) * 86400000)));
            components['M'] = derived.Month - 1;
            components['D'] = derived.Day;
        }

        if (dateC || dateD)
        {
            throw JsonataException.Create("D3136");
        }

        if (timeB)
        {
            components['H'] = components['h'] == 12 ? 0 : components['h'];
            if (components.GetValueOrDefault('P') == 1)
            {
                components['H'] += 12;
            }
        }

        double Get(char c) => components.TryGetValue(c, out var v) ? v : 0;
        var values = new[] { Get('Y'), Get('M'), Get('D'), Get('H'), Get('m'), Get('s'), Get('f') };
        if (values.Any(double.IsNaN))
        {
            return null;
        }

        var millis = DateTimeFormatter.UtcMillis((int)values[0], (int)values[1], (int)values[2], (int)values[3], (int)values[4], (int)values[5], (int)values[6]);
        var tzOffset = components.TryGetValue('Z', out var z) ? z : components.TryGetValue('z', out var z2) ? z2 : 0;
        if (tzOffset != 0)
        {
            millis -= tzOffset * 60 * 1000;
        }

        return millis;
    }
}
