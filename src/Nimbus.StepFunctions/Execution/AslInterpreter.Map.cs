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
        var tracker = await BeginCompositeAsync(frame).ConfigureAwait(false);
        var distributed = state.Mode == MapMode.Distributed;
        string? mapRunArn = null;
        var observer = distributed ? frame.Run.Request.MapRuns : null;
        int kept = 0, keptFailed = 0;
        for (var i = 0; tracker is not null && i < inputs.Count; i++)
        {
            if (tracker.TryGetKept(i, out var c))
            {
                kept++;
                keptFailed += c.Succeeded ? 0 : 1;
            }
        }

        if (tracker is { ContinuesInPlace: true })
        {
            // After a restart: MapStateStarted (and the Map Run's start) are in the history already.
            tracker.ContinueAfterHeader();
            mapRunArn = distributed ? tracker.Loaded!.MapRunArn : null;
            if (mapRunArn is not null)
            {
                observer?.Continued(mapRunArn, inputs.Count, redriven: false, kept - keptFailed, keptFailed, inputs.Count - kept);
            }
        }
        else
        {
            var startedId = frame.Append(HistoryEventType.MapStateStarted, new MapStateStartedEventDetails(inputs.Count));
            if (distributed && tracker is { Redriven: true, Loaded.MapRunArn: { } previousRun })
            {
                // A redrive continues the Map Run that failed: its successful child runs are kept.
                mapRunArn = previousRun;
                var redrives = observer?.Continued(mapRunArn, inputs.Count, redriven: true, kept, 0, inputs.Count - kept) ?? 1;
                frame.Append(HistoryEventType.MapRunRedriven, new MapRunRedrivenEventDetails(mapRunArn, redrives));
            }
            else if (distributed)
            {
                mapRunArn = $"arn:aws:states:{options.Region}:{options.AccountId}:mapRun:{frame.Run.Request.StateMachineName}/{state.Label ?? state.Name}:{Guid.NewGuid()}";
                frame.Append(HistoryEventType.MapRunStarted, new MapRunStartedEventDetails(mapRunArn));
                observer?.Started(mapRunArn, inputs.Count, maxConcurrency, toleratedPercent, toleratedCount);
            }

            tracker?.SetHeader(startedId);
        }

        if (tracker is not null)
        {
            tracker.MapRunArn = mapRunArn;
        }

        // UpdateMapRun changes a distributed run's limits while it runs.
        var control = mapRunArn is null ? null : observer?.Control(mapRunArn);
        IterationOutcome outcome;
        try
        {
            outcome = await RunIterationsAsync(state, inputs, effective, frame, maxConcurrency, distributed, ct, mapRunArn, tracker, control, (toleratedCount, toleratedPercent)).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (mapRunArn is not null)
        {
            observer?.Finished(mapRunArn, "ABORTED");
            throw;
        }

        if (control is not null)
        {
            (toleratedCount, toleratedPercent) = (control.ToleratedFailureCount, control.ToleratedFailurePercentage);
        }

        var failed = outcome.Failures;
        if (Exceeded(failed, inputs.Count, toleratedCount, toleratedPercent))
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

    /// <summary>Whether <paramref name="failures"/> of <paramref name="total"/> exceed the tolerated failures (none tolerated when neither limit is set).</summary>
    private static bool Exceeded(int failures, int total, int? toleratedCount, double? toleratedPercent) =>
        failures > 0
        && !(toleratedCount is { } tc && failures <= tc)
        && !(toleratedPercent is { } tp && total > 0 && failures * 100.0 / total <= tp);

    private sealed record IterationOutcome(JsonNode?[] Outputs, int Failures, StatesException? FirstError)
    {
        /// <summary>The items that failed, with their errors (for a ResultWriter's FAILED file).</summary>
        public List<(int Index, StatesException Error)> Failed { get; } = [];
    }

    private async ValueTask<IterationOutcome> RunIterationsAsync(
        MapState state, List<JsonNode?> inputs, JsonNode? effective, Frame frame, int maxConcurrency, bool distributed, CancellationToken ct,
        string? mapRunArn = null, CompositeTracker? tracker = null, IMapRunControl? control = null, (int? Count, double? Percent) tolerated = default)
    {
        var observer = mapRunArn is null ? null : frame.Run.Request.MapRuns;
        var outputs = new JsonNode?[inputs.Count];
        var failedItems = new List<(int Index, StatesException Error)>();
        var todo = new List<int>(inputs.Count);
        var failures = 0;
        StatesException? firstError = null;
        for (var i = 0; i < inputs.Count; i++)
        {
            if (tracker is not null && tracker.TryGetKept(i, out var keptChild))
            {
                // Finished before a restart (or succeeded before a redrive): its result is kept, it does not run again.
                outputs[i] = KeptOutput(keptChild);
                if (!keptChild.Succeeded)
                {
                    failures++;
                    var ex = new StatesException(keptChild.Error, keptChild.Cause);
                    failedItems.Add((i, ex));
                    firstError ??= ex;
                }
            }
            else
            {
                todo.Add(i);
            }
        }

        var next = -1;
        long lastClosedSource = frame.Events.SourceEventId;
        var gate = new Lock();
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var stopOnFailure = state.ToleratedFailureCount is null && state.ToleratedFailureCountPath is null
            && state.ToleratedFailurePercentage is null && state.ToleratedFailurePercentagePath is null;
        var activeWorkers = 0;

        bool ShouldStop(StatesException ex)
        {
            if (ex.IsTerminal)
            {
                return true;
            }

            if (control is null)
            {
                return stopOnFailure;
            }

            // A distributed run checks its threshold as child runs fail, with the limits UpdateMapRun may have changed.
            var (count, pct) = (control.ToleratedFailureCount ?? tolerated.Count, control.ToleratedFailurePercentage ?? tolerated.Percent);
            lock (gate)
            {
                return Exceeded(failures, inputs.Count, count, pct);
            }
        }

        int Limit() => LimitOf(control?.MaxConcurrency ?? maxConcurrency, distributed);

        async Task Worker()
        {
            var worker = frame.Events.Fork();
            while (true)
            {
                if (control is not null)
                {
                    // Lowered concurrency: surplus workers end after their current child run.
                    lock (gate)
                    {
                        if (activeWorkers > Limit())
                        {
                            activeWorkers--;
                            return;
                        }
                    }
                }

                var claimed = Interlocked.Increment(ref next);
                if (claimed >= todo.Count || cts.IsCancellationRequested)
                {
                    break;
                }

                var index = todo[claimed];
                var job = worker.Fork();
                var history = distributed ? new ExecutionHistory(options.TimeProvider, null, options.MaxHistoryEvents) : null;
                var child = frame.CreateChild(distributed ? new EventScope(0) : job, history: history);
                long startedId = 0;
                if (!distributed)
                {
                    startedId = child.History.Append(job, HistoryEventType.MapIterationStarted, new MapIterationEventDetails(state.Name, index));
                }

                observer?.ItemStarted(mapRunArn!);
                try
                {
                    var iterationInput = SelectItem(state, inputs[index], index, effective, frame);
                    outputs[index] = await RunProgramAsync(state.ItemProcessor, iterationInput, child, cts.Token).ConfigureAwait(false);
                    long endId = 0;
                    if (!distributed)
                    {
                        endId = child.History.Append(job, HistoryEventType.MapIterationSucceeded, new MapIterationEventDetails(state.Name, index), updateSource: false);
                    }

                    tracker?.Record(index, new CompletedChild(true, JsonText.Serialize(outputs[index])), distributed ? [] : ChildEvents(frame.Run.History, startedId, endId));
                    observer?.ItemFinished(mapRunArn!, "SUCCEEDED");
                }
                catch (StatesException ex)
                {
                    long endId = 0;
                    if (!distributed)
                    {
                        endId = child.History.Append(job, HistoryEventType.MapIterationFailed, new MapIterationEventDetails(state.Name, index), updateSource: false);
                    }

                    tracker?.Record(index, new CompletedChild(false, null, ex.Error, ex.Cause), distributed ? [] : ChildEvents(frame.Run.History, startedId, endId));
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

                    if (ShouldStop(ex))
                    {
                        await cts.CancelAsync().ConfigureAwait(false);
                        return;
                    }

                    worker.SourceEventId = job.SourceEventId;
                    continue;
                }

                if (Volatile.Read(ref next) + 1 >= todo.Count)
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
                if (control is not null)
                {
                    activeWorkers--;
                }

                if (firstError is null)
                {
                    lastClosedSource = Math.Max(lastClosedSource, worker.SourceEventId);
                }
            }
        }

        var workers = Math.Min(Limit(), todo.Count);
        var tasks = new List<Task>(Math.Max(workers, 0));
        activeWorkers = Math.Max(workers, 0);
        for (var i = 0; i < workers; i++)
        {
            tasks.Add(Worker());
        }

        try
        {
            if (control is null)
            {
                await Task.WhenAll(tasks).ConfigureAwait(false);
            }
            else
            {
                await SuperviseAsync().ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            // Iterations cancelled because another one failed.
        }
        finally
        {
            if (tracker is not null)
            {
                await tracker.FlushAsync().ConfigureAwait(false);
            }
        }

        ct.ThrowIfCancellationRequested();
        if (!distributed)
        {
            frame.Events.SourceEventId = lastClosedSource;
        }

        var outcome = new IterationOutcome(outputs, failures, firstError);
        outcome.Failed.AddRange(failedItems.OrderBy(f => f.Index));
        return outcome;

        // Raised concurrency: more workers start at once (until every child run has been started).
        async Task SuperviseAsync()
        {
            while (true)
            {
                var changed = control!.Changed;
                var all = Task.WhenAll(tasks);
                if (await Task.WhenAny(all, changed).ConfigureAwait(false) == all)
                {
                    await all.ConfigureAwait(false);
                    return;
                }

                int more;
                lock (gate)
                {
                    more = Math.Max(0, Math.Min(Math.Min(Limit(), todo.Count) - activeWorkers, todo.Count - Volatile.Read(ref next) - 1));
                    more = cts.IsCancellationRequested ? 0 : more;
                    activeWorkers += more;
                }

                for (var i = 0; i < more; i++)
                {
                    tasks.Add(Worker());
                }
            }
        }
    }

    private static int LimitOf(int maxConcurrency, bool distributed) => maxConcurrency <= 0 ? (distributed ? 1000 : InlineConcurrencyCap) : maxConcurrency;

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
