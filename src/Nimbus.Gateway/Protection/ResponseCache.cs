using System.Collections.Concurrent;
using Nimbus.Gateway.Serving;

namespace Nimbus.Gateway.Protection;

/// <summary>REST API stage caches (in memory): responses by stage, method, resource and cache-key parameters.</summary>
/// <remarks>"Cache settings for REST APIs": with the stage's cache cluster on and <c>cachingEnabled</c> for the method,
/// responses are kept for <c>cacheTtlInSeconds</c> (0–3600, default 300); only GET is cached; the key is the resource
/// path plus the values of the integration's <c>cacheKeyParameters</c>. Each stage holds at most 10,000 entries.</remarks>
internal sealed class ResponseCache(TimeProvider time)
{
    private const int MaxEntriesPerStage = 10_000;
    private readonly ConcurrentDictionary<string, ConcurrentDictionary<string, (DateTimeOffset Expires, GatewayResponse Response)>> _stages = new(StringComparer.Ordinal);

    public long Hits;
    public long Misses;

    public GatewayResponse? Get(string stageKey, string key)
    {
        if (_stages.TryGetValue(stageKey, out var entries) && entries.TryGetValue(key, out var e))
        {
            if (e.Expires > time.GetUtcNow())
            {
                Interlocked.Increment(ref Hits);
                return e.Response;
            }

            entries.TryRemove(key, out _);
        }

        Interlocked.Increment(ref Misses);
        return null;
    }

    public void Put(string stageKey, string key, GatewayResponse response, int ttlSeconds)
    {
        if (ttlSeconds <= 0)
        {
            return;
        }

        var entries = _stages.GetOrAdd(stageKey, _ => new(StringComparer.Ordinal));
        if (entries.Count >= MaxEntriesPerStage)
        {
            var now = time.GetUtcNow();
            foreach (var (k, v) in entries)
            {
                if (v.Expires <= now)
                {
                    entries.TryRemove(k, out _);
                }
            }

            if (entries.Count >= MaxEntriesPerStage)
            {
                entries.Clear();
            }
        }

        entries[key] = (time.GetUtcNow().AddSeconds(ttlSeconds), response);
    }

    public void Invalidate(string stageKey, string key)
    {
        if (_stages.TryGetValue(stageKey, out var entries))
        {
            entries.TryRemove(key, out _);
        }
    }

    /// <summary>FlushStageCache.</summary>
    public void Flush(string stageKey) => _stages.TryRemove(stageKey, out _);
}
