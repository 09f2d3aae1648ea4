using Microsoft.Extensions.Time.Testing;
using Nimbus.Functions.Invocation;

namespace Nimbus.Functions.Tests;

public sealed class AsyncInvocationQueueTests : IDisposable
{
    private readonly TestState _state = new();
    private readonly FakeTimeProvider _time = new(DateTimeOffset.FromUnixTimeMilliseconds(1_000_000));

    public void Dispose() => _state.Dispose();

    private static AsyncInvocation Item(string id, long at, string? qualifier = null) =>
        new(id, "123456789012", "us-east-1", "fn", qualifier, [1, 2, (byte)id[0]], qualifier is null ? null : "Y2M=", at, 0);

    private static List<AsyncInvocation> Drain(AsyncInvocationQueue queue)
    {
        var items = new List<AsyncInvocation>();
        while (queue.Reader.TryRead(out var item))
        {
            items.Add(item);
        }

        return items;
    }

    [Fact]
    public void Enqueue_Item_IsReadableAndPending()
    {
        var queue = new AsyncInvocationQueue(_state.Store, _time);

        queue.Enqueue(Item("a", 1));

        Assert.Equal(1, queue.PendingCount());
        Assert.True(queue.Reader.TryRead(out var item));
        Assert.Equal("a", item.Id);
    }

    [Fact]
    public void NewInstance_PendingRows_AreQueuedAgainInEnqueueOrder()
    {
        var queue = new AsyncInvocationQueue(_state.Store, _time);
        queue.Enqueue(Item("c", 300));
        queue.Enqueue(Item("a", 100, qualifier: "live"));
        queue.Enqueue(Item("b", 200));
        queue.Enqueue(Item("done", 50));
        queue.Complete("done");
        queue.Reschedule(Item("b", 200) with { Attempts = 3 });
        Drain(queue);

        var reloaded = new AsyncInvocationQueue(_state.OpenStore(), _time);
        var items = Drain(reloaded);

        Assert.Equal(["a", "b", "c"], items.Select(i => i.Id));
        Assert.Equal(3, reloaded.PendingCount());
        var a = items[0];
        Assert.Equal(("123456789012", "us-east-1", "fn", "live", "Y2M=", 100L, 0), (a.AccountId, a.Region, a.FunctionName, a.Qualifier, a.ClientContext, a.EnqueuedAtMs, a.Attempts));
        Assert.Equal(new byte[] { 1, 2, (byte)'a' }, a.Payload);
        Assert.Null(items[1].Qualifier);
        Assert.Null(items[1].ClientContext);
        Assert.Equal(3, items[1].Attempts);
    }

    [Fact]
    public void Complete_AllItems_NothingReloads()
    {
        var queue = new AsyncInvocationQueue(_state.Store, _time);
        queue.Enqueue(Item("a", 1));
        queue.Enqueue(Item("b", 2));
        queue.Complete("a");
        queue.Complete("b");

        var reloaded = new AsyncInvocationQueue(_state.OpenStore(), _time);

        Assert.Equal(0, reloaded.PendingCount());
        Assert.Empty(Drain(reloaded));
    }

    [Fact]
    public void Reschedule_FutureDueTime_RunsOnlyWhenDue_AlsoAfterReload()
    {
        var queue = new AsyncInvocationQueue(_state.Store, _time);
        queue.Enqueue(Item("r", 1));
        Drain(queue);

        queue.Reschedule(Item("r", 1) with { Retries = 1, DueAtMs = _time.GetUtcNow().ToUnixTimeMilliseconds() + 60_000 });
        Assert.Empty(Drain(queue));
        _time.Advance(TimeSpan.FromSeconds(59));
        Assert.Empty(Drain(queue));
        _time.Advance(TimeSpan.FromSeconds(1));
        var due = Assert.Single(Drain(queue));
        Assert.Equal(1, due.Retries);

        // The due time is durable: a restart waits out what is left of the delay.
        queue.Reschedule(due with { Retries = 2, DueAtMs = _time.GetUtcNow().ToUnixTimeMilliseconds() + 120_000 });
        var reloaded = new AsyncInvocationQueue(_state.OpenStore(), _time);
        Assert.Empty(Drain(reloaded));
        _time.Advance(TimeSpan.FromMinutes(2));
        var again = Assert.Single(Drain(reloaded));
        Assert.Equal((2, "r"), (again.Retries, again.Id));
    }
}
