namespace Nimbus.Logs.Metrics.Store;

/// <summary>One stored datapoint: a statistic set for a metric at a timestamp, with the raw values when they were sent.</summary>
/// <param name="Timestamp">Unix seconds.</param>
/// <param name="Values">Raw values with their counts (for percentiles), or null when only a statistic set was sent.</param>
internal sealed record MetricDatum(
    string Namespace, string Name, string Dimensions, long Timestamp, string Unit,
    double SampleCount, double Sum, double Minimum, double Maximum, IReadOnlyList<(double Value, double Count)>? Values);

/// <summary>A metric's identity: namespace, name and canonical dimensions.</summary>
internal sealed record MetricIdentity(string Namespace, string Name, string Dimensions);
