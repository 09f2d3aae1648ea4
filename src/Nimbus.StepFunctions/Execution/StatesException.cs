namespace Nimbus.StepFunctions.Execution;

/// <summary>An ASL runtime error with an error name (e.g. <c>States.Runtime</c>) and a cause, as AWS reports them.</summary>
public sealed class StatesException(string? error, string? cause) : Exception(cause ?? error ?? "States error")
{
    /// <summary>The error name; null only for a Fail state without Error.</summary>
    public string? Error { get; } = error;

    public string? Cause { get; } = cause;

    internal bool IsFromFailState { get; init; }

    internal bool HasStatePrefix { get; init; }

    internal StatesException WithStatePrefix(string stateName, long enteredEventId) =>
        new(Error, $"An error occurred while executing the state '{stateName}' (entered at the event id #{enteredEventId}). {Cause}")
        {
            HasStatePrefix = true,
        };

    /// <summary>Errors that no Retry/Catch (not even States.ALL) can handle.</summary>
    internal bool IsTerminal => Error is StatesErrors.Runtime or StatesErrors.DataLimitExceeded;
}

/// <summary>The predefined error names of the Amazon States Language.</summary>
public static class StatesErrors
{
    public const string All = "States.ALL";
    public const string HeartbeatTimeout = "States.HeartbeatTimeout";
    public const string Timeout = "States.Timeout";
    public const string TaskFailed = "States.TaskFailed";
    public const string Permissions = "States.Permissions";
    public const string ResultPathMatchFailure = "States.ResultPathMatchFailure";
    public const string ParameterPathFailure = "States.ParameterPathFailure";
    public const string QueryEvaluationError = "States.QueryEvaluationError";
    public const string BranchFailed = "States.BranchFailed";
    public const string NoChoiceMatched = "States.NoChoiceMatched";
    public const string IntrinsicFailure = "States.IntrinsicFailure";
    public const string ExceedToleratedFailureThreshold = "States.ExceedToleratedFailureThreshold";
    public const string ItemReaderFailed = "States.ItemReaderFailed";
    public const string ResultWriterFailed = "States.ResultWriterFailed";
    public const string Runtime = "States.Runtime";
    public const string DataLimitExceeded = "States.DataLimitExceeded";
}
