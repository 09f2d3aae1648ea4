using System.Text.Json.Nodes;

namespace Nimbus.Logs.Metrics.Alarms;

/// <summary>A stored metric alarm: its configuration (the PutMetricAlarm members), state and tags.</summary>
/// <param name="Config">The configuration as PutMetricAlarm received it, normalised; treated as immutable.</param>
/// <param name="StateUpdated">Unix milliseconds of the last state update (any evaluation that changed the reason or state).</param>
/// <param name="StateTransitioned">Unix milliseconds of the last change of <see cref="State"/>.</param>
internal sealed record MetricAlarm(
    string AccountId, string Region, string Name, JsonObject Config, string State, string StateReason, string? StateReasonData,
    long StateUpdated, long StateTransitioned, long ConfigUpdated, bool ActionsEnabled, IReadOnlyDictionary<string, string> Tags)
{
    public const string Ok = "OK";
    public const string Alarm = "ALARM";
    public const string InsufficientData = "INSUFFICIENT_DATA";

    public string Arn => ArnFor(AccountId, Region, Name);

    private AlarmDefinition? _definition;

    /// <summary>The typed configuration, parsed once per record (records are immutable; a new configuration is a new record).</summary>
    public AlarmDefinition Definition => _definition ??= AlarmDefinition.From(Config);

    /// <summary>False for metric-math and anomaly-detection alarms, which CloudFormation can create but Nimbus does not evaluate.</summary>
    public bool IsEvaluated => Config["Metrics"] is null && Config["ThresholdMetricId"] is null;

    /// <summary>The ARNs of one action list (<c>AlarmActions</c>, <c>OKActions</c>, <c>InsufficientDataActions</c>).</summary>
    public IReadOnlyList<string> Actions(string list) => Config[list] is JsonArray a ? a.Select(n => n!.GetValue<string>()).ToList() : [];

    /// <summary>The action list a state runs.</summary>
    public IReadOnlyList<string> ActionsFor(string state) => Actions(state switch
    {
        Alarm => "AlarmActions",
        Ok => "OKActions",
        _ => "InsufficientDataActions",
    });

    public static string ArnFor(string account, string region, string name) => $"arn:aws:cloudwatch:{region}:{account}:alarm:{name}";
}
