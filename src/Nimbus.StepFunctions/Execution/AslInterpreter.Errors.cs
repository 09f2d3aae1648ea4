using System.Text.Json.Nodes;
using Nimbus.StepFunctions.Asl.Model;
using Nimbus.StepFunctions.History;
using Nimbus.StepFunctions.Json;

namespace Nimbus.StepFunctions.Execution;

/// <summary>Retry and Catch around Task, Parallel and Map states.</summary>
public sealed partial class AslInterpreter
{
    private async ValueTask<(JsonNode? Output, string? Next)> RunWithErrorHandlingAsync(ExecutableState state, JsonNode? input, Frame frame, CancellationToken ct)
    {
        var attempts = state.Retry.Count == 0 ? [] : new int[state.Retry.Count];
        var jsonata = state.QueryLanguage == QueryLanguageKind.Jsonata;
        while (true)
        {
            try
            {
                var result = state switch
                {
                    TaskState t => await RunTaskCoreAsync(t, input, frame, ct).ConfigureAwait(false),
                    ParallelState p => await RunParallelCoreAsync(p, input, frame, ct).ConfigureAwait(false),
                    MapState m => await RunMapCoreAsync(m, input, frame, ct).ConfigureAwait(false),
                    _ => throw new StatesException(StatesErrors.Runtime, $"Unsupported state type {state.Type}"),
                };
                Inspect(frame, "result", result);
                if (jsonata)
                {
                    var states = StatesBinding(input, frame, result, hasResult: true);
                    var assignedJ = EvaluateJsonataAssign(state.RawAssign, states, frame);
                    var outJ = state.Output is null ? result : EvaluateJsonataTemplate(state.Output, states, frame, "Output");
                    return Exit(state, outJ, frame, assignedJ, state.Next);
                }

                if (state.ResultSelector is not null)
                {
                    result = state.ResultSelector.Evaluate(frame.Scope(result));
                    Inspect(frame, "afterResultSelector", result);
                }

                var assigned = EvaluateAssign(state.Assign, result, frame);
                var output = ApplyResultPath(state.ResultPath, input, result);
                Inspect(frame, "afterResultPath", output);
                output = ApplyOutputPath(state.OutputPath, output, frame);
                return Exit(state, output, frame, assigned, state.Next);
            }
            catch (StatesException ex) when (!ex.IsTerminal)
            {
                var retryIndex = FindRule(state.Retry.Select(r => r.ErrorEquals), ex.Error, state is TaskState);
                if (retryIndex >= 0 && attempts[retryIndex] < state.Retry[retryIndex].MaxAttempts)
                {
                    var retrier = state.Retry[retryIndex];
                    var delay = retrier.IntervalSeconds * Math.Pow(retrier.BackoffRate, attempts[retryIndex]);
                    if (retrier.MaxDelaySeconds is { } max)
                    {
                        delay = Math.Min(delay, max);
                    }

                    if (retrier.JitterStrategy == "FULL")
                    {
                        delay *= frame.Run.Random.NextDouble();
                    }

                    attempts[retryIndex]++;
                    frame.SetRetryCount(frame.RetryCount + 1);
                    await _waits.WaitUntilAsync(options.TimeProvider.GetUtcNow() + TimeSpan.FromSeconds(delay), ct).ConfigureAwait(false);
                    continue;
                }

                var catchIndex = FindRule(state.Catch.Select(c => c.ErrorEquals), ex.Error, state is TaskState);
                if (catchIndex >= 0)
                {
                    var catcher = state.Catch[catchIndex];
                    var errorOutput = new JsonObject { ["Error"] = ex.Error };
                    if (ex.Cause is not null)
                    {
                        errorOutput["Cause"] = ex.Cause;
                    }

                    if (jsonata)
                    {
                        var states = StatesBinding(input, frame, errorOutput: errorOutput);
                        var assignedJ = EvaluateJsonataAssign(catcher.RawAssign, states, frame, $"Catch[{catchIndex}]/Assign");
                        var outJ = catcher.Output is null ? errorOutput : EvaluateJsonataTemplate(catcher.Output, states, frame, $"Catch[{catchIndex}]/Output");
                        return Exit(state, outJ, frame, assignedJ, catcher.Next, forceNext: true);
                    }

                    var assigned = EvaluateAssign(catcher.Assign, errorOutput, frame);
                    var output = ApplyResultPath(catcher.ResultPath, input, errorOutput);
                    return Exit(state, output, frame, assigned, catcher.Next, forceNext: true);
                }

                var failedType = state switch
                {
                    ParallelState => HistoryEventType.ParallelStateFailed,
                    MapState => HistoryEventType.MapStateFailed,
                    _ => (HistoryEventType?)null,
                };
                if (failedType is { } ft)
                {
                    frame.Append(ft);
                }

                throw;
            }
        }
    }

    /// <summary>Index of the first rule whose ErrorEquals matches (States.ALL matches everything non-terminal).</summary>
    internal static int FindRule(IEnumerable<IReadOnlyList<string>> rules, string? error, bool isTask)
    {
        var i = 0;
        foreach (var names in rules)
        {
            foreach (var name in names)
            {
                if (name == StatesErrors.All || name == error
                    || (isTask && name == StatesErrors.TaskFailed && error is not (StatesErrors.Timeout or StatesErrors.HeartbeatTimeout)
                        && !(error?.StartsWith("States.", StringComparison.Ordinal) ?? false)))
                {
                    return i;
                }
            }

            i++;
        }

        return -1;
    }
}
