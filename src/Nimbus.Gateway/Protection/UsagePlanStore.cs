using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json.Nodes;
using Nimbus.Core.Identity;
using Nimbus.Gateway.Management;
using Nimbus.Storage.Sqlite;

namespace Nimbus.Gateway.Protection;

/// <summary>API keys, usage plans and usage-plan keys (API Gateway v1): SQLite is the source of truth, memory holds an
/// immutable index swapped on every write; usage is counted per plan, key and UTC day.</summary>
internal sealed class UsagePlanStore
{
    private readonly StateStore _store;
    private readonly Lock _write = new();
    private readonly Lock _count = new();
    private readonly ConcurrentDictionary<(string Plan, string Key, string Day), long> _usage = new();
    private Index _index;

    public UsagePlanStore(StateStore store, TimeProvider time)
    {
        _store = store;
        Time = time;
        using var c = store.Open();
        var keys = c.Query("SELECT key_id, account, region, doc FROM apigw_api_keys", r => new Owned(r.GetString(0), r.GetString(1), r.GetString(2), JsonNode.Parse(r.GetString(3))!.AsObject()));
        var plans = c.Query("SELECT plan_id, account, region, doc FROM apigw_usage_plans", r => new Owned(r.GetString(0), r.GetString(1), r.GetString(2), JsonNode.Parse(r.GetString(3))!.AsObject()));
        var links = c.Query("SELECT plan_id, key_id FROM apigw_usage_plan_keys", r => (r.GetString(0), r.GetString(1)));
        _index = new Index(keys.ToDictionary(k => k.Id), plans.ToDictionary(p => p.Id), [.. links]);
        foreach (var (plan, key, day, used) in c.Query("SELECT plan_id, key_id, day, used FROM apigw_usage", r => (r.GetString(0), r.GetString(1), r.GetString(2), r.GetInt64(3))))
        {
            _usage[(plan, key, day)] = used;
        }
    }

    public TimeProvider Time { get; }

    /// <summary>A key or plan with its owner; <see cref="Doc"/> is never mutated once published.</summary>
    internal sealed record Owned(string Id, string Account, string Region, JsonObject Doc);

    private sealed record Index(Dictionary<string, Owned> Keys, Dictionary<string, Owned> Plans, HashSet<(string Plan, string Key)> Links);

    public IEnumerable<Owned> Keys(AwsRequestContext caller) => _index.Keys.Values.Where(k => Mine(k, caller));

    public IEnumerable<Owned> Plans(AwsRequestContext caller) => _index.Plans.Values.Where(p => Mine(p, caller));

    public Owned Key(string id, AwsRequestContext caller) =>
        _index.Keys.TryGetValue(id, out var k) && Mine(k, caller) ? k : throw GatewayErrors.NotFound("Invalid API Key identifier specified");

    public Owned Plan(string id, AwsRequestContext caller) =>
        _index.Plans.TryGetValue(id, out var p) && Mine(p, caller) ? p : throw GatewayErrors.NotFound("Invalid Usage Plan ID specified");

    public IEnumerable<Owned> PlanKeys(string planId) =>
        _index.Links.Where(l => l.Plan == planId).Select(l => _index.Keys.GetValueOrDefault(l.Key)).OfType<Owned>();

    /// <summary>Creates or replaces a key (<paramref name="id"/> unknown = create).</summary>
    public Owned PutKey(string id, AwsRequestContext caller, JsonObject doc)
    {
        lock (_write)
        {
            var value = doc["value"]!.GetValue<string>();
            if (_index.Keys.Values.Any(k => k.Id != id && k.Account == caller.AccountId && k.Doc["value"]?.GetValue<string>() == value))
            {
                throw GatewayErrors.Conflict("API Key value already exists");
            }

            var owned = new Owned(id, caller.AccountId, caller.Region, doc);
            _store.Write((c, tx) => c.Execute(
                "INSERT INTO apigw_api_keys (key_id, account, region, doc) VALUES ($id, $a, $r, $d) ON CONFLICT (key_id) DO UPDATE SET doc = excluded.doc", tx,
                ("$id", id), ("$a", caller.AccountId), ("$r", caller.Region), ("$d", doc.ToJsonString())));
            _index = _index with { Keys = new(_index.Keys) { [id] = owned } };
            return owned;
        }
    }

    public void DeleteKey(string id, AwsRequestContext caller)
    {
        lock (_write)
        {
            Key(id, caller);
            _store.Write((c, tx) =>
            {
                c.Execute("DELETE FROM apigw_api_keys WHERE key_id = $id", tx, ("$id", id));
                return c.Execute("DELETE FROM apigw_usage_plan_keys WHERE key_id = $id", tx, ("$id", id));
            });
            var keys = new Dictionary<string, Owned>(_index.Keys);
            keys.Remove(id);
            _index = new Index(keys, _index.Plans, [.. _index.Links.Where(l => l.Key != id)]);
        }
    }

    public Owned PutPlan(string id, AwsRequestContext caller, JsonObject doc)
    {
        lock (_write)
        {
            var owned = new Owned(id, caller.AccountId, caller.Region, doc);
            _store.Write((c, tx) => c.Execute(
                "INSERT INTO apigw_usage_plans (plan_id, account, region, doc) VALUES ($id, $a, $r, $d) ON CONFLICT (plan_id) DO UPDATE SET doc = excluded.doc", tx,
                ("$id", id), ("$a", caller.AccountId), ("$r", caller.Region), ("$d", doc.ToJsonString())));
            _index = _index with { Plans = new(_index.Plans) { [id] = owned } };
            return owned;
        }
    }

    public void DeletePlan(string id, AwsRequestContext caller)
    {
        lock (_write)
        {
            Plan(id, caller);
            _store.Write((c, tx) =>
            {
                c.Execute("DELETE FROM apigw_usage_plans WHERE plan_id = $id", tx, ("$id", id));
                c.Execute("DELETE FROM apigw_usage WHERE plan_id = $id", tx, ("$id", id));
                return c.Execute("DELETE FROM apigw_usage_plan_keys WHERE plan_id = $id", tx, ("$id", id));
            });
            var plans = new Dictionary<string, Owned>(_index.Plans);
            plans.Remove(id);
            _index = new Index(_index.Keys, plans, [.. _index.Links.Where(l => l.Plan != id)]);
            foreach (var k in _usage.Keys.Where(k => k.Plan == id))
            {
                _usage.TryRemove(k, out _);
            }
        }
    }

    public void Link(string planId, string keyId, AwsRequestContext caller)
    {
        lock (_write)
        {
            var plan = Plan(planId, caller);
            Key(keyId, caller);
            if (_index.Links.Contains((planId, keyId)))
            {
                throw GatewayErrors.Conflict($"Usage Plan {planId} cannot be added because API Key {keyId} is already associated with it");
            }

            // One key may not be in two plans that cover the same API stage.
            var stages = Stages(plan.Doc).ToHashSet();
            foreach (var other in _index.Links.Where(l => l.Key == keyId).Select(l => _index.Plans.GetValueOrDefault(l.Plan)).OfType<Owned>())
            {
                if (Stages(other.Doc).Any(stages.Contains))
                {
                    throw GatewayErrors.Conflict($"API Key {keyId} is already associated with usage plan {other.Id} covering the same API stage");
                }
            }

            _store.Write((c, tx) => c.Execute("INSERT INTO apigw_usage_plan_keys (plan_id, key_id) VALUES ($p, $k)", tx, ("$p", planId), ("$k", keyId)));
            _index = _index with { Links = [.. _index.Links, (planId, keyId)] };
        }
    }

    public void Unlink(string planId, string keyId, AwsRequestContext caller)
    {
        lock (_write)
        {
            Plan(planId, caller);
            if (!_index.Links.Contains((planId, keyId)))
            {
                throw GatewayErrors.NotFound("Invalid API Key identifier specified");
            }

            _store.Write((c, tx) => c.Execute("DELETE FROM apigw_usage_plan_keys WHERE plan_id = $p AND key_id = $k", tx, ("$p", planId), ("$k", keyId)));
            _index = _index with { Links = [.. _index.Links.Where(l => l != (planId, keyId))] };
        }
    }

    /// <summary>The key with this value in the API's account, if enabled, and the plan covering the API stage it is in.</summary>
    public (Owned Key, Owned? Plan)? Resolve(string account, string region, string apiId, string stage, string value)
    {
        var index = _index;
        var key = index.Keys.Values.FirstOrDefault(k => k.Account == account && k.Region == region && k.Doc["value"]?.GetValue<string>() == value);
        if (key is null || key.Doc["enabled"]?.GetValue<bool>() != true)
        {
            return null;
        }

        var plan = index.Links.Where(l => l.Key == key.Id).Select(l => index.Plans.GetValueOrDefault(l.Plan)).OfType<Owned>()
            .FirstOrDefault(p => Stages(p.Doc).Contains((apiId, stage)));
        return (key, plan);
    }

    /// <summary>Counts one request against the plan's quota; false (nothing counted) when the quota is used up.</summary>
    public bool TryConsume(Owned plan, Owned key)
    {
        var quota = plan.Doc["quota"] as JsonObject;
        var today = Time.GetUtcNow().UtcDateTime.Date;
        var day = Day(today);
        var slot = (plan.Id, key.Id, day);
        long now;
        lock (_count)
        {
            // Check and count together, so concurrent requests cannot overrun the quota.
            if (quota?["limit"] is JsonValue limitNode && ApiProtection.Number(limitNode) is { } limit)
            {
                var start = PeriodStart(today, quota["period"]?.GetValue<string>() ?? "DAY", (int)(ApiProtection.Number(quota["offset"]) ?? 0));
                var used = 0L;
                for (var d = start; d <= today; d = d.AddDays(1))
                {
                    used += _usage.GetValueOrDefault((plan.Id, key.Id, Day(d)));
                }

                if (used >= limit)
                {
                    return false;
                }
            }

            now = _usage.AddOrUpdate(slot, 1, (_, n) => n + 1);
        }

        _store.Write((c, tx) => c.Execute(
            "INSERT INTO apigw_usage (plan_id, key_id, day, used) VALUES ($p, $k, $d, $u) ON CONFLICT (plan_id, key_id, day) DO UPDATE SET used = MAX(used, excluded.used)", tx,
            ("$p", plan.Id), ("$k", key.Id), ("$d", day), ("$u", now)));
        return true;
    }

    /// <summary>GetUsage: per key, one <c>[used, remaining]</c> pair per day from start to end.</summary>
    public JsonObject Usage(Owned plan, string? keyId, DateTime start, DateTime end)
    {
        var items = new JsonObject();
        var quota = plan.Doc["quota"] as JsonObject;
        var limit = ApiProtection.Number(quota?["limit"]);
        foreach (var key in PlanKeys(plan.Id).Where(k => keyId is null || k.Id == keyId))
        {
            var days = new JsonArray();
            for (var d = start.Date; d <= end.Date; d = d.AddDays(1))
            {
                var used = _usage.GetValueOrDefault((plan.Id, key.Id, Day(d)));
                days.Add(new JsonArray(used, limit is { } l ? (long)Math.Max(0, l - used) : 0));
            }

            items[key.Id] = days;
        }

        return items;
    }

    internal static DateTime PeriodStart(DateTime today, string period, int offset) => period switch
    {
        "WEEK" => today.AddDays(-(((int)today.DayOfWeek - offset + 7) % 7)),
        "MONTH" => new DateTime(today.Year, today.Month, 1, 0, 0, 0, DateTimeKind.Utc),
        _ => today,
    };

    private static string Day(DateTime d) => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static IEnumerable<(string ApiId, string Stage)> Stages(JsonObject plan) =>
        (plan["apiStages"] as JsonArray ?? []).OfType<JsonObject>()
            .Select(s => (s["apiId"]?.GetValue<string>() ?? "", s["stage"]?.GetValue<string>() ?? ""));

    private static bool Mine(Owned o, AwsRequestContext caller) => o.Account == caller.AccountId && o.Region == caller.Region;
}
