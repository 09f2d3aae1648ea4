using System.Text.Json.Nodes;
using Nimbus.StepFunctions.Asl.Model;
using Nimbus.StepFunctions.History;
using Nimbus.StepFunctions.Json;

namespace Nimbus.StepFunctions.Execution;

/// <summary>
/// Runs a parsed state machine in memory and records AWS-shaped history. Stateless and thread-safe: one instance can run many executions.
/// </summary>
public sealed partial class AslInterpreter(InterpreterOptions options)
{
    private readonly IWaitScheduler _waits = options.WaitScheduler ?? new TimeProviderWaitScheduler(options.TimeProvider);

    public InterpreterOptions Options => options;

    /// <summary>Runs one execution to completion.</summary>
    public async Task<ExecutionResult> ExecuteAsync(StateMachineDefinition definition, ExecutionRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(definition);
        ArgumentNullException.ThrowIfNull(request);
        var resume = request.ResumeFrom;
        var history = new ExecutionHistory(options.TimeProvider, request.HistorySink, options.MaxHistoryEvents, request.ResumeLastEventId ?? resume?.EnteredEventId ?? 0, request.RecordedEvents);
        var input = JsonText.Parse(request.Input);
        var startTime = request.StartTime ?? options.TimeProvider.GetUtcNow();
        var run = new ExecutionRun(request, options, history, input, startTime);
        var root = new EventScope(0);
        var variables = new VariableScope(null);
        if (resume is null)
        {
            history.Append(
                root,
                HistoryEventType.ExecutionStarted,
                history.Records(HistoryEventType.ExecutionStarted) ? new ExecutionStartedEventDetails(JsonText.Serialize(input), request.RoleArn, request.StateMachineAliasArn, request.StateMachineVersionArn) : null,
                updateSource: false);
        }
        else
        {
            root.SourceEventId = resume.EnteredEventId;
            root.LastPublishedEventId = resume.EnteredEventId;
            foreach (var (k, v) in resume.Variables)
            {
                variables.Set(k, JsonText.Parse(v));
            }
        }

        var frame = new Frame(run, root, variables);
        var remaining = definition.TimeoutSeconds is { } ts ? startTime + TimeSpan.FromSeconds(ts) - options.TimeProvider.GetUtcNow() : (TimeSpan?)null;
        using var timeout = remaining is { } left ? new CancellationTokenSource(left > TimeSpan.FromMilliseconds(1) ? left : TimeSpan.FromMilliseconds(1), options.TimeProvider) : null;
        using var linked = timeout is null ? null : CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        var ct = linked?.Token ?? cancellationToken;
        try
        {
            var output = await RunTopLevelAsync(definition, resume is null ? input : JsonText.Parse(resume.Input), frame, request, ct).ConfigureAwait(false);
            var text = JsonText.Serialize(output);
            history.Append(root, HistoryEventType.ExecutionSucceeded, new ExecutionSucceededEventDetails(text), terminal: true);
            return new ExecutionResult(ExecutionStatus.Succeeded, text, null, null, history.Events);
        }
        catch (StatesException ex)
        {
            history.Append(root, HistoryEventType.ExecutionFailed, new FailureEventDetails(ex.Error, ex.Cause), terminal: true);
            return new ExecutionResult(ExecutionStatus.Failed, null, ex.Error, ex.Cause, history.Events);
        }
        catch (OperationCanceledException) when (timeout?.IsCancellationRequested == true && !cancellationToken.IsCancellationRequested)
        {
            history.Append(root, HistoryEventType.ExecutionTimedOut, new FailureEventDetails(StatesErrors.Timeout, "The execution timed out."), terminal: true);
            return new ExecutionResult(ExecutionStatus.TimedOut, null, StatesErrors.Timeout, null, history.Events);
        }
        catch (OperationCanceledException)
        {
            history.Append(root, HistoryEventType.ExecutionAborted, new FailureEventDetails(null, null), terminal: true);
            return new ExecutionResult(ExecutionStatus.Aborted, null, null, null, history.Events);
        }
    }

    /// <summary>The execution's own program: like <see cref="RunProgramAsync"/>, plus checkpoints and resume.</summary>
    private async ValueTask<JsonNode?> RunTopLevelAsync(StateMachineDefinition program, JsonNode? input, Frame frame, ExecutionRequest request, CancellationToken ct)
    {
        var resume = request.ResumeFrom;
        var name = resume?.StateName ?? program.StartAt;
        while (true)
        {
            ct.ThrowIfCancellationRequested();
            var state = program.States[name];
            var (output, next) = await RunStateAsync(state, input, frame, ct, request.ReenterResumedState ? null : resume, request.Checkpoints).ConfigureAwait(false);
            resume = null;
            if (next is null)
            {
                return output;
            }

            name = next;
            input = output;
        }
    }

    internal async ValueTask<JsonNode?> RunProgramAsync(StateMachineDefinition program, JsonNode? input, Frame frame, CancellationToken ct)
    {
        var name = program.StartAt;
        while (true)
        {
            ct.ThrowIfCancellationRequested();
            var state = program.States[name];
            var (output, next) = await RunStateAsync(state, input, frame, ct).ConfigureAwait(false);
            if (next is null)
            {
                return output;
            }

            name = next;
            input = output;
        }
    }

    /// <summary>Runs one state: entered event, its work, exited event; returns the output and the next state (null = end).</summary>
    /// <remarks>States that never wait (Pass, Choice, Succeed, Fail) run synchronously: no async state machine per transition.</remarks>
    private ValueTask<(JsonNode? Output, string? Next)> RunStateAsync(
        StateDefinition state, JsonNode? input, Frame frame, CancellationToken ct, ExecutionCheckpoint? resumed = null, IExecutionCheckpointSink? checkpoints = null)
    {
        if (resumed is not null)
        {
            frame.ResumeState(state.Name, resumed.EnteredTime, resumed.EnteredEventId);
            frame.EnteredInput = default;
        }
        else
        {
            frame.EnterState(state.Name);

            // The input is the previous state's output (already size-checked, its text known unless nothing needed it), or
            // new (the execution's, an iteration's or a branch's input). Its text is only built when something records it.
            var fromLastExit = input is not null && ReferenceEquals(input, frame.LastExit.Node);
            var inputText = fromLastExit ? frame.LastExit.Text : null;
            var enteredType = EnteredType(state);
            var recorded = frame.History.Records(enteredType);
            if (recorded || checkpoints is not null)
            {
                inputText ??= JsonText.Serialize(input);
            }

            frame.LastExit = default;
            frame.EnteredInput = (input, inputText, fromLastExit);
            frame.EnteredPreviousEventId = frame.Events.SourceEventId;
            frame.EnteredEventId = frame.Append(enteredType, recorded ? new StateEnteredEventDetails(state.Name, inputText!) : null, timestamp: frame.EnteredTime);
            if (checkpoints is not null)
            {
                var checkpoint = new ExecutionCheckpoint(state.Name, inputText!, frame.Variables.SnapshotText(), frame.EnteredEventId, frame.EnteredTime);
                var committed = checkpoints.OnStateEnteredAsync(checkpoint, ct);
                if (!committed.IsCompletedSuccessfully)
                {
                    return RunStateAfterCheckpointAsync(committed, state, input, frame, ct);
                }
            }
        }

        return RunStateBody(state, input, frame, ct);
    }

    /// <summary>The entered event's commit is in flight: the state's work starts only once it is durable.</summary>
    private async ValueTask<(JsonNode? Output, string? Next)> RunStateAfterCheckpointAsync(
        ValueTask committed, StateDefinition state, JsonNode? input, Frame frame, CancellationToken ct)
    {
        await committed.ConfigureAwait(false);
        ct.ThrowIfCancellationRequested();
        return await RunStateBody(state, input, frame, ct).ConfigureAwait(false);
    }

    /// <summary>The state's work after its entered event.</summary>
    private ValueTask<(JsonNode? Output, string? Next)> RunStateBody(StateDefinition state, JsonNode? input, Frame frame, CancellationToken ct)
    {
        if (state is PassState or ChoiceState or SucceedState or FailState)
        {
            try
            {
                return new(state switch
                {
                    PassState p => RunPass(p, input, frame),
                    ChoiceState c => RunChoice(c, input, frame),
                    SucceedState s => RunSucceed(s, input, frame),
                    _ => throw RunFail((FailState)state, input, frame),
                });
            }
            catch (StatesException ex) when (ex.Error == StatesErrors.Runtime && !ex.IsFromFailState && !ex.HasStatePrefix)
            {
                throw ex.WithStatePrefix(state.Name, frame.EnteredEventId);
            }
        }

        return RunStateWorkAsync(state, input, frame, ct);
    }

    private async ValueTask<(JsonNode? Output, string? Next)> RunStateWorkAsync(StateDefinition state, JsonNode? input, Frame frame, CancellationToken ct)
    {
        try
        {
            return state switch
            {
                WaitState w => await RunWaitAsync(w, input, frame, ct).ConfigureAwait(false),
                ExecutableState e => await RunWithErrorHandlingAsync(e, input, frame, ct).ConfigureAwait(false),
                _ => throw new StatesException(StatesErrors.Runtime, $"Unsupported state type {state.Type}"),
            };
        }
        catch (StatesException ex) when (ex.Error == StatesErrors.Runtime && !ex.IsFromFailState && !ex.HasStatePrefix)
        {
            throw ex.WithStatePrefix(state.Name, frame.EnteredEventId);
        }
    }

    private static HistoryEventType EnteredType(StateDefinition s) => s switch
    {
        PassState => HistoryEventType.PassStateEntered,
        TaskState => HistoryEventType.TaskStateEntered,
        ChoiceState => HistoryEventType.ChoiceStateEntered,
        WaitState => HistoryEventType.WaitStateEntered,
        SucceedState => HistoryEventType.SucceedStateEntered,
        FailState => HistoryEventType.FailStateEntered,
        ParallelState => HistoryEventType.ParallelStateEntered,
        _ => HistoryEventType.MapStateEntered,
    };

    private static HistoryEventType ExitedType(StateDefinition s) => s switch
    {
        PassState => HistoryEventType.PassStateExited,
        TaskState => HistoryEventType.TaskStateExited,
        ChoiceState => HistoryEventType.ChoiceStateExited,
        WaitState => HistoryEventType.WaitStateExited,
        SucceedState => HistoryEventType.SucceedStateExited,
        ParallelState => HistoryEventType.ParallelStateExited,
        _ => HistoryEventType.MapStateExited,
    };

    /// <summary>Emits the exited event (with assigned variables), applying the assignments, and returns the transition.</summary>
    private (JsonNode? Output, string? Next) Exit(StateDefinition state, JsonNode? output, Frame frame, JsonObject? assigned, string? next, bool forceNext = false)
    {
        // States never modify their input in place (ResultPath works on a copy), so an output that is the input node
        // itself (a pass-through) has the entered event's text — and when that input was the previous state's output, it
        // passed the size check already and its text is only needed if an event records it.
        var passThrough = output is not null && ReferenceEquals(output, frame.EnteredInput.Node);
        var text = passThrough ? frame.EnteredInput.Text : null;
        if (text is null && !(passThrough && frame.EnteredInput.Checked))
        {
            text = JsonText.Serialize(output);
        }

        if (text is not null)
        {
            CheckPayload(text, state.Name);
        }

        Dictionary<string, string>? vars = null;
        if (assigned is { Count: > 0 })
        {
            vars = new Dictionary<string, string>(StringComparer.Ordinal);
            long total = 0;
            foreach (var (k, v) in assigned)
            {
                var serialized = JsonText.Serialize(v);
                var size = JsonText.Utf8Size(serialized);
                if (size > options.MaxPayloadBytes)
                {
                    throw new StatesException(
                        StatesErrors.DataLimitExceeded,
                        $"The state '{state.Name}' assigned the variable '{k}' a value with a size exceeding the maximum number of bytes service limit.");
                }

                total += size;
                vars[k] = serialized;
            }

            if (total > options.MaxPayloadBytes)
            {
                throw new StatesException(
                    StatesErrors.DataLimitExceeded,
                    $"The state '{state.Name}' assigned variables with a combined size exceeding the maximum number of bytes service limit.");
            }

            foreach (var (k, v) in assigned.ToArray())
            {
                assigned.Remove(k);
                frame.Variables.Set(k, v);
            }
        }

        var exitedType = ExitedType(state);
        if (frame.History.Records(exitedType))
        {
            text ??= JsonText.Serialize(output);
            frame.Append(exitedType, new StateExitedEventDetails(state.Name, text, vars));
        }
        else
        {
            frame.Append(exitedType);
        }

        frame.LastExit = (output, text);
        return (output, state.IsTerminal && !forceNext ? null : next);
    }

    private void CheckPayload(string json, string stateName)
    {
        if (json.Length * 3 > options.MaxPayloadBytes && JsonText.Utf8Size(json) > options.MaxPayloadBytes)
        {
            throw new StatesException(
                StatesErrors.DataLimitExceeded,
                $"The state/task '{stateName}' returned a result with a size exceeding the maximum number of bytes service limit.");
        }
    }

    private (JsonNode? Output, string? Next) RunPass(PassState state, JsonNode? input, Frame frame)
    {
        if (state.QueryLanguage == QueryLanguageKind.Jsonata)
        {
            return RunPassJsonata(state, input, frame);
        }

        var effective = ApplyInputPath(state.InputPath, input, frame);
        Inspect(frame, "afterInputPath", effective);
        // The effective input is only copied when the result is placed inside another document (ResultPath with a
        // path): as the whole output, or discarded, it is passed on as is — states never modify their input.
        JsonNode? result = state.Parameters is not null
            ? state.Parameters.Evaluate(frame.Scope(effective))
            : state.HasResult ? state.Result?.DeepClone()
            : state.ResultPath is null || state.ResultPath.IsNull || state.ResultPath.Path!.Segments.Count == 0 ? effective : effective?.DeepClone();
        Inspect(frame, "afterParameters", state.Parameters is not null ? result : effective);
        Inspect(frame, "result", result);
        var assigned = EvaluateAssign(state.Assign, result, frame);
        var output = ApplyResultPath(state.ResultPath, input, result);
        Inspect(frame, "afterResultPath", output);
        output = ApplyOutputPath(state.OutputPath, output, frame);
        return Exit(state, output, frame, assigned, state.Next);
    }

    private (JsonNode? Output, string? Next) RunSucceed(SucceedState state, JsonNode? input, Frame frame)
    {
        if (state.QueryLanguage == QueryLanguageKind.Jsonata)
        {
            var o = state.Output is null ? input : EvaluateJsonataTemplate(state.Output, StatesBinding(input, frame), frame, "Output");
            return Exit(state, o, frame, null, null);
        }

        var effective = ApplyInputPath(state.InputPath, input, frame);
        var output = ApplyOutputPath(state.OutputPath, effective, frame);
        return Exit(state, output, frame, null, null);
    }

    private StatesException RunFail(FailState state, JsonNode? input, Frame frame)
    {
        string? error = state.Error;
        string? cause = state.Cause;
        if (state.QueryLanguage == QueryLanguageKind.Jsonata)
        {
            var states = StatesBinding(input, frame);
            error = state.Error is null ? null : FailString(EvaluateJsonataTemplate(JsonValue.Create(state.Error), states, frame, "Error"));
            cause = state.Cause is null ? null : FailString(EvaluateJsonataTemplate(JsonValue.Create(state.Cause), states, frame, "Cause"));
        }

        if (state.ErrorPath is not null)
        {
            error = EvaluatePathOrIntrinsic(state.ErrorPath, input, frame, "ErrorPath");
        }

        if (state.CausePath is not null)
        {
            cause = EvaluatePathOrIntrinsic(state.CausePath, input, frame, "CausePath");
        }

        return new StatesException(error, cause) { IsFromFailState = true };
    }

    private static string? FailString(JsonNode? value) => JsonText.IsString(value) ? value!.GetValue<string>() : value is null ? null : JsonText.Serialize(value);
}
