using Nimbus.StepFunctions.History;

namespace Nimbus.StepFunctions.Execution;

/// <summary>How one iteration of a Map (or one branch of a Parallel) ended: its output, or its error and cause.</summary>
public sealed record CompletedChild(bool Succeeded, string? Output, string? Error = null, string? Cause = null);

/// <summary>
/// What a top-level Map or Parallel state had finished before a restart or a redrive, keyed by the state's entered event.
/// </summary>
public sealed class CompositeProgress
{
    /// <summary>
    /// The events the state recorded before its iterations (<c>MapStateStarted</c>, <c>MapRunStarted</c>,
    /// <c>ParallelStateStarted</c>), already in the history: non-empty when the state continues in place after a restart.
    /// </summary>
    public IReadOnlyList<long> HeaderEventIds { get; init; } = [];

    /// <summary>The Map Run of a distributed Map, kept across restarts and redrives.</summary>
    public string? MapRunArn { get; init; }

    /// <summary>The state is entered again by a redrive: only the unsuccessful children run again.</summary>
    public bool Redriven { get; init; }

    /// <summary>The children that ended (by index): succeeded ones are kept; failed ones too, except after a redrive.</summary>
    public IReadOnlyDictionary<int, CompletedChild> Children { get; init; } = new Dictionary<int, CompletedChild>();
}

/// <summary>
/// Durable progress of the top-level Map and Parallel states of a Standard execution: each finished iteration or branch is
/// recorded (with its history events), so that after a restart only the unfinished ones run again, and a redrive reruns
/// only the unsuccessful ones.
/// </summary>
public interface ICompositeProgressSink
{
    /// <summary>The progress recorded for the state entered at <paramref name="enteredEventId"/> (null: none).</summary>
    CompositeProgress? Load(long enteredEventId);

    /// <summary>Forgets the progress of the state entered at <paramref name="enteredEventId"/> (a Retry starts the state over).</summary>
    ValueTask ResetAsync(long enteredEventId);

    /// <summary>
    /// Records (durably) that child <paramref name="index"/> ended, with the events it recorded and the state's header
    /// events; completes once committed.
    /// </summary>
    ValueTask RecordAsync(long enteredEventId, int index, CompletedChild outcome, IReadOnlyList<HistoryEvent> events, IReadOnlyList<HistoryEvent> header, string? mapRunArn);
}

/// <summary>Live limits of a distributed Map Run (UpdateMapRun changes them while it runs).</summary>
public interface IMapRunControl
{
    int MaxConcurrency { get; }

    double? ToleratedFailurePercentage { get; }

    int? ToleratedFailureCount { get; }

    /// <summary>Completes at the next change of the limits.</summary>
    Task Changed { get; }
}
