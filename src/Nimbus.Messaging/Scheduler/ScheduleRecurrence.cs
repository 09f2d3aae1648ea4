using System.Globalization;
using System.Text.RegularExpressions;
using Nimbus.Core.Errors;
using Nimbus.Messaging.Events;

namespace Nimbus.Messaging.Scheduler;

/// <summary>When a schedule fires: its <c>at()</c>, <c>rate()</c> or <c>cron()</c> expression in its time zone, within its start and end dates.</summary>
/// <remarks>
/// <c>rate()</c> and <c>cron()</c> reuse EventBridge's parser (<see cref="Events.Schedule"/>). A rate schedule fires at its anchor
/// (StartDate, else its creation) and every interval after it, so a new rate schedule without a StartDate fires at once
/// ("your schedule starts invoking its target immediately"). Cron fields are wall-clock times in the schedule's time zone;
/// as the Scheduler guide's daylight-saving section says, a time skipped when clocks go forward does not fire, and a time
/// repeated when they go back fires once. An <c>at()</c> time is a wall-clock time in the time zone; StartDate and EndDate
/// do not apply to it. A one-time schedule up to a minute late (the service's own precision) still fires; one older than
/// that never does.
/// </remarks>
internal sealed partial record ScheduleRecurrence(Schedule? Recurring, DateTimeOffset? At, TimeZoneInfo Zone, DateTimeOffset? Start, DateTimeOffset? End)
{
    public bool OneTime => At is not null;

    /// <summary>Parses an expression in a time zone; throws Scheduler's ValidationException for either.</summary>
    public static ScheduleRecurrence Parse(string expression, string? timezone, DateTimeOffset? start, DateTimeOffset? end)
    {
        var zone = FindZone(timezone);
        var at = AtRegex().Match(expression);
        if (at.Success)
        {
            if (!DateTime.TryParseExact(at.Groups[1].Value, "yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture, DateTimeStyles.None, out var local))
            {
                throw SchedulerErrors.InvalidExpression(expression);
            }

            var utc = zone.IsInvalidTime(local) ? local - zone.BaseUtcOffset : local - Offset(zone, local);
            return new ScheduleRecurrence(null, new DateTimeOffset(DateTime.SpecifyKind(utc, DateTimeKind.Utc)), zone, null, null);
        }

        try
        {
            return new ScheduleRecurrence(Schedule.Parse(expression), null, zone, start, end);
        }
        catch (AwsServiceException)
        {
            throw SchedulerErrors.InvalidExpression(expression);
        }
    }

    public static TimeZoneInfo FindZone(string? timezone)
    {
        if (timezone is null or "UTC")
        {
            return TimeZoneInfo.Utc;
        }

        try
        {
            return TimeZoneInfo.FindSystemTimeZoneById(timezone);
        }
        catch (Exception e) when (e is TimeZoneNotFoundException or InvalidTimeZoneException)
        {
            throw SchedulerErrors.Validation($"Invalid ScheduleExpressionTimezone {timezone}.");
        }
    }

    /// <summary>The first firing at or after <paramref name="from"/>, or null when the schedule has no more.</summary>
    /// <param name="anchor">Where a rate schedule without a StartDate counts from (its creation).</param>
    public DateTimeOffset? NextFrom(DateTimeOffset from, DateTimeOffset anchor)
    {
        if (At is { } at)
        {
            return at >= from.AddMinutes(-1) ? at : null;
        }

        if (Start is { } start && from < start)
        {
            from = start;
        }

        var next = Recurring switch
        {
            RateSchedule rate => Rate(rate, from, Start ?? anchor),
            CronSchedule cron => Cron(cron, from),
            _ => null,
        };
        return next is { } n && End is { } end && n > end ? null : next;
    }

    private static DateTimeOffset Rate(RateSchedule rate, DateTimeOffset from, DateTimeOffset anchor)
    {
        if (from <= anchor)
        {
            return anchor;
        }

        var periods = (long)Math.Ceiling((from - anchor).Ticks / (double)rate.Interval.Ticks);
        return anchor + TimeSpan.FromTicks(rate.Interval.Ticks * periods);
    }

    /// <summary>Cron fields are matched against the zone's wall clock; skipped local times never fire, repeated ones fire once.</summary>
    private DateTimeOffset? Cron(CronSchedule cron, DateTimeOffset from)
    {
        var wall = new DateTimeOffset(DateTime.SpecifyKind(TimeZoneInfo.ConvertTime(from, Zone).DateTime, DateTimeKind.Utc)).AddMilliseconds(-1);
        for (var i = 0; i < 1000; i++)
        {
            if (cron.Next(wall, wall) is not { } candidate)
            {
                return null;
            }

            wall = candidate;
            var local = DateTime.SpecifyKind(candidate.UtcDateTime, DateTimeKind.Unspecified);
            if (Zone.IsInvalidTime(local))
            {
                continue;
            }

            // An ambiguous time maps to its first occurrence, so the repeated hour fires once.
            var utc = new DateTimeOffset(DateTime.SpecifyKind(local - Offset(Zone, local), DateTimeKind.Utc));
            if (utc >= from)
            {
                return utc;
            }
        }

        return null;
    }

    private static TimeSpan Offset(TimeZoneInfo zone, DateTime local) =>
        zone.IsAmbiguousTime(local) ? zone.GetAmbiguousTimeOffsets(local).Max() : zone.GetUtcOffset(local);

    [GeneratedRegex(@"^at\((\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})\)$")]
    private static partial Regex AtRegex();
}
