namespace Nimbus.Messaging.Delivery;

/// <summary>Wakes a delivery worker when new outbox entries commit (SNS and EventBridge each have one).</summary>
internal class DeliverySignal
{
    private readonly SemaphoreSlim _semaphore = new(0, 1);

    public void Notify()
    {
        try
        {
            if (_semaphore.CurrentCount == 0)
            {
                _semaphore.Release();
            }
        }
        catch (SemaphoreFullException)
        {
            // Already signalled.
        }
    }

    public async Task WaitAsync(TimeSpan timeout, TimeProvider time, CancellationToken cancellationToken)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var delay = Task.Delay(timeout, time, cts.Token);
        var signalled = _semaphore.WaitAsync(cts.Token);
        await Task.WhenAny(delay, signalled);
        await cts.CancelAsync();
        try
        {
            await signalled;
        }
        catch (OperationCanceledException)
        {
            // Timed out or stopping.
        }
    }
}
