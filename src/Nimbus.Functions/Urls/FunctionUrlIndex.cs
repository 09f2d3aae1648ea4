using System.Collections.Concurrent;
using Nimbus.Core.Functions;
using Nimbus.Functions.Registry;

namespace Nimbus.Functions.Urls;

/// <summary>Function URLs by URL id, for the front door that serves them (<see cref="IFunctionUrls"/>).</summary>
/// <remarks>Built from the registry at start and kept in step with its <see cref="FunctionRegistry.Changed"/> event. A change
/// re-reads the function's current snapshot under a lock, so events that arrive out of order still leave the newest state.</remarks>
internal sealed class FunctionUrlIndex : IFunctionUrls
{
    private readonly FunctionRegistry _registry;
    private readonly ConcurrentDictionary<string, FunctionUrlEndpoint> _byId = new(StringComparer.Ordinal);
    private readonly Dictionary<FunctionKey, string[]> _idsOf = [];
    private readonly Lock _gate = new();

    public FunctionUrlIndex(FunctionRegistry registry)
    {
        _registry = registry;
        registry.Changed += (key, _) => Refresh(key);
        foreach (var state in registry.All)
        {
            Refresh(state.Key);
        }
    }

    public FunctionUrlEndpoint? Find(string urlId) => _byId.GetValueOrDefault(urlId);

    private void Refresh(FunctionKey key)
    {
        lock (_gate)
        {
            var state = _registry.Get(key);
            var configs = state?.UrlConfigs.Values.ToList() ?? [];
            foreach (var config in configs)
            {
                _byId[config.UrlId] = new FunctionUrlEndpoint(
                    config.UrlId, key.AccountId, key.Region, key.UnqualifiedArn, config.Qualifier, config.AuthType, config.Cors, config.InvokeMode);
            }

            // Stale ids go only after the new ones are in, so a lookup of a URL that stays never misses.
            string[] ids = [.. configs.Select(c => c.UrlId)];
            foreach (var id in (_idsOf.GetValueOrDefault(key) ?? []).Except(ids))
            {
                _byId.TryRemove(id, out _);
            }

            if (ids.Length == 0)
            {
                _idsOf.Remove(key);
            }
            else
            {
                _idsOf[key] = ids;
            }
        }
    }
}
