namespace Nimbus.Logs.Metrics;

/// <summary>Options of the CloudWatch metrics service.</summary>
public sealed class MetricsOptions
{
    /// <summary>Speeds up alarm evaluation and the aggregator's flushes, as <c>--time-scale</c> does for other waits.</summary>
    public double TimeScale { get; set; } = 1;

    /// <summary>How long datapoints are kept (CloudWatch keeps one-minute data for 15 days).</summary>
    public TimeSpan Retention { get; set; } = TimeSpan.FromDays(15);

    /// <summary>The most datapoint rows kept; the oldest go first when there are more.</summary>
    public int MaxDatapoints { get; set; } = 500_000;

    /// <summary>The most alarm history items kept.</summary>
    public int MaxHistoryItems { get; set; } = 50_000;

    /// <summary>How often the aggregated built-in metrics (AWS/Lambda) are written to the store, before scaling.</summary>
    public TimeSpan FlushInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How often the evaluator looks for alarms whose period has come round, before scaling.</summary>
    public TimeSpan EvaluationTick { get; set; } = TimeSpan.FromSeconds(10);

    public TimeSpan Scaled(TimeSpan wait) => TimeScale is > 0 and not 1 ? wait / TimeScale : wait;
}
