using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Nimbus.Core.Logs;
using Nimbus.StepFunctions.History;

namespace Nimbus.StepFunctions.Service;

/// <summary>
/// CloudWatch Logs output of one execution, per the state machine's <c>loggingConfiguration</c>: each history event the
/// level selects becomes one log event (AWS's shape: <c>id</c>, <c>type</c>, <c>details</c>, <c>previous_event_id</c>,
/// <c>event_timestamp</c>, <c>execution_arn</c>, <c>redrive_count</c>) in the log group of the destination ARN.
/// </summary>
/// <remarks>
/// <para>Levels as AWS documents them: <c>ALL</c> every event; <c>ERROR</c> the failure events (execution
/// failed/aborted/timed out, <c>FailStateEntered</c>, task/Lambda/activity failures and time-outs, aborted/failed
/// Map/Parallel states, iterations and Map Runs, aborted Task/Wait states); <c>FATAL</c> only the execution's own
/// failure; <c>OFF</c> nothing. Without <c>includeExecutionData</c> the data fields (<c>input</c>, <c>output</c>,
/// <c>parameters</c>) are left out of <c>details</c>.</para>
/// <para>One log stream per execution, named like AWS's: <c>states/{machine}/{yyyy-MM-dd-HH-mm}/{id}</c> (start time,
/// UTC; the id is 8 hex digits derived from the execution ARN). Publishing goes through <see cref="ILogSink"/>, which
/// buffers: it never blocks the execution (AWS: best effort, "doesn't block or slow down executions").</para>
/// </remarks>
internal sealed class ExecutionLogging
{
    private static readonly HashSet<HistoryEventType> FatalTypes =
    [
        HistoryEventType.ExecutionAborted, HistoryEventType.ExecutionFailed, HistoryEventType.ExecutionTimedOut,
    ];

    private static readonly HashSet<HistoryEventType> ErrorTypes =
    [
        .. FatalTypes,
        HistoryEventType.FailStateEntered,
        HistoryEventType.LambdaFunctionFailed, HistoryEventType.LambdaFunctionScheduleFailed, HistoryEventType.LambdaFunctionStartFailed,
        HistoryEventType.LambdaFunctionTimedOut,
        HistoryEventType.MapStateAborted, HistoryEventType.MapStateFailed, HistoryEventType.MapIterationAborted, HistoryEventType.MapIterationFailed,
        HistoryEventType.MapRunAborted, HistoryEventType.MapRunFailed,
        HistoryEventType.ParallelStateAborted, HistoryEventType.ParallelStateFailed,
        HistoryEventType.TaskFailed, HistoryEventType.TaskStartFailed, HistoryEventType.TaskStateAborted, HistoryEventType.TaskSubmitFailed,
        HistoryEventType.TaskTimedOut, HistoryEventType.WaitStateAborted,
        HistoryEventType.ActivityFailed, HistoryEventType.ActivityScheduleFailed, HistoryEventType.ActivityTimedOut,
    ];

    private static readonly string[] DataFields = ["input", "output", "parameters"];

    private readonly ILogSink _sink;
    private readonly LogStreamRef _stream;
    private readonly string _level;
    private readonly bool _includeData;
    private readonly string _executionArn;
    private readonly int _redriveCount;

    private ExecutionLogging(ILogSink sink, LogStreamRef stream, string level, bool includeData, string executionArn, int redriveCount)
    {
        _sink = sink;
        _stream = stream;
        _level = level;
        _includeData = includeData;
        _executionArn = executionArn;
        _redriveCount = redriveCount;
    }

    public LogStreamRef Stream => _stream;

    /// <summary>The logging of an execution, or null when its configuration logs nothing (OFF, no destination, no sink).</summary>
    public static ExecutionLogging? For(string? loggingConfiguration, ExecutionRecord record, ILogSink? sink)
    {
        if (sink is null || loggingConfiguration is null || JsonNode.Parse(loggingConfiguration) is not JsonObject config)
        {
            return null;
        }

        var level = config["level"]?.GetValue<string>() ?? "OFF";
        if (level is not ("ALL" or "ERROR" or "FATAL"))
        {
            return null;
        }

        var groupArn = (config["destinations"] as JsonArray)?.FirstOrDefault()?["cloudWatchLogsLogGroup"]?["logGroupArn"]?.GetValue<string>();
        if (ParseLogGroupArn(groupArn) is not { } group)
        {
            return null;
        }

        var stream = new LogStreamRef(group.Account, group.Region, group.Name, StreamName(record));
        return new ExecutionLogging(sink, stream, level, config["includeExecutionData"]?.GetValue<bool>() ?? false, record.Arn, record.RedriveCount);
    }

    /// <summary><c>arn:aws:logs:{region}:{account}:log-group:{name}[:*]</c> → its parts; null when it is not one.</summary>
    public static (string Region, string Account, string Name)? ParseLogGroupArn(string? arn)
    {
        var parts = arn?.Split(':');
        if (parts is null || parts.Length < 7 || parts[0] != "arn" || parts[2] != "logs" || parts[5] != "log-group" || parts[6].Length == 0)
        {
            return null;
        }

        return (parts[3], parts[4], parts[6]);
    }

    /// <summary><c>states/{machine}/{yyyy-MM-dd-HH-mm}/{8 hex digits}</c>, stable for an execution.</summary>
    public static string StreamName(ExecutionRecord record)
    {
        var started = DateTimeOffset.FromUnixTimeMilliseconds(record.StartDate).UtcDateTime;
        var id = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(record.Arn)).AsSpan(0, 4));
        return $"states/{record.StateMachineName}/{started.ToString("yyyy-MM-dd-HH-mm", CultureInfo.InvariantCulture)}/{id}";
    }

    /// <summary>The events an EXPRESS execution has to record for this logging: null = all (level ALL).</summary>
    public Func<HistoryEventType, bool>? Recorded => _level == "ALL" ? null : Selects;

    public bool Selects(HistoryEventType type) => _level switch
    {
        "ALL" => true,
        "ERROR" => ErrorTypes.Contains(type),
        _ => FatalTypes.Contains(type),
    };

    /// <summary>Publishes the event when the level selects it.</summary>
    public void OnEvent(HistoryEvent e)
    {
        if (!Selects(e.Type))
        {
            return;
        }

        var full = HistoryJson.ToJson(e);
        var details = full[HistoryJson.DetailsPropertyName(e.Type)]?.DeepClone() as JsonObject ?? new JsonObject();
        if (!_includeData)
        {
            foreach (var field in DataFields)
            {
                details.Remove(field);
            }
        }

        var timestamp = e.Timestamp.ToUnixTimeMilliseconds();
        var message = new JsonObject
        {
            ["id"] = e.Id.ToString(CultureInfo.InvariantCulture),
            ["type"] = e.Type.ToString(),
            ["details"] = details,
            ["previous_event_id"] = e.PreviousEventId.ToString(CultureInfo.InvariantCulture),
            ["event_timestamp"] = timestamp.ToString(CultureInfo.InvariantCulture),
            ["execution_arn"] = _executionArn,
            ["redrive_count"] = _redriveCount.ToString(CultureInfo.InvariantCulture),
        };
        _sink.Append(_stream, timestamp, message.ToJsonString());
    }
}
