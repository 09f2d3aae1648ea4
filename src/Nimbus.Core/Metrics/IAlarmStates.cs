namespace Nimbus.Core.Metrics;

/// <summary>Reads CloudWatch alarm states, for services that react to alarms (CodeDeploy stops a deployment when one fires).</summary>
public interface IAlarmStates
{
    /// <summary>The alarms among <paramref name="alarmNames"/> that are in <c>ALARM</c> now or entered it at or after <paramref name="since"/>.</summary>
    /// <remarks>Looking back to <paramref name="since"/> keeps a short-lived <c>ALARM</c> (a SetAlarmState the next evaluation
    /// undoes) from slipping between two polls. Names with no alarm are reported in <see cref="AlarmPoll.Missing"/>.</remarks>
    AlarmPoll Poll(string accountId, string region, IReadOnlyCollection<string> alarmNames, DateTimeOffset since);
}

/// <summary>What a poll of alarm states found: alarms that fired, and names that name no alarm.</summary>
public sealed record AlarmPoll(IReadOnlyList<string> InAlarm, IReadOnlyList<string> Missing);
