using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Nimbus.StepFunctions.History;
using Nimbus.StepFunctions.Json;

namespace Nimbus.StepFunctions.Execution;

/// <summary>
/// Durable progress of top-level Map and Parallel states (see <see cref="ICompositeProgressSink"/>): what was finished before
/// a restart is not run again, and a redrive reruns only the unsuccessful iterations and branches.
/// </summary>
public sealed partial class AslInterpreter
{
    /// <summary>The progress of one run of a top-level Map or Parallel state; null for nested ones and in-memory executions.</summary>
    private static async ValueTask<CompositeTracker?> BeginCompositeAsync(Frame frame)
    {
        if (frame.IsChild || frame.Run.Request.CompositeProgress is not { } sink)
        {
            return null;
        }

        var key = frame.EnteredEventId;
        if (frame.RetryCount > 0)
        {
            // A retry runs the state over: what the failed attempt finished does not count.
            await sink.ResetAsync(key).ConfigureAwait(false);
            return new CompositeTracker(sink, key, frame, null);
        }

        return new CompositeTracker(sink, key, frame, sink.Load(key));
    }

    internal sealed class CompositeTracker(ICompositeProgressSink sink, long key, Frame frame, CompositeProgress? loaded)
    {
        private readonly ConcurrentBag<Task> _writes = [];
        private List<HistoryEvent> _header = [];

        public CompositeProgress? Loaded => loaded;

        /// <summary>The state goes on in place after a restart: its header events are in the history already.</summary>
        public bool ContinuesInPlace => loaded is { Redriven: false, HeaderEventIds.Count: > 0 };

        public bool Redriven => loaded?.Redriven == true;

        public string? MapRunArn { get; set; }

        /// <summary>Whether child <paramref name="index"/> ended before (and is not run again).</summary>
        public bool TryGetKept(int index, out CompletedChild child)
        {
            child = null!;
            if (loaded is null || !loaded.Children.TryGetValue(index, out var c) || (!c.Succeeded && loaded.Redriven))
            {
                return false;
            }

            child = c;
            return true;
        }

        /// <summary>Chains the state's next events after the header recorded before the restart.</summary>
        public void ContinueAfterHeader()
        {
            var last = loaded!.HeaderEventIds[^1];
            frame.Events.SourceEventId = last;
            frame.Events.LastPublishedEventId = last;
        }

        /// <summary>The header events just appended (from <paramref name="firstId"/> on).</summary>
        public void SetHeader(long firstId) => _header = frame.Run.History.EventsSince(firstId);

        /// <summary>Records a finished child; <paramref name="events"/> are its own history events.</summary>
        public void Record(int index, CompletedChild outcome, IReadOnlyList<HistoryEvent> events) =>
            _writes.Add(sink.RecordAsync(key, index, outcome, events, _header, MapRunArn).AsTask());

        /// <summary>Waits until every finished child is durably recorded.</summary>
        public Task FlushAsync() => Task.WhenAll(_writes);
    }

    /// <summary>
    /// The events of a child program: the event <paramref name="firstId"/> and every event chained (transitively) from it, up
    /// to <paramref name="lastId"/> (events of concurrent children chain from their own events, never from this child's).
    /// </summary>
    private static List<HistoryEvent> ChildEvents(ExecutionHistory history, long firstId, long lastId)
    {
        var result = new List<HistoryEvent>();
        var ids = new HashSet<long>();
        foreach (var e in history.EventsSince(firstId))
        {
            if (e.Id > lastId)
            {
                break;
            }

            if (e.Id == firstId || ids.Contains(e.PreviousEventId))
            {
                ids.Add(e.Id);
                result.Add(e);
            }
        }

        return result;
    }

    /// <summary>The events of a Parallel branch whose first event chains from <paramref name="startedId"/> and whose last is <paramref name="lastId"/>.</summary>
    private static List<HistoryEvent> BranchEvents(ExecutionHistory history, long startedId, long lastId)
    {
        if (lastId <= startedId)
        {
            return [];
        }

        var events = history.EventsSince(startedId + 1);
        var byId = new Dictionary<long, HistoryEvent>(events.Count);
        foreach (var e in events)
        {
            byId[e.Id] = e;
        }

        var first = lastId;
        while (byId.TryGetValue(first, out var e) && e.PreviousEventId != startedId && byId.ContainsKey(e.PreviousEventId))
        {
            first = e.PreviousEventId;
        }

        return ChildEvents(history, first, lastId);
    }

    private static JsonNode? KeptOutput(CompletedChild child) =>
        child.Succeeded ? (child.Output is null ? null : JsonText.Parse(child.Output)) : new JsonObject { ["Error"] = child.Error, ["Cause"] = child.Cause };
}
