using Microsoft.Extensions.Hosting;

namespace Nimbus.Messaging.Delivery;

/// <summary>The loop every durable outbox (SNS, EventBridge, EventBridge Scheduler) is drained by: deliver what is due in
/// batches, then sleep until the next entry is due (at most 5 s) or the service signals a new commit.</summary>
/// <remarks>Entries are removed by the subclass only once delivered or given up on, so a restart redelivers what was in
/// flight. A failing pass is logged and retried a second later; the loop itself never dies.</remarks>
internal abstract class OutboxWorker<TEntry>(DeliverySignal signal, TimeProvider time) : BackgroundService
{
    private const int BatchSize = 32;

    protected TimeProvider Time => time;

    /// <summary>Up to <paramref name="limit"/> entries due at <paramref name="now"/> (Unix ms).</summary>
    protected abstract IReadOnlyList<TEntry> Due(long now, int limit);

    /// <summary>When the next entry falls due (Unix ms), or null when the outbox is empty.</summary>
    protected abstract long? NextDue();

    /// <summary>Delivers one batch; by default every entry at once.</summary>
    protected virtual Task DeliverBatchAsync(IReadOnlyList<TEntry> due, CancellationToken cancellationToken) =>
        Task.WhenAll(due.Select(d => DeliverOneAsync(d, cancellationToken)));

    protected abstract Task DeliverOneAsync(TEntry entry, CancellationToken cancellationToken);

    protected abstract void LoopFailed(Exception exception);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await DrainAsync(stoppingToken);
                var next = NextDue();
                var wait = next is { } due ? TimeSpan.FromMilliseconds(Math.Clamp(due - time.GetUtcNow().ToUnixTimeMilliseconds(), 0, 5000)) : TimeSpan.FromSeconds(5);
                if (wait > TimeSpan.Zero)
                {
                    await signal.WaitAsync(wait, time, stoppingToken);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                LoopFailed(e);
                await signal.WaitAsync(TimeSpan.FromSeconds(1), time, stoppingToken);
            }
        }
    }

    /// <summary>Delivers every entry due now; returns how many were attempted.</summary>
    public async Task<int> DrainAsync(CancellationToken cancellationToken = default)
    {
        var total = 0;
        while (true)
        {
            var due = Due(time.GetUtcNow().ToUnixTimeMilliseconds(), BatchSize);
            if (due.Count == 0)
            {
                return total;
            }

            await DeliverBatchAsync(due, cancellationToken);
            total += due.Count;
        }
    }
}
