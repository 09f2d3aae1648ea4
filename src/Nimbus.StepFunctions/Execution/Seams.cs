using System.Text.Json.Nodes;
using Nimbus.StepFunctions.History;

namespace Nimbus.StepFunctions.Execution;

/// <summary>What a Task state asks its resource to do.</summary>
/// <param name="Resource">The Task's <c>Resource</c> ARN (e.g. <c>arn:aws:states:::lambda:invoke</c> or a Lambda function ARN).</param>
/// <param name="Parameters">The effective parameters (after InputPath/Parameters).</param>
/// <param name="Context">The context object (<c>$$</c>) at the time of the call.</param>
/// <param name="TaskToken">Set for <c>.waitForTaskToken</c> resources: the invoker completes when the token is answered.</param>
public sealed record TaskInvocation(
    string Resource,
    JsonNode? Parameters,
    JsonNode? Context,
    string? TaskToken,
    int? TimeoutSeconds,
    int? HeartbeatSeconds,
    string StateName,
    string ExecutionArn)
{
    /// <summary>
    /// Set by the interpreter for <c>.waitForTaskToken</c> resources: an invoker that performs the underlying call (e.g.
    /// <c>lambda:invoke</c>) reports its response here before it waits for the token; it is recorded as <c>TaskSubmitted</c>.
    /// </summary>
    public Action<JsonNode?>? Submitted { get; init; }

    /// <summary>
    /// Set by the interpreter for activity resources: the invoker reports here when a worker took the task (with the
    /// worker's name); it is recorded as <c>ActivityStarted</c>.
    /// </summary>
    public Action<string?>? Started { get; init; }
}

/// <summary>The outcome of a task: a JSON result, or an error name + cause (retriable/catchable by the state).</summary>
public sealed record TaskInvocationResult(bool Succeeded, JsonNode? Output, string? Error, string? Cause)
{
    public static TaskInvocationResult Success(JsonNode? output) => new(true, output, null, null);

    public static TaskInvocationResult Failure(string error, string? cause) => new(false, null, error, cause);
}

/// <summary>The seam through which Task states reach the outside world (Lambda, activities, service integrations).</summary>
public interface ITaskInvoker
{
    ValueTask<TaskInvocationResult> InvokeAsync(TaskInvocation invocation, CancellationToken cancellationToken);
}

/// <summary>Waits (Wait states, retry back-off). Production: real timers / durable timers; tests: a fake clock that returns at once.</summary>
public interface IWaitScheduler
{
    ValueTask WaitUntilAsync(DateTimeOffset dueTime, CancellationToken cancellationToken);
}

/// <summary>Waits with <see cref="Task.Delay(TimeSpan, TimeProvider, CancellationToken)"/> on the given clock.</summary>
public sealed class TimeProviderWaitScheduler(TimeProvider time) : IWaitScheduler
{
    public async ValueTask WaitUntilAsync(DateTimeOffset dueTime, CancellationToken cancellationToken)
    {
        var delay = dueTime - time.GetUtcNow();
        if (delay > TimeSpan.Zero)
        {
            await Task.Delay(delay, time, cancellationToken).ConfigureAwait(false);
        }
    }
}

/// <summary>
/// The query-language seam for JSONata (<c>"QueryLanguage": "JSONata"</c>). The evaluator receives the expression text
/// (without the <c>{% %}</c> markers) and its bindings: <c>$states</c> (input, result, errorOutput, context) and the workflow variables.
/// </summary>
public interface IJsonataEvaluator
{
    /// <summary>
    /// Evaluates an expression. Returns C# <c>null</c> for JSONata <em>undefined</em> and a JSON-null <see cref="JsonValue"/> for <c>null</c>;
    /// throws <see cref="StatesException"/> <c>States.QueryEvaluationError</c> with the JSONata message on failure (the interpreter adds
    /// the expression, the field and the state to the cause).
    /// </summary>
    JsonNode? Evaluate(string expression, JsonObject states, IReadOnlyDictionary<string, JsonNode?> variables);
}

/// <summary>Interpreter configuration and seams. Only <see cref="TaskInvoker"/> is usually needed.</summary>
public sealed record InterpreterOptions
{
    public ITaskInvoker? TaskInvoker { get; init; }

    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>Defaults to timers on <see cref="TimeProvider"/>.</summary>
    public IWaitScheduler? WaitScheduler { get; init; }

    /// <summary>JSONata support; defaults to <see cref="Asl.QueryLanguages.JsonataEvaluator.Default"/> (Nimbus.Jsonata with the AWS functions).</summary>
    public IJsonataEvaluator? Jsonata { get; init; }

    public string Region { get; init; } = "us-east-1";

    public string AccountId { get; init; } = "000000000000";

    /// <summary>Payload quota (AWS: 256 KiB).</summary>
    public int MaxPayloadBytes { get; init; } = 262_144;

    /// <summary>History quota (AWS: 25,000 events).</summary>
    public int MaxHistoryEvents { get; init; } = ExecutionHistory.DefaultMaxEvents;

    /// <summary>Seeded for deterministic MathRandom/jitter in tests; null = shared random.</summary>
    public Random? Random { get; init; }
}

/// <summary>One execution to run.</summary>
public sealed record ExecutionRequest(string ExecutionArn, string Name, string StateMachineArn, string StateMachineName, string Input)
{
    public string? RoleArn { get; init; }

    /// <summary>The version the execution runs (started on a version or alias ARN); recorded in <c>ExecutionStarted</c>.</summary>
    public string? StateMachineVersionArn { get; init; }

    /// <summary>The alias the execution was started on; recorded in <c>ExecutionStarted</c>.</summary>
    public string? StateMachineAliasArn { get; init; }

    /// <summary>
    /// Redrive: the state of <see cref="ResumeFrom"/> is entered again (a new state-entered event, chained from the last
    /// recorded event, whose id is <see cref="ExecutionCheckpoint.EnteredEventId"/>), instead of continuing inside it.
    /// </summary>
    public bool ReenterResumedState { get; init; }

    /// <summary>How many times the execution was redriven (<c>$$.Execution.RedriveCount</c>).</summary>
    public int RedriveCount { get; init; }

    /// <summary>Follows the distributed Map runs of the execution (the Map Runs API).</summary>
    public IMapRunObserver? MapRuns { get; init; }

    /// <summary>Receives the data-flow stages of the top-level states (TestState's <c>inspectionData</c>).</summary>
    public IStateInspector? Inspector { get; init; }

    /// <summary>Receives every event as it is appended (for durable checkpointing).</summary>
    public IHistoryEventSink? HistorySink { get; init; }

    /// <summary>
    /// Which event types are recorded (kept in <see cref="ExecutionResult.History"/> and passed to <see cref="HistorySink"/>);
    /// null = all. Ids are assigned to every event either way. An EXPRESS execution keeps no history on AWS (only its
    /// CloudWatch Logs, per the logging level), so it records only what its logging selects: <see cref="NoEvents"/> with
    /// logging OFF — a tight interpreter loop that builds no events at all.
    /// </summary>
    public Func<HistoryEventType, bool>? RecordedEvents { get; init; }

    /// <summary>A <see cref="RecordedEvents"/> filter that records nothing.</summary>
    public static readonly Func<HistoryEventType, bool> NoEvents = _ => false;

    /// <summary>Execution start time; defaults to the clock at start.</summary>
    public DateTimeOffset? StartTime { get; init; }

    /// <summary>Receives a checkpoint each time a top-level state is entered (durable executions).</summary>
    public IExecutionCheckpointSink? Checkpoints { get; init; }

    /// <summary>Continue a previously started execution from this checkpoint instead of starting afresh.</summary>
    /// <remarks>The history up to and including <see cref="ExecutionCheckpoint.EnteredEventId"/> must already be recorded;
    /// no <c>ExecutionStarted</c> nor state-entered event is appended again, and new event ids continue after it.</remarks>
    public ExecutionCheckpoint? ResumeFrom { get; init; }

    /// <summary>Records and restores the finished iterations/branches of top-level Map and Parallel states (durable executions).</summary>
    public ICompositeProgressSink? CompositeProgress { get; init; }

    /// <summary>
    /// On resume: the id of the last event already recorded, when it is past <see cref="ExecutionCheckpoint.EnteredEventId"/>
    /// (the kept events of a Map or Parallel state's finished iterations); new ids continue after it.
    /// </summary>
    public long? ResumeLastEventId { get; init; }
}

/// <summary>
/// The position of an execution when a top-level state was entered: enough to continue the execution from that state.
/// </summary>
/// <param name="StateName">The top-level state just entered.</param>
/// <param name="Input">The state's input (JSON text).</param>
/// <param name="Variables">The workflow variables visible at that point (name → JSON text).</param>
/// <param name="EnteredEventId">Id of the state-entered event (also the last event id at the checkpoint).</param>
/// <param name="EnteredTime">When the state was entered (Wait states count from it, so a resumed Wait keeps its due time).</param>
public sealed record ExecutionCheckpoint(
    string StateName,
    string Input,
    IReadOnlyDictionary<string, string> Variables,
    long EnteredEventId,
    DateTimeOffset EnteredTime);

/// <summary>
/// Observes a state's input/output processing, stage by stage. <paramref name="stage"/> is named as in TestState's
/// <c>inspectionData</c>: <c>afterInputPath</c>, <c>afterParameters</c>, <c>afterArguments</c>, <c>result</c>,
/// <c>afterResultSelector</c>, <c>afterResultPath</c>.
/// </summary>
public interface IStateInspector
{
    void Inspect(string stateName, string stage, JsonNode? value);
}

/// <summary>Follows distributed Map runs: their start (with the effective limits), each child run's end, and their end.</summary>
public interface IMapRunObserver
{
    void Started(string mapRunArn, int total, int maxConcurrency, double? toleratedFailurePercentage, int? toleratedFailureCount);

    /// <summary>A child run ended; <paramref name="status"/> is SUCCEEDED, FAILED, TIMED_OUT or ABORTED.</summary>
    void ItemFinished(string mapRunArn, string status);

    /// <summary>The run ended: SUCCEEDED, FAILED or ABORTED.</summary>
    void Finished(string mapRunArn, string status);

    /// <summary>A child run started (it leaves pending or pending-redrive).</summary>
    void ItemStarted(string mapRunArn)
    {
    }

    /// <summary>
    /// The run goes on after a restart (<paramref name="redriven"/> false) or is redriven: <paramref name="kept"/> children
    /// succeeded before (failed ones too after a restart: <paramref name="keptFailed"/>), <paramref name="rerun"/> run again.
    /// </summary>
    /// <returns>How many times the run has been redriven, this time included.</returns>
    int Continued(string mapRunArn, int total, bool redriven, int kept, int keptFailed, int rerun) => redriven ? 1 : 0;

    /// <summary>The live limits of the run (null: fixed at the start).</summary>
    IMapRunControl? Control(string mapRunArn) => null;
}

/// <summary>Receives execution checkpoints, right after a top-level state-entered event was appended.</summary>
public interface IExecutionCheckpointSink
{
    /// <summary>
    /// Makes the checkpoint (and the events before it) durable. The interpreter starts the state's work only when the
    /// returned task has completed: a transition is committed before it is acted on. A sink may complete later (e.g. once a
    /// group commit shared with other executions is done) — many executions then share one commit.
    /// </summary>
    ValueTask OnStateEnteredAsync(ExecutionCheckpoint checkpoint, CancellationToken cancellationToken);
}

public enum ExecutionStatus
{
    Running,
    Succeeded,
    Failed,
    TimedOut,
    Aborted,
}

/// <summary>The final state of an execution with its full history.</summary>
public sealed record ExecutionResult(ExecutionStatus Status, string? Output, string? Error, string? Cause, IReadOnlyList<HistoryEvent> History);
