using System.Collections.Concurrent;

namespace Nimbus.Functions.Sandboxes;

/// <summary>The warm sandboxes of one function version at one configuration revision.</summary>
/// <remarks>Thread-safe. Idle sandboxes are reused last-in first-out so the fewest stay warm under light load.
/// A retired pool (the function changed) hands out nothing and disposes sandboxes as they come back.</remarks>
internal sealed class WarmPool(string key)
{
    private readonly ConcurrentStack<Sandbox> _idle = new();
    private readonly ConcurrentDictionary<Sandbox, byte> _all = new();

    public string Key { get; } = key;

    public bool Retired { get; private set; }

    public int Count => _all.Count;

    public int IdleCount => _idle.Count;

    public IEnumerable<Sandbox> Sandboxes => _all.Keys;

    public Sandbox? TakeIdle()
    {
        while (!Retired && _idle.TryPop(out var sandbox))
        {
            if (!sandbox.IsDead)
            {
                return sandbox;
            }

            _all.TryRemove(sandbox, out _);
            _ = sandbox.DisposeAsync();
        }

        return null;
    }

    public void Add(Sandbox sandbox) => _all[sandbox] = 0;

    /// <summary>Returns a sandbox after an invocation: kept warm when healthy, else disposed.</summary>
    public void Return(Sandbox sandbox)
    {
        if (Retired || sandbox.IsDead)
        {
            Remove(sandbox);
            return;
        }

        _idle.Push(sandbox);
    }

    public void Remove(Sandbox sandbox)
    {
        _all.TryRemove(sandbox, out _);
        _ = sandbox.DisposeAsync();
    }

    /// <summary>Disposes idle sandboxes unused since <paramref name="cutoff"/>; returns how many.</summary>
    public int Reap(DateTimeOffset cutoff)
    {
        // The reaper runs every second: emptying the stack to look for stale sandboxes would hide every idle one for a
        // moment, and an invocation arriving then would cold-start a needless new sandbox. Look first (a snapshot).
        if (!_idle.Any(s => s.LastUsed < cutoff || s.IsDead))
        {
            return 0;
        }

        var kept = new List<Sandbox>();
        var reaped = 0;
        while (_idle.TryPop(out var sandbox))
        {
            if (sandbox.LastUsed < cutoff || sandbox.IsDead)
            {
                Remove(sandbox);
                reaped++;
            }
            else
            {
                kept.Add(sandbox);
            }
        }

        for (var i = kept.Count - 1; i >= 0; i--)
        {
            _idle.Push(kept[i]);
        }

        return reaped;
    }

    public void Retire()
    {
        Retired = true;
        while (_idle.TryPop(out var sandbox))
        {
            Remove(sandbox);
        }
    }
}
