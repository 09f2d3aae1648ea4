using System.Globalization;

namespace Nimbus.Logs.Metrics.Store;

/// <summary>CloudWatch statistics over the datapoints of one period: SampleCount, Sum, Average, Minimum, Maximum and pNN percentiles.</summary>
internal static class MetricStatistics
{
    public static readonly string[] Standard = ["SampleCount", "Average", "Sum", "Minimum", "Maximum"];

    /// <summary>Whether <paramref name="statistic"/> is a percentile CloudWatch accepts: <c>p</c> then 0–100 with up to two decimals.</summary>
    public static bool IsPercentile(string statistic) =>
        statistic.Length > 1 && statistic[0] == 'p' && double.TryParse(statistic.AsSpan(1), NumberStyles.Float, CultureInfo.InvariantCulture, out var p) && p is >= 0 and <= 100;

    /// <summary>The value of <paramref name="statistic"/> over <paramref name="data"/>, or null when there is none (no samples, or a
    /// percentile over datapoints sent only as statistic sets).</summary>
    public static double? Compute(IReadOnlyList<MetricDatum> data, string statistic)
    {
        if (data.Count == 0)
        {
            return null;
        }

        var count = 0.0;
        var sum = 0.0;
        var min = double.MaxValue;
        var max = double.MinValue;
        foreach (var d in data)
        {
            count += d.SampleCount;
            sum += d.Sum;
            min = Math.Min(min, d.Minimum);
            max = Math.Max(max, d.Maximum);
        }

        return statistic switch
        {
            "SampleCount" => count,
            "Sum" => sum,
            "Average" => count > 0 ? sum / count : null,
            "Minimum" => min,
            "Maximum" => max,
            _ when IsPercentile(statistic) => Percentile(data, double.Parse(statistic.AsSpan(1), CultureInfo.InvariantCulture)),
            _ => null,
        };
    }

    /// <summary>The nearest-rank percentile of the raw values; null when some datapoint carried no raw values.</summary>
    private static double? Percentile(IReadOnlyList<MetricDatum> data, double p)
    {
        if (data.Any(d => d.Values is null))
        {
            return null;
        }

        var values = data.SelectMany(d => d.Values!).Where(v => v.Count > 0).OrderBy(v => v.Value).ToList();
        var total = values.Sum(v => v.Count);
        if (total <= 0)
        {
            return null;
        }

        var rank = Math.Max(1, Math.Ceiling(p / 100 * total));
        var seen = 0.0;
        foreach (var (value, c) in values)
        {
            seen += c;
            if (seen >= rank)
            {
                return value;
            }
        }

        return values[^1].Value;
    }

    /// <summary>The unit a period's datapoints report: their common unit, else <c>None</c>.</summary>
    public static string Unit(IReadOnlyList<MetricDatum> data) =>
        data.Select(d => d.Unit).Distinct(StringComparer.Ordinal).Count() == 1 ? data[0].Unit : "None";
}
