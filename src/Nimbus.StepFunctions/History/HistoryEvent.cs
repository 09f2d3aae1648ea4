using System.Text.Json.Nodes;

namespace Nimbus.StepFunctions.History;

/// <summary>One execution history event as <c>GetExecutionHistory</c> returns it.</summary>
public sealed record HistoryEvent(long Id, long PreviousEventId, DateTimeOffset Timestamp, HistoryEventType Type, HistoryEventDetails? Details)
{
    /// <summary>AWS's JSON shape (camelCase, the details under e.g. <c>stateEnteredEventDetails</c>).</summary>
    public JsonObject ToJson() => HistoryJson.ToJson(this);
}

/// <summary>Base of the typed detail payloads.</summary>
public abstract record HistoryEventDetails;

public sealed record ExecutionStartedEventDetails(string Input, string? RoleArn, string? StateMachineAliasArn = null, string? StateMachineVersionArn = null) : HistoryEventDetails;

public sealed record ExecutionSucceededEventDetails(string Output) : HistoryEventDetails;

/// <summary>Error + cause: ExecutionFailed/Aborted/TimedOut, LambdaFunction*Failed/TimedOut, MapRunFailed, ActivityFailed…</summary>
public sealed record FailureEventDetails(string? Error, string? Cause) : HistoryEventDetails;

public sealed record StateEnteredEventDetails(string Name, string Input) : HistoryEventDetails;

public sealed record StateExitedEventDetails(string Name, string Output, IReadOnlyDictionary<string, string>? AssignedVariables = null) : HistoryEventDetails;

public sealed record MapStateStartedEventDetails(int Length) : HistoryEventDetails;

public sealed record MapIterationEventDetails(string Name, int Index) : HistoryEventDetails;

public sealed record MapRunStartedEventDetails(string MapRunArn) : HistoryEventDetails;

/// <summary><c>MapRunRedriven</c>: the Map Run and how many times it has been redriven, this time included.</summary>
public sealed record MapRunRedrivenEventDetails(string MapRunArn, int RedriveCount) : HistoryEventDetails;

public sealed record TaskScheduledEventDetails(string ResourceType, string Resource, string Region, string Parameters, long? TimeoutInSeconds = null, long? HeartbeatInSeconds = null) : HistoryEventDetails;

public sealed record TaskStartedEventDetails(string ResourceType, string Resource) : HistoryEventDetails;

/// <summary>TaskSucceeded / TaskSubmitted (the same fields: resourceType, resource, output).</summary>
public sealed record TaskSucceededEventDetails(string ResourceType, string Resource, string Output) : HistoryEventDetails;

/// <summary>TaskFailed / TaskTimedOut / TaskStartFailed / TaskSubmitFailed.</summary>
public sealed record TaskFailedEventDetails(string ResourceType, string Resource, string? Error, string? Cause) : HistoryEventDetails;

public sealed record LambdaFunctionScheduledEventDetails(string Resource, string Input, long? TimeoutInSeconds = null) : HistoryEventDetails;

public sealed record LambdaFunctionSucceededEventDetails(string Output) : HistoryEventDetails;

/// <summary><c>ExecutionRedriven</c>: how many times the execution has been redriven.</summary>
public sealed record ExecutionRedrivenEventDetails(int RedriveCount) : HistoryEventDetails;

/// <summary><c>ActivityScheduled</c>: the activity ARN, the task input and the timeouts.</summary>
public sealed record ActivityScheduledEventDetails(string Resource, string Input, long? TimeoutInSeconds = null, long? HeartbeatInSeconds = null) : HistoryEventDetails;

/// <summary><c>ActivityStarted</c>: the worker that took the task (GetActivityTask's <c>workerName</c>).</summary>
public sealed record ActivityStartedEventDetails(string? WorkerName) : HistoryEventDetails;

/// <summary><c>ActivitySucceeded</c>: the worker's output.</summary>
public sealed record ActivitySucceededEventDetails(string Output) : HistoryEventDetails;

public sealed record EvaluationFailedEventDetails(string? Error, string? Cause, string? Location, string State) : HistoryEventDetails;
