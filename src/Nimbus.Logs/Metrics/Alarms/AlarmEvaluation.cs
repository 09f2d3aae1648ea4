using System.Globalization;
using System.Text.Json.Nodes;
using Nimbus.Logs.Metrics.Store;

namespace Nimbus.Logs.Metrics.Alarms;

/// <summary>Decides a metric alarm's state from its datapoints, the way CloudWatch does: M out of N periods breaching.</summary>
/// <remarks>
/// The evaluation range is the alarm's last <c>EvaluationPeriods</c> periods, aligned to multiples of the period. The period
/// in progress counts once it has data; until then the range ends at the last complete period, so a period that has only
/// just begun is not taken for missing data. TreatMissingData (AWS "Configuring how CloudWatch alarms treat missing data"):
/// <c>breaching</c>/<c>notBreaching</c> fill the gaps; <c>missing</c> goes to INSUFFICIENT_DATA when the whole range is
/// empty; <c>ignore</c> keeps the current state then. Otherwise the alarm is ALARM when at least <c>DatapointsToAlarm</c>
/// periods breach, and OK when fewer do.
/// </remarks>
internal static class AlarmEvaluation
{
    /// <summary>The state the alarm should be in, with AWS's StateReason and StateReasonData.</summary>
    public sealed record Outcome(string State, string Reason, string ReasonData);

    /// <summary>The time range (Unix seconds, end exclusive) of datapoints an evaluation at <paramref name="now"/> reads.</summary>
    public static (long From, long To) Range(AlarmDefinition alarm, DateTimeOffset now)
    {
        var p = alarm.Period;
        var current = Floor(now.ToUnixTimeSeconds(), p);
        return (current - (long)alarm.EvaluationPeriods * p, current + p);
    }

    /// <summary>Evaluates the alarm; null when its state should stay as it is (TreatMissingData <c>ignore</c> with no data).</summary>
    public static Outcome? Evaluate(AlarmDefinition alarm, IReadOnlyList<MetricDatum> data, DateTimeOffset now)
    {
        var p = alarm.Period;
        var current = Floor(now.ToUnixTimeSeconds(), p);
        var byPeriod = data.GroupBy(d => Floor(d.Timestamp, p)).ToDictionary(g => g.Key, g => (IReadOnlyList<MetricDatum>)g.ToList());
        var end = byPeriod.ContainsKey(current) ? current : current - p;

        // Newest first, as AWS lists them.
        var periods = new List<(long Start, double? Value, double SampleCount)>();
        for (var i = 0; i < alarm.EvaluationPeriods; i++)
        {
            var start = end - (i * (long)p);
            var points = byPeriod.GetValueOrDefault(start);
            periods.Add((start, points is null ? null : MetricStatistics.Compute(points, alarm.Stat), points?.Sum(d => d.SampleCount) ?? 0));
        }

        var present = periods.Where(x => x.Value is not null).ToList();
        var missing = periods.Count - present.Count;
        var breaching = present.Where(x => alarm.Breaches(x.Value!.Value)).ToList();
        var notBreaching = present.Where(x => !alarm.Breaches(x.Value!.Value)).ToList();
        var breachCount = breaching.Count + (alarm.TreatMissingData == "breaching" ? missing : 0);
        var okCount = notBreaching.Count + (alarm.TreatMissingData == "notBreaching" ? missing : 0);
        var reasonData = ReasonData(alarm, now, end, periods);

        if (breachCount >= alarm.DatapointsToAlarm)
        {
            return new Outcome(MetricAlarm.Alarm, Crossed(alarm, breachCount, breaching, alarm.DatapointsToAlarm, "OK -> ALARM", negated: false), reasonData);
        }

        if (present.Count == 0 && alarm.TreatMissingData is "missing" or "ignore")
        {
            return alarm.TreatMissingData == "ignore"
                ? null
                : new Outcome(MetricAlarm.InsufficientData, $"Insufficient Data: {Datapoints(missing)} {(missing == 1 ? "was" : "were")} unknown.", reasonData);
        }

        var toOk = alarm.EvaluationPeriods - alarm.DatapointsToAlarm + 1;
        return new Outcome(MetricAlarm.Ok, Crossed(alarm, okCount, notBreaching, toOk, "ALARM -> OK", negated: true), reasonData);
    }

    /// <summary>"Threshold Crossed: 2 out of the last 3 datapoints [5.0 (27/11/26 10:50:00), …] were greater than the threshold (1.0) (minimum 2 datapoints for OK -> ALARM transition)."</summary>
    private static string Crossed(AlarmDefinition alarm, int count, List<(long Start, double? Value, double SampleCount)> listed, int minimum, string transition, bool negated)
    {
        var points = "[" + string.Join(", ", listed.Select(x => $"{Number(x.Value!.Value)} ({DateTimeOffset.FromUnixTimeSeconds(x.Start).ToString("dd/MM/yy HH:mm:ss", CultureInfo.InvariantCulture)})")) + "]";
        var verb = count == 1 ? "was" : "were";
        var comparison = (negated ? "not " : "") + alarm.ComparisonWords;
        return alarm.EvaluationPeriods == 1
            ? $"Threshold Crossed: 1 datapoint {points} {verb} {comparison} the threshold ({Number(alarm.Threshold)})."
            : $"Threshold Crossed: {count} out of the last {alarm.EvaluationPeriods} datapoints {points} {verb} {comparison} the threshold ({Number(alarm.Threshold)}) (minimum {Datapoints(minimum)} for {transition} transition).";
    }

    private static string ReasonData(AlarmDefinition alarm, DateTimeOffset now, long end, List<(long Start, double? Value, double SampleCount)> periods)
    {
        var data = new JsonObject
        {
            ["version"] = "1.0",
            ["queryDate"] = Timestamp(now),
            ["startDate"] = Timestamp(DateTimeOffset.FromUnixTimeSeconds(end - ((alarm.EvaluationPeriods - 1) * (long)alarm.Period))),
            [alarm.Statistic is null ? "extendedStatistic" : "statistic"] = alarm.Stat,
            ["period"] = alarm.Period,
            ["recentDatapoints"] = new JsonArray(periods.Where(x => x.Value is not null).Reverse().Select(x => (JsonNode)JsonValue.Create(x.Value!.Value)).ToArray()),
            ["threshold"] = alarm.Threshold,
            ["evaluatedDatapoints"] = new JsonArray(periods.Select(x =>
            {
                var o = new JsonObject { ["timestamp"] = Timestamp(DateTimeOffset.FromUnixTimeSeconds(x.Start)) };
                if (x.Value is { } v)
                {
                    o["sampleCount"] = x.SampleCount;
                    o["value"] = v;
                }

                return (JsonNode)o;
            }).ToArray()),
        };
        if (alarm.Unit is not null)
        {
            data["unit"] = alarm.Unit;
        }

        return data.ToJsonString();
    }

    /// <summary>AWS's timestamp shape in reason data: <c>2026-11-27T10:50:00.000+0000</c>.</summary>
    public static string Timestamp(DateTimeOffset t) => t.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.fff'+0000'", CultureInfo.InvariantCulture);

    /// <summary>A number as CloudWatch's reasons print it (Java's double formatting): <c>5.0</c>, <c>0.25</c>.</summary>
    public static string Number(double value) =>
        value == Math.Floor(value) && Math.Abs(value) < 1e7 ? value.ToString("0.0", CultureInfo.InvariantCulture) : value.ToString("R", CultureInfo.InvariantCulture);

    private static string Datapoints(int n) => n == 1 ? "1 datapoint" : $"{n} datapoints";

    private static long Floor(long t, int period) => t - (((t % period) + period) % period);
}
