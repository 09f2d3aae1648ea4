using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Nimbus.Core.Errors;
using Nimbus.Storage.Sqlite;

namespace Nimbus.Functions.Registry;

/// <summary>The durable catalogue of functions, versions and aliases, with an in-memory snapshot per function.</summary>
/// <remarks>
/// Reads are lock-free snapshot lookups. Changes are serialised by one gate, committed to the store in one
/// transaction, and only then published to readers, so the store is always at least as new as the cache.
/// </remarks>
internal sealed partial class FunctionRegistry
{
    private readonly StateStore _store;
    private readonly ConcurrentDictionary<FunctionKey, FunctionState> _functions = new();
    private readonly Lock _gate = new();

    public FunctionRegistry(StateStore store)
    {
        _store = store;
        Load();
        LoadLayers();
    }

    /// <summary>Raised after a function's state changed or was deleted (new state, or null when deleted).</summary>
    public event Action<FunctionKey, FunctionState?>? Changed;

    public FunctionState? Get(FunctionKey key) => _functions.TryGetValue(key, out var state) ? state : null;

    public FunctionState GetOrThrow(FunctionKey key) =>
        Get(key) ?? throw LambdaErrors.FunctionNotFound(key.UnqualifiedArn).ToException();

    public IEnumerable<FunctionState> List(string account, string region) =>
        _functions.Values.Where(f => f.Key.AccountId == account && f.Key.Region == region).OrderBy(f => f.Key.Name, StringComparer.Ordinal);

    public IEnumerable<FunctionState> All => _functions.Values;

    public FunctionState Create(FunctionState state)
    {
        lock (_gate)
        {
            if (_functions.ContainsKey(state.Key))
            {
                throw LambdaErrors.Conflict($"Function already exist: {state.Key.Name}").ToException();
            }

            _store.Write((c, tx) => { Persist(c, tx, null, state); return 0; });
            _functions[state.Key] = state;
        }

        Changed?.Invoke(state.Key, state);
        return state;
    }

    /// <summary>Applies <paramref name="change"/> to the current state, commits it, and publishes it.</summary>
    public FunctionState Update(FunctionKey key, Func<FunctionState, FunctionState> change)
    {
        FunctionState updated;
        lock (_gate)
        {
            var current = GetOrThrow(key);
            updated = change(current);
            if (ReferenceEquals(updated, current))
            {
                return current;
            }

            _store.Write((c, tx) => { Persist(c, tx, current, updated); return 0; });
            _functions[key] = updated;
        }

        Changed?.Invoke(key, updated);
        return updated;
    }

    public void Delete(FunctionKey key)
    {
        lock (_gate)
        {
            GetOrThrow(key);
            _store.Write((c, tx) =>
            {
                (string, object?)[] p = [("$a", key.AccountId), ("$r", key.Region), ("$n", key.Name)];
                c.Execute("DELETE FROM lambda_functions WHERE account=$a AND region=$r AND name=$n", tx, p);
                c.Execute("DELETE FROM lambda_versions WHERE account=$a AND region=$r AND name=$n", tx, p);
                c.Execute("DELETE FROM lambda_aliases WHERE account=$a AND region=$r AND function_name=$n", tx, p);
                c.Execute("DELETE FROM lambda_event_invoke_configs WHERE account=$a AND region=$r AND function_name=$n", tx, p);
                c.Execute("DELETE FROM lambda_function_urls WHERE account=$a AND region=$r AND function_name=$n", tx, p);
                c.Execute("DELETE FROM lambda_async_invocations WHERE account=$a AND region=$r AND function_name=$n", tx, p);
                return 0;
            });
            _functions.TryRemove(key, out _);
        }

        Changed?.Invoke(key, null);
    }

    private static void Persist(SqliteConnection c, SqliteTransaction tx, FunctionState? before, FunctionState after)
    {
        var k = after.Key;
        c.Execute(
            """
            INSERT INTO lambda_functions (account, region, name, latest_json, last_version, reserved_concurrency, tags_json)
            VALUES ($a, $r, $n, $l, $v, $c, $t)
            ON CONFLICT (account, region, name) DO UPDATE SET latest_json=$l, last_version=$v, reserved_concurrency=$c, tags_json=$t
            """,
            tx,
            ("$a", k.AccountId), ("$r", k.Region), ("$n", k.Name),
            ("$l", JsonSerializer.Serialize(after.Latest, FunctionsJson.Default.FunctionConfig)),
            ("$v", after.LastVersion), ("$c", after.ReservedConcurrency),
            ("$t", JsonSerializer.Serialize(after.Tags.ToDictionary(), FunctionsJson.Default.DictionaryStringString)));

        foreach (var (number, config) in after.Versions)
        {
            if (before is null || !before.Versions.ContainsKey(number))
            {
                c.Execute(
                    "INSERT INTO lambda_versions (account, region, name, version, config_json) VALUES ($a, $r, $n, $v, $j)",
                    tx, ("$a", k.AccountId), ("$r", k.Region), ("$n", k.Name), ("$v", number),
                    ("$j", JsonSerializer.Serialize(config, FunctionsJson.Default.FunctionConfig)));
            }
        }

        foreach (var number in before?.Versions.Keys.Except(after.Versions.Keys) ?? [])
        {
            c.Execute("DELETE FROM lambda_versions WHERE account=$a AND region=$r AND name=$n AND version=$v", tx,
                ("$a", k.AccountId), ("$r", k.Region), ("$n", k.Name), ("$v", number));
        }

        foreach (var (name, alias) in after.Aliases)
        {
            if (before is null || !before.Aliases.TryGetValue(name, out var old) || old != alias)
            {
                c.Execute(
                    """
                    INSERT INTO lambda_aliases (account, region, function_name, name, config_json) VALUES ($a, $r, $n, $x, $j)
                    ON CONFLICT (account, region, function_name, name) DO UPDATE SET config_json=$j
                    """,
                    tx, ("$a", k.AccountId), ("$r", k.Region), ("$n", k.Name), ("$x", name),
                    ("$j", JsonSerializer.Serialize(alias, FunctionsJson.Default.AliasConfig)));
            }
        }

        foreach (var name in before?.Aliases.Keys.Except(after.Aliases.Keys) ?? [])
        {
            c.Execute("DELETE FROM lambda_aliases WHERE account=$a AND region=$r AND function_name=$n AND name=$x", tx,
                ("$a", k.AccountId), ("$r", k.Region), ("$n", k.Name), ("$x", name));
        }

        foreach (var (qualifier, config) in after.EventInvokeConfigs)
        {
            if (before is null || !before.EventInvokeConfigs.TryGetValue(qualifier, out var old) || old != config)
            {
                c.Execute(
                    """
                    INSERT INTO lambda_event_invoke_configs (account, region, function_name, qualifier, config_json) VALUES ($a, $r, $n, $q, $j)
                    ON CONFLICT (account, region, function_name, qualifier) DO UPDATE SET config_json=$j
                    """,
                    tx, ("$a", k.AccountId), ("$r", k.Region), ("$n", k.Name), ("$q", qualifier),
                    ("$j", JsonSerializer.Serialize(config, FunctionsJson.Default.EventInvokeConfig)));
            }
        }

        foreach (var qualifier in before?.EventInvokeConfigs.Keys.Except(after.EventInvokeConfigs.Keys) ?? [])
        {
            c.Execute("DELETE FROM lambda_event_invoke_configs WHERE account=$a AND region=$r AND function_name=$n AND qualifier=$q", tx,
                ("$a", k.AccountId), ("$r", k.Region), ("$n", k.Name), ("$q", qualifier));
        }

        PersistUrls(c, tx, before, after);
    }

    private void Load()
    {
        using var c = _store.Open();
        var versions = c.Query(
            "SELECT account, region, name, version, config_json FROM lambda_versions",
            r => (Key: new FunctionKey(r.GetString(0), r.GetString(1), r.GetString(2)), Number: r.GetInt64(3),
                  Config: JsonSerializer.Deserialize(r.GetString(4), FunctionsJson.Default.FunctionConfig)!))
            .ToLookup(v => v.Key);
        var aliases = c.Query(
            "SELECT account, region, function_name, config_json FROM lambda_aliases",
            r => (Key: new FunctionKey(r.GetString(0), r.GetString(1), r.GetString(2)),
                  Alias: JsonSerializer.Deserialize(r.GetString(3), FunctionsJson.Default.AliasConfig)!))
            .ToLookup(a => a.Key);
        var invokeConfigs = c.Query(
            "SELECT account, region, function_name, config_json FROM lambda_event_invoke_configs",
            r => (Key: new FunctionKey(r.GetString(0), r.GetString(1), r.GetString(2)),
                  Config: JsonSerializer.Deserialize(r.GetString(3), FunctionsJson.Default.EventInvokeConfig)!))
            .ToLookup(a => a.Key);
        var urlConfigs = LoadUrls(c);
        foreach (var state in c.Query(
            "SELECT account, region, name, latest_json, last_version, reserved_concurrency, tags_json FROM lambda_functions",
            r =>
            {
                var key = new FunctionKey(r.GetString(0), r.GetString(1), r.GetString(2));
                return new FunctionState(
                    key,
                    JsonSerializer.Deserialize(r.GetString(3), FunctionsJson.Default.FunctionConfig)!,
                    versions[key].ToImmutableSortedDictionary(v => v.Number, v => v.Config),
                    aliases[key].ToImmutableDictionary(a => a.Alias.Name, a => a.Alias),
                    r.IsDBNull(5) ? null : r.GetInt32(5),
                    JsonSerializer.Deserialize(r.GetString(6), FunctionsJson.Default.DictionaryStringString)!.ToImmutableDictionary(),
                    r.GetInt64(4))
                {
                    EventInvokeConfigs = invokeConfigs[key].ToImmutableDictionary(x => x.Config.Qualifier, x => x.Config),
                    UrlConfigs = urlConfigs[key].ToImmutableDictionary(x => x.Slot, x => x),
                };
            }))
        {
            _functions[state.Key] = state;
        }
    }
}
