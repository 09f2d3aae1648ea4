using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Nimbus.Core.Logs;

namespace Nimbus.Functions.Sandboxes;

/// <summary>All warm pools, keyed by function version and configuration revision, with idle reaping and a memory watchdog.</summary>
internal sealed partial class SandboxPools : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, WarmPool> _pools = new(StringComparer.Ordinal);
    private readonly SandboxLauncher _launcher;
    private readonly ILogSink _logs;
    private readonly TimeProvider _time;
    private readonly FunctionsOptions _options;
    private readonly ILogger _logger;
    private readonly ITimer _reaper;
    private readonly ITimer _watchdog;

    public SandboxPools(SandboxLauncher launcher, ILogSink logs, TimeProvider time, FunctionsOptions options, ILogger<SandboxPools> logger)
    {
        _launcher = launcher;
        _logs = logs;
        _time = time;
        _options = options;
        _logger = logger;
        _reaper = time.CreateTimer(_ => Reap(), null, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));
        _watchdog = time.CreateTimer(_ => WatchMemory(), null, TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(100));
    }

    public IEnumerable<WarmPool> Pools => _pools.Values;

    /// <summary>Takes a warm sandbox for <paramref name="poolKey"/>, or starts a new one (a cold start).</summary>
    public (WarmPool Pool, Sandbox Sandbox, bool Cold) Acquire(string poolKey, Func<SandboxSpec> spec)
    {
        var pool = _pools.GetOrAdd(poolKey, k => new WarmPool(k));
        if (pool.Retired)
        {
            pool = new WarmPool(poolKey);
            _pools[poolKey] = pool;
        }

        var sandbox = pool.TakeIdle();
        if (sandbox is not null)
        {
            return (pool, sandbox, false);
        }

        sandbox = new Sandbox(spec(), _launcher, _logs, _time, _logger);
        pool.Add(sandbox);
        Log.ColdStart(_logger, poolKey, sandbox.ProcessId ?? 0);
        return (pool, sandbox, true);
    }

    /// <summary>Retires every pool whose key starts with <paramref name="prefix"/> except <paramref name="keep"/>.</summary>
    public void Retire(string prefix, string? keep = null)
    {
        foreach (var (key, pool) in _pools)
        {
            if (key.StartsWith(prefix, StringComparison.Ordinal) && key != keep)
            {
                pool.Retire();
                _pools.TryRemove(new KeyValuePair<string, WarmPool>(key, pool));
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _reaper.DisposeAsync();
        await _watchdog.DisposeAsync();
        var all = _pools.Values.SelectMany(p => p.Sandboxes).ToList();
        _pools.Clear();
        await Task.WhenAll(all.Select(s => s.DisposeAsync().AsTask()));
    }

    private void Reap()
    {
        var cutoff = _time.GetUtcNow() - _options.KeepAlive;
        foreach (var pool in _pools.Values)
        {
            var n = pool.Reap(cutoff);
            if (n > 0)
            {
                Log.Reaped(_logger, n, pool.Key);
            }
        }
    }

    private void WatchMemory()
    {
        foreach (var pool in _pools.Values)
        {
            foreach (var sandbox in pool.Sandboxes)
            {
                if (sandbox.IsBusy)
                {
                    sandbox.EnforceMemoryLimit();
                }
            }
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 1101, Level = LogLevel.Debug, Message = "Cold start for {Pool} (pid {Pid})")]
        public static partial void ColdStart(ILogger logger, string pool, int pid);

        [LoggerMessage(EventId = 1102, Level = LogLevel.Debug, Message = "Reaped {Count} idle sandboxes of {Pool}")]
        public static partial void Reaped(ILogger logger, int count, string pool);
    }
}
