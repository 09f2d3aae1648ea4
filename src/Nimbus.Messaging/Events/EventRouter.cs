using System.Text.Json.Nodes;

namespace Nimbus.Messaging.Events;

/// <summary>Matches an event against a bus's enabled rules and commits one outbox delivery per target of each matching rule.</summary>
internal sealed class EventRouter(EventsStore store, EventsDeliverySignal signal, TimeProvider time)
{
    /// <summary>Routes an event to the rules of its bus that match it; returns how many deliveries were queued.</summary>
    public int Route(EventBus bus, JsonObject @event)
    {
        var rules = store.Rules(bus.Account, bus.Region, bus.Name).Where(r => r.Enabled && r.Pattern is { } p && p.Matches(@event));
        return Deliver(rules, @event);
    }

    /// <summary>Queues an event for the given rules' targets (a scheduled rule's firing).</summary>
    public int Deliver(IEnumerable<EventRule> rules, JsonObject @event)
    {
        var now = time.GetUtcNow();
        var deliveries = new List<EventDelivery>();
        foreach (var rule in rules)
        {
            foreach (var t in rule.Targets.OfType<JsonObject>())
            {
                var retry = t["RetryPolicy"] as JsonObject;
                var maxAttempts = retry?["MaximumRetryAttempts"]?.GetValue<int>() ?? 185;
                var maxAge = retry?["MaximumEventAgeInSeconds"]?.GetValue<int>() ?? 86400;
                deliveries.Add(new EventDelivery(
                    0, rule.Arn, t["Id"]!.GetValue<string>(), t["Arn"]!.GetValue<string>(),
                    TargetInput.Render(t, @event, rule.Arn, rule.Name, now), @event.ToJsonString(), rule.Account, rule.Region,
                    maxAttempts, now.AddSeconds(maxAge).ToUnixTimeMilliseconds(), t["DeadLetterConfig"]?["Arn"]?.GetValue<string>(),
                    0, now.ToUnixTimeMilliseconds()));
            }
        }

        store.Enqueue(deliveries);
        if (deliveries.Count > 0)
        {
            signal.Notify();
        }

        return deliveries.Count;
    }

    public JsonObject NewEvent(string account, string region, string source, string detailType, JsonNode detail, IEnumerable<string> resources, DateTimeOffset? at) =>
        new()
        {
            ["version"] = "0",
            ["id"] = Guid.NewGuid().ToString(),
            ["detail-type"] = detailType,
            ["source"] = source,
            ["account"] = account,
            ["time"] = (at ?? time.GetUtcNow()).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture),
            ["region"] = region,
            ["resources"] = new JsonArray(resources.Select(r => (JsonNode)r).ToArray()),
            ["detail"] = detail,
        };
}
