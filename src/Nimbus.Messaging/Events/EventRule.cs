using System.Text.Json.Nodes;
using Nimbus.Messaging.Patterns;

namespace Nimbus.Messaging.Events;

/// <summary>A rule on a bus (immutable snapshot): <see cref="Doc"/> is its stored JSON (pattern, schedule, state, targets, tags).</summary>
internal sealed record EventRule(string Arn, string Name, string Bus, string Account, string Region, JsonObject Doc)
{
    public EventPattern? Pattern { get; init; }

    public Schedule? Schedule { get; init; }

    public bool Enabled => Doc["State"]?.GetValue<string>() == "ENABLED";

    public JsonArray Targets => Doc["Targets"] as JsonArray ?? [];

    public static string ArnFor(string region, string account, string bus, string name) =>
        bus == "default" ? $"arn:aws:events:{region}:{account}:rule/{name}" : $"arn:aws:events:{region}:{account}:rule/{bus}/{name}";

    public EventRule Compiled() => this with
    {
        Pattern = Doc["EventPattern"]?.GetValue<string>() is { } p ? EventPattern.Parse(p) : null,
        Schedule = Doc["ScheduleExpression"]?.GetValue<string>() is { } s ? Events.Schedule.Parse(s) : null,
    };
}
