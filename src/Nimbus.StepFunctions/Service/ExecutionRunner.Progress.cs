using Nimbus.StepFunctions.Execution;
using Nimbus.StepFunctions.History;

namespace Nimbus.StepFunctions.Service;

/// <summary>
/// The durable progress of the execution's top-level Map and Parallel states (<see cref="ICompositeProgressSink"/>) and the
/// Map Run hooks for restarts, redrives and live limits.
/// </summary>
/// <remarks>
/// A finished iteration or branch commits its own events and its result (through the store's group commit), apart from the
/// events still buffered for the next checkpoint (those are committed again then: the writes are idempotent). A restart keeps
/// exactly those events (see <see cref="SfnStore.RecoverProgress"/>).
/// </remarks>
internal sealed partial class ExecutionRunner : ICompositeProgressSink
{
    /// <summary>On resume: the last event kept by the restart's recovery (past the checkpoint's entered event).</summary>
    public long? ResumeLastEventId { get; set; }

    public CompositeProgress? Load(long enteredEventId)
    {
        // Also called when a resumed execution continues inside a Map or Parallel (no state-entered checkpoint then): its
        // inner tasks and waits must not flush on their own (concurrent flushes of one execution are not allowed).
        _insideComposite = true;
        return Durable ? _store!.LoadProgress(Record.Arn, enteredEventId) : null;
    }

    public ValueTask ResetAsync(long enteredEventId) =>
        Durable && !_shuttingDown ? new ValueTask(_store!.ResetProgressAsync(Record.Arn, enteredEventId)) : ValueTask.CompletedTask;

    public ValueTask RecordAsync(
        long enteredEventId, int index, CompletedChild outcome, IReadOnlyList<HistoryEvent> events, IReadOnlyList<HistoryEvent> header, string? mapRunArn)
    {
        if (!Durable || _shuttingDown)
        {
            return ValueTask.CompletedTask;
        }

        return new ValueTask(_store!.RecordProgressAsync(
            Record.Arn,
            enteredEventId,
            index,
            SfnStore.ChildBody(outcome),
            [.. events.Select(e => (e.Id, SfnJson.EventBody(e)))],
            [.. header.Select(e => (e.Id, SfnJson.EventBody(e)))],
            mapRunArn));
    }

    public void ItemStarted(string mapRunArn) => _mapRuns?.ItemStarted(mapRunArn);

    public int Continued(string mapRunArn, int total, bool redriven, int kept, int keptFailed, int rerun) =>
        _shuttingDown || _mapRuns is null ? (redriven ? 1 : 0)
            : _mapRuns.Continued(mapRunArn, Record.Arn, Record.StateMachineArn, total, redriven, kept, keptFailed, rerun, Durable);

    public IMapRunControl? Control(string mapRunArn) => _mapRuns?.Find(mapRunArn);
}
