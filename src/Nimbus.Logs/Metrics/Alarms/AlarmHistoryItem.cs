namespace Nimbus.Logs.Metrics.Alarms;

/// <summary>One entry of an alarm's history: a configuration change, a state change or an action run.</summary>
/// <param name="Type"><c>ConfigurationUpdate</c>, <c>StateUpdate</c> or <c>Action</c>.</param>
/// <param name="Timestamp">Unix milliseconds.</param>
/// <param name="Data">The HistoryData JSON document.</param>
internal sealed record AlarmHistoryItem(string AlarmName, long Timestamp, string Type, string Summary, string Data);
