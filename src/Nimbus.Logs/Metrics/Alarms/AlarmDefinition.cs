using System.Text.Json.Nodes;
using Nimbus.Logs.Metrics.Store;

namespace Nimbus.Logs.Metrics.Alarms;

/// <summary>What a single-metric alarm watches and how it decides: the typed view of its stored configuration.</summary>
internal sealed record AlarmDefinition(
    MetricIdentity Metric, string? Statistic, string? ExtendedStatistic, int Period, string? Unit, int EvaluationPeriods,
    int DatapointsToAlarm, double Threshold, string ComparisonOperator, string TreatMissingData,
    IReadOnlyList<string> AlarmActions, IReadOnlyList<string> OkActions, IReadOnlyList<string> InsufficientDataActions)
{
    /// <summary>The statistic as AlarmDefinition names it: <c>Sum</c>, <c>p99</c>…</summary>
    public string Stat => Statistic ?? ExtendedStatistic ?? "Average";

    public static AlarmDefinition From(JsonObject config)
    {
        var evaluationPeriods = config["EvaluationPeriods"]!.GetValue<int>();
        return new AlarmDefinition(
            new MetricIdentity(config["Namespace"]!.GetValue<string>(), config["MetricName"]!.GetValue<string>(), config["Dimensions"]?.ToJsonString() ?? MetricDimensions.None),
            config["Statistic"]?.GetValue<string>(),
            config["ExtendedStatistic"]?.GetValue<string>(),
            config["Period"]!.GetValue<int>(),
            config["Unit"]?.GetValue<string>(),
            evaluationPeriods,
            config["DatapointsToAlarm"]?.GetValue<int>() ?? evaluationPeriods,
            config["Threshold"]!.GetValue<double>(),
            config["ComparisonOperator"]!.GetValue<string>(),
            config["TreatMissingData"]?.GetValue<string>() ?? "missing",
            Strings(config["AlarmActions"]),
            Strings(config["OKActions"]),
            Strings(config["InsufficientDataActions"]));
    }

    /// <summary>Whether <paramref name="value"/> is on the alarming side of the threshold.</summary>
    public bool Breaches(double value) => ComparisonOperator switch
    {
        "GreaterThanThreshold" => value > Threshold,
        "GreaterThanOrEqualToThreshold" => value >= Threshold,
        "LessThanThreshold" => value < Threshold,
        "LessThanOrEqualToThreshold" => value <= Threshold,
        _ => false,
    };

    /// <summary>The comparison in the words of AWS's state reasons ("greater than", "less than or equal to").</summary>
    public string ComparisonWords => ComparisonOperator switch
    {
        "GreaterThanThreshold" => "greater than",
        "GreaterThanOrEqualToThreshold" => "greater than or equal to",
        "LessThanThreshold" => "less than",
        "LessThanOrEqualToThreshold" => "less than or equal to",
        _ => ComparisonOperator,
    };

    private static List<string> Strings(JsonNode? node) => node is JsonArray a ? a.Select(n => n!.GetValue<string>()).ToList() : [];
}
