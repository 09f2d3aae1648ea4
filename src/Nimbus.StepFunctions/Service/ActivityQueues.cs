namespace Nimbus.StepFunctions.Service;

/// <summary>
/// The activity tasks waiting for a worker, per activity ARN, and the workers' long polls (GetActivityTask). A scheduled
/// task goes straight to the oldest waiting poller, else into the queue; a poll takes the oldest queued task, else waits
/// (woken by the next schedule — no polling loop) until its deadline.
/// </summary>
internal sealed class ActivityQueues
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, LinkedList<ActivityTask>> _tasks = new(StringComparer.Ordinal);
    private readonly Dictionary<string, LinkedList<TaskCompletionSource<ActivityTask>>> _pollers = new(StringComparer.Ordinal);

    /// <summary>Makes a task available to the activity's workers.</summary>
    public void Schedule(string activityArn, ActivityTask task)
    {
        lock (_lock)
        {
            if (_pollers.TryGetValue(activityArn, out var pollers))
            {
                while (pollers.First is { } first)
                {
                    pollers.RemoveFirst();
                    if (first.Value.TrySetResult(task))
                    {
                        return;
                    }
                }
            }

            Queue(activityArn).AddLast(task);
        }
    }

    /// <summary>Withdraws a task that nobody took (its state timed out or the execution stopped).</summary>
    public void Withdraw(string activityArn, ActivityTask task)
    {
        lock (_lock)
        {
            if (_tasks.TryGetValue(activityArn, out var q))
            {
                q.Remove(task);
            }
        }
    }

    /// <summary>The number of tasks waiting for a worker (for tests and diagnostics).</summary>
    public int Waiting(string activityArn)
    {
        lock (_lock)
        {
            return _tasks.TryGetValue(activityArn, out var q) ? q.Count : 0;
        }
    }

    /// <summary>Takes the next task, waiting up to <paramref name="wait"/>; null when none arrived in time.</summary>
    public async Task<ActivityTask?> PollAsync(string activityArn, TimeSpan wait, TimeProvider time, CancellationToken cancellationToken)
    {
        var poller = new TaskCompletionSource<ActivityTask>(TaskCreationOptions.RunContinuationsAsynchronously);
        LinkedListNode<TaskCompletionSource<ActivityTask>> node;
        lock (_lock)
        {
            if (_tasks.TryGetValue(activityArn, out var q) && q.First is { } next)
            {
                q.RemoveFirst();
                return next.Value;
            }

            if (!_pollers.TryGetValue(activityArn, out var list))
            {
                _pollers[activityArn] = list = new LinkedList<TaskCompletionSource<ActivityTask>>();
            }

            node = list.AddLast(poller);
        }

        try
        {
            return await poller.Task.WaitAsync(wait, time, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is TimeoutException or OperationCanceledException)
        {
            lock (_lock)
            {
                if (node.List is not null)
                {
                    node.List.Remove(node);
                }

                poller.TrySetCanceled(CancellationToken.None);
            }

            if (poller.Task.IsCompletedSuccessfully)
            {
                // A task arrived just as the poll gave up: hand it on rather than lose it.
                var task = poller.Task.Result;
                if (cancellationToken.IsCancellationRequested)
                {
                    Requeue(activityArn, task);
                    throw;
                }

                return task;
            }

            if (e is OperationCanceledException)
            {
                throw;
            }

            return null;
        }
    }

    /// <summary>A task handed to a poll whose caller went away: back to the front of the queue.</summary>
    public void Requeue(string activityArn, ActivityTask task)
    {
        lock (_lock)
        {
            Queue(activityArn).AddFirst(task);
        }
    }

    private LinkedList<ActivityTask> Queue(string activityArn)
    {
        if (!_tasks.TryGetValue(activityArn, out var q))
        {
            _tasks[activityArn] = q = new LinkedList<ActivityTask>();
        }

        return q;
    }
}

/// <summary>One scheduled activity task: its token, its input, and the callback that records <c>ActivityStarted</c>.</summary>
internal sealed class ActivityTask(string token, string input, Action<string?> started)
{
    private readonly Lock _lock = new();
    private bool _taken;
    private bool _closed;

    public string Token => token;

    public string Input => input;

    /// <summary>A worker takes the task; false when the task was closed meanwhile (timed out, stopped, answered).</summary>
    public bool TryStart(string? workerName)
    {
        lock (_lock)
        {
            if (_closed || _taken)
            {
                return false;
            }

            _taken = true;
            started(workerName);
            return true;
        }
    }

    /// <summary>The task is over: no worker may take it any more.</summary>
    public void Close()
    {
        lock (_lock)
        {
            _closed = true;
        }
    }
}
