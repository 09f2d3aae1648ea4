using Microsoft.Data.Sqlite;

namespace Nimbus.Storage.Sqlite;

/// <summary>The durable store: one SQLite database in WAL mode under the state directory.</summary>
/// <remarks>
/// Thread-safe. Each call to <see cref="Open"/> returns a new pooled connection; SQLite serialises writers, and
/// <c>busy_timeout</c> makes a writer wait for another rather than fail. Writes that belong together go through
/// <see cref="Write{T}"/> (or <see cref="WriteGroupedAsync{T}"/> when many callers write at once) so they commit in one transaction.
/// </remarks>
public sealed class StateStore
{
    private readonly string _connectionString;
    private readonly Lazy<GroupCommitWriter> _groupWriter;

    public StateStore(string stateDirectory)
    {
        Directory.CreateDirectory(stateDirectory);
        StateDirectory = stateDirectory;
        DatabasePath = Path.Combine(stateDirectory, "nimbus.db");
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = DatabasePath,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Cache = SqliteCacheMode.Private,
            Pooling = true,
            DefaultTimeout = 30,
        }.ToString();

        using var connection = Open();
        using var pragma = connection.CreateCommand();
        pragma.CommandText = "PRAGMA journal_mode=WAL;";
        pragma.ExecuteNonQuery();
        _groupWriter = new Lazy<GroupCommitWriter>(() => new GroupCommitWriter(Open), LazyThreadSafetyMode.ExecutionAndPublication);
    }

    public string StateDirectory { get; }

    public string DatabasePath { get; }

    public SqliteConnection Open()
    {
        var connection = new SqliteConnection(_connectionString);
        connection.Open();
        using var pragma = connection.CreateCommand();
        pragma.CommandText = "PRAGMA busy_timeout=30000; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;";
        pragma.ExecuteNonQuery();
        return connection;
    }

    /// <summary>Runs <paramref name="work"/> in one immediate transaction and commits it.</summary>
    public T Write<T>(Func<SqliteConnection, SqliteTransaction, T> work)
    {
        using var connection = Open();
        using var tx = connection.BeginTransaction(deferred: false);
        var result = work(connection, tx);
        tx.Commit();
        return result;
    }

    /// <summary>Runs <paramref name="work"/> in a transaction shared with other concurrent callers (group commit).</summary>
    /// <remarks>
    /// The task completes only after the transaction holding this work has committed. The work runs on the store's
    /// writer thread inside its own savepoint: if it throws, only its own changes are rolled back and the task fails with
    /// that exception. Use it for hot, small writes issued by many callers at once (item writes, execution transitions);
    /// keep in-memory side effects until the task completes. See <see cref="GroupCommitWriter"/>.
    /// </remarks>
    public Task<T> WriteGroupedAsync<T>(Func<SqliteConnection, SqliteTransaction, T> work) => _groupWriter.Value.Enqueue(work);

    /// <summary>Transactions committed by <see cref="WriteGroupedAsync{T}"/> so far.</summary>
    public long GroupCommits => _groupWriter.IsValueCreated ? _groupWriter.Value.Commits : 0;

    /// <summary>Applies every migration not yet applied, in module and version order, in one transaction.</summary>
    /// <remarks>All or nothing: a failing migration leaves the schema as it was, and the error names the step.</remarks>
    public void Migrate(IEnumerable<IMigrationSource> sources)
    {
        using var connection = Open();
        connection.Execute("CREATE TABLE IF NOT EXISTS schema_migrations (module TEXT NOT NULL, version INTEGER NOT NULL, applied_at TEXT NOT NULL, PRIMARY KEY (module, version));");
        var applied = connection.Query("SELECT module, version FROM schema_migrations", r => (r.GetString(0), r.GetInt32(1))).ToHashSet();
        var pending = sources.SelectMany(s => s.Migrations)
            .Where(m => !applied.Contains((m.Module, m.Version)))
            .OrderBy(m => m.Module, StringComparer.Ordinal).ThenBy(m => m.Version)
            .ToList();
        if (pending.Count == 0)
        {
            return;
        }

        using var tx = connection.BeginTransaction(deferred: false);
        foreach (var migration in pending)
        {
            try
            {
                connection.Execute(migration.Sql, tx);
            }
            catch (SqliteException e)
            {
                throw new InvalidOperationException($"Migration {migration.Module} v{migration.Version} failed: {e.Message}", e);
            }

            connection.Execute(
                "INSERT INTO schema_migrations (module, version, applied_at) VALUES ($m, $v, $t)", tx,
                ("$m", migration.Module), ("$v", migration.Version), ("$t", DateTimeOffset.UtcNow.ToString("O")));
        }

        tx.Commit();
    }
}
