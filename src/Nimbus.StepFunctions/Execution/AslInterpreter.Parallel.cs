using System.Text.Json.Nodes;
using Nimbus.StepFunctions.Asl.Model;
using Nimbus.StepFunctions.History;
using Nimbus.StepFunctions.Json;

namespace Nimbus.StepFunctions.Execution;

/// <summary>Parallel state: branches run concurrently, each with its own event chain and variable scope.</summary>
public sealed partial class AslInterpreter
{
    private async ValueTask<JsonNode?> RunParallelCoreAsync(ParallelState state, JsonNode? input, Frame frame, CancellationToken ct)
    {
        JsonNode? branchInput;
        if (state.QueryLanguage == QueryLanguageKind.Jsonata)
        {
            branchInput = state.Arguments is null ? input : EvaluateJsonataTemplate(state.Arguments, StatesBinding(input, frame), frame, "Arguments");
        }
        else
        {
            var effective = ApplyInputPath(state.InputPath, input, frame);
            branchInput = state.Parameters is not null ? state.Parameters.Evaluate(frame.Scope(effective)) : effective;
        }

        var tracker = await BeginCompositeAsync(frame).ConfigureAwait(false);
        if (tracker is { ContinuesInPlace: true })
        {
            // After a restart: ParallelStateStarted is in the history already.
            tracker.ContinueAfterHeader();
        }
        else
        {
            var started = frame.Append(HistoryEventType.ParallelStateStarted);
            tracker?.SetHeader(started);
        }

        var startedId = frame.Events.SourceEventId;
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var children = new Frame?[state.Branches.Count];
        var tasks = new Task<JsonNode?>[state.Branches.Count];
        for (var i = 0; i < tasks.Length; i++)
        {
            if (tracker is not null && tracker.TryGetKept(i, out var kept) && kept.Succeeded)
            {
                // Finished before a restart or a redrive: its result is kept, it does not run again.
                tasks[i] = Task.FromResult(KeptOutput(kept));
                continue;
            }

            var child = children[i] = frame.CreateChild(frame.Events.Fork());
            var branch = RunProgramAsync(state.Branches[i], branchInput?.DeepClone(), child, cts.Token);
            tasks[i] = tracker is null ? branch.AsTask() : RecordBranchAsync(branch, i, child, tracker, startedId);
        }

        try
        {
            await Task.WhenAll(tasks).ConfigureAwait(false);
        }
        catch (Exception)
        {
            await cts.CancelAsync().ConfigureAwait(false);
            if (tracker is not null)
            {
                await tracker.FlushAsync().ConfigureAwait(false);
            }

            var failedIndex = Array.FindIndex(tasks, t => t.IsFaulted && t.Exception?.InnerException is StatesException);
            if (failedIndex < 0)
            {
                throw tasks.First(t => t.IsFaulted || t.IsCanceled).Exception?.InnerException ?? new OperationCanceledException();
            }

            frame.Events.SourceEventId = children[failedIndex]!.Events.LastPublishedEventId;
            throw (StatesException)tasks[failedIndex].Exception!.InnerException!;
        }

        if (tracker is not null)
        {
            await tracker.FlushAsync().ConfigureAwait(false);
        }

        frame.Events.SourceEventId = children.Where(c => c is not null).Select(c => c!.Events.LastPublishedEventId).DefaultIfEmpty(startedId).Max();
        frame.Append(HistoryEventType.ParallelStateSucceeded, updateSource: false);
        var result = new JsonArray();
        foreach (var t in tasks)
        {
            result.Add(t.Result);
        }

        return result;
    }

    /// <summary>Runs a branch and records it (with its events) once it has succeeded.</summary>
    private static async Task<JsonNode?> RecordBranchAsync(ValueTask<JsonNode?> branch, int index, Frame child, CompositeTracker tracker, long startedId)
    {
        var output = await branch.ConfigureAwait(false);
        tracker.Record(index, new CompletedChild(true, JsonText.Serialize(output)), BranchEvents(child.Run.History, startedId, child.Events.LastPublishedEventId));
        return output;
    }
}
