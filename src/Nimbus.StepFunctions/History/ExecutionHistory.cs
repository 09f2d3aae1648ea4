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
/// <remarks>
/// <para><paramref name="priorEvents"/>: events already recorded before a resume; new ids continue after them.</para>
/// <para><paramref name="recorded"/>: which event types are kept (in <see cref="Events"/>) and passed to the sink; null = all.
/// Every event gets its id either way, so ids, <c>previousEventId</c> chaining and the causes that name an event id are the
/// same as with a full history. An EXPRESS execution keeps no history (AWS: only its CloudWatch Logs, per the logging level),
/// so it records only what its logging selects — nothing at all with logging OFF.</para>
/// </remarks>
internal sealed class ExecutionHistory(
    TimeProvider time, IHistoryEventSink? sink, int maxEvents = ExecutionHistory.DefaultMaxEvents, long priorEvents = 0, Func<HistoryEventType, bool>? recorded = null)
{
    public const int DefaultMaxEvents = 25_000;

    private readonly List<HistoryEvent> _events = [];
    private readonly Lock _lock = new();
    private long _count;

    /// <summary>The recorded events (all of them unless a filter was given).</summary>
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

    /// <summary>Events appended so far (recorded or not).</summary>
    public int Count => (int)Interlocked.Read(ref _count);

    /// <summary>Whether events of this type are recorded: when not, callers may skip building their details.</summary>
    public bool Records(HistoryEventType type) => recorded is null || recorded(type);

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
    /// <remarks><paramref name="timestamp"/>: when the event happened if already read from the clock (a state's entered time), else now.
    /// An event whose type is not recorded only takes its id (<paramref name="details"/> may then be null).</remarks>
    public long Append(EventScope scope, HistoryEventType type, HistoryEventDetails? details = null, bool updateSource = true, bool terminal = false, DateTimeOffset? timestamp = null)
    {
        long id;
        if (!Records(type))
        {
            if (!terminal && priorEvents + Interlocked.Read(ref _count) >= maxEvents - 1)
            {
                throw QuotaReached();
            }

            id = Interlocked.Increment(ref _count);
        }
        else
        {
            lock (_lock)
            {
                if (!terminal && priorEvents + Interlocked.Read(ref _count) >= maxEvents - 1)
                {
                    throw QuotaReached();
                }

                id = Interlocked.Increment(ref _count);
                var e = new HistoryEvent(priorEvents + id, scope.SourceEventId, timestamp ?? time.GetUtcNow(), type, details);
                _events.Add(e);
                sink?.OnEventAppended(e);
            }
        }

        id += priorEvents;
        scope.LastPublishedEventId = id;
        if (updateSource)
        {
            scope.SourceEventId = id;
        }

        return id;
    }

    private Execution.StatesException QuotaReached() =>
        new(Execution.StatesErrors.Runtime, $"The execution history reached the limit of {maxEvents} events.");
}
