using System.Globalization;
using System.Text.RegularExpressions;

namespace Nimbus.Messaging.Events;

/// <summary>A rule's <c>ScheduleExpression</c>: <c>rate(value unit)</c> or AWS's six-field <c>cron(…)</c>, in UTC.</summary>
/// <remarks>
/// Cron fields: minutes, hours, day-of-month, month, day-of-week, year; one of day-of-month and day-of-week must be
/// <c>?</c>. Supported: <c>* , - /</c>, month and weekday names, <c>L</c> (last day of month, or last weekday N as <c>NL</c>),
/// <c>W</c> (nearest weekday) and <c>#</c> (Nth weekday); day-of-week counts 1 = Sunday as AWS does.
/// </remarks>
internal abstract partial record Schedule
{
    /// <summary>The first firing strictly after <paramref name="after"/>.</summary>
    public abstract DateTimeOffset? Next(DateTimeOffset after, DateTimeOffset created);

    public static Schedule Parse(string expression)
    {
        var rate = RateRegex().Match(expression);
        if (rate.Success)
        {
            var value = int.Parse(rate.Groups[1].Value, CultureInfo.InvariantCulture);
            var unit = rate.Groups[2].Value;
            var singular = !unit.EndsWith('s');
            if (value <= 0 || (value == 1) != singular)
            {
                throw EventsErrors.Validation("Parameter ScheduleExpression is not valid.");
            }

            var span = unit.TrimEnd('s') switch
            {
                "minute" => TimeSpan.FromMinutes(value),
                "hour" => TimeSpan.FromHours(value),
                _ => TimeSpan.FromDays(value),
            };
            return new RateSchedule(span);
        }

        var cron = CronRegex().Match(expression);
        if (cron.Success)
        {
            return CronSchedule.Parse(cron.Groups[1].Value.Split(' ', StringSplitOptions.RemoveEmptyEntries));
        }

        throw EventsErrors.Validation("Parameter ScheduleExpression is not valid.");
    }

    [GeneratedRegex(@"^rate\((\d+) (minutes?|hours?|days?)\)$")]
    private static partial Regex RateRegex();

    [GeneratedRegex(@"^cron\(([^)]*)\)$")]
    private static partial Regex CronRegex();
}

/// <summary><c>rate(…)</c>: every interval from the rule's creation.</summary>
internal sealed record RateSchedule(TimeSpan Interval) : Schedule
{
    public override DateTimeOffset? Next(DateTimeOffset after, DateTimeOffset created)
    {
        var elapsed = after - created;
        var periods = elapsed < TimeSpan.Zero ? 0 : (long)(elapsed.Ticks / Interval.Ticks);
        var next = created + TimeSpan.FromTicks(Interval.Ticks * (periods + 1));
        return next;
    }
}

/// <summary><c>cron(…)</c>: the minute sets of each field, with day rules evaluated per month.</summary>
internal sealed record CronSchedule(
    IReadOnlySet<int> Minutes, IReadOnlySet<int> Hours, string DayOfMonth, IReadOnlySet<int> Months, string DayOfWeek, IReadOnlySet<int> Years) : Schedule
{
    private static readonly string[] MonthNames = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"];
    private static readonly string[] DayNames = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];

    public static CronSchedule Parse(string[] f)
    {
        if (f.Length != 6 || (f[2] == "?") == (f[4] == "?"))
        {
            throw EventsErrors.Validation("Parameter ScheduleExpression is not valid.");
        }

        var schedule = new CronSchedule(Field(f[0], 0, 59, null), Field(f[1], 0, 23, null), f[2].ToUpperInvariant(), Field(f[3], 1, 12, MonthNames),
            f[4].ToUpperInvariant(), Field(f[5], 1970, 2199, null));
        // Validate the day fields by evaluating them once.
        _ = schedule.DayMatches(new DateOnly(2024, 1, 1));
        return schedule;
    }

    public override DateTimeOffset? Next(DateTimeOffset after, DateTimeOffset created)
    {
        var start = after.UtcDateTime;
        var t = new DateTime(start.Year, start.Month, start.Day, start.Hour, start.Minute, 0, DateTimeKind.Utc).AddMinutes(1);
        var day = DateOnly.FromDateTime(t);
        for (var i = 0; i < 366 * 5; i++, day = day.AddDays(1))
        {
            if (!Years.Contains(day.Year) || !Months.Contains(day.Month) || !DayMatches(day))
            {
                continue;
            }

            foreach (var h in Hours.Order())
            {
                foreach (var m in Minutes.Order())
                {
                    var candidate = new DateTime(day.Year, day.Month, day.Day, h, m, 0, DateTimeKind.Utc);
                    if (candidate >= t)
                    {
                        return new DateTimeOffset(candidate);
                    }
                }
            }
        }

        return null;
    }

    private bool DayMatches(DateOnly d) => DayOfMonth != "?" ? MonthDayMatches(d) : WeekDayMatches(d);

    private bool MonthDayMatches(DateOnly d)
    {
        var last = DateTime.DaysInMonth(d.Year, d.Month);
        if (DayOfMonth == "L")
        {
            return d.Day == last;
        }

        if (DayOfMonth.EndsWith('W'))
        {
            var target = Math.Min(ParseInt(DayOfMonth[..^1], 1, 31), last);
            var date = new DateOnly(d.Year, d.Month, target);
            var nearest = date.DayOfWeek switch
            {
                System.DayOfWeek.Saturday => target == 1 ? date.AddDays(2) : date.AddDays(-1),
                System.DayOfWeek.Sunday => target == last ? date.AddDays(-2) : date.AddDays(1),
                _ => date,
            };
            return nearest == d;
        }

        return Field(DayOfMonth, 1, 31, null).Contains(d.Day);
    }

    private bool WeekDayMatches(DateOnly d)
    {
        var dow = (int)d.DayOfWeek + 1;
        if (DayOfWeek.Contains('#'))
        {
            var parts = DayOfWeek.Split('#');
            var wanted = Single(parts[0], 1, 7, DayNames);
            var nth = ParseInt(parts[1], 1, 5);
            return dow == wanted && ((d.Day - 1) / 7) + 1 == nth;
        }

        if (DayOfWeek.EndsWith('L'))
        {
            var wanted = DayOfWeek == "L" ? 7 : Single(DayOfWeek[..^1], 1, 7, DayNames);
            return dow == wanted && d.Day + 7 > DateTime.DaysInMonth(d.Year, d.Month);
        }

        return Field(DayOfWeek, 1, 7, DayNames).Contains(dow);
    }

    private static HashSet<int> Field(string text, int min, int max, string[]? names)
    {
        var set = new HashSet<int>();
        foreach (var part in text.ToUpperInvariant().Split(','))
        {
            var (range, step) = part.Contains('/') ? (part[..part.IndexOf('/')], ParseInt(part[(part.IndexOf('/') + 1)..], 1, max)) : (part, 1);
            int lo, hi;
            if (range is "*" or "?")
            {
                (lo, hi) = (min, max);
            }
            else if (range.Contains('-'))
            {
                var ends = range.Split('-');
                (lo, hi) = (Single(ends[0], min, max, names), Single(ends[1], min, max, names));
            }
            else
            {
                lo = Single(range, min, max, names);
                hi = part.Contains('/') ? max : lo;
            }

            if (lo > hi)
            {
                throw EventsErrors.Validation("Parameter ScheduleExpression is not valid.");
            }

            for (var v = lo; v <= hi; v += step)
            {
                set.Add(v);
            }
        }

        return set;
    }

    private static int Single(string text, int min, int max, string[]? names)
    {
        if (names is not null && Array.IndexOf(names, text) is var i and >= 0)
        {
            return i + min;
        }

        return ParseInt(text, min, max);
    }

    private static int ParseInt(string text, int min, int max) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var v) && v >= min && v <= max
            ? v : throw EventsErrors.Validation("Parameter ScheduleExpression is not valid.");
}
