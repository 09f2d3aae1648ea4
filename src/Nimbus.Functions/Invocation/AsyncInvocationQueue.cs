using System.Threading.Channels;
using Nimbus.Storage.Sqlite;

namespace Nimbus.Functions.Invocation;

/// <summary>The durable queue of accepted Event invocations: persisted before the 202, deleted once handled.</summary>
/// <remarks>On start every row still in the store is queued again (at its due time, for a retry waiting out its delay),
/// so an accepted event survives a restart.</remarks>
internal sealed class AsyncInvocationQueue
{
    private readonly StateStore _store;
    private readonly TimeProvider _time;
    private readonly Channel<AsyncInvocation> _channel = Channel.CreateUnbounded<AsyncInvocation>();

    public AsyncInvocationQueue(StateStore store, TimeProvider time)
    {
        _store = store;
        _time = time;
        using var c = store.Open();
        foreach (var item in c.Query(
            """
            SELECT id, account, region, function_name, qualifier, payload, client_context, enqueued_at, attempts, retries, due_at
            FROM lambda_async_invocations ORDER BY enqueued_at
            """,
            r => new AsyncInvocation(r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), r.StringOrNull(4),
                (byte[])r.GetValue(5), r.StringOrNull(6), r.GetInt64(7), r.GetInt32(8), r.GetInt32(9), r.GetInt64(10))))
        {
            Schedule(item);
        }
    }

    public ChannelReader<AsyncInvocation> Reader => _channel.Reader;

    public void Enqueue(AsyncInvocation item)
    {
        _store.Write((c, tx) => c.Execute(
            """
            INSERT INTO lambda_async_invocations (id, account, region, function_name, qualifier, payload, client_context, enqueued_at, attempts, retries, due_at)
            VALUES ($id, $a, $r, $f, $q, $p, $cc, $t, $n, $rt, $d)
            """,
            tx, ("$id", item.Id), ("$a", item.AccountId), ("$r", item.Region), ("$f", item.FunctionName), ("$q", item.Qualifier),
            ("$p", item.Payload), ("$cc", item.ClientContext), ("$t", item.EnqueuedAtMs), ("$n", item.Attempts),
            ("$rt", item.Retries), ("$d", item.DueAtMs)));
        _channel.Writer.TryWrite(item);
    }

    /// <summary>Records another attempt's counters and due time, and runs the item again when it is due.</summary>
    public void Reschedule(AsyncInvocation item)
    {
        _store.Write((c, tx) => c.Execute(
            "UPDATE lambda_async_invocations SET attempts=$n, retries=$rt, due_at=$d WHERE id=$id",
            tx, ("$id", item.Id), ("$n", item.Attempts), ("$rt", item.Retries), ("$d", item.DueAtMs)));
        Schedule(item);
    }

    public void Complete(string id) =>
        _store.Write((c, tx) => c.Execute("DELETE FROM lambda_async_invocations WHERE id=$id", tx, ("$id", id)));

    public int PendingCount()
    {
        using var c = _store.Open();
        return Convert.ToInt32(c.Scalar("SELECT COUNT(*) FROM lambda_async_invocations"), System.Globalization.CultureInfo.InvariantCulture);
    }

    private void Schedule(AsyncInvocation item)
    {
        var wait = item.DueAtMs - _time.GetUtcNow().ToUnixTimeMilliseconds();
        if (wait <= 0)
        {
            _channel.Writer.TryWrite(item);
            return;
        }

        // A timer, not a task per item: it holds nothing but the item until it fires.
        ITimer? timer = null;
        timer = _time.CreateTimer(
            _ =>
            {
                _channel.Writer.TryWrite(item);
                timer?.Dispose();
            },
            null, TimeSpan.FromMilliseconds(wait), Timeout.InfiniteTimeSpan);
    }
}
