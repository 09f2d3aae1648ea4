using System.Collections.Concurrent;
using System.Text.Json.Nodes;

namespace Nimbus.Gateway.Protection;

/// <summary>What a Lambda authorizer answered, kept for <c>authorizerResultTtlInSeconds</c>.</summary>
/// <remarks>The policy is cached, not the decision: a cached policy is evaluated against each request's own method
/// ARN, so a policy that allows only one method denies the others even from cache (as on AWS).</remarks>
internal sealed record AuthorizerAnswer(string? PrincipalId, JsonNode? Policy, JsonObject? Context, bool? SimpleAllowed, string? UsageIdentifierKey);

/// <summary>Authorizer results by API, stage, authorizer and identity-source values.</summary>
internal sealed class AuthorizerCache(TimeProvider time)
{
    private const int MaxEntries = 100_000;
    private readonly ConcurrentDictionary<string, (DateTimeOffset Expires, AuthorizerAnswer Answer)> _entries = new(StringComparer.Ordinal);

    public static string Key(string apiId, string stage, string authorizerId, IEnumerable<string> identity) =>
        $"{apiId}/{stage}/{authorizerId}\n{string.Join('\u0001', identity)}";

    public AuthorizerAnswer? Get(string key)
    {
        if (_entries.TryGetValue(key, out var e))
        {
            if (e.Expires > time.GetUtcNow())
            {
                return e.Answer;
            }

            _entries.TryRemove(key, out _);
        }

        return null;
    }

    public void Put(string key, AuthorizerAnswer answer, int ttlSeconds)
    {
        if (ttlSeconds <= 0)
        {
            return;
        }

        if (_entries.Count >= MaxEntries)
        {
            var now = time.GetUtcNow();
            foreach (var (k, v) in _entries)
            {
                if (v.Expires <= now)
                {
                    _entries.TryRemove(k, out _);
                }
            }

            if (_entries.Count >= MaxEntries)
            {
                _entries.Clear();
            }
        }

        _entries[key] = (time.GetUtcNow().AddSeconds(ttlSeconds), answer);
    }

    /// <summary>FlushStageAuthorizersCache: drops every cached result of one API stage.</summary>
    public void Flush(string apiId, string stage)
    {
        var prefix = $"{apiId}/{stage}/";
        foreach (var key in _entries.Keys.Where(k => k.StartsWith(prefix, StringComparison.Ordinal)))
        {
            _entries.TryRemove(key, out _);
        }
    }
}
