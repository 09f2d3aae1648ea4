namespace Nimbus.StepFunctions.History;

/// <summary>Receives each history event as it is appended, e.g. to checkpoint a durable execution.</summary>
public interface IHistoryEventSink
{
    /// <summary>Called synchronously, in id order, under the history lock; keep it fast (buffer or batch for I/O).</summary>
    void OnEventAppended(HistoryEvent historyEvent);
}

/// <summary>Where the next event of a (sub)program chains from: AWS's <c>previousEventId</c> bookkeeping per program frame.</summary>
internal sealed class EventScope(long sourceEventId)
{
    public long SourceEventId { get; set; } = sourceEventId;

    public long LastPublishedEventId { get; set; } = sourceEventId;

    public EventScope Fork() => new(SourceEventId) { LastPublishedEventId = LastPublishedEventId };
}

/// <summary>The append-only history of one execution, with AWS's id assignment and the 25,000-event quota.</summary>
/// <remarks><paramref name="priorEvents"/>: events already recorded before a resume; new ids continue after them.</remarks>
internal sealed class ExecutionHistory(TimeProvider time, IHistoryEventSink? sink, int maxEvents = ExecutionHistory.DefaultMaxEvents, long priorEvents = 0)
{
    public const int DefaultMaxEvents = 25_000;

    private readonly List<HistoryEvent> _events = [];
    private readonly Lock _lock = new();

    public IReadOnlyList<HistoryEvent> Events
    {
        get
        {
            lock (_lock)
            {
                return _events.ToArray();
            }
        }
    }

    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _events.Count;
            }
        }
    }

    /// <summary>The events from id <paramref name="firstId"/> on (those appended by this run).</summary>
    public List<HistoryEvent> EventsSince(long firstId)
    {
        lock (_lock)
        {
            var start = (int)Math.Max(0, firstId - priorEvents - 1);
            return start >= _events.Count ? [] : _events.GetRange(start, _events.Count - start);
        }
    }

    /// <summary>Appends an event chained to <paramref name="scope"/>; returns its id.</summary>
    /// <exception cref="Execution.StatesException">When the quota is reached (the last slot is kept for the terminal event).</exception>
    /// <remarks><paramref name="timestamp"/>: when the event happened if already read from the clock (a state's entered time), else now.</remarks>
    public long Append(EventScope scope, HistoryEventType type, HistoryEventDetails? details = null, bool updateSource = true, bool terminal = false, DateTimeOffset? timestamp = null)
    {
        HistoryEvent e;
        lock (_lock)
        {
            if (!terminal && priorEvents + _events.Count >= maxEvents - 1)
            {
                throw new Execution.StatesException(
                    Execution.StatesErrors.Runtime,
                    $"The execution history reached the limit of {maxEvents} events.");
            }

            e = new HistoryEvent(priorEvents + _events.Count + 1, scope.SourceEventId, timestamp ?? time.GetUtcNow(), type, details);
            _events.Add(e);
            sink?.OnEventAppended(e);
        }

        scope.LastPublishedEventId = e.Id;
        if (updateSource)
        {
            scope.SourceEventId = e.Id;
        }

        return e.Id;
    }
}
