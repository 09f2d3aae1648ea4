using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Nimbus.Logs.Metrics.Store;

namespace Nimbus.Logs.Metrics.Api;

internal sealed partial class CloudWatchApi
{
    private const int MaxDatapointsPerRequest = 1440;

    private JsonObject PutMetricData(JsonObject body, string account, string region)
    {
        var ns = Wire.RequiredString(body, "Namespace");
        if (ns.StartsWith("AWS/", StringComparison.Ordinal))
        {
            throw CloudWatchErrors.InvalidParameterValue($"The value {ns} for parameter Namespace is invalid.");
        }

        var items = body["MetricData"] as JsonArray ?? throw CloudWatchErrors.MissingParameter("MetricData");
        if (items.Count > 1000)
        {
            throw CloudWatchErrors.InvalidParameterValue("The collection MetricData must not have a size greater than 1000.");
        }

        var now = time.GetUtcNow();
        var data = new List<MetricDatum>(items.Count);
        for (var i = 0; i < items.Count; i++)
        {
            var path = $"MetricData.member.{i + 1}";
            var m = items[i] as JsonObject ?? [];
            var name = Wire.String(m, "MetricName") ?? throw CloudWatchErrors.MissingParameter($"{path}.MetricName");
            var dims = MetricDimensions.Canonical(Wire.Dimensions(m, path));
            var at = Wire.Time(m, "Timestamp") ?? now;
            if (at > now.AddHours(2))
            {
                throw CloudWatchErrors.InvalidParameterValue($"The parameter {path}.Timestamp must specify a time no more than two hours in the future.");
            }

            if (at < now.AddDays(-14))
            {
                throw CloudWatchErrors.InvalidParameterValue($"The parameter {path}.Timestamp must specify a time within the past two weeks.");
            }

            var resolution = Wire.Int(m, "StorageResolution", $"{path}.StorageResolution") ?? 60;
            if (resolution is not (1 or 60))
            {
                throw CloudWatchErrors.InvalidParameterValue($"The parameter {path}.StorageResolution must be 1 or 60.");
            }

            var seconds = at.ToUnixTimeSeconds();
            var ts = seconds - (seconds % resolution);
            var unit = Wire.String(m, "Unit") is { } u ? Units.Check(u, $"{path}.Unit") : "None";
            var value = Wire.Double(m, "Value", $"{path}.Value");
            var set = m["StatisticValues"] as JsonObject;
            var values = m["Values"] as JsonArray;
            if ((value is not null ? 1 : 0) + (set is not null ? 1 : 0) + (values is not null ? 1 : 0) > 1)
            {
                throw CloudWatchErrors.InvalidParameterCombination($"The parameters {path}.Value, {path}.StatisticValues and {path}.Values are mutually exclusive and you have specified more than one.");
            }

            if (value is { } v)
            {
                data.Add(new MetricDatum(ns, name, dims, ts, unit, 1, v, v, v, [(v, 1)]));
            }
            else if (set is not null)
            {
                var count = Wire.Double(set, "SampleCount", $"{path}.StatisticValues.SampleCount") ?? throw CloudWatchErrors.MissingParameter($"{path}.StatisticValues.SampleCount");
                var sum = Wire.Double(set, "Sum", $"{path}.StatisticValues.Sum") ?? throw CloudWatchErrors.MissingParameter($"{path}.StatisticValues.Sum");
                var min = Wire.Double(set, "Minimum", $"{path}.StatisticValues.Minimum") ?? throw CloudWatchErrors.MissingParameter($"{path}.StatisticValues.Minimum");
                var max = Wire.Double(set, "Maximum", $"{path}.StatisticValues.Maximum") ?? throw CloudWatchErrors.MissingParameter($"{path}.StatisticValues.Maximum");
                if (count <= 0 || min > max)
                {
                    throw CloudWatchErrors.InvalidParameterValue($"The parameter {path}.StatisticValues must have a positive SampleCount and Minimum no greater than Maximum.");
                }

                data.Add(new MetricDatum(ns, name, dims, ts, unit, count, sum, min, max, null));
            }
            else if (values is not null)
            {
                var vs = values.Select(x => x!.GetValue<double>()).ToList();
                var counts = m["Counts"] is JsonArray ca ? ca.Select(x => x!.GetValue<double>()).ToList() : vs.Select(_ => 1.0).ToList();
                if (counts.Count != vs.Count)
                {
                    throw CloudWatchErrors.InvalidParameterValue($"The parameters {path}.Values and {path}.Counts must be of the same size.");
                }

                if (vs.Count is 0 or > 150)
                {
                    throw CloudWatchErrors.InvalidParameterValue($"The collection {path}.Values must have between 1 and 150 members.");
                }

                var pairs = vs.Zip(counts).Where(p => p.Second > 0).ToList();
                if (pairs.Count > 0)
                {
                    data.Add(new MetricDatum(ns, name, dims, ts, unit, pairs.Sum(p => p.Second), pairs.Sum(p => p.First * p.Second),
                        pairs.Min(p => p.First), pairs.Max(p => p.First), pairs.Select(p => (p.First, p.Second)).ToList()));
                }
            }
            else
            {
                throw CloudWatchErrors.InvalidParameterCombination($"At least one of the parameters {path}.Value, {path}.StatisticValues or {path}.Values must be specified.");
            }
        }

        metrics.Insert(account, region, data);
        return [];
    }

    private JsonObject GetMetricStatistics(JsonObject body, string account, string region)
    {
        var ns = Wire.RequiredString(body, "Namespace");
        var name = Wire.RequiredString(body, "MetricName");
        var start = Wire.RequiredTime(body, "StartTime");
        var end = Wire.RequiredTime(body, "EndTime");
        var period = Wire.Int(body, "Period") ?? throw CloudWatchErrors.MissingParameter("Period");
        var statistics = Wire.Strings(body, "Statistics");
        var extended = Wire.Strings(body, "ExtendedStatistics");
        var unit = Wire.String(body, "Unit") is { } u ? Units.Check(u, "Unit") : null;
        if (statistics.Count == 0 && extended.Count == 0)
        {
            throw CloudWatchErrors.InvalidParameterCombination("Must specify either Statistics or ExtendedStatistics.");
        }

        for (var i = 0; i < statistics.Count; i++)
        {
            if (!MetricStatistics.Standard.Contains(statistics[i]))
            {
                throw CloudWatchErrors.InvalidParameterValue($"The parameter Statistics.member.{i + 1} must be a value in the set [ Maximum, Minimum, Sum, SampleCount, Average ].");
            }
        }

        for (var i = 0; i < extended.Count; i++)
        {
            if (!MetricStatistics.IsPercentile(extended[i]))
            {
                throw CloudWatchErrors.InvalidParameterValue($"The value {extended[i]} for parameter ExtendedStatistics.member.{i + 1} is invalid.");
            }
        }

        var (from, to, buckets) = Buckets(start, end, period, "");
        evaluator.Flush();
        var metric = new MetricIdentity(ns, name, MetricDimensions.Canonical(Wire.Dimensions(body, "Dimensions")));
        var datapoints = new JsonArray();
        foreach (var (bucketStart, points) in Aggregate(metrics.Query(account, region, metric, from, to, unit), from, period, buckets))
        {
            var dp = new JsonObject { ["Timestamp"] = bucketStart };
            foreach (var s in statistics)
            {
                dp[s] = MetricStatistics.Compute(points, s);
            }

            if (extended.Count > 0)
            {
                var ext = new JsonObject();
                foreach (var e in extended)
                {
                    if (MetricStatistics.Compute(points, e) is { } value)
                    {
                        ext[e] = value;
                    }
                }

                dp["ExtendedStatistics"] = ext;
            }

            dp["Unit"] = MetricStatistics.Unit(points);
            datapoints.Add(dp);
        }

        return new JsonObject { ["Label"] = name, ["Datapoints"] = datapoints };
    }

    [GeneratedRegex("^[a-z][a-zA-Z0-9_]*$")]
    private static partial Regex QueryId();

    private JsonObject GetMetricData(JsonObject body, string account, string region)
    {
        var queries = body["MetricDataQueries"] as JsonArray ?? throw CloudWatchErrors.MissingParameter("MetricDataQueries");
        if (queries.Count is 0 or > 500)
        {
            throw CloudWatchErrors.ValidationError("The collection MetricDataQueries must have between 1 and 500 members.");
        }

        var start = Wire.RequiredTime(body, "StartTime");
        var end = Wire.RequiredTime(body, "EndTime");
        var ascending = Wire.String(body, "ScanBy") == "TimestampAscending";
        evaluator.Flush();
        var results = new JsonArray();
        var ids = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < queries.Count; i++)
        {
            var path = $"MetricDataQueries.member.{i + 1}";
            var q = queries[i] as JsonObject ?? [];
            var id = Wire.String(q, "Id") ?? throw CloudWatchErrors.MissingParameter($"{path}.Id");
            if (!QueryId().IsMatch(id) || !ids.Add(id))
            {
                throw CloudWatchErrors.ValidationError($"The value {id} for parameter {path}.Id is invalid: ids are unique, start with a lowercase letter and contain only letters, numbers and underscores.");
            }

            if (q["Expression"] is not null)
            {
                throw CloudWatchErrors.ValidationError($"Nimbus does not evaluate metric math or Metrics Insights queries: {path}.Expression is not supported (use MetricStat).");
            }

            var stat = q["MetricStat"] as JsonObject ?? throw CloudWatchErrors.ValidationError($"{path} must have either MetricStat or Expression.");
            var metricJson = stat["Metric"] as JsonObject ?? throw CloudWatchErrors.MissingParameter($"{path}.MetricStat.Metric");
            var statistic = Wire.String(stat, "Stat") ?? throw CloudWatchErrors.MissingParameter($"{path}.MetricStat.Stat");
            if (!MetricStatistics.Standard.Contains(statistic) && !MetricStatistics.IsPercentile(statistic))
            {
                throw CloudWatchErrors.ValidationError($"The value {statistic} for parameter {path}.MetricStat.Stat is invalid: Nimbus supports SampleCount, Average, Sum, Minimum, Maximum and pNN percentiles.");
            }

            var period = Wire.Int(stat, "Period") ?? throw CloudWatchErrors.MissingParameter($"{path}.MetricStat.Period");
            var unit = Wire.String(stat, "Unit") is { } u ? Units.Check(u, $"{path}.MetricStat.Unit") : null;
            var metricName = Wire.String(metricJson, "MetricName") ?? throw CloudWatchErrors.MissingParameter($"{path}.MetricStat.Metric.MetricName");
            var metric = new MetricIdentity(
                Wire.String(metricJson, "Namespace") ?? throw CloudWatchErrors.MissingParameter($"{path}.MetricStat.Metric.Namespace"),
                metricName,
                MetricDimensions.Canonical(Wire.Dimensions(metricJson, $"{path}.MetricStat.Metric")));
            var (from, to, buckets) = Buckets(start, end, period, $"{path}.MetricStat.");
            var timestamps = new List<long>();
            var values = new List<double>();
            foreach (var (bucketStart, points) in Aggregate(metrics.Query(account, region, metric, from, to, unit), from, period, buckets))
            {
                if (MetricStatistics.Compute(points, statistic) is { } value)
                {
                    timestamps.Add(bucketStart);
                    values.Add(value);
                }
            }

            if (!ascending)
            {
                timestamps.Reverse();
                values.Reverse();
            }

            if (Wire.Bool(q, "ReturnData") == false)
            {
                continue;
            }

            results.Add(new JsonObject
            {
                ["Id"] = id,
                ["Label"] = Wire.String(q, "Label") ?? metricName,
                ["Timestamps"] = new JsonArray(timestamps.Select(t => (JsonNode)JsonValue.Create(t)).ToArray()),
                ["Values"] = new JsonArray(values.Select(v => (JsonNode)JsonValue.Create(v)).ToArray()),
                ["StatusCode"] = "Complete",
            });
        }

        return new JsonObject { ["MetricDataResults"] = results, ["Messages"] = new JsonArray() };
    }

    private JsonObject ListMetrics(JsonObject body, string account, string region)
    {
        evaluator.Flush();
        var recently = Wire.String(body, "RecentlyActive");
        if (recently is not null and not "PT3H")
        {
            throw CloudWatchErrors.InvalidParameterValue($"The value {recently} for parameter RecentlyActive is invalid: it must be PT3H.");
        }

        var since = time.GetUtcNow().Subtract(recently is null ? TimeSpan.FromDays(14) : TimeSpan.FromHours(3)).ToUnixTimeSeconds();
        var filters = (body["Dimensions"] as JsonArray ?? []).OfType<JsonObject>()
            .Select(f => (Name: Wire.RequiredString(f, "Name"), Value: Wire.String(f, "Value"))).ToList();
        var found = metrics.Metrics(account, region, Wire.String(body, "Namespace"), Wire.String(body, "MetricName"), since)
            .Select(m => (Metric: m, Dimensions: MetricDimensions.Parse(m.Dimensions)))
            .Where(m => filters.All(f => m.Dimensions.Any(d => d.Key == f.Name && (f.Value is null || d.Value == f.Value))))
            .ToList();
        var (first, size) = Wire.Page(Wire.String(body, "NextToken"), 500);
        var page = found.Skip(first).Take(size).ToList();
        var result = new JsonObject
        {
            ["Metrics"] = new JsonArray(page.Select(m => (JsonNode)new JsonObject
            {
                ["Namespace"] = m.Metric.Namespace,
                ["MetricName"] = m.Metric.Name,
                ["Dimensions"] = MetricDimensions.ToJson(m.Metric.Dimensions),
            }).ToArray()),
        };
        if (first + size < found.Count)
        {
            result["NextToken"] = (first + size).ToString(CultureInfo.InvariantCulture);
        }

        return result;
    }

    /// <summary>Checks a query's period and range; returns the first bucket's start, the range end and the bucket count.</summary>
    private static (long From, long To, long Buckets) Buckets(DateTimeOffset start, DateTimeOffset end, int period, string prefix)
    {
        if (period is not (1 or 5 or 10 or 30) && (period < 60 || period % 60 != 0))
        {
            throw CloudWatchErrors.InvalidParameterValue($"The parameter {prefix}Period must be 1, 5, 10, 30 or a multiple of 60.");
        }

        if (start >= end)
        {
            throw CloudWatchErrors.InvalidParameterValue("The parameter StartTime must be less than the parameter EndTime.");
        }

        var align = period < 60 ? period : 60;
        var from = start.ToUnixTimeSeconds() - (start.ToUnixTimeSeconds() % align);
        var to = end.ToUnixTimeSeconds();
        var buckets = (to - from + period - 1) / period;
        if (prefix.Length == 0 && buckets > MaxDatapointsPerRequest)
        {
            throw CloudWatchErrors.InvalidParameterCombination(
                $"You have requested up to {buckets.ToString("N0", CultureInfo.InvariantCulture)} datapoints, which exceeds the limit of 1,440. You may reduce the datapoints requested by increasing Period, or decreasing the time range.");
        }

        return (from, to, buckets);
    }

    /// <summary>The datapoints grouped into periods starting at <paramref name="from"/>; periods without data are left out.</summary>
    private static IEnumerable<(long Start, IReadOnlyList<MetricDatum> Points)> Aggregate(List<MetricDatum> data, long from, int period, long buckets) =>
        data.GroupBy(d => from + ((d.Timestamp - from) / period * period))
            .Where(g => (g.Key - from) / period < buckets)
            .OrderBy(g => g.Key)
            .Select(g => (g.Key, (IReadOnlyList<MetricDatum>)g.ToList()));
}
