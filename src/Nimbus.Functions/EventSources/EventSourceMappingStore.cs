using System.Collections.Concurrent;
using System.Text.Json;
using Nimbus.Functions.Registry;
using Nimbus.Storage.Sqlite;

namespace Nimbus.Functions.EventSources;

/// <summary>The durable set of event source mappings, cached in memory; raises <see cref="Changed"/> after each commit.</summary>
internal sealed class EventSourceMappingStore
{
    private readonly StateStore _store;
    private readonly ConcurrentDictionary<string, EventSourceMapping> _mappings = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    public EventSourceMappingStore(StateStore store)
    {
        _store = store;
        using var c = store.Open();
        foreach (var m in c.Query(
            "SELECT config_json FROM lambda_event_source_mappings",
            r => JsonSerializer.Deserialize(r.GetString(0), FunctionsJson.Default.EventSourceMapping)!))
        {
            _mappings[m.Uuid] = m;
        }
    }

    /// <summary>Raised with the new mapping, or with the old one and <c>deleted: true</c>.</summary>
    public event Action<EventSourceMapping, bool>? Changed;

    public IEnumerable<EventSourceMapping> All => _mappings.Values;

    public EventSourceMapping? Get(string uuid) => _mappings.GetValueOrDefault(uuid);

    /// <summary>Adds or replaces a mapping; <paramref name="check"/> runs under the store's gate (for uniqueness rules).</summary>
    public void Put(EventSourceMapping mapping, Action<IEnumerable<EventSourceMapping>>? check = null)
    {
        lock (_gate)
        {
            check?.Invoke(_mappings.Values);
            _store.Write((c, tx) => c.Execute(
                """
                INSERT INTO lambda_event_source_mappings (uuid, account, region, config_json) VALUES ($u, $a, $r, $j)
                ON CONFLICT (uuid) DO UPDATE SET config_json=$j
                """,
                tx, ("$u", mapping.Uuid), ("$a", mapping.AccountId), ("$r", mapping.Region),
                ("$j", JsonSerializer.Serialize(mapping, FunctionsJson.Default.EventSourceMapping))));
            _mappings[mapping.Uuid] = mapping;
        }

        Changed?.Invoke(mapping, false);
    }

    public void Delete(EventSourceMapping mapping)
    {
        lock (_gate)
        {
            _store.Write((c, tx) => c.Execute("DELETE FROM lambda_event_source_mappings WHERE uuid=$u", tx, ("$u", mapping.Uuid)));
            _mappings.TryRemove(mapping.Uuid, out _);
        }

        Changed?.Invoke(mapping, true);
    }
}
