using Nimbus.StepFunctions.Execution;

namespace Nimbus.StepFunctions.Conformance;

/// <summary>A fake clock: waits complete at once by moving time forward.</summary>
internal sealed class SteppingTimeProvider : TimeProvider, IWaitScheduler
{
    private readonly Lock _lock = new();
    private DateTimeOffset _now = new(2024, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public override DateTimeOffset GetUtcNow()
    {
        lock (_lock)
        {
            return _now;
        }
    }

    public ValueTask WaitUntilAsync(DateTimeOffset dueTime, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            if (dueTime > _now)
            {
                _now = dueTime;
            }
        }

        return ValueTask.CompletedTask;
    }
}
