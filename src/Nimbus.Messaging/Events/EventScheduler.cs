using System.Text.Json.Nodes;
using Microsoft.Extensions.Hosting;

namespace Nimbus.Messaging.Events;

/// <summary>Fires scheduled rules: at each due time a "Scheduled Event" from <c>aws.events</c> goes to the rule's targets.</summary>
/// <remarks>
/// Firing times live in memory and are recomputed from the current time at start-up and when rules change, so
/// firings missed while Nimbus was stopped are skipped (AWS does not replay missed schedules either). Uses
/// <see cref="TimeProvider"/> for all time; tests call <see cref="Tick"/> directly.
/// </remarks>
internal sealed class EventScheduler(EventsStore store, EventRouter router, TimeProvider time) : BackgroundService
{
    private readonly Dictionary<string, DateTimeOffset?> _next = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1), time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                Tick();
            }
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }
    }

    /// <summary>Fires every enabled scheduled rule whose time has come; returns how many fired.</summary>
    public int Tick()
    {
        var now = time.GetUtcNow();
        var fired = 0;
        lock (_gate)
        {
            var rules = store.AllRules().Where(r => r.Schedule is not null && r.Enabled).ToList();
            foreach (var stale in _next.Keys.Except(rules.Select(Key)).ToList())
            {
                _next.Remove(stale);
            }

            foreach (var rule in rules)
            {
                var created = DateTimeOffset.FromUnixTimeMilliseconds(rule.Doc["Created"]?.GetValue<long>() ?? now.ToUnixTimeMilliseconds());
                var key = Key(rule);
                if (!_next.TryGetValue(key, out var due))
                {
                    due = rule.Schedule!.Next(now > created ? now : created, created);
                    _next[key] = due;
                }

                if (due is { } at && at <= now)
                {
                    var @event = router.NewEvent(rule.Account, rule.Region, "aws.events", "Scheduled Event", new JsonObject(), [rule.Arn], at);
                    router.Deliver([rule], @event);
                    _next[key] = rule.Schedule!.Next(at, created);
                    fired++;
                }
            }
        }

        return fired;
    }

    /// <summary>A rule's schedule identity: changing its expression restarts its firings.</summary>
    private static string Key(EventRule rule) => rule.Arn + "|" + rule.Doc["ScheduleExpression"]!.GetValue<string>();
}
