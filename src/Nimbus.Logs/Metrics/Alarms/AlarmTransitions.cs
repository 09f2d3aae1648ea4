using System.Text.Json.Nodes;
using Nimbus.Core.Identity;
using Nimbus.Core.Targets;

namespace Nimbus.Logs.Metrics.Alarms;

/// <summary>Moves an alarm to a new state: stores it with its StateUpdate history item, then runs the state's actions.</summary>
/// <remarks>Used by the evaluator and by SetAlarmState alike. Actions run in the background: SNS topics get AWS's alarm
/// notification JSON through <see cref="IArnTargets"/>, and each run leaves an <c>Action</c> history item.</remarks>
internal sealed class AlarmTransitions(AlarmStore alarms, TimeProvider time, IArnTargets? targets = null)
{
    /// <summary>Tasks of actions still running (tests wait on them).</summary>
    private readonly List<Task> _running = [];

    /// <summary>Applies <paramref name="newState"/>; false when the alarm no longer exists.</summary>
    /// <param name="keepWhenUnchanged">When the state is the same, leave the stored reason as it is (the evaluator's case).</param>
    public bool Apply(MetricAlarm alarm, string newState, string reason, string? reasonData, bool keepWhenUnchanged)
    {
        if (newState == alarm.State && keepWhenUnchanged)
        {
            return true;
        }

        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        AlarmHistoryItem? history = null;
        if (newState != alarm.State)
        {
            var data = new JsonObject
            {
                ["version"] = "1.0",
                ["oldState"] = StateJson(alarm.State, alarm.StateReason, alarm.StateReasonData),
                ["newState"] = StateJson(newState, reason, reasonData),
            };
            history = new AlarmHistoryItem(alarm.Name, now, "StateUpdate", $"Alarm updated from {alarm.State} to {newState}", data.ToJsonString());
        }

        if (!alarms.SetState(alarm, newState, reason, reasonData, now, history))
        {
            return false;
        }

        if (history is not null && alarm.ActionsEnabled)
        {
            var actions = alarm.ActionsFor(newState);
            if (actions.Count > 0)
            {
                var notification = AlarmNotification.Build(alarm, newState, reason, now);
                var task = Task.Run(() => RunActionsAsync(alarm, actions, notification, newState));
                lock (_running)
                {
                    _running.RemoveAll(t => t.IsCompleted);
                    _running.Add(task);
                }
            }
        }

        return true;
    }

    /// <summary>Completes when every action started so far has run.</summary>
    public Task ActionsDrainedAsync()
    {
        lock (_running)
        {
            return Task.WhenAll(_running.ToArray());
        }
    }

    private async Task RunActionsAsync(MetricAlarm alarm, IReadOnlyList<string> actions, string notification, string state)
    {
        foreach (var action in actions)
        {
            string summary;
            JsonObject data = new() { ["actionState"] = "Succeeded", ["notificationResource"] = action, ["stateUpdateTimestamp"] = time.GetUtcNow().ToUnixTimeMilliseconds() };
            try
            {
                if (targets is null || !Arn.TryParse(action, out var arn) || arn.Service != "sns")
                {
                    throw new ArnDeliveryException("UnsupportedAction", "Nimbus runs SNS topic alarm actions only");
                }

                var subject = $"{state}: \"{alarm.Name}\" in {AlarmNotification.RegionName(alarm.Region)}";
                var delivered = await targets.DeliverAsync(action, new ArnMessage(notification, new AwsRequestContext(alarm.AccountId, alarm.Region, Guid.NewGuid().ToString())) { Subject = subject[..Math.Min(subject.Length, 100)] });
                data["publishedMessage"] = new JsonObject { ["id"] = delivered.Id };
                summary = $"Successfully executed action {action}";
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // ArnDeliveryException from the target, or anything else: the action failed, the alarm goes on.
                data["actionState"] = "Failed";
                data["error"] = e.Message;
                summary = $"Failed to execute action {action}. Received error: \"{e.Message}\"";
            }

            alarms.AppendHistory(alarm.AccountId, alarm.Region, new AlarmHistoryItem(alarm.Name, time.GetUtcNow().ToUnixTimeMilliseconds(), "Action", summary, data.ToJsonString()));
        }
    }

    private static JsonObject StateJson(string state, string reason, string? reasonData)
    {
        var o = new JsonObject { ["stateValue"] = state, ["stateReason"] = reason };
        if (reasonData is not null && JsonNode.Parse(reasonData) is JsonObject parsed)
        {
            o["stateReasonData"] = parsed;
        }

        return o;
    }
}
