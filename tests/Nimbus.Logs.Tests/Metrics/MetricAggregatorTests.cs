using Nimbus.Logs.Metrics.Store;

namespace Nimbus.Logs.Tests.Metrics;

public sealed class MetricAggregatorTests(Xunit.Abstractions.ITestOutputHelper output) : IDisposable
{
    private readonly MetricsTestState _state = new();

    public void Dispose() => _state.Dispose();

    private static readonly KeyValuePair<string, string>[] Function = [KeyValuePair.Create("FunctionName", "fn")];

    [Fact]
    public void Drain_ValuesOfTwoMinutes_OneDatapointPerMinuteWithItsStatistics()
    {
        var errors = _state.Aggregator.Series("123456789012", "us-east-1", "AWS/Lambda", "Errors", "Count", Function);
        errors.Add(0);
        errors.Add(1);
        errors.Add(1);
        _state.Time.Advance(TimeSpan.FromMinutes(1));
        errors.Add(0);

        var drained = _state.Aggregator.Drain();

        Assert.Equal(2, drained.Count);
        var first = drained[0].Datum;
        Assert.Equal(("AWS/Lambda", "Errors", """[{"Name":"FunctionName","Value":"fn"}]"""), (first.Namespace, first.Name, first.Dimensions));
        Assert.Equal((3.0, 2.0, 0.0, 1.0, "Count"), (first.SampleCount, first.Sum, first.Minimum, first.Maximum, first.Unit));
        Assert.Equal(_state.Time.GetUtcNow().AddMinutes(-1).ToUnixTimeSeconds(), first.Timestamp);
        Assert.Equal([(0.0, 1.0), (1.0, 2.0)], first.Values!.OrderBy(v => v.Value));
        Assert.Equal(1.0, drained[1].Datum.SampleCount);
        Assert.Empty(_state.Aggregator.Drain());
    }

    [Fact]
    public void Add_ManyValuesOnTheHotPath_AggregatesWithoutAllocating()
    {
        var system = new Nimbus.Logs.Metrics.Publishing.MetricAggregator(TimeProvider.System);
        var duration = system.Series("1", "r", "AWS/Lambda", "Duration", "Milliseconds", Function);
        var errors = system.Series("1", "r", "AWS/Lambda", "Errors", "Count", Function);
        duration.Add(1);
        errors.Add(0);
        const int Calls = 1_000_000;
        var allocated = GC.GetAllocatedBytesForCurrentThread();
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        for (var i = 0; i < Calls; i++)
        {
            errors.Add(i & 1);
        }

        var elapsed = System.Diagnostics.Stopwatch.GetElapsedTime(started);
        allocated = GC.GetAllocatedBytesForCurrentThread() - allocated;
        output.WriteLine($"MetricAggregator series Add (real clock): {elapsed.TotalNanoseconds / Calls:F1} ns and {allocated / (double)Calls:F3} bytes per value");

        var drained = system.Drain().Where(d => d.Datum.Name == "Errors").ToList();
        Assert.Equal(Calls + 1, drained.Sum(d => d.Datum.SampleCount));
        Assert.Equal(Calls / 2, drained.Sum(d => d.Datum.Sum));
        Assert.True(allocated < Calls / 10, $"{allocated} bytes allocated for {Calls} values");
    }

    [Fact]
    public void Series_SameMetricAndDimensionsInAnyOrder_IsOneSeries()
    {
        var a = _state.Aggregator.Series("1", "r", "N", "M", "Count", [KeyValuePair.Create("A", "1"), KeyValuePair.Create("B", "2")]);
        var b = _state.Aggregator.Series("1", "r", "N", "M", "Count", [KeyValuePair.Create("B", "2"), KeyValuePair.Create("A", "1")]);

        Assert.Same(a, b);
    }

    [Fact]
    public void Flush_AggregatedErrors_AreReadableThroughGetMetricStatisticsAndAlarmOnThem()
    {
        _state.Call("PutMetricAlarm", """
            {"AlarmName":"fn-errors","Namespace":"AWS/Lambda","MetricName":"Errors","Dimensions":[{"Name":"FunctionName","Value":"fn"}],
             "Statistic":"Sum","Period":60,"EvaluationPeriods":1,"Threshold":0,"ComparisonOperator":"GreaterThanThreshold"}
            """);
        var errors = _state.Aggregator.Series("123456789012", "us-east-1", "AWS/Lambda", "Errors", "Count", Function);
        for (var i = 0; i < 10; i++)
        {
            errors.Add(i % 5 == 0 ? 1 : 0);
        }

        var stats = _state.Call("GetMetricStatistics", $$"""
            {"Namespace":"AWS/Lambda","MetricName":"Errors","Dimensions":[{"Name":"FunctionName","Value":"fn"}],
             "StartTime":{{_state.Time.GetUtcNow().ToUnixTimeSeconds()}},"EndTime":{{_state.Time.GetUtcNow().AddMinutes(1).ToUnixTimeSeconds()}},"Period":60,"Statistics":["Sum","SampleCount"]}
            """)["Datapoints"]![0]!;
        _state.Evaluate();

        Assert.Equal(2, stats["Sum"]!.GetValue<double>());
        Assert.Equal(10, stats["SampleCount"]!.GetValue<double>());
        Assert.Equal("ALARM", _state.Alarm("fn-errors").State);
    }

    [Fact]
    public void Trim_KeepsAtMostTheCapAndNothingOlderThanTheRetention()
    {
        _state.Options.MaxDatapoints = 5;
        _state.Options.Retention = TimeSpan.FromDays(1);
        var now = _state.Time.GetUtcNow().ToUnixTimeSeconds();
        _state.Metrics.Insert("a", "r", Enumerable.Range(0, 10).Select(i => new MetricDatum("N", "M", MetricDimensions.None, now - 60 * i, "None", 1, i, i, i, null)).ToList());
        _state.Metrics.Insert("a", "r", [new MetricDatum("N", "M", MetricDimensions.None, now - 3 * 86400, "None", 1, 1, 1, 1, null)]);

        var deleted = _state.Metrics.Trim();

        Assert.Equal(6, deleted);
        Assert.Equal(5, _state.Metrics.Count());
        var kept = _state.Metrics.Query("a", "r", new MetricIdentity("N", "M", MetricDimensions.None), 0, long.MaxValue, null);
        Assert.Equal([4.0, 3.0, 2.0, 1.0, 0.0], kept.Select(d => d.Sum));
    }
}
