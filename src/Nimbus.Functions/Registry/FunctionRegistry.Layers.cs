using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Text.Json;
using Nimbus.Storage.Sqlite;

namespace Nimbus.Functions.Registry;

/// <summary>Layer versions: published, listed, deleted.</summary>
internal sealed partial class FunctionRegistry
{
    private readonly ConcurrentDictionary<(string Account, string Region, string Layer), ImmutableSortedDictionary<long, LayerVersionRecord>> _layers = new();
    private readonly ConcurrentDictionary<(string Account, string Region, string Layer), long> _layerCounters = new();

    public IEnumerable<(string Layer, ImmutableSortedDictionary<long, LayerVersionRecord> Versions)> Layers(string account, string region) =>
        _layers.Where(l => l.Key.Account == account && l.Key.Region == region && !l.Value.IsEmpty)
               .OrderBy(l => l.Key.Layer, StringComparer.Ordinal)
               .Select(l => (l.Key.Layer, l.Value));

    public ImmutableSortedDictionary<long, LayerVersionRecord> LayerVersions(string account, string region, string layer) =>
        _layers.TryGetValue((account, region, layer), out var v) ? v : ImmutableSortedDictionary<long, LayerVersionRecord>.Empty;

    public LayerVersionRecord? LayerVersion(string account, string region, string layer, long version) =>
        LayerVersions(account, region, layer).TryGetValue(version, out var r) ? r : null;

    /// <summary>Publishes the next version of a layer; <paramref name="build"/> receives the version number.</summary>
    public LayerVersionRecord PublishLayer(string account, string region, string layer, Func<long, LayerVersionRecord> build)
    {
        lock (_gate)
        {
            var key = (account, region, layer);
            var next = _layerCounters.GetValueOrDefault(key) + 1;
            var record = build(next);
            _store.Write((c, tx) =>
            {
                c.Execute(
                    """
                    INSERT INTO lambda_layers (account, region, layer, last_version) VALUES ($a, $r, $l, $v)
                    ON CONFLICT (account, region, layer) DO UPDATE SET last_version=$v
                    """, tx, ("$a", account), ("$r", region), ("$l", layer), ("$v", next));
                c.Execute(
                    "INSERT INTO lambda_layer_versions (account, region, layer, version, record_json) VALUES ($a, $r, $l, $v, $j)",
                    tx, ("$a", account), ("$r", region), ("$l", layer), ("$v", next),
                    ("$j", JsonSerializer.Serialize(record, FunctionsJson.Default.LayerVersionRecord)));
                return 0;
            });
            _layerCounters[key] = next;
            _layers[key] = LayerVersions(account, region, layer).Add(next, record);
            return record;
        }
    }

    public void DeleteLayerVersion(string account, string region, string layer, long version)
    {
        lock (_gate)
        {
            _store.Write((c, tx) => c.Execute(
                "DELETE FROM lambda_layer_versions WHERE account=$a AND region=$r AND layer=$l AND version=$v",
                tx, ("$a", account), ("$r", region), ("$l", layer), ("$v", version)));
            _layers[(account, region, layer)] = LayerVersions(account, region, layer).Remove(version);
        }
    }

    private void LoadLayers()
    {
        using var c = _store.Open();
        foreach (var (a, r, l, v) in c.Query("SELECT account, region, layer, last_version FROM lambda_layers",
                     x => (x.GetString(0), x.GetString(1), x.GetString(2), x.GetInt64(3))))
        {
            _layerCounters[(a, r, l)] = v;
        }

        foreach (var group in c.Query("SELECT account, region, layer, version, record_json FROM lambda_layer_versions",
                     x => (Key: (x.GetString(0), x.GetString(1), x.GetString(2)), Version: x.GetInt64(3),
                           Record: JsonSerializer.Deserialize(x.GetString(4), FunctionsJson.Default.LayerVersionRecord)!))
                     .GroupBy(x => x.Key))
        {
            _layers[group.Key] = group.ToImmutableSortedDictionary(x => x.Version, x => x.Record);
        }
    }
}
