using System.Collections.Concurrent;
using Nimbus.StepFunctions.Execution;

namespace Nimbus.StepFunctions.Service;

/// <summary>Tasks waiting for a callback (<c>.waitForTaskToken</c>): SendTaskSuccess/Failure/Heartbeat find them by token.</summary>
internal sealed class TaskTokens
{
    private readonly ConcurrentDictionary<string, Waiter> _waiting = new(StringComparer.Ordinal);

    public Waiter Register(string token, string executionArn) => _waiting[token] = new Waiter(executionArn);

    public void Remove(string token, Waiter waiter) => _waiting.TryRemove(KeyValuePair.Create(token, waiter));

    public Waiter? Find(string token) => _waiting.GetValueOrDefault(token);

    internal sealed class Waiter(string executionArn)
    {
        private readonly TaskCompletionSource<TaskInvocationResult> _result = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private long _heartbeats;

        public string ExecutionArn => executionArn;

        public Task<TaskInvocationResult> Result => _result.Task;

        public long Heartbeats => Interlocked.Read(ref _heartbeats);

        public bool Complete(TaskInvocationResult result) => _result.TrySetResult(result);

        public void Heartbeat() => Interlocked.Increment(ref _heartbeats);
    }
}
