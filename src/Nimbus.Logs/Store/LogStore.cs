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
    private readonly Dictionary<(string, string, string, string), (long Group, long Stream)> _knownStreams = [];

    public LogStore(StateStore store, TimeProvider time)
    {
        _store = store;
        _time = time;
        _writer = Task.Run(WriteLoopAsync);
    }

    public void Append(LogStreamRef stream, long timestampMs, string message) =>
        _channel.Writer.TryWrite(new Entry(stream, timestampMs, message, null, false));

    /// <summary>Completes when every event appended before the call is committed.</summary>
    public Task FlushAsync()
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _channel.Writer.TryWrite(new Entry(null, 0, "", done, false));
        return done.Task;
    }

    public async ValueTask DisposeAsync()
    {
        _channel.Writer.TryComplete();
        await _writer;
    }

    private async Task WriteLoopAsync()
    {
        // One long-lived connection with prepared statements: a log line costs one bound INSERT, and a burst of
        // lines (START, output, END, REPORT of many invocations) shares one transaction.
        using var connection = _store.Open();
        using var insert = connection.Command("INSERT INTO log_events (group_id, stream_id, ts, ingestion, message) VALUES ($g, $s, $t, $i, $m)");
        var p = new[] { "$g", "$s", "$t", "$i", "$m" }.Select(n => insert.Parameters.Add(n, n is "$m" ? SqliteType.Text : SqliteType.Integer)).ToArray();
        insert.Prepare();
        using var update = connection.Command(
            """
            UPDATE log_streams SET first_event = COALESCE(first_event, $f), last_event = MAX(COALESCE(last_event, 0), $l),
                last_ingestion = $i, stored_bytes = stored_bytes + $b
            WHERE id = $id
            """);
        var u = new[] { "$f", "$l", "$i", "$b", "$id" }.Select(n => update.Parameters.Add(n, SqliteType.Integer)).ToArray();
        update.Prepare();

        var batch = new List<Entry>(1024);
        while (await _channel.Reader.WaitToReadAsync())
        {
            var peeked = _channel.Reader.TryPeek(out var first);
            if (peeked && first!.Flushed is null && (!_channel.Reader.CanCount || _channel.Reader.Count < 64))
            {
                // A short window lets a burst of lines commit together.
                await Task.Delay(2);
            }

            while (batch.Count < 2000 && _channel.Reader.TryRead(out var entry))
            {
                batch.Add(entry);
            }

            try
            {
                Commit(connection, insert, p, update, u, batch);
            }
            catch (Exception e) when (e is SqliteException or InvalidOperationException or IOException)
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

    private void Commit(SqliteConnection c, SqliteCommand insert, SqliteParameter[] p, SqliteCommand update, SqliteParameter[] u, List<Entry> batch)
    {
        if (batch.All(e => e.Stream is null && !e.ForgetStreams))
        {
            return;
        }

        var ingestion = _time.GetUtcNow().ToUnixTimeMilliseconds();
        using var tx = c.BeginTransaction(deferred: false);
        insert.Transaction = tx;
        update.Transaction = tx;

        // Per stream id: first and last timestamp and bytes of this batch, for one log_streams update each. Keyed by the
        // id the events were written with, so a ForgetStreams in the middle of the batch cannot lose them.
        var touched = new Dictionary<long, (long First, long Last, long Bytes)>();
        foreach (var e in batch)
        {
            if (e.Stream is not { } stream)
            {
                if (e.ForgetStreams)
                {
                    _knownStreams.Clear();
                }

                continue;
            }

            var (groupId, streamId) = EnsureStream(c, tx, stream, e.Timestamp);
            p[0].Value = groupId;
            p[1].Value = streamId;
            p[2].Value = e.Timestamp;
            p[3].Value = ingestion;
            p[4].Value = e.Message;
            insert.ExecuteNonQuery();
            touched[streamId] = touched.TryGetValue(streamId, out var t)
                ? (Math.Min(t.First, e.Timestamp), Math.Max(t.Last, e.Timestamp), t.Bytes + e.Message.Length)
                : (e.Timestamp, e.Timestamp, e.Message.Length);
        }

        foreach (var (streamId, t) in touched)
        {
            u[0].Value = t.First;
            u[1].Value = t.Last;
            u[2].Value = ingestion;
            u[3].Value = t.Bytes;
            u[4].Value = streamId;
            update.ExecuteNonQuery();
        }

        tx.Commit();
    }

    private (long Group, long Stream) EnsureStream(SqliteConnection c, SqliteTransaction tx, LogStreamRef stream, long now)
    {
        var key = (stream.AccountId, stream.Region, stream.GroupName, stream.StreamName);
        if (_knownStreams.TryGetValue(key, out var ids))
        {
            return ids;
        }

        c.Execute("INSERT OR IGNORE INTO log_groups (account, region, name, created) VALUES ($a, $r, $g, $t)", tx,
            ("$a", stream.AccountId), ("$r", stream.Region), ("$g", stream.GroupName), ("$t", now));
        var groupId = (long)c.Scalar("SELECT id FROM log_groups WHERE account=$a AND region=$r AND name=$g", tx,
            ("$a", stream.AccountId), ("$r", stream.Region), ("$g", stream.GroupName))!;
        c.Execute(
            "INSERT OR IGNORE INTO log_streams (group_id, account, region, group_name, name, created) VALUES ($gid, $a, $r, $g, $s, $t)", tx,
            ("$gid", groupId), ("$a", stream.AccountId), ("$r", stream.Region), ("$g", stream.GroupName), ("$s", stream.StreamName), ("$t", now));
        var streamId = (long)c.Scalar("SELECT id FROM log_streams WHERE account=$a AND region=$r AND group_name=$g AND name=$s", tx,
            ("$a", stream.AccountId), ("$r", stream.Region), ("$g", stream.GroupName), ("$s", stream.StreamName))!;
        ids = (groupId, streamId);
        _knownStreams[key] = ids;
        return ids;
    }

    /// <summary>Forgets cached stream names (after a group or stream is deleted).</summary>
    public void ForgetStreams() => _channel.Writer.TryWrite(new Entry(null, 0, "", null, true));

    /// <summary>A log event, a flush marker (<see cref="Flushed"/>), or a request to forget the known-streams cache.</summary>
    private sealed record Entry(LogStreamRef? Stream, long Timestamp, string Message, TaskCompletionSource? Flushed, bool ForgetStreams);
}
