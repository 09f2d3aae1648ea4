using System.Text.Json.Nodes;
using Nimbus.StepFunctions.Asl.Model;
using Nimbus.StepFunctions.History;
using Nimbus.StepFunctions.Json;

namespace Nimbus.StepFunctions.Execution;

/// <summary>Map state: items, ItemSelector, batching, concurrency workers, tolerated failures, inline and distributed (Map Run) modes.</summary>
public sealed partial class AslInterpreter
{
    private const int InlineConcurrencyCap = 40;

    private async ValueTask<JsonNode?> RunMapCoreAsync(MapState state, JsonNode? input, Frame frame, CancellationToken ct)
    {
        var jsonata = state.QueryLanguage == QueryLanguageKind.Jsonata;
        var effective = jsonata ? input : ApplyInputPath(state.InputPath, input, frame);
        var states = jsonata ? StatesBinding(input, frame) : null;
        JsonNode? itemsNode;
        if (state.ItemReader is JsonObject reader)
        {
            itemsNode = await ReadItemsAsync(state, reader, input, effective, frame, ct).ConfigureAwait(false);
        }
        else if (jsonata)
        {
            itemsNode = state.Items is null ? input : EvaluateJsonataTemplate(state.Items, states!, frame, "Items");
        }
        else
        {
            itemsNode = state.ItemsPath is null ? effective : Select(state.ItemsPath.Path!, effective, frame, "ItemsPath");
        }

        if (itemsNode is not JsonArray items)
        {
            if (jsonata)
            {
                throw EvaluationFailure(frame, $"Map state input must be an array but was: {JsonText.ToJavaString(itemsNode)}", null);
            }

            throw new StatesException(StatesErrors.Runtime, $"Map state input must be an array but was: {JsonText.ToJavaString(itemsNode)}");
        }

        var maxConcurrency = MapInt(state.MaxConcurrency, state.MaxConcurrencyPath, "MaxConcurrency", effective, frame, states) ?? 0;
        var toleratedCount = MapInt(state.ToleratedFailureCount, state.ToleratedFailureCountPath, "ToleratedFailureCount", effective, frame, states);
        var toleratedPercent = MapNumber(state.ToleratedFailurePercentage, state.ToleratedFailurePercentagePath, "ToleratedFailurePercentage", effective, frame, states);

        var inputs = Batch(state, items, effective, frame);
        frame.Append(HistoryEventType.MapStateStarted, new MapStateStartedEventDetails(inputs.Count));
        var distributed = state.Mode == MapMode.Distributed;
        string? mapRunArn = null;
        var observer = distributed ? frame.Run.Request.MapRuns : null;
        if (distributed)
        {
            mapRunArn = $"arn:aws:states:{options.Region}:{options.AccountId}:mapRun:{frame.Run.Request.StateMachineName}/{state.Label ?? state.Name}:{Guid.NewGuid()}";
            frame.Append(HistoryEventType.MapRunStarted, new MapRunStartedEventDetails(mapRunArn));
            observer?.Started(mapRunArn, inputs.Count, maxConcurrency, toleratedPercent, toleratedCount);
        }

        IterationOutcome outcome;
        try
        {
            outcome = await RunIterationsAsync(state, inputs, effective, frame, maxConcurrency, distributed, ct, mapRunArn).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (mapRunArn is not null)
        {
            observer?.Finished(mapRunArn, "ABORTED");
            throw;
        }

        var failed = outcome.Failures;
        var tolerated = failed == 0
            || (toleratedCount is { } tc && failed <= tc)
            || (toleratedPercent is { } tp && inputs.Count > 0 && failed * 100.0 / inputs.Count <= tp);
        if (!tolerated || (outcome.FirstError is not null && toleratedCount is null && toleratedPercent is null))
        {
            var error = toleratedCount is not null || toleratedPercent is not null
                ? new StatesException(StatesErrors.ExceedToleratedFailureThreshold, "The specified tolerated failure threshold was exceeded")
                : outcome.FirstError!;
            if (distributed)
            {
                frame.Append(HistoryEventType.MapRunFailed, new FailureEventDetails(error.Error, error.Cause));
                observer?.Finished(mapRunArn!, "FAILED");
            }

            throw error;
        }

        JsonNode? written = null;
        if (distributed && state.ResultWriter is JsonObject writer)
        {
            try
            {
                written = await WriteResultsAsync(state, writer, mapRunArn!, inputs, outcome.Outputs, outcome.Failed, input, effective, frame, ct).ConfigureAwait(false);
            }
            catch (StatesException e)
            {
                frame.Append(HistoryEventType.MapRunFailed, new FailureEventDetails(e.Error, e.Cause));
                observer?.Finished(mapRunArn!, "FAILED");
                throw;
            }
        }

        if (distributed)
        {
            frame.Append(HistoryEventType.MapRunSucceeded);
            observer?.Finished(mapRunArn!, "SUCCEEDED");
        }

        frame.Append(HistoryEventType.MapStateSucceeded, updateSource: false);
        if (written is not null)
        {
            return written;
        }

        var result = new JsonArray();
        foreach (var o in outcome.Outputs)
        {
            result.Add(o);
        }

        return result;
    }

    private sealed record IterationOutcome(JsonNode?[] Outputs, int Failures, StatesException? FirstError)
    {
        /// <summary>The items that failed, with their errors (for a ResultWriter's FAILED file).</summary>
        public List<(int Index, StatesException Error)> Failed { get; } = [];
    }

    private async ValueTask<IterationOutcome> RunIterationsAsync(
        MapState state, List<JsonNode?> inputs, JsonNode? effective, Frame frame, int maxConcurrency, bool distributed, CancellationToken ct, string? mapRunArn = null)
    {
        var observer = mapRunArn is null ? null : frame.Run.Request.MapRuns;
        var outputs = new JsonNode?[inputs.Count];
        var failedItems = new List<(int Index, StatesException Error)>();
        var next = -1;
        var failures = 0;
        StatesException? firstError = null;
        long lastClosedSource = frame.Events.SourceEventId;
        var gate = new Lock();
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var stopOnFailure = state.ToleratedFailureCount is null && state.ToleratedFailureCountPath is null
            && state.ToleratedFailurePercentage is null && state.ToleratedFailurePercentagePath is null;

        async Task Worker()
        {
            var worker = frame.Events.Fork();
            while (true)
            {
                var index = Interlocked.Increment(ref next);
                if (index >= inputs.Count || cts.IsCancellationRequested)
                {
                    break;
                }

                var job = worker.Fork();
                var history = distributed ? new ExecutionHistory(options.TimeProvider, null, options.MaxHistoryEvents) : null;
                var child = frame.CreateChild(distributed ? new EventScope(0) : job, history: history);
                if (!distributed)
                {
                    child.History.Append(job, HistoryEventType.MapIterationStarted, new MapIterationEventDetails(state.Name, index));
                }

                try
                {
                    var iterationInput = SelectItem(state, inputs[index], index, effective, frame);
                    outputs[index] = await RunProgramAsync(state.ItemProcessor, iterationInput, child, cts.Token).ConfigureAwait(false);
                    if (!distributed)
                    {
                        child.History.Append(job, HistoryEventType.MapIterationSucceeded, new MapIterationEventDetails(state.Name, index), updateSource: false);
                    }

                    observer?.ItemFinished(mapRunArn!, "SUCCEEDED");
                }
                catch (StatesException ex)
                {
                    if (!distributed)
                    {
                        child.History.Append(job, HistoryEventType.MapIterationFailed, new MapIterationEventDetails(state.Name, index), updateSource: false);
                    }

                    observer?.ItemFinished(mapRunArn!, ex.Error == StatesErrors.Timeout ? "TIMED_OUT" : "FAILED");
                    var errorOutput = new JsonObject { ["Error"] = ex.Error, ["Cause"] = ex.Cause };
                    outputs[index] = errorOutput;
                    lock (gate)
                    {
                        failures++;
                        failedItems.Add((index, ex));
                        firstError ??= ex;
                        lastClosedSource = job.LastPublishedEventId;
                    }

                    if (stopOnFailure || ex.IsTerminal)
                    {
                        await cts.CancelAsync().ConfigureAwait(false);
                        return;
                    }

                    worker.SourceEventId = job.SourceEventId;
                    continue;
                }

                if (Volatile.Read(ref next) + 1 >= inputs.Count)
                {
                    worker.SourceEventId = job.LastPublishedEventId;
                }
                else
                {
                    worker.SourceEventId = job.SourceEventId;
                }
            }

            lock (gate)
            {
                if (firstError is null)
                {
                    lastClosedSource = Math.Max(lastClosedSource, worker.SourceEventId);
                }
            }
        }

        var workers = maxConcurrency <= 0 ? Math.Min(inputs.Count, distributed ? 1000 : InlineConcurrencyCap) : Math.Min(maxConcurrency, inputs.Count);
        var tasks = new Task[Math.Max(workers, 0)];
        for (var i = 0; i < tasks.Length; i++)
        {
            tasks[i] = Worker();
        }

        try
        {
            await Task.WhenAll(tasks).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            // Iterations cancelled because another one failed.
        }

        ct.ThrowIfCancellationRequested();
        if (!distributed)
        {
            frame.Events.SourceEventId = lastClosedSource;
        }

        var outcome = new IterationOutcome(outputs, failures, firstError);
        outcome.Failed.AddRange(failedItems.OrderBy(f => f.Index));
        return outcome;
    }

    private JsonNode? SelectItem(MapState state, JsonNode? item, int index, JsonNode? effective, Frame frame)
    {
        if (state.QueryLanguage == QueryLanguageKind.Jsonata)
        {
            if (state.Arguments is null)
            {
                return item?.DeepClone();
            }

            var states = StatesBinding(effective, frame);
            var ctx = (JsonObject)states["context"]!;
            ctx["Map"] = new JsonObject { ["Item"] = new JsonObject { ["Index"] = index, ["Value"] = item?.DeepClone() } };
            return EvaluateJsonataTemplate(state.Arguments, states, frame, "ItemSelector");
        }

        if (state.ItemSelector is null)
        {
            return item?.DeepClone();
        }

        var selectorFrame = frame.CreateChild(frame.Events.Fork(), newVariableScope: false);
        selectorFrame.EnterState(frame.StateName);
        selectorFrame.SetMapItem((index, item));
        return state.ItemSelector.Evaluate(selectorFrame.Scope(effective));
    }

    private static List<JsonNode?> Batch(MapState state, JsonArray items, JsonNode? effective, Frame frame)
    {
        var list = new List<JsonNode?>(items.Count);
        if (state.ItemBatcher is not JsonObject batcher)
        {
            list.AddRange(items);
            return list;
        }

        var maxItems = JsonText.IsInteger(batcher["MaxItemsPerBatch"]) ? (int)JsonText.ToDouble(batcher["MaxItemsPerBatch"]!) : int.MaxValue;
        if (JsonText.AsString(batcher["MaxItemsPerBatchPath"]) is { } p)
        {
            var v = ResolveOptionalPath(p, effective, frame, "MaxItemsPerBatchPath", out _);
            maxItems = JsonText.IsInteger(v) ? (int)JsonText.ToDouble(v!) : maxItems;
        }

        JsonObject? batch = null;
        foreach (var item in items)
        {
            if (batch is null || ((JsonArray)batch["Items"]!).Count >= maxItems)
            {
                batch = new JsonObject();
                if (batcher["BatchInput"] is JsonObject bi)
                {
                    foreach (var (k, v) in bi)
                    {
                        batch[k] = v?.DeepClone();
                    }
                }

                batch["Items"] = new JsonArray();
                list.Add(batch);
            }

            ((JsonArray)batch["Items"]!).Add(item?.DeepClone());
        }

        return list;
    }

    private int? MapInt(JsonNode? literal, string? path, string field, JsonNode? effective, Frame frame, JsonObject? states)
    {
        var value = path is not null ? CoerceNumericString(ResolveOptionalPath(path, effective, frame, field + "Path", out _)) : literal;
        if (states is not null && literal is not null)
        {
            value = EvaluateJsonataTemplate(literal, states, frame, field);
        }

        if (value is null && path is null)
        {
            return null;
        }

        if (!JsonText.IsInteger(value) || JsonText.ToDouble(value!) < 0)
        {
            throw new StatesException(
                StatesErrors.Runtime,
                path is not null
                    ? $"The {field}Path field refers to value {Quote(value)} which is not a valid integer: {path}"
                    : $"The {field} field must be a non-negative integer but was {Quote(value)}");
        }

        return (int)Math.Min(JsonText.ToDouble(value!), int.MaxValue);
    }

    private double? MapNumber(JsonNode? literal, string? path, string field, JsonNode? effective, Frame frame, JsonObject? states)
    {
        var value = path is not null ? CoerceNumericString(ResolveOptionalPath(path, effective, frame, field + "Path", out _)) : literal;
        if (states is not null && literal is not null)
        {
            value = EvaluateJsonataTemplate(literal, states, frame, field);
        }

        if (value is null && path is null)
        {
            return null;
        }

        if (!JsonText.IsNumber(value) || JsonText.ToDouble(value!) is < 0 or > 100)
        {
            throw new StatesException(
                StatesErrors.Runtime,
                path is not null
                    ? $"The {field}Path field refers to value {Quote(value)} which is not a valid number between 0 and 100: {path}"
                    : $"The {field} field must be a number between 0 and 100 but was {Quote(value)}");
        }

        return JsonText.ToDouble(value!);
    }

    private static string Quote(JsonNode? value) => JsonText.Serialize(value);

    /// <summary>AWS accepts numeric strings (e.g. a variable holding "1") for the *Path fields.</summary>
    private static JsonNode? CoerceNumericString(JsonNode? value) =>
        JsonText.IsString(value) && double.TryParse(value!.GetValue<string>(), System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var d)
            ? JsonText.Number(d)
            : value;
}
