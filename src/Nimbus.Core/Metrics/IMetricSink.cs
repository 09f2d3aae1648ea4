namespace Nimbus.Core.Metrics;

/// <summary>Publishes CloudWatch metric datapoints from inside Nimbus (the <c>AWS/Lambda</c> metrics of every invocation).</summary>
/// <remarks>
/// Built for hot paths: a caller asks once for the <see cref="IMetricSeries"/> of a metric and dimension set, caches it,
/// and adds values to it. Values are aggregated in memory (count, sum, minimum, maximum and a bounded sample for
/// percentiles) and flushed to the store in the background; <see cref="IMetricSeries.Add"/> never blocks on I/O.
/// </remarks>
public interface IMetricSink
{
    /// <summary>The series of one metric: namespace, name, unit and dimensions (name/value pairs, any order).</summary>
    IMetricSeries Series(string accountId, string region, string metricNamespace, string metricName, string unit, IReadOnlyList<KeyValuePair<string, string>> dimensions);
}

/// <summary>One metric with one dimension set, as a sink aggregates it. Thread-safe.</summary>
public interface IMetricSeries
{
    /// <summary>Adds one observed value at the current time.</summary>
    void Add(double value);
}
