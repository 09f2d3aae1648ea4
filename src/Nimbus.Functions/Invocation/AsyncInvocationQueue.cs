using System.Threading.Channels;
using Nimbus.Storage.Sqlite;

namespace Nimbus.Functions.Invocation;

/// <summary>The durable queue of accepted Event invocations: persisted before the 202, deleted once handled.</summary>
/// <remarks>On start every row still in the store is queued again, so an accepted event survives a restart.</remarks>
internal sealed class AsyncInvocationQueue
{
    private readonly StateStore _store;
    private readonly Channel<AsyncInvocation> _channel = Channel.CreateUnbounded<AsyncInvocation>();

    public AsyncInvocationQueue(StateStore store)
    {
        _store = store;
        using var c = store.Open();
        foreach (var item in c.Query(
            "SELECT id, account, region, function_name, qualifier, payload, client_context, enqueued_at, attempts FROM lambda_async_invocations ORDER BY enqueued_at",
            r => new AsyncInvocation(r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), r.StringOrNull(4),
                (byte[])r.GetValue(5), r.StringOrNull(6), r.GetInt64(7), r.GetInt32(8))))
        {
            _channel.Writer.TryWrite(item);
        }
    }

    public ChannelReader<AsyncInvocation> Reader => _channel.Reader;

    public void Enqueue(AsyncInvocation item)
    {
        _store.Write((c, tx) => c.Execute(
            """
            INSERT INTO lambda_async_invocations (id, account, region, function_name, qualifier, payload, client_context, enqueued_at, attempts)
            VALUES ($id, $a, $r, $f, $q, $p, $cc, $t, $n)
            """,
            tx, ("$id", item.Id), ("$a", item.AccountId), ("$r", item.Region), ("$f", item.FunctionName), ("$q", item.Qualifier),
            ("$p", item.Payload), ("$cc", item.ClientContext), ("$t", item.EnqueuedAtMs), ("$n", item.Attempts)));
        _channel.Writer.TryWrite(item);
    }

    /// <summary>Puts an item back for another attempt (after a throttle).</summary>
    public void Requeue(AsyncInvocation item)
    {
        _store.Write((c, tx) => c.Execute("UPDATE lambda_async_invocations SET attempts=$n WHERE id=$id", tx, ("$id", item.Id), ("$n", item.Attempts)));
        _channel.Writer.TryWrite(item);
    }

    public void Complete(string id) =>
        _store.Write((c, tx) => c.Execute("DELETE FROM lambda_async_invocations WHERE id=$id", tx, ("$id", id)));

    public int PendingCount()
    {
        using var c = _store.Open();
        return Convert.ToInt32(c.Scalar("SELECT COUNT(*) FROM lambda_async_invocations"), System.Globalization.CultureInfo.InvariantCulture);
    }
}
