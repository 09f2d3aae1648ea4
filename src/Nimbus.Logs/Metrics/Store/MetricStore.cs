using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Nimbus.Storage.Sqlite;

namespace Nimbus.Logs.Metrics.Store;

/// <summary>Metric datapoints in SQLite: written in batches, read by metric and time range, trimmed to a retention cap.</summary>
/// <remarks>Thread-safe: every call opens its own pooled connection. Several rows may share a metric and timestamp
/// (PutMetricData calls, the in-memory aggregator's flushes); queries aggregate them, as CloudWatch does.</remarks>
internal sealed class MetricStore(StateStore store, MetricsOptions options, TimeProvider time)
{
    public void Insert(string account, string region, IReadOnlyCollection<MetricDatum> data)
    {
        if (data.Count == 0)
        {
            return;
        }

        store.Write((c, tx) =>
        {
            using var insert = c.Command(
                "INSERT INTO metric_data (account, region, namespace, name, dims, ts, unit, sample_count, sum, min, max, vals) VALUES ($a, $r, $n, $m, $d, $t, $u, $c, $s, $lo, $hi, $v)", tx);
            var p = new[] { "$a", "$r", "$n", "$m", "$d", "$t", "$u", "$c", "$s", "$lo", "$hi", "$v" }.Select(n => insert.Parameters.Add(n, SqliteType.Text)).ToArray();
            insert.Prepare();
            foreach (var d in data)
            {
                p[0].Value = account;
                p[1].Value = region;
                p[2].Value = d.Namespace;
                p[3].Value = d.Name;
                p[4].Value = d.Dimensions;
                p[5].Value = d.Timestamp;
                p[6].Value = d.Unit;
                p[7].Value = d.SampleCount;
                p[8].Value = d.Sum;
                p[9].Value = d.Minimum;
                p[10].Value = d.Maximum;
                p[11].Value = d.Values is null ? DBNull.Value : EncodeValues(d.Values);
                insert.ExecuteNonQuery();
            }

            return 0;
        });
    }

    /// <summary>The datapoints of one metric with <paramref name="from"/> ≤ timestamp &lt; <paramref name="to"/> (Unix seconds), oldest first.</summary>
    public List<MetricDatum> Query(string account, string region, MetricIdentity metric, long from, long to, string? unit)
    {
        using var c = store.Open();
        return c.Query(
            """
            SELECT ts, unit, sample_count, sum, min, max, vals FROM metric_data
            WHERE account=$a AND region=$r AND namespace=$n AND name=$m AND dims=$d AND ts >= $f AND ts < $t AND ($u IS NULL OR unit=$u)
            ORDER BY ts, id
            """,
            r => new MetricDatum(metric.Namespace, metric.Name, metric.Dimensions, r.GetInt64(0), r.GetString(1), r.GetDouble(2), r.GetDouble(3),
                r.GetDouble(4), r.GetDouble(5), r.IsDBNull(6) ? null : DecodeValues(r.GetString(6))),
            null, ("$a", account), ("$r", region), ("$n", metric.Namespace), ("$m", metric.Name), ("$d", metric.Dimensions), ("$f", from), ("$t", to), ("$u", unit));
    }

    /// <summary>Every metric with data since <paramref name="since"/> (Unix seconds), optionally of one namespace and name.</summary>
    public List<MetricIdentity> Metrics(string account, string region, string? metricNamespace, string? name, long since)
    {
        using var c = store.Open();
        return c.Query(
            """
            SELECT DISTINCT namespace, name, dims FROM metric_data
            WHERE account=$a AND region=$r AND ($n IS NULL OR namespace=$n) AND ($m IS NULL OR name=$m) AND ts >= $s
            ORDER BY namespace, name, dims
            """,
            r => new MetricIdentity(r.GetString(0), r.GetString(1), r.GetString(2)),
            null, ("$a", account), ("$r", region), ("$n", metricNamespace), ("$m", name), ("$s", since));
    }

    /// <summary>Deletes datapoints older than the retention period, then the oldest beyond the row cap.</summary>
    /// <returns>The number of rows deleted.</returns>
    public int Trim()
    {
        var cutoff = time.GetUtcNow().ToUnixTimeSeconds() - (long)options.Retention.TotalSeconds;
        return store.Write((c, tx) =>
        {
            var deleted = c.Execute("DELETE FROM metric_data WHERE ts < $t", tx, ("$t", cutoff));
            var count = (long)c.Scalar("SELECT COUNT(*) FROM metric_data", tx)!;
            if (count > options.MaxDatapoints)
            {
                // The oldest datapoints go first (by timestamp, then by arrival).
                deleted += c.Execute("DELETE FROM metric_data WHERE id IN (SELECT id FROM metric_data ORDER BY ts, id LIMIT $n)", tx, ("$n", count - options.MaxDatapoints));
            }

            return deleted;
        });
    }

    public long Count()
    {
        using var c = store.Open();
        return (long)c.Scalar("SELECT COUNT(*) FROM metric_data")!;
    }

    private static string EncodeValues(IReadOnlyList<(double Value, double Count)> values)
    {
        var sb = new StringBuilder(values.Count * 8).Append('[');
        for (var i = 0; i < values.Count; i++)
        {
            if (i > 0)
            {
                sb.Append(',');
            }

            sb.Append('[').Append(values[i].Value.ToString("R", CultureInfo.InvariantCulture)).Append(',')
              .Append(values[i].Count.ToString("R", CultureInfo.InvariantCulture)).Append(']');
        }

        return sb.Append(']').ToString();
    }

    private static List<(double, double)> DecodeValues(string json)
    {
        using var doc = JsonDocument.Parse(json);
        return doc.RootElement.EnumerateArray().Select(e => (e[0].GetDouble(), e[1].GetDouble())).ToList();
    }
}
