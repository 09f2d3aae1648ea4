using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Nimbus.Functions.Registry;

namespace Nimbus.Functions.Invocation;

/// <summary>Counts executions in flight against reserved concurrency and the account's unreserved pool.</summary>
/// <remarks>
/// As on AWS: a function with reserved concurrency R runs at most R at once and never draws on the unreserved pool;
/// other functions share <c>account limit − Σ reserved</c> in their region. Lock-free counters; thread-safe.
/// </remarks>
internal sealed class ConcurrencyLimiter
{
    private readonly ConcurrentDictionary<FunctionKey, StrongBox<int>> _functions = new();
    private readonly ConcurrentDictionary<(string, string), StrongBox<int>> _unreserved = new();
    private readonly FunctionRegistry _registry;
    private readonly FunctionsOptions _options;
    private readonly ConcurrentDictionary<(string, string), int> _reservedTotals = new();

    public ConcurrencyLimiter(FunctionRegistry registry, FunctionsOptions options)
    {
        _registry = registry;
        _options = options;
        registry.Changed += (key, _) => _reservedTotals.TryRemove((key.AccountId, key.Region), out var _);
    }

    public int AccountLimit => _options.AccountConcurrency;

    public int ReservedTotal(string account, string region) =>
        _reservedTotals.GetOrAdd((account, region), k => _registry.List(k.Item1, k.Item2).Sum(f => f.ReservedConcurrency ?? 0));

    public int UnreservedLimit(string account, string region) => AccountLimit - ReservedTotal(account, region);

    /// <summary>Takes one slot for <paramref name="state"/>, or returns the throttle reason.</summary>
    public (Lease? Lease, string? Reason) TryAcquire(FunctionState state)
    {
        var key = state.Key;
        var counter = _functions.GetOrAdd(key, _ => new StrongBox<int>());
        if (state.ReservedConcurrency is { } reserved)
        {
            if (Interlocked.Increment(ref counter.Value) > reserved)
            {
                Interlocked.Decrement(ref counter.Value);
                return (null, "ReservedFunctionConcurrentInvocationLimitExceeded");
            }

            return (new Lease(counter, null), null);
        }

        var pool = _unreserved.GetOrAdd((key.AccountId, key.Region), _ => new StrongBox<int>());
        if (Interlocked.Increment(ref pool.Value) > UnreservedLimit(key.AccountId, key.Region))
        {
            Interlocked.Decrement(ref pool.Value);
            return (null, "ConcurrentInvocationLimitExceeded");
        }

        Interlocked.Increment(ref counter.Value);
        return (new Lease(counter, pool), null);
    }

    /// <summary>One execution slot; disposing it frees the slot.</summary>
    internal sealed class Lease(StrongBox<int> function, StrongBox<int>? pool) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                Interlocked.Decrement(ref function.Value);
                if (pool is not null)
                {
                    Interlocked.Decrement(ref pool.Value);
                }
            }
        }
    }
}
