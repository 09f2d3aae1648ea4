using System.Text.Json.Nodes;
using Nimbus.Core.Identity;
using Nimbus.Core.Metrics;
using Nimbus.Core.Provisioning;

namespace Nimbus.Templates.CodeDeploy;

/// <summary>Watches a deployment group's CloudWatch alarms while a deployment runs, and stops it when one is in ALARM.</summary>
/// <remarks>
/// CodeDeploy polls the alarms of the group's <c>AlarmConfiguration</c> (when <c>Enabled</c>) during the traffic shift and the
/// hooks; an alarm in ALARM stops the deployment and rolls the alias back. Each poll also counts alarms that entered ALARM since
/// the deployment started, so an ALARM the next evaluation undoes (SetAlarmState) is not missed between polls. An alarm that
/// cannot be read stops the deployment unless <c>IgnorePollAlarmFailure</c> is true.
/// </remarks>
internal sealed class AlarmWatch : IDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly IAlarmStates _states;
    private readonly AwsRequestContext _caller;
    private readonly IReadOnlyList<string> _names;
    private readonly bool _ignorePollFailure;
    private readonly DateTimeOffset _since;
    private readonly ITimer? _timer;

    private AlarmWatch(IAlarmStates states, AwsRequestContext caller, IReadOnlyList<string> names, bool ignorePollFailure, TimeProvider time, TimeSpan interval)
    {
        _states = states;
        _caller = caller;
        _names = names;
        _ignorePollFailure = ignorePollFailure;
        _since = time.GetUtcNow();
        _timer = time.CreateTimer(_ => Check(), null, interval, interval);
    }

    /// <summary>Cancelled when an alarm stops the deployment; <see cref="Failure"/> then says why.</summary>
    public CancellationToken Stopped => _stop.Token;

    public string? Failure { get; private set; }

    /// <summary>Starts watching the alarms of <paramref name="configuration"/>; null when there is nothing to watch.</summary>
    public static AlarmWatch? Start(JsonObject? configuration, IAlarmStates? states, AwsRequestContext caller, TimeProvider time, TimeSpan interval)
    {
        if (states is null || configuration is null || !IsTrue(configuration["Enabled"]))
        {
            return null;
        }

        var names = (configuration["Alarms"] as JsonArray ?? [])
            .Select(a => a is JsonObject o ? o["Name"]?.ToString() : a?.ToString())
            .OfType<string>().Where(n => n.Length > 0).Distinct(StringComparer.Ordinal).ToList();
        return names.Count == 0 ? null : new AlarmWatch(states, caller, names, IsTrue(configuration["IgnorePollAlarmFailure"]), time, interval);
    }

    /// <summary>Polls now and throws when an alarm stops the deployment.</summary>
    public void ThrowIfStopped()
    {
        Check();
        if (Failure is not null)
        {
            throw new ProvisioningException(Failure);
        }
    }

    public void Dispose()
    {
        _timer?.Dispose();
        _stop.Dispose();
    }

    private void Check()
    {
        if (Failure is not null)
        {
            return;
        }

        AlarmPoll poll;
        try
        {
            poll = _states.Poll(_caller.AccountId, _caller.Region, _names, _since);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            if (_ignorePollFailure)
            {
                return;
            }

            poll = new AlarmPoll([], []);
            Failure = $"CodeDeploy could not retrieve the state of alarm(s) {string.Join(", ", _names)} from CloudWatch ({e.Message}), and IgnorePollAlarmFailure is false.";
        }

        if (Failure is not null)
        {
            // Set by the failed poll above.
        }
        else if (poll.InAlarm.Count > 0)
        {
            Failure = "One or more alarms have been activated according to the Amazon CloudWatch metrics you selected, and the affected deployments have been stopped. "
                + $"Activated alarms: {string.Join(", ", poll.InAlarm.Select(n => $"<{n}>"))} (alarm(s) {string.Join(", ", poll.InAlarm)} in ALARM state).";
        }
        else if (poll.Missing.Count > 0 && !_ignorePollFailure)
        {
            Failure = $"CodeDeploy could not retrieve the state of alarm(s) {string.Join(", ", poll.Missing)} from CloudWatch (no such alarm), and IgnorePollAlarmFailure is false.";
        }
        else
        {
            return;
        }

        try
        {
            _stop.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // The deployment finished while this poll ran.
        }
    }

    private static bool IsTrue(JsonNode? node) => node is not null && string.Equals(node.ToString(), "true", StringComparison.OrdinalIgnoreCase);
}
