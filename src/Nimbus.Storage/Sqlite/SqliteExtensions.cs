using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;

namespace Nimbus.Storage.Sqlite;

/// <summary>Terse helpers for parameterised commands.</summary>
/// <remarks>
/// <see cref="Execute"/>, <see cref="Scalar"/> and <see cref="Query{T}"/> keep their commands prepared per connection
/// (keyed by SQL text), so a long-lived connection — the group-commit writer's, a pooled read connection — compiles each
/// statement once instead of on every call. A connection is used by one thread at a time, so the cache needs no lock.
/// </remarks>
public static class SqliteExtensions
{
    /// <summary>Prepared statements kept per connection; a bound on their number keeps ad-hoc SQL from growing it forever.</summary>
    private const int MaxCachedPerConnection = 128;

    private static readonly ConditionalWeakTable<SqliteConnection, Dictionary<string, SqliteCommand>> Cache = [];

    public static SqliteCommand Command(this SqliteConnection connection, string sql, SqliteTransaction? tx = null, params (string Name, object? Value)[] parameters)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = tx;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        }

        return command;
    }

    public static int Execute(this SqliteConnection connection, string sql, SqliteTransaction? tx = null, params (string Name, object? Value)[] parameters)
    {
        var (command, cached) = Cached(connection, sql, tx, parameters);
        try
        {
            return command.ExecuteNonQuery();
        }
        finally
        {
            Release(command, cached);
        }
    }

    public static object? Scalar(this SqliteConnection connection, string sql, SqliteTransaction? tx = null, params (string Name, object? Value)[] parameters)
    {
        var (command, cached) = Cached(connection, sql, tx, parameters);
        try
        {
            var value = command.ExecuteScalar();
            return value is DBNull ? null : value;
        }
        finally
        {
            Release(command, cached);
        }
    }

    public static List<T> Query<T>(this SqliteConnection connection, string sql, Func<SqliteDataReader, T> map, SqliteTransaction? tx = null, params (string Name, object? Value)[] parameters)
    {
        var (command, cached) = Cached(connection, sql, tx, parameters);
        try
        {
            using var reader = command.ExecuteReader();
            var list = new List<T>();
            while (reader.Read())
            {
                list.Add(map(reader));
            }

            return list;
        }
        finally
        {
            Release(command, cached);
        }
    }

    public static string? StringOrNull(this SqliteDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);

    /// <summary>
    /// The connection's prepared command for <paramref name="sql"/>, bound to <paramref name="tx"/> and the parameters, taken
    /// out of the cache while in use (so a nested call with the same SQL, e.g. from a Query's map, gets its own command).
    /// </summary>
    private static (SqliteCommand Command, Dictionary<string, SqliteCommand>? Cache) Cached(SqliteConnection connection, string sql, SqliteTransaction? tx, (string Name, object? Value)[] parameters)
    {
        var cache = Cache.GetOrCreateValue(connection);
        if (cache.Remove(sql, out var command))
        {
            command.Transaction = tx;
            command.Parameters.Clear();
            foreach (var (name, value) in parameters)
            {
                command.Parameters.AddWithValue(name, value ?? DBNull.Value);
            }
        }
        else
        {
            command = connection.Command(sql, tx, parameters);
        }

        return (command, cache.Count < MaxCachedPerConnection ? cache : null);
    }

    private static void Release(SqliteCommand command, Dictionary<string, SqliteCommand>? cache)
    {
        command.Transaction = null;
        if (cache is null || !cache.TryAdd(command.CommandText, command))
        {
            command.Dispose();
        }
    }
}
