using System.Text.Json.Nodes;

namespace Nimbus.Logs.Metrics.Alarms;

/// <summary>The JSON message CloudWatch publishes to an SNS topic when an alarm changes state.</summary>
internal static class AlarmNotification
{
    public static string Build(MetricAlarm alarm, string newState, string reason, long nowMs)
    {
        var c = alarm.Config;
        var trigger = alarm.IsEvaluated ? Trigger(alarm) : new JsonObject { ["Metrics"] = c["Metrics"]?.DeepClone() };
        return new JsonObject
        {
            ["AlarmName"] = alarm.Name,
            ["AlarmDescription"] = c["AlarmDescription"]?.GetValue<string>(),
            ["AWSAccountId"] = alarm.AccountId,
            ["AlarmConfigurationUpdatedTimestamp"] = AlarmEvaluation.Timestamp(DateTimeOffset.FromUnixTimeMilliseconds(alarm.ConfigUpdated)),
            ["NewStateValue"] = newState,
            ["NewStateReason"] = reason,
            ["StateChangeTime"] = AlarmEvaluation.Timestamp(DateTimeOffset.FromUnixTimeMilliseconds(nowMs)),
            ["Region"] = RegionName(alarm.Region),
            ["AlarmArn"] = alarm.Arn,
            ["OldStateValue"] = alarm.State,
            ["OKActions"] = Strings(alarm.Actions("OKActions")),
            ["AlarmActions"] = Strings(alarm.Actions("AlarmActions")),
            ["InsufficientDataActions"] = Strings(alarm.Actions("InsufficientDataActions")),
            ["Trigger"] = trigger,
        }.ToJsonString();
    }

    private static JsonArray Strings(IReadOnlyList<string> values) => new(values.Select(a => (JsonNode)JsonValue.Create(a)).ToArray());

    private static JsonObject Trigger(MetricAlarm alarm)
    {
        var c = alarm.Config;
        var d = alarm.Definition;
        return new JsonObject
        {
            ["MetricName"] = d.Metric.Name,
            ["Namespace"] = d.Metric.Namespace,
            ["StatisticType"] = d.Statistic is null ? "ExtendedStatistic" : "Statistic",
            [d.Statistic is null ? "ExtendedStatistic" : "Statistic"] = d.Statistic?.ToUpperInvariant() ?? d.ExtendedStatistic,
            ["Unit"] = d.Unit,
            ["Dimensions"] = new JsonArray(Store.MetricDimensions.Parse(d.Metric.Dimensions).Select(x => (JsonNode)new JsonObject { ["value"] = x.Value, ["name"] = x.Key }).ToArray()),
            ["Period"] = d.Period,
            ["EvaluationPeriods"] = d.EvaluationPeriods,
            ["DatapointsToAlarm"] = d.DatapointsToAlarm,
            ["ComparisonOperator"] = d.ComparisonOperator,
            ["Threshold"] = d.Threshold,
            ["TreatMissingData"] = d.TreatMissingData,
            ["EvaluateLowSampleCountPercentile"] = c["EvaluateLowSampleCountPercentile"]?.GetValue<string>() ?? "",
        };
    }

    /// <summary>The region's display name, as the notification's <c>Region</c> and subject carry it.</summary>
    public static string RegionName(string region) => region switch
    {
        "us-east-1" => "US East (N. Virginia)",
        "us-east-2" => "US East (Ohio)",
        "us-west-1" => "US West (N. California)",
        "us-west-2" => "US West (Oregon)",
        "eu-west-1" => "EU (Ireland)",
        "eu-west-2" => "EU (London)",
        "eu-central-1" => "EU (Frankfurt)",
        "ap-southeast-1" => "Asia Pacific (Singapore)",
        "ap-southeast-2" => "Asia Pacific (Sydney)",
        "ap-northeast-1" => "Asia Pacific (Tokyo)",
        _ => region,
    };
}
