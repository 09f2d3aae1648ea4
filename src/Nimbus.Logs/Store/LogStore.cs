using System.Threading.Channels;
using Microsoft.Data.Sqlite;
using Nimbus.Core.Logs;
using Nimbus.Storage.Sqlite;

namespace Nimbus.Logs.Store;

/// <summary>CloudWatch-Logs-shaped storage: groups, streams and events in SQLite, written in batches.</summary>
/// <remarks>
/// <see cref="Append"/> never blocks: events go to a channel that one background writer drains, committing up to a
/// thousand events per transaction. Readers call <see cref="FlushAsync"/> first so they see every event appended
/// before the read. Groups and streams are created on first write, as Lambda does for <c>/aws/lambda/…</c>.
/// </remarks>
internal sealed partial class LogStore : ILogSink, IAsyncDisposable
{
    private readonly StateStore _store;
    private readonly TimeProvider _time;
    private readonly Channel<Entry> _channel = Channel.CreateUnbounded<Entry>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Task _writer;
    private readonly HashSet<(string, string, string, string)> _knownStreams = [];

    public LogStore(StateStore store, TimeProvider time)
    {
        _store = store;
        _time = time;
        _writer = Task.Run(WriteLoopAsync);
    }

    public void Append(LogStreamRef stream, long timestampMs, string message) =>
        _channel.Writer.TryWrite(new Entry(stream, timestampMs, message, null));

    /// <summary>Completes when every event appended before the call is committed.</summary>
    public Task FlushAsync()
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _channel.Writer.TryWrite(new Entry(null, 0, "", done));
        return done.Task;
    }

    public async ValueTask DisposeAsync()
    {
        _channel.Writer.TryComplete();
        await _writer;
    }

    private async Task WriteLoopAsync()
    {
        var batch = new List<Entry>(1024);
        while (await _channel.Reader.WaitToReadAsync())
        {
            while (batch.Count < 1000 && _channel.Reader.TryRead(out var entry))
            {
                batch.Add(entry);
            }

            try
            {
                Commit(batch);
            }
            catch (SqliteException)
            {
                // A failed batch must not stop logging; the events are lost, the service goes on.
            }

            foreach (var e in batch)
            {
                e.Flushed?.TrySetResult();
            }

            batch.Clear();
        }
    }

    private void Commit(List<Entry> batch)
    {
        if (batch.All(e => e.Stream is null && e.Timestamp != -1))
        {
            return;
        }

        var ingestion = _time.GetUtcNow().ToUnixTimeMilliseconds();
        _store.Write((c, tx) =>
        {
            using var insert = c.Command(
                "INSERT INTO log_events (account, region, group_name, stream, ts, ingestion, message) VALUES ($a, $r, $g, $s, $t, $i, $m)", tx);
            var a = insert.Parameters.Add("$a", SqliteType.Text);
            var r = insert.Parameters.Add("$r", SqliteType.Text);
            var g = insert.Parameters.Add("$g", SqliteType.Text);
            var s = insert.Parameters.Add("$s", SqliteType.Text);
            var t = insert.Parameters.Add("$t", SqliteType.Integer);
            var i = insert.Parameters.Add("$i", SqliteType.Integer);
            var m = insert.Parameters.Add("$m", SqliteType.Text);
            foreach (var e in batch)
            {
                if (e.Stream is not { } stream)
                {
                    if (e.Timestamp == -1)
                    {
                        _knownStreams.Clear();
                    }

                    continue;
                }

                EnsureStream(c, tx, stream, e.Timestamp);
                (a.Value, r.Value, g.Value, s.Value, t.Value, i.Value, m.Value) =
                    (stream.AccountId, stream.Region, stream.GroupName, stream.StreamName, e.Timestamp, ingestion, e.Message);
                insert.ExecuteNonQuery();
            }

            foreach (var group in batch.Where(e => e.Stream is not null).GroupBy(e => e.Stream!))
            {
                var k = group.Key;
                c.Execute(
                    """
                    UPDATE log_streams SET first_event = COALESCE(first_event, $f), last_event = MAX(COALESCE(last_event, 0), $l),
                        last_ingestion = $i, stored_bytes = stored_bytes + $b
                    WHERE account=$a AND region=$r AND group_name=$g AND name=$s
                    """,
                    tx, ("$a", k.AccountId), ("$r", k.Region), ("$g", k.GroupName), ("$s", k.StreamName),
                    ("$f", group.Min(e => e.Timestamp)), ("$l", group.Max(e => e.Timestamp)), ("$i", ingestion),
                    ("$b", group.Sum(e => (long)e.Message.Length)));
            }

            return 0;
        });
    }

    private void EnsureStream(SqliteConnection c, SqliteTransaction tx, LogStreamRef stream, long now)
    {
        if (_knownStreams.Contains((stream.AccountId, stream.Region, stream.GroupName, stream.StreamName)))
        {
            return;
        }

        c.Execute("INSERT OR IGNORE INTO log_groups (account, region, name, created) VALUES ($a, $r, $g, $t)", tx,
            ("$a", stream.AccountId), ("$r", stream.Region), ("$g", stream.GroupName), ("$t", now));
        c.Execute("INSERT OR IGNORE INTO log_streams (account, region, group_name, name, created) VALUES ($a, $r, $g, $s, $t)", tx,
            ("$a", stream.AccountId), ("$r", stream.Region), ("$g", stream.GroupName), ("$s", stream.StreamName), ("$t", now));
        _knownStreams.Add((stream.AccountId, stream.Region, stream.GroupName, stream.StreamName));
    }

    /// <summary>Forgets cached stream names (after a group or stream is deleted).</summary>
    public void ForgetStreams() => _channel.Writer.TryWrite(new Entry(null, -1, "", null));

    private sealed record Entry(LogStreamRef? Stream, long Timestamp, string Message, TaskCompletionSource? Flushed);
}
