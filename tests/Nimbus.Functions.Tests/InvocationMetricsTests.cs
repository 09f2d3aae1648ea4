using System.Collections.Concurrent;
using System.Diagnostics;
using Nimbus.Core.Metrics;
using Nimbus.Functions.Invocation;
using Nimbus.Functions.Registry;
using Xunit.Abstractions;

namespace Nimbus.Functions.Tests;

public sealed class InvocationMetricsTests(ITestOutputHelper output)
{
    private static readonly FunctionKey Key = new("123456789012", "us-east-1", "orders");

    [Fact]
    public void Completed_ViaAlias_PublishesInvocationsErrorsAndDurationOnLambdasDimensionSets()
    {
        var sink = new RecordingSink();
        var metrics = new InvocationMetrics(sink);

        metrics.Completed(Key, Key.ArnFor("live"), "3", 12.5, error: false);
        metrics.Completed(Key, Key.ArnFor("live"), "3", 40, error: true);
        metrics.Completed(Key, Key.UnqualifiedArn, "$LATEST", 5, error: true);

        Assert.Equal([0.0, 1.0, 1.0], sink.Values("Errors", "FunctionName=orders"));
        Assert.Equal([0.0, 1.0], sink.Values("Errors", "FunctionName=orders,Resource=orders:live"));
        Assert.Equal([0.0, 1.0], sink.Values("Errors", "ExecutedVersion=3,FunctionName=orders,Resource=orders:live"));
        Assert.Equal([1.0, 1.0, 1.0], sink.Values("Invocations", "FunctionName=orders"));
        Assert.Equal([12.5, 40.0], sink.Values("Duration", "FunctionName=orders,Resource=orders:live"));
        Assert.Equal("Milliseconds", sink.Units[("Duration", "FunctionName=orders")]);
        Assert.Equal("Count", sink.Units[("Errors", "FunctionName=orders")]);
        Assert.All(sink.Units.Keys, k => Assert.Equal("AWS/Lambda", sink.Namespaces[k]));
    }

    [Fact]
    public void Completed_ViaVersion_HasNoExecutedVersionDimension()
    {
        var sink = new RecordingSink();
        var metrics = new InvocationMetrics(sink);

        metrics.Completed(Key, Key.ArnFor("2"), "2", 1, error: false);

        Assert.Equal(["FunctionName=orders", "FunctionName=orders,Resource=orders:2"], sink.Units.Keys.Where(k => k.Metric == "Invocations").Select(k => k.Dimensions).Order());
    }

    [Fact]
    public void Throttled_CountsAThrottleAndNoInvocation()
    {
        var sink = new RecordingSink();
        var metrics = new InvocationMetrics(sink);

        metrics.Throttled(Key, Key.UnqualifiedArn, "$LATEST");

        Assert.Equal([1.0], sink.Values("Throttles", "FunctionName=orders"));
        Assert.Empty(sink.Values("Invocations", "FunctionName=orders"));
    }

    [Fact]
    public void Completed_RepeatedCalls_ReuseTheCachedSeriesAndStayCheap()
    {
        var sink = new RecordingSink(keep: false);
        var metrics = new InvocationMetrics(sink);
        var arn = Key.ArnFor("live");
        metrics.Completed(Key, arn, "3", 1, false);
        var created = sink.Created;

        const int Calls = 1_000_000;
        var allocated = GC.GetAllocatedBytesForCurrentThread();
        var started = Stopwatch.GetTimestamp();
        for (var i = 0; i < Calls; i++)
        {
            metrics.Completed(Key, arn, "3", i, (i & 7) == 0);
        }

        var elapsed = Stopwatch.GetElapsedTime(started);
        allocated = GC.GetAllocatedBytesForCurrentThread() - allocated;
        output.WriteLine($"InvocationMetrics.Completed (alias, 9 series, no-op sink): {elapsed.TotalNanoseconds / Calls:F1} ns and {allocated / (double)Calls:F2} bytes per invocation");

        Assert.Equal(created, sink.Created);
        Assert.Equal(Calls * 9L + 9, sink.Adds);
        Assert.True(allocated / Calls < 1, $"{allocated} bytes allocated for {Calls} invocations");
    }

    /// <summary>Records series by metric and "Name=Value,…" (sorted) dimensions, and the values added to each.</summary>
    private sealed class RecordingSink(bool keep = true) : IMetricSink
    {
        private readonly ConcurrentDictionary<(string Metric, string Dimensions), ConcurrentQueue<double>> _values = new();
        private long _adds;

        public ConcurrentDictionary<(string Metric, string Dimensions), string> Units { get; } = new();

        public ConcurrentDictionary<(string Metric, string Dimensions), string> Namespaces { get; } = new();

        public int Created { get; private set; }

        public long Adds => Interlocked.Read(ref _adds);

        public List<double> Values(string metric, string dimensions) => _values.TryGetValue((metric, dimensions), out var q) ? q.ToList() : [];

        public IMetricSeries Series(string accountId, string region, string metricNamespace, string metricName, string unit, IReadOnlyList<KeyValuePair<string, string>> dimensions)
        {
            Created++;
            var key = (metricName, string.Join(",", dimensions.OrderBy(d => d.Key, StringComparer.Ordinal).Select(d => $"{d.Key}={d.Value}")));
            Units[key] = unit;
            Namespaces[key] = metricNamespace;
            var queue = _values.GetOrAdd(key, _ => new ConcurrentQueue<double>());
            return new RecordingSeries(this, keep ? queue : null);
        }

        private sealed class RecordingSeries(RecordingSink owner, ConcurrentQueue<double>? values) : IMetricSeries
        {
            public void Add(double value)
            {
                Interlocked.Increment(ref owner._adds);
                values?.Enqueue(value);
            }
        }
    }
}
