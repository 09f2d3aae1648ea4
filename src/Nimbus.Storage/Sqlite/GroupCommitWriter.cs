using System.Threading.Channels;
using Microsoft.Data.Sqlite;

namespace Nimbus.Storage.Sqlite;

/// <summary>Group commit: writes queued by many callers run on one writer thread and commit together in one transaction.</summary>
/// <remarks>
/// <para>A commit (an fsync of the WAL) costs far more than the statements it commits, so under concurrency committing
/// each caller's work on its own caps throughput at the disk's sync rate. The writer drains whatever is queued (up to
/// <see cref="MaxBatch"/>), runs each piece of work inside its own savepoint, commits once, and only then completes the
/// callers' tasks: a caller never sees its write as done before it is durable.</para>
/// <para>Work that throws is rolled back to its savepoint and fails alone; the others in the batch still commit. A failed
/// commit fails every caller of the batch. Work runs on the writer thread and must not block on other writes.</para>
/// </remarks>
internal sealed class GroupCommitWriter
{
    /// <summary>The most pieces of work committed by one transaction.</summary>
    public const int MaxBatch = 512;

    private readonly Func<SqliteConnection> _open;
    private readonly Channel<IPendingWrite> _queue = Channel.CreateUnbounded<IPendingWrite>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Thread _thread;

    public GroupCommitWriter(Func<SqliteConnection> open)
    {
        _open = open;
        _thread = new Thread(Run) { IsBackground = true, Name = "nimbus-group-commit" };
        _thread.Start();
    }

    /// <summary>Number of transactions committed so far (for tests and diagnostics).</summary>
    public long Commits { get; private set; }

    public Task<T> Enqueue<T>(Func<SqliteConnection, SqliteTransaction, T> work)
    {
        var pending = new PendingWrite<T>(work);
        if (!_queue.Writer.TryWrite(pending))
        {
            throw new InvalidOperationException("The group commit writer is stopped.");
        }

        return pending.Task;
    }

    private void Run()
    {
        var batch = new List<IPendingWrite>(MaxBatch);
        SqliteConnection? connection = null;

        // Each piece of work runs in a savepoint: the two statements are prepared once per connection, not per work.
        SqliteCommand? savepoint = null;
        SqliteCommand? release = null;
        while (_queue.Reader.WaitToReadAsync().AsTask().GetAwaiter().GetResult())
        {
            while (batch.Count < MaxBatch && _queue.Reader.TryRead(out var next))
            {
                batch.Add(next);
            }

            try
            {
                if (connection is null)
                {
                    connection = _open();
                    savepoint = connection.CreateCommand();
                    savepoint.CommandText = "SAVEPOINT w";
                    release = connection.CreateCommand();
                    release.CommandText = "RELEASE w";
                }

                using (var tx = connection.BeginTransaction(deferred: false))
                {
                    savepoint!.Transaction = tx;
                    release!.Transaction = tx;
                    foreach (var item in batch)
                    {
                        savepoint.ExecuteNonQuery();
                        try
                        {
                            item.Run(connection, tx);
                            release.ExecuteNonQuery();
                        }
                        catch (Exception e)
                        {
                            tx.Rollback("w");
                            tx.Release("w");
                            item.Failure = e;
                        }
                    }

                    tx.Commit();
                }

                Commits++;
                foreach (var item in batch)
                {
                    item.Complete();
                }
            }
            catch (Exception e)
            {
                foreach (var item in batch)
                {
                    item.Failure ??= e;
                    item.Complete();
                }

                savepoint?.Dispose();
                release?.Dispose();
                connection?.Dispose();
                (connection, savepoint, release) = (null, null, null);
            }

            batch.Clear();
        }

        savepoint?.Dispose();
        release?.Dispose();
        connection?.Dispose();
    }

    private interface IPendingWrite
    {
        Exception? Failure { get; set; }

        void Run(SqliteConnection connection, SqliteTransaction transaction);

        void Complete();
    }

    private sealed class PendingWrite<T>(Func<SqliteConnection, SqliteTransaction, T> work) : IPendingWrite
    {
        private readonly TaskCompletionSource<T> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private T _result = default!;

        public Task<T> Task => _completion.Task;

        public Exception? Failure { get; set; }

        public void Run(SqliteConnection connection, SqliteTransaction transaction) => _result = work(connection, transaction);

        public void Complete()
        {
            if (Failure is null)
            {
                _completion.SetResult(_result);
            }
            else
            {
                _completion.SetException(Failure);
            }
        }
    }
}
