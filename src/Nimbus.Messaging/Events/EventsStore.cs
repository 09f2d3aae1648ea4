using System.Collections.Immutable;
using System.Text.Json.Nodes;
using Nimbus.Storage.Sqlite;

namespace Nimbus.Messaging.Events;

/// <summary>Buses and rules in SQLite with an in-memory snapshot, and the target-delivery outbox.</summary>
/// <remarks>SQLite commits first, then the snapshot swaps; writers hold <c>_gate</c>. The <c>default</c> bus of an
/// account and region is created on first use.</remarks>
internal sealed class EventsStore(StateStore store, TimeProvider time)
{
    private readonly Lock _gate = new();
    private ImmutableDictionary<string, EventBus>? _buses;
    private ImmutableDictionary<string, EventRule> _rules = ImmutableDictionary<string, EventRule>.Empty;

    private ImmutableDictionary<string, EventBus> Buses
    {
        get
        {
            if (_buses is { } b)
            {
                return b;
            }

            lock (_gate)
            {
                if (_buses is null)
                {
                    using var c = store.Open();
                    _rules = c.Query("SELECT arn, name, bus, account, region, doc FROM events_rules", r => new EventRule(
                        r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetString(4), (JsonObject)JsonNode.Parse(r.GetString(5))!).Compiled())
                        .ToImmutableDictionary(x => x.Arn, StringComparer.Ordinal);
                    // Rules first: readers take the lock-free path as soon as _buses is set.
                    Volatile.Write(ref _buses, c.Query("SELECT arn, name, account, region, doc FROM events_buses", r => new EventBus(
                        r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), (JsonObject)JsonNode.Parse(r.GetString(4))!))
                        .ToImmutableDictionary(x => x.Arn, StringComparer.Ordinal));
                }

                return _buses!;
            }
        }
    }

    public EventBus? Bus(string account, string region, string name)
    {
        var arn = EventBus.ArnFor(region, account, name);
        if (Buses.TryGetValue(arn, out var bus))
        {
            return bus;
        }

        return name == "default" ? PutBus(new EventBus(arn, name, account, region, new JsonObject { ["CreationTime"] = Now() }), create: true) : null;
    }

    public IReadOnlyList<EventBus> ListBuses(string account, string region)
    {
        _ = Bus(account, region, "default");
        return Buses.Values.Where(b => b.Account == account && b.Region == region).OrderBy(b => b.Name, StringComparer.Ordinal).ToList();
    }

    /// <summary>Inserts (create) or replaces a bus; returns null when creating one that exists.</summary>
    public EventBus? PutBus(EventBus bus, bool create)
    {
        lock (_gate)
        {
            if (create && Buses.ContainsKey(bus.Arn))
            {
                return null;
            }

            store.Write((c, tx) => c.Execute(
                "INSERT INTO events_buses (arn, account, region, name, doc) VALUES ($a, $ac, $r, $n, $d) ON CONFLICT (arn) DO UPDATE SET doc = excluded.doc", tx,
                ("$a", bus.Arn), ("$ac", bus.Account), ("$r", bus.Region), ("$n", bus.Name), ("$d", bus.Doc.ToJsonString())));
            _buses = Buses.SetItem(bus.Arn, bus);
            return bus;
        }
    }

    public void DeleteBus(EventBus bus)
    {
        lock (_gate)
        {
            store.Write((c, tx) =>
            {
                c.Execute("DELETE FROM events_rules WHERE account = $a AND region = $r AND bus = $b", tx, ("$a", bus.Account), ("$r", bus.Region), ("$b", bus.Name));
                return c.Execute("DELETE FROM events_buses WHERE arn = $a", tx, ("$a", bus.Arn));
            });
            _buses = Buses.Remove(bus.Arn);
            _rules = _rules.RemoveRange(_rules.Values.Where(r => r.Account == bus.Account && r.Region == bus.Region && r.Bus == bus.Name).Select(r => r.Arn));
        }
    }

    public EventRule? Rule(string account, string region, string bus, string name)
    {
        _ = Buses;
        return _rules.GetValueOrDefault(EventRule.ArnFor(region, account, bus, name));
    }

    public EventRule? RuleByArn(string arn)
    {
        _ = Buses;
        return _rules.GetValueOrDefault(arn);
    }

    public IReadOnlyList<EventRule> Rules(string account, string region, string bus)
    {
        _ = Buses;
        return _rules.Values.Where(r => r.Account == account && r.Region == region && r.Bus == bus).OrderBy(r => r.Name, StringComparer.Ordinal).ToList();
    }

    public IReadOnlyList<EventRule> AllRules()
    {
        _ = Buses;
        return [.. _rules.Values];
    }

    public EventRule PutRule(EventRule rule)
    {
        lock (_gate)
        {
            store.Write((c, tx) => c.Execute(
                "INSERT INTO events_rules (arn, account, region, bus, name, doc) VALUES ($a, $ac, $r, $b, $n, $d) ON CONFLICT (arn) DO UPDATE SET doc = excluded.doc", tx,
                ("$a", rule.Arn), ("$ac", rule.Account), ("$r", rule.Region), ("$b", rule.Bus), ("$n", rule.Name), ("$d", rule.Doc.ToJsonString())));
            var compiled = rule.Compiled();
            _rules = _rules.SetItem(rule.Arn, compiled);
            return compiled;
        }
    }

    public void DeleteRule(EventRule rule)
    {
        lock (_gate)
        {
            store.Write((c, tx) => c.Execute("DELETE FROM events_rules WHERE arn = $a", tx, ("$a", rule.Arn)));
            _rules = _rules.Remove(rule.Arn);
        }
    }

    public void Enqueue(IReadOnlyList<EventDelivery> deliveries)
    {
        if (deliveries.Count == 0)
        {
            return;
        }

        store.Write((c, tx) =>
        {
            foreach (var d in deliveries)
            {
                c.Execute(
                    """
                    INSERT INTO events_outbox (rule_arn, target_id, target_arn, payload, event, account, region, max_attempts, expires, dead_letter_arn, attempts, due)
                    VALUES ($r, $ti, $ta, $p, $e, $ac, $rg, $m, $x, $dl, 0, $d)
                    """, tx,
                    ("$r", d.RuleArn), ("$ti", d.TargetId), ("$ta", d.TargetArn), ("$p", d.Payload), ("$e", d.Event), ("$ac", d.Account), ("$rg", d.Region),
                    ("$m", d.MaxAttempts), ("$x", d.Expires), ("$dl", d.DeadLetterArn), ("$d", d.Due));
            }

            return 0;
        });
    }

    public IReadOnlyList<EventDelivery> Due(long now, int limit)
    {
        using var c = store.Open();
        return c.Query(
            "SELECT id, rule_arn, target_id, target_arn, payload, event, account, region, max_attempts, expires, dead_letter_arn, attempts, due FROM events_outbox WHERE due <= $n ORDER BY id LIMIT $l",
            r => new EventDelivery(r.GetInt64(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetString(4), r.GetString(5), r.GetString(6), r.GetString(7),
                r.GetInt32(8), r.GetInt64(9), r.StringOrNull(10), r.GetInt32(11), r.GetInt64(12)),
            null, ("$n", now), ("$l", limit));
    }

    public long? NextDue()
    {
        using var c = store.Open();
        return c.Scalar("SELECT MIN(due) FROM events_outbox") is long due ? due : null;
    }

    public void Complete(long id) => store.Write((c, tx) => c.Execute("DELETE FROM events_outbox WHERE id = $i", tx, ("$i", id)));

    public void Retry(long id, int attempts, long due, string error) => store.Write((c, tx) => c.Execute(
        "UPDATE events_outbox SET attempts = $a, due = $d, last_error = $e WHERE id = $i", tx, ("$a", attempts), ("$d", due), ("$e", error), ("$i", id)));

    private double Now() => time.GetUtcNow().ToUnixTimeMilliseconds() / 1000.0;
}
