using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using Nimbus.Core.Metrics;
using Nimbus.Logs.Metrics.Store;

namespace Nimbus.Logs.Metrics.Publishing;

/// <summary>The platform's <see cref="IMetricSink"/>: aggregates built-in metrics in memory per one-minute bucket until a flush.</summary>
/// <remarks>
/// Adding a value takes one uncontended lock and a few arithmetic updates; nothing touches the store. <see cref="Drain"/>
/// (the flush loop, and every read through the API) takes what has accumulated, so the store gets at most one row per series
/// per flush. Raw values are kept (as value/count pairs) for percentiles up to <see cref="MaxDistinctValues"/> per bucket;
/// beyond that the bucket stores only its statistic set, as a PutMetricData with StatisticValues would.
/// </remarks>
internal sealed class MetricAggregator(TimeProvider time) : IMetricSink
{
    public const int MaxDistinctValues = 2048;
    private const int StorageResolution = 60;

    private readonly ConcurrentDictionary<(string, string, string, string, string, string), AggregatedSeries> _series = new();

    public IMetricSeries Series(string accountId, string region, string metricNamespace, string metricName, string unit, IReadOnlyList<KeyValuePair<string, string>> dimensions)
    {
        var dims = MetricDimensions.Canonical(dimensions);
        return _series.GetOrAdd((accountId, region, metricNamespace, metricName, unit, dims), k => new AggregatedSeries(this, k.Item1, k.Item2, new MetricIdentity(k.Item3, k.Item4, k.Item6), k.Item5));
    }

    /// <summary>Takes every value added so far, as datapoints per account and region.</summary>
    public List<(string Account, string Region, MetricDatum Datum)> Drain()
    {
        var drained = new List<(string, string, MetricDatum)>();
        foreach (var series in _series.Values)
        {
            series.DrainInto(drained);
        }

        return drained;
    }

    private long Now() => time.GetUtcNow().ToUnixTimeSeconds();

    private sealed class AggregatedSeries(MetricAggregator owner, string account, string region, MetricIdentity metric, string unit) : IMetricSeries
    {
        private readonly Lock _gate = new();
        private readonly List<MetricDatum> _closed = [];
        private readonly Dictionary<double, double> _values = [];
        private long _bucket = long.MinValue;
        private double _count;
        private double _sum;
        private double _min;
        private double _max;
        private bool _overflow;

        public void Add(double value)
        {
            var now = owner.Now();
            var bucket = now - (now % StorageResolution);
            lock (_gate)
            {
                if (bucket != _bucket)
                {
                    Close();
                    _bucket = bucket;
                }

                if (_count == 0)
                {
                    _min = value;
                    _max = value;
                }
                else
                {
                    _min = Math.Min(_min, value);
                    _max = Math.Max(_max, value);
                }

                _count++;
                _sum += value;
                if (!_overflow)
                {
                    // One hash lookup: the slot is created at 0 when new, and taken back out if over the cap.
                    ref var count = ref CollectionsMarshal.GetValueRefOrAddDefault(_values, value, out var existed);
                    if (existed || _values.Count <= MaxDistinctValues)
                    {
                        count++;
                    }
                    else
                    {
                        _values.Remove(value);
                        _overflow = true;
                    }
                }
            }
        }

        public void DrainInto(List<(string, string, MetricDatum)> into)
        {
            lock (_gate)
            {
                Close();
                foreach (var d in _closed)
                {
                    into.Add((account, region, d));
                }

                _closed.Clear();
            }
        }

        /// <summary>Moves the current bucket's aggregate to the closed list. Called under the lock.</summary>
        private void Close()
        {
            if (_count == 0)
            {
                return;
            }

            var values = _overflow ? null : _values.Select(v => (v.Key, v.Value)).ToList();
            _closed.Add(new MetricDatum(metric.Namespace, metric.Name, metric.Dimensions, _bucket, unit, _count, _sum, _min, _max, values));
            _count = 0;
            _sum = 0;
            _values.Clear();
            _overflow = false;
        }
    }
}
