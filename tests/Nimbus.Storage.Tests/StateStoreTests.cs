using Microsoft.Data.Sqlite;
using Nimbus.Storage.Sqlite;

namespace Nimbus.Storage.Tests;

public sealed class StateStoreTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private sealed class Source(params Migration[] migrations) : IMigrationSource
    {
        public IEnumerable<Migration> Migrations => migrations;
    }

    private static List<(string Module, long Version)> Applied(StateStore store)
    {
        using var c = store.Open();
        return c.Query("SELECT module, version FROM schema_migrations ORDER BY rowid", r => (r.GetString(0), r.GetInt64(1)));
    }

    [Fact]
    public void Constructor_NewDirectory_CreatesDatabaseInWalMode()
    {
        var store = new StateStore(Path.Combine(_dir.Path, "nested", "state"));

        using var c = store.Open();
        Assert.Equal("wal", (string)c.Scalar("PRAGMA journal_mode")!);
        Assert.Equal(1L, (long)c.Scalar("PRAGMA foreign_keys")!);
        Assert.True(File.Exists(store.DatabasePath));
        Assert.Equal(Path.Combine(_dir.Path, "nested", "state", "nimbus.db"), store.DatabasePath);
    }

    [Fact]
    public void Migrate_OutOfOrderSources_AppliesEachModuleInVersionOrder()
    {
        var store = new StateStore(_dir.Path);
        // Version 2 depends on version 1's table; the sources list them backwards and interleave modules.
        var b = new Source(
            new Migration("beta", 2, "INSERT INTO beta_items (v) VALUES ('second');"),
            new Migration("beta", 1, "CREATE TABLE beta_items (v TEXT NOT NULL); INSERT INTO beta_items (v) VALUES ('first');"));
        var a = new Source(
            new Migration("alpha", 3, "ALTER TABLE alpha_items ADD COLUMN c TEXT;"),
            new Migration("alpha", 1, "CREATE TABLE alpha_items (a TEXT);"),
            new Migration("alpha", 2, "ALTER TABLE alpha_items ADD COLUMN b TEXT;"));

        store.Migrate([b, a]);

        Assert.Equal([("alpha", 1L), ("alpha", 2L), ("alpha", 3L), ("beta", 1L), ("beta", 2L)], Applied(store));
        using var c = store.Open();
        Assert.Equal(["first", "second"], c.Query("SELECT v FROM beta_items ORDER BY rowid", r => r.GetString(0)));
        Assert.Equal(3, c.Query("PRAGMA table_info(alpha_items)", r => r.GetString(1)).Count);
    }

    [Fact]
    public void Migrate_RunTwice_AppliesEachMigrationOnce()
    {
        var source = new Source(
            new Migration("m", 1, "CREATE TABLE counter (n INTEGER NOT NULL);"),
            new Migration("m", 2, "INSERT INTO counter (n) VALUES (1);"));
        var store = new StateStore(_dir.Path);

        store.Migrate([source]);
        store.Migrate([source]);
        new StateStore(_dir.Path).Migrate([source]);

        using var c = store.Open();
        Assert.Equal(1L, (long)c.Scalar("SELECT COUNT(*) FROM counter")!);
        Assert.Equal(2, Applied(store).Count);
    }

    [Fact]
    public void Migrate_NewVersionAdded_AppliesOnlyTheNewOne()
    {
        var store = new StateStore(_dir.Path);
        store.Migrate([new Source(new Migration("m", 1, "CREATE TABLE t (n INTEGER); INSERT INTO t VALUES (1);"))]);

        store.Migrate([new Source(
            new Migration("m", 1, "CREATE TABLE t (n INTEGER); INSERT INTO t VALUES (1);"),
            new Migration("m", 2, "INSERT INTO t VALUES (2);"))]);

        using var c = store.Open();
        Assert.Equal([1L, 2L], c.Query("SELECT n FROM t ORDER BY n", r => r.GetInt64(0)));
        Assert.Equal([("m", 1L), ("m", 2L)], Applied(store));
    }

    [Fact]
    public void Migrate_FailingMigration_RollsBackAllPendingStepsAndNamesTheStep()
    {
        var store = new StateStore(_dir.Path);
        var source = new Source(
            new Migration("m", 1, "CREATE TABLE ok (n INTEGER);"),
            new Migration("m", 2, "CREATE TABLE half (n INTEGER); THIS IS NOT SQL;"));

        var e = Assert.Throws<InvalidOperationException>(() => store.Migrate([source]));

        Assert.StartsWith("Migration m v2 failed: ", e.Message, StringComparison.Ordinal);
        Assert.IsType<SqliteException>(e.InnerException);
        Assert.Empty(Applied(store));
        using var c = store.Open();
        Assert.Null(c.Scalar("SELECT name FROM sqlite_master WHERE name='ok'"));
        Assert.Null(c.Scalar("SELECT name FROM sqlite_master WHERE name='half'"));
    }

    [Fact]
    public void Migrate_AfterFailureFixed_AppliesEverythingOnce()
    {
        var store = new StateStore(_dir.Path);
        Assert.Throws<InvalidOperationException>(() => store.Migrate([new Source(
            new Migration("m", 1, "CREATE TABLE t (n INTEGER);"),
            new Migration("m", 2, "BROKEN;"))]));

        store.Migrate([new Source(
            new Migration("m", 1, "CREATE TABLE t (n INTEGER);"),
            new Migration("m", 2, "INSERT INTO t VALUES (2);"))]);

        Assert.Equal([("m", 1L), ("m", 2L)], Applied(store));
        using var c = store.Open();
        Assert.Equal(2L, (long)c.Scalar("SELECT n FROM t")!);
    }

    [Fact]
    public void Write_Success_CommitsAndReturnsResult()
    {
        var store = new StateStore(_dir.Path);
        store.Migrate([new Source(new Migration("m", 1, "CREATE TABLE t (n INTEGER);"))]);

        var result = store.Write((c, tx) =>
        {
            c.Execute("INSERT INTO t VALUES (1)", tx);
            return c.Execute("INSERT INTO t VALUES (2)", tx);
        });

        Assert.Equal(1, result);
        using var other = store.Open();
        Assert.Equal(2L, (long)other.Scalar("SELECT COUNT(*) FROM t")!);
    }

    [Fact]
    public void Write_Throws_RollsBackEveryStatement()
    {
        var store = new StateStore(_dir.Path);
        store.Migrate([new Source(new Migration("m", 1, "CREATE TABLE t (n INTEGER);"))]);

        Assert.Throws<InvalidOperationException>(() => store.Write<int>((c, tx) =>
        {
            c.Execute("INSERT INTO t VALUES (1)", tx);
            throw new InvalidOperationException("abort");
        }));

        using var other = store.Open();
        Assert.Equal(0L, (long)other.Scalar("SELECT COUNT(*) FROM t")!);
    }

    [Fact]
    public void Scalar_NullValue_ReturnsNull()
    {
        var store = new StateStore(_dir.Path);
        using var c = store.Open();

        Assert.Null(c.Scalar("SELECT $v", null, ("$v", null)));
        Assert.Equal("x", c.Scalar("SELECT $v", null, ("$v", "x")));
    }
}
