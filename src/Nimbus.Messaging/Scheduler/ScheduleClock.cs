using System.Text.Json.Nodes;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Nimbus.Messaging.Scheduler;

/// <summary>Fires due schedules: each firing commits one invocation to the outbox and moves the schedule to its next time.</summary>
/// <remarks>
/// Next firing times are stored with the schedules, so a firing that fell due while Nimbus was stopped happens once at
/// start-up (then the schedule continues from the current time); nothing is fired twice. A FLEXIBLE time window fires at
/// the window's start. A schedule with no firing left has completed: with ActionAfterCompletion DELETE it is deleted in the
/// same transaction as its last invocation. Uses <see cref="TimeProvider"/> for all time; tests call <see cref="Tick"/>.
/// </remarks>
internal sealed partial class ScheduleClock(SchedulerStore store, SchedulerSignal signal, TimeProvider time, ILogger<ScheduleClock> logger) : BackgroundService
{
    private readonly Lock _gate = new();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(250), time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    Tick();
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    Log.TickFailed(logger, e);
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }
    }

    /// <summary>Fires every enabled schedule whose time has come; returns how many fired.</summary>
    public int Tick()
    {
        var now = time.GetUtcNow();
        var nowMs = now.ToUnixTimeMilliseconds();
        var fired = 0;
        lock (_gate)
        {
            foreach (var schedule in store.AllSchedules().Where(s => s.Enabled && s.NextFire is { } due && due <= nowMs).OrderBy(s => s.NextFire))
            {
                var at = DateTimeOffset.FromUnixTimeMilliseconds(schedule.NextFire!.Value);
                var recurrence = schedule.Recurrence();
                var from = at.AddMilliseconds(1) > now ? at.AddMilliseconds(1) : now;
                var next = recurrence.OneTime ? null : recurrence.NextFrom(from, schedule.Anchor)?.ToUnixTimeMilliseconds();
                var retry = schedule.Target["RetryPolicy"] as JsonObject;
                var invocation = new ScheduleInvocation(
                    0, schedule.Arn, (JsonObject)schedule.Target.DeepClone(), schedule.Account, schedule.Region,
                    at.ToUnixTimeMilliseconds(), Guid.NewGuid().ToString(),
                    retry?["MaximumRetryAttempts"]?.GetValue<int>() ?? SchedulerService.DefaultMaximumRetryAttempts,
                    at.AddSeconds(retry?["MaximumEventAgeInSeconds"]?.GetValue<int>() ?? SchedulerService.DefaultMaximumEventAgeInSeconds).ToUnixTimeMilliseconds(),
                    0, nowMs);
                if (store.Fire(schedule, invocation, next, delete: next is null && schedule.DeleteAfterCompletion))
                {
                    fired++;
                }
            }
        }

        if (fired > 0)
        {
            signal.Notify();
        }

        return fired;
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 6301, Level = LogLevel.Error, Message = "The EventBridge Scheduler clock failed")]
        public static partial void TickFailed(ILogger logger, Exception exception);
    }
}
