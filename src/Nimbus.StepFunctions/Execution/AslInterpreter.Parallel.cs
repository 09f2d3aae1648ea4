using System.Text.Json.Nodes;
using Nimbus.StepFunctions.Asl.Model;
using Nimbus.StepFunctions.History;

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

        frame.Append(HistoryEventType.ParallelStateStarted);
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var children = new Frame[state.Branches.Count];
        var tasks = new Task<JsonNode?>[state.Branches.Count];
        for (var i = 0; i < tasks.Length; i++)
        {
            children[i] = frame.CreateChild(frame.Events.Fork());
            tasks[i] = RunProgramAsync(state.Branches[i], branchInput?.DeepClone(), children[i], cts.Token).AsTask();
        }

        try
        {
            await Task.WhenAll(tasks).ConfigureAwait(false);
        }
        catch (Exception)
        {
            await cts.CancelAsync().ConfigureAwait(false);
            var failedIndex = Array.FindIndex(tasks, t => t.IsFaulted && t.Exception?.InnerException is StatesException);
            if (failedIndex < 0)
            {
                throw tasks.First(t => t.IsFaulted || t.IsCanceled).Exception?.InnerException ?? new OperationCanceledException();
            }

            frame.Events.SourceEventId = children[failedIndex].Events.LastPublishedEventId;
            throw (StatesException)tasks[failedIndex].Exception!.InnerException!;
        }

        frame.Events.SourceEventId = children.Max(c => c.Events.LastPublishedEventId);
        frame.Append(HistoryEventType.ParallelStateSucceeded, updateSource: false);
        var result = new JsonArray();
        foreach (var t in tasks)
        {
            result.Add(t.Result);
        }

        return result;
    }
}
