using Microsoft.Data.Sqlite;
using Nimbus.Storage.Sqlite;

namespace Nimbus.Storage.Tests;

public sealed class GroupCommitTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private StateStore NewStore()
    {
        var store = new StateStore(_dir.Path);
        using var c = store.Open();
        c.Execute("CREATE TABLE t (k INTEGER PRIMARY KEY, v TEXT NOT NULL)");
        return store;
    }

    private static long Count(StateStore store)
    {
        using var c = store.Open();
        return (long)c.Scalar("SELECT COUNT(*) FROM t")!;
    }

    [Fact]
    public async Task WriteGroupedAsync_ManyConcurrentCallers_AllCommittedInFewerTransactions()
    {
        var store = NewStore();

        var writes = Enumerable.Range(0, 2000).Select(i => Task.Run(() => store.WriteGroupedAsync((c, tx) =>
            c.Execute("INSERT INTO t (k, v) VALUES ($k, 'x')", tx, ("$k", i))))).ToArray();
        var results = await Task.WhenAll(writes);

        Assert.All(results, r => Assert.Equal(1, r));
        Assert.Equal(2000L, Count(store));
        Assert.InRange(store.GroupCommits, 1, 2000);

        // Visible to a fresh store over the same file: committed, not merely queued.
        Assert.Equal(2000L, Count(new StateStore(_dir.Path)));
    }

    [Fact]
    public async Task WriteGroupedAsync_OneWorkThrows_OnlyItsChangesRolledBack()
    {
        var store = NewStore();
        using var gate = new ManualResetEventSlim();

        // Hold the writer so the next three land in one batch.
        var blocker = store.WriteGroupedAsync((c, tx) => { gate.Wait(TimeSpan.FromSeconds(10)); return 0; });
        var first = store.WriteGroupedAsync((c, tx) => c.Execute("INSERT INTO t (k, v) VALUES (1, 'a')", tx));
        var failing = store.WriteGroupedAsync<int>((c, tx) =>
        {
            c.Execute("INSERT INTO t (k, v) VALUES (2, 'b')", tx);
            throw new InvalidOperationException("boom");
        });
        var third = store.WriteGroupedAsync((c, tx) => c.Execute("INSERT INTO t (k, v) VALUES (3, 'c')", tx));
        gate.Set();

        await blocker;
        Assert.Equal(1, await first);
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => failing);
        Assert.Equal("boom", error.Message);
        Assert.Equal(1, await third);

        using var check = store.Open();
        Assert.Equal([1L, 3L], check.Query("SELECT k FROM t ORDER BY k", r => r.GetInt64(0)));
    }

    [Fact]
    public async Task WriteGroupedAsync_ConstraintViolation_FailsThatCallerWithSqliteError()
    {
        var store = NewStore();
        await store.WriteGroupedAsync((c, tx) => c.Execute("INSERT INTO t (k, v) VALUES (7, 'a')", tx));

        await Assert.ThrowsAsync<SqliteException>(() => store.WriteGroupedAsync((c, tx) => c.Execute("INSERT INTO t (k, v) VALUES (7, 'dup')", tx)));

        Assert.Equal(1, await store.WriteGroupedAsync((c, tx) => c.Execute("INSERT INTO t (k, v) VALUES (8, 'b')", tx)));
        Assert.Equal(2L, Count(store));
    }
}
