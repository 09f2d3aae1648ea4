using System.Text.Json.Nodes;

namespace Nimbus.Messaging.Scheduler;

/// <summary>A schedule (immutable snapshot): <see cref="Doc"/> is its GetSchedule shape without Arn, Name and GroupName.</summary>
/// <param name="NextFire">Unix ms of the next firing, or null when the schedule has none left.</param>
internal sealed record ScheduleDefinition(string Arn, string Name, string Group, string Account, string Region, JsonObject Doc, long? NextFire)
{
    public bool Enabled => Doc["State"]?.GetValue<string>() == "ENABLED";

    public bool DeleteAfterCompletion => Doc["ActionAfterCompletion"]?.GetValue<string>() == "DELETE";

    public JsonObject Target => (JsonObject)Doc["Target"]!;

    /// <summary>Where a rate schedule without a StartDate counts from: its creation.</summary>
    public DateTimeOffset Anchor => FromEpochSeconds(Doc["CreationDate"]!.GetValue<double>());

    public ScheduleRecurrence Recurrence() => ScheduleRecurrence.Parse(
        Doc["ScheduleExpression"]!.GetValue<string>(), Doc["ScheduleExpressionTimezone"]?.GetValue<string>(),
        Doc["StartDate"] is { } s ? FromEpochSeconds(s.GetValue<double>()) : null,
        Doc["EndDate"] is { } e ? FromEpochSeconds(e.GetValue<double>()) : null);

    public static string ArnFor(string region, string account, string group, string name) => $"arn:aws:scheduler:{region}:{account}:schedule/{group}/{name}";

    public static DateTimeOffset FromEpochSeconds(double seconds) => DateTimeOffset.FromUnixTimeMilliseconds((long)Math.Round(seconds * 1000));

    public static double EpochSeconds(DateTimeOffset t) => t.ToUnixTimeMilliseconds() / 1000.0;
}
