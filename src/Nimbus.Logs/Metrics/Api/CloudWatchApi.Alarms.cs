using System.Globalization;
using System.Text.Json.Nodes;
using Nimbus.Logs.Metrics.Alarms;
using Nimbus.Logs.Metrics.Store;

namespace Nimbus.Logs.Metrics.Api;

internal sealed partial class CloudWatchApi
{
    private static readonly HashSet<string> States = [MetricAlarm.Ok, MetricAlarm.Alarm, MetricAlarm.InsufficientData];

    private JsonObject DescribeAlarms(JsonObject body, string account, string region)
    {
        var names = Wire.Strings(body, "AlarmNames");
        var prefix = Wire.String(body, "AlarmNamePrefix");
        if (names.Count > 0 && prefix is not null)
        {
            throw CloudWatchErrors.InvalidParameterCombination("AlarmNames and AlarmNamePrefix cannot be specified together.");
        }

        var state = Wire.String(body, "StateValue");
        if (state is not null && !States.Contains(state))
        {
            throw CloudWatchErrors.InvalidParameterValue($"The value {state} for parameter StateValue is invalid.");
        }

        var max = Wire.Int(body, "MaxRecords") ?? 50;
        if (max is < 1 or > 100)
        {
            throw CloudWatchErrors.InvalidParameterValue("The parameter MaxRecords must be between 1 and 100.");
        }

        var types = Wire.Strings(body, "AlarmTypes");
        var actionPrefix = Wire.String(body, "ActionPrefix");
        var selected = types.Count > 0 && !types.Contains("MetricAlarm")
            ? []
            : alarms.List(account, region)
                .Where(a => names.Count == 0 || names.Contains(a.Name))
                .Where(a => prefix is null || a.Name.StartsWith(prefix, StringComparison.Ordinal))
                .Where(a => state is null || a.State == state)
                .Where(a => actionPrefix is null || new[] { "AlarmActions", "OKActions", "InsufficientDataActions" }.SelectMany(a.Actions).Any(x => x.StartsWith(actionPrefix, StringComparison.Ordinal)))
                .ToList();
        var (first, size) = Wire.Page(Wire.String(body, "NextToken"), max);
        var result = new JsonObject
        {
            ["MetricAlarms"] = new JsonArray(selected.Skip(first).Take(size).Select(a => (JsonNode)AlarmService.Describe(a)).ToArray()),
            ["CompositeAlarms"] = new JsonArray(),
        };
        if (first + size < selected.Count)
        {
            result["NextToken"] = (first + size).ToString(CultureInfo.InvariantCulture);
        }

        return result;
    }

    private JsonObject DescribeAlarmsForMetric(JsonObject body, string account, string region)
    {
        var ns = Wire.RequiredString(body, "Namespace");
        var name = Wire.RequiredString(body, "MetricName");
        var dims = MetricDimensions.Canonical(Wire.Dimensions(body, "Dimensions"));
        var statistic = Wire.String(body, "Statistic");
        var extended = Wire.String(body, "ExtendedStatistic");
        var period = Wire.Int(body, "Period");
        var unit = Wire.String(body, "Unit");
        var matching = alarms.List(account, region).Where(a => a.IsEvaluated).Where(a =>
        {
            var d = a.Definition;
            return d.Metric.Namespace == ns && d.Metric.Name == name && d.Metric.Dimensions == dims
                && (statistic is null || d.Statistic == statistic) && (extended is null || d.ExtendedStatistic == extended)
                && (period is null || d.Period == period) && (unit is null || d.Unit == unit);
        });
        return new JsonObject { ["MetricAlarms"] = new JsonArray(matching.Select(a => (JsonNode)AlarmService.Describe(a)).ToArray()) };
    }

    private JsonObject DescribeAlarmHistory(JsonObject body, string account, string region)
    {
        var type = Wire.String(body, "HistoryItemType");
        if (type is not null and not ("ConfigurationUpdate" or "StateUpdate" or "Action" or "AlarmContributorStateUpdate" or "AlarmContributorAction"))
        {
            throw CloudWatchErrors.InvalidParameterValue($"The value {type} for parameter HistoryItemType is invalid.");
        }

        var max = Wire.Int(body, "MaxRecords") ?? 100;
        if (max is < 1 or > 100)
        {
            throw CloudWatchErrors.InvalidParameterValue("The parameter MaxRecords must be between 1 and 100.");
        }

        var types = Wire.Strings(body, "AlarmTypes");
        var from = Wire.Time(body, "StartDate")?.ToUnixTimeMilliseconds() ?? 0;
        var to = Wire.Time(body, "EndDate")?.ToUnixTimeMilliseconds() ?? long.MaxValue;
        var items = types.Count > 0 && !types.Contains("MetricAlarm")
            ? []
            : alarms.History(account, region, Wire.String(body, "AlarmName"), type, from, to, Wire.String(body, "ScanBy") == "TimestampAscending");
        var (first, size) = Wire.Page(Wire.String(body, "NextToken"), max);
        var result = new JsonObject
        {
            ["AlarmHistoryItems"] = new JsonArray(items.Skip(first).Take(size).Select(h => (JsonNode)new JsonObject
            {
                ["AlarmName"] = h.AlarmName,
                ["AlarmType"] = "MetricAlarm",
                ["Timestamp"] = Wire.Seconds(h.Timestamp),
                ["HistoryItemType"] = h.Type,
                ["HistorySummary"] = h.Summary,
                ["HistoryData"] = h.Data,
            }).ToArray()),
        };
        if (first + size < items.Count)
        {
            result["NextToken"] = (first + size).ToString(CultureInfo.InvariantCulture);
        }

        return result;
    }
}
