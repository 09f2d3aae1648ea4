using Nimbus.StepFunctions.Asl.Model;
using Nimbus.StepFunctions.Execution;
using Nimbus.StepFunctions.History;

namespace Nimbus.StepFunctions.Service;

/// <summary>
/// One running execution: receives its history events and checkpoints and decides when they become durable.
/// </summary>
/// <remarks>
/// Durable (STANDARD) executions commit buffered events to SQLite through the store's group commit (concurrent executions
/// share one transaction; each commit is awaited before the execution acts on what it records):
/// <list type="bullet">
/// <item>at every top-level state entry, together with the checkpoint (state, input, variables, entered event id/time) —
/// so the previous state's result events (e.g. <c>TaskSucceeded</c>) and the move past it commit atomically;</item>
/// <item>before a Task is invoked and before a wait (Wait state, retry back-off), unless the current top-level state is a
/// Parallel or Map (its inner events commit with each finished iteration or branch, see ExecutionRunner.Progress.cs, or
/// with the state's exit);</item>
/// <item>at the end, together with the final status.</item>
/// </list>
/// On shutdown nothing more is written: the execution stays RUNNING and resumes from its last checkpoint.
/// A Pass, Choice, Succeed or Fail state (no effect outside the execution) does not wait for its entry's commit: the
/// commits of one execution are then in flight together, and complete in order (one writer, first in first out).
/// </remarks>
internal sealed partial class ExecutionRunner : IHistoryEventSink, IExecutionCheckpointSink, IWaitScheduler, ITaskInvoker, IMapRunObserver
{
    private readonly SfnStore? _store;
    private readonly StateMachineDefinition _definition;
    private readonly ServiceTaskInvoker _tasks;
    private readonly TimeProviderWaitScheduler _timers;
    private readonly Lock _pendingLock = new();
    private readonly List<HistoryEvent> _pending = [];
    private int _sent;
    private Task _lastCommit = Task.CompletedTask;
    private int _inFlight;
    private volatile Exception? _commitFailure;

    /// <summary>The most commits of one execution in flight while it runs pure states (then it waits for them).</summary>
    private const int MaxInFlight = 32;
    private readonly CancellationTokenSource _cts = new();
    private readonly TaskCompletionSource _done = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private volatile bool _insideComposite;
    private volatile bool _shuttingDown;
    private (string? Error, string? Cause)? _stop;

    private readonly MockConfig? _mocks;
    private readonly Dictionary<string, int> _mockAttempts = new(StringComparer.Ordinal);

    private readonly MapRuns? _mapRuns;
    private readonly ExecutionLogging? _logging;

    public ExecutionRunner(
        ExecutionRecord record, StateMachineDefinition definition, SfnStore? store, ServiceTaskInvoker tasks, TimeProvider time,
        MockConfig? mocks = null, MapRuns? mapRuns = null, ExecutionLogging? logging = null)
    {
        _logging = logging;
        _mapRuns = mapRuns;
        _mocks = record.TestCase is null ? null : mocks;
        Record = record;
        _definition = definition;
        _store = store;
        _tasks = tasks;
        _timers = new TimeProviderWaitScheduler(time);
    }

    public ExecutionRecord Record { get; }

    public StateMachineDefinition Definition => _definition;

    /// <summary>
    /// The history events this execution records: all for STANDARD ones; for EXPRESS ones, which keep no execution history
    /// (AWS: "not recorded in Step Functions by design"), only those their CloudWatch Logs level selects — none when off.
    /// </summary>
    public Func<HistoryEventType, bool>? RecordedEvents => Durable ? null : _logging is null ? ExecutionRequest.NoEvents : _logging.Recorded;

    /// <summary>Completes when the execution has finished (or was suspended by a shutdown).</summary>
    public Task Completion => _done.Task;

    public CancellationToken Token => _cts.Token;

    private bool Durable => _store is not null;

    /// <summary>StopExecution: aborts with the given error and cause.</summary>
    public void Stop(string? error, string? cause)
    {
        _stop = (error, cause);
        _cts.Cancel();
    }

    /// <summary>Nimbus is stopping: abandon the run without recording an end; it resumes at the next start.</summary>
    public void Suspend()
    {
        _shuttingDown = true;
        _cts.Cancel();
    }

    public void OnEventAppended(HistoryEvent historyEvent)
    {
        if (historyEvent.Type == HistoryEventType.ExecutionAborted && _stop is { } stop)
        {
            historyEvent = historyEvent with { Details = new FailureEventDetails(stop.Error, stop.Cause) };
        }

        if (!_shuttingDown)
        {
            _logging?.OnEvent(historyEvent);
        }

        if (Durable)
        {
            lock (_pendingLock)
            {
                _pending.Add(historyEvent);
            }
        }
    }

    public ValueTask OnStateEnteredAsync(ExecutionCheckpoint checkpoint, CancellationToken cancellationToken)
    {
        _definition.States.TryGetValue(checkpoint.StateName, out var s);
        _insideComposite = s is ParallelState or MapState;
        if (!Durable || _shuttingDown)
        {
            return ValueTask.CompletedTask;
        }

        // Every state entry commits its events and checkpoint (its own piece of work in the group commit). A Pass, Choice,
        // Succeed or Fail state acts on nothing outside the execution, so it runs while that commit is in flight
        // (pipelined, at most MaxInFlight at a time); everything else (a Task, a Wait, a Map or Parallel, the end) first
        // waits until all of it is durable. A crash before such a commit resumes from the last committed checkpoint and
        // runs those pure states again, with the same result; nothing outside saw them.
        if (s is PassState or ChoiceState or SucceedState or FailState && _commitFailure is null && Volatile.Read(ref _inFlight) < MaxInFlight)
        {
            _lastCommit = StartCommit(SfnJson.Checkpoint(checkpoint), null);
            return ValueTask.CompletedTask;
        }

        return FlushAsync(SfnJson.Checkpoint(checkpoint), null);
    }

    public async ValueTask WaitUntilAsync(DateTimeOffset dueTime, CancellationToken cancellationToken)
    {
        if (!_insideComposite)
        {
            await FlushAsync(null, null).ConfigureAwait(false);
        }

        await _timers.WaitUntilAsync(dueTime, cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask<TaskInvocationResult> InvokeAsync(TaskInvocation invocation, CancellationToken cancellationToken)
    {
        if (_mocks is not null)
        {
            int attempt;
            lock (_mockAttempts)
            {
                attempt = _mockAttempts.GetValueOrDefault(invocation.StateName);
                _mockAttempts[invocation.StateName] = attempt + 1;
            }

            if (_mocks.Find(Record.StateMachineName, Record.TestCase!, invocation.StateName, attempt) is { } mocked)
            {
                if (!_insideComposite)
                {
                    await FlushAsync(null, null).ConfigureAwait(false);
                }

                return mocked;
            }
        }

        var waiter = _tasks.Register(invocation);
        if (!_insideComposite)
        {
            await FlushAsync(null, null).ConfigureAwait(false);
        }

        return await _tasks.InvokeAsync(invocation, waiter, cancellationToken).ConfigureAwait(false);
    }

    public void Started(string mapRunArn, int total, int maxConcurrency, double? toleratedFailurePercentage, int? toleratedFailureCount)
    {
        if (!_shuttingDown)
        {
            _mapRuns?.Started(mapRunArn, Record.Arn, Record.StateMachineArn, total, maxConcurrency, toleratedFailurePercentage, toleratedFailureCount, Durable);
        }
    }

    public void ItemFinished(string mapRunArn, string status) => _mapRuns?.ItemFinished(mapRunArn, status);

    public void Finished(string mapRunArn, string status)
    {
        if (!_shuttingDown)
        {
            _mapRuns?.Finished(mapRunArn, _stop is not null && status == "ABORTED" ? "ABORTED" : status, Durable);
        }
    }

    /// <summary>Records the outcome: final events and status in one transaction (not when suspended).</summary>
    public async Task FinishAsync(ExecutionResult result, long stopDate)
    {
        if (!_shuttingDown)
        {
            var final = new ExecutionRecord
            {
                Arn = Record.Arn,
                StateMachineArn = Record.StateMachineArn,
                StateMachineName = Record.StateMachineName,
                Name = Record.Name,
                Input = Record.Input,
                Definition = Record.Definition,
                RoleArn = Record.RoleArn,
                Status = result.Status switch
                {
                    ExecutionStatus.Succeeded => "SUCCEEDED",
                    ExecutionStatus.Failed => "FAILED",
                    ExecutionStatus.TimedOut => "TIMED_OUT",
                    ExecutionStatus.Aborted => "ABORTED",
                    _ => "RUNNING",
                },
                Output = result.Output,
                StopDate = stopDate,
            };
            (final.Error, final.Cause) = result.Status == ExecutionStatus.Aborted && _stop is { } stop ? stop : (result.Error, result.Cause);
            await FlushAsync(null, final).ConfigureAwait(false);

            // Readers of the live record see the outcome complete: the status changes last.
            Record.Output = final.Output;
            (Record.Error, Record.Cause) = (final.Error, final.Cause);
            Record.StopDate = final.StopDate;
            Record.Checkpoint = null;
            Interlocked.MemoryBarrier();
            Record.Status = final.Status;
        }

        _done.TrySetResult();
    }

    public void Abandon() => _done.TrySetResult();

    /// <summary>The events not yet committed, for reads of a running execution (none for an in-memory EXPRESS one: it keeps no history).</summary>
    public List<HistoryEvent> UncommittedEvents()
    {
        lock (_pendingLock)
        {
            return [.. _pending];
        }
    }

    /// <summary>Runs <paramref name="read"/> so it sees committed and pending events consistently.</summary>
    /// <remarks>
    /// The pending events are taken first, then <paramref name="read"/> reads the store: events leave the pending list only
    /// after their commit, so every event is in one or the other (or both — readers skip ids already read from the store).
    /// </remarks>
    public T ReadConsistent<T>(Func<List<HistoryEvent>, T> read) => read(UncommittedEvents());

    /// <summary>Commits the buffered events, with a checkpoint or the final record, and completes after the commit (and every earlier one).</summary>
    private async ValueTask FlushAsync(string? checkpoint, ExecutionRecord? final)
    {
        if (!Durable || _shuttingDown)
        {
            return;
        }

        await _lastCommit.ConfigureAwait(false);
        if (_commitFailure is { } failure)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(failure);
        }

        _lastCommit = StartCommit(checkpoint, final);
        await _lastCommit.ConfigureAwait(false);
    }

    /// <summary>Hands the events not yet sent (with a checkpoint or the final record) to the group commit.</summary>
    /// <remarks>
    /// Runs on the execution's own flow (never concurrently with itself); commits complete in the order they were started
    /// (one writer, FIFO), so the committed events are always the oldest of <see cref="_pending"/>.
    /// </remarks>
    private Task StartCommit(string? checkpoint, ExecutionRecord? final)
    {
        HistoryEvent[] batch;
        lock (_pendingLock)
        {
            batch = _pending.GetRange(_sent, _pending.Count - _sent).ToArray();
            _sent = _pending.Count;
        }

        if (batch.Length == 0 && checkpoint is null && final is null)
        {
            return Task.CompletedTask;
        }

        // Rendered here, on the execution's own thread, so the shared writer only runs SQL.
        var rows = new (long Id, string Body)[batch.Length];
        for (var i = 0; i < batch.Length; i++)
        {
            rows[i] = (batch[i].Id, SfnJson.EventBody(batch[i]));
        }

        Interlocked.Increment(ref _inFlight);
        return Committed(_store!.CommitAsync(Record.Arn, rows, checkpoint, final), batch.Length);
    }

    private async Task Committed(Task commit, int count)
    {
        try
        {
            await commit.ConfigureAwait(false);
            lock (_pendingLock)
            {
                _pending.RemoveRange(0, count);
                _sent -= count;
            }
        }
        catch (Exception e)
        {
            // Seen by the next flush (the execution then stops; it stays RUNNING and resumes from its last checkpoint).
            _commitFailure ??= e;
            throw;
        }
        finally
        {
            Interlocked.Decrement(ref _inFlight);
        }
    }
}
