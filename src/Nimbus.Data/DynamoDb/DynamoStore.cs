using System.Collections.Concurrent;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Data.Sqlite;
using Nimbus.Core.Errors;
using Nimbus.Storage.Sqlite;

namespace Nimbus.Data.DynamoDb;

/// <summary>DynamoDB storage: table definitions (cached as immutable snapshots) and items in SQLite.</summary>
/// <remarks>
/// Items are keyed by (table id, encoded hash key, encoded sort key). The sort key's encoding makes SQLite's BLOB
/// ordering (memcmp) match DynamoDB's: strings by UTF-8 bytes, binary bytewise, numbers numerically.
/// </remarks>
internal sealed class DynamoStore
{
    private readonly StateStore _store;
    private readonly ConcurrentDictionary<(string, string, string), DynamoTable> _tables = new();
    private volatile bool _loaded;
    private readonly Lock _loadLock = new();
    private readonly IItemChangeListener[] _listeners;
    private readonly ConcurrentBag<ReadConnection> _readers = [];

    public DynamoStore(StateStore store, IEnumerable<IItemChangeListener> listeners)
    {
        _store = store;
        _listeners = listeners.ToArray();
    }

    /// <summary>Tells every listener about one item change; call it inside the transaction that writes the change.</summary>
    public void ItemChanged(SqliteConnection connection, SqliteTransaction transaction, DynamoTable table, JsonObject? oldItem, JsonObject? newItem, bool expired = false)
    {
        if (oldItem is null && newItem is null)
        {
            return;
        }

        foreach (var listener in _listeners)
        {
            listener.OnItemChanged(connection, transaction, table, oldItem, newItem, expired);
        }
    }

    /// <summary>Tells every listener a table was created, updated or deleted, inside the transaction that stores it.</summary>
    private void TableChanged(SqliteConnection connection, SqliteTransaction transaction, DynamoTable? before, DynamoTable? after)
    {
        foreach (var listener in _listeners)
        {
            listener.OnTableChanged(connection, transaction, before, after);
        }
    }

    private void EnsureLoaded()
    {
        if (_loaded)
        {
            return;
        }

        lock (_loadLock)
        {
            if (_loaded)
            {
                return;
            }

            using var c = _store.Open();
            foreach (var t in c.Query("SELECT account, region, name, table_id, definition FROM ddb_tables", r => FromRow(r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetString(4))))
            {
                _tables[(t.Account, t.Region, t.Name)] = t;
            }

            _loaded = true;
        }
    }

    public static DynamoTable FromRow(string account, string region, string name, string id, string definition)
    {
        var d = JsonNode.Parse(definition)!.AsObject();
        var types = d["AttributeDefinitions"]!.AsArray().ToDictionary(a => a!["AttributeName"]!.GetValue<string>(), a => a!["AttributeType"]!.GetValue<string>());
        KeyAttribute? hash = null, range = null;
        foreach (var k in d["KeySchema"]!.AsArray())
        {
            var n = k!["AttributeName"]!.GetValue<string>();
            var attr = new KeyAttribute(n, types[n]);
            if (k["KeyType"]!.GetValue<string>() == "HASH")
            {
                hash = attr;
            }
            else
            {
                range = attr;
            }
        }

        return new DynamoTable(account, region, name, id, hash!, range, definition);
    }

    public DynamoTable? Find(string account, string region, string name)
    {
        EnsureLoaded();
        return _tables.TryGetValue((account, region, name), out var t) ? t : null;
    }

    public DynamoTable Get(string account, string region, string name) =>
        Find(account, region, name) ?? throw new AwsError("ResourceNotFoundException", $"Requested resource not found: Table: {name} not found").ToException();

    public IReadOnlyList<string> TableNames(string account, string region)
    {
        EnsureLoaded();
        return _tables.Values.Where(t => t.Account == account && t.Region == region).Select(t => t.Name).Order(StringComparer.Ordinal).ToList();
    }

    public DynamoTable Create(string account, string region, string name, JsonObject definition)
    {
        EnsureLoaded();
        lock (_loadLock)
        {
            if (_tables.ContainsKey((account, region, name)))
            {
                throw new AwsError("ResourceInUseException", $"Table already exists: {name}").ToException();
            }

            var id = Guid.NewGuid().ToString();
            definition["TableId"] = id;
            var table = FromRow(account, region, name, id, definition.ToJsonString());
            _store.Write((c, tx) =>
            {
                c.Execute("INSERT INTO ddb_tables (account, region, name, table_id, definition) VALUES ($a, $r, $n, $i, $d)", tx,
                    ("$a", account), ("$r", region), ("$n", name), ("$i", id), ("$d", table.Definition));
                TableChanged(c, tx, null, table);
                return 0;
            });
            _tables[(account, region, name)] = table;
            return table;
        }
    }

    public DynamoTable Update(DynamoTable table, JsonObject definition)
    {
        lock (_loadLock)
        {
            var updated = table with { Definition = definition.ToJsonString() };
            _store.Write((c, tx) =>
            {
                c.Execute("UPDATE ddb_tables SET definition=$d WHERE table_id=$i", tx, ("$d", updated.Definition), ("$i", table.Id));
                TableChanged(c, tx, table, updated);
                return 0;
            });
            _tables[(table.Account, table.Region, table.Name)] = updated;
            return updated;
        }
    }

    public void Delete(DynamoTable table)
    {
        lock (_loadLock)
        {
            _store.Write((c, tx) =>
            {
                c.Execute("DELETE FROM ddb_items WHERE table_id=$i", tx, ("$i", table.Id));
                TableChanged(c, tx, table, null);
                return c.Execute("DELETE FROM ddb_tables WHERE table_id=$i", tx, ("$i", table.Id));
            });
            _tables.TryRemove((table.Account, table.Region, table.Name), out _);
        }
    }

    /// <summary>An open read connection with its prepared statements, reused across operations (opening one runs PRAGMAs).</summary>
    private sealed class ReadConnection(SqliteConnection connection) : IDisposable
    {
        public SqliteConnection Connection { get; } = connection;

        private readonly Dictionary<string, SqliteCommand> _cached = new(StringComparer.Ordinal);

        public SqliteCommand GetItem { get; } = Prepare(connection, "SELECT item FROM ddb_items WHERE table_id=$t AND hk=$h AND sk=$s", "$t", "$h", "$s");

        /// <summary>Items a (cached, so prepared once) SELECT of one <c>item</c> column returns.</summary>
        public List<JsonObject> Items(string sql, IReadOnlyList<(string Name, object? Value)> parameters)
        {
            if (!_cached.TryGetValue(sql, out var command))
            {
                command = Prepare(Connection, sql, [.. parameters.Select(p => p.Name)]);
                _cached[sql] = command;
            }

            foreach (var (name, value) in parameters)
            {
                command.Parameters[name].Value = value ?? DBNull.Value;
            }

            var items = new List<JsonObject>();
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                items.Add(JsonNode.Parse(reader.GetString(0))!.AsObject());
            }

            return items;
        }

        public void Dispose()
        {
            foreach (var command in _cached.Values)
            {
                command.Dispose();
            }

            GetItem.Dispose();
            Connection.Dispose();
        }
    }

    private static SqliteCommand Prepare(SqliteConnection connection, string sql, params string[] parameters)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var p in parameters)
        {
            command.Parameters.Add(new SqliteParameter { ParameterName = p });
        }

        return command;
    }

    private T Read<T>(Func<ReadConnection, T> read)
    {
        if (!_readers.TryTake(out var reader))
        {
            reader = new ReadConnection(_store.Open());
        }

        var keep = false;
        try
        {
            var result = read(reader);
            keep = true;
            return result;
        }
        finally
        {
            if (keep && _readers.Count < 32)
            {
                _readers.Add(reader);
            }
            else
            {
                reader.Dispose();
            }
        }
    }

    /// <summary>Statements the group-commit writer runs for item writes, prepared once per writer connection.</summary>
    private sealed class WriteStatements(SqliteConnection connection)
    {
        public SqliteCommand Select { get; } = Prepare(connection, "SELECT item FROM ddb_items WHERE table_id=$t AND hk=$h AND sk=$s", "$t", "$h", "$s");

        public SqliteCommand Delete { get; } = Prepare(connection, "DELETE FROM ddb_items WHERE table_id=$t AND hk=$h AND sk=$s", "$t", "$h", "$s");

        public SqliteCommand Upsert { get; } = Prepare(connection, "INSERT OR REPLACE INTO ddb_items (table_id, hk, sk, item, size) VALUES ($t, $h, $s, $i, $z)", "$t", "$h", "$s", "$i", "$z");
    }

    private readonly System.Runtime.CompilerServices.ConditionalWeakTable<SqliteConnection, WriteStatements> _writeStatements = new();

    private static SqliteCommand Bind(SqliteCommand command, SqliteTransaction? tx, params object[] values)
    {
        command.Transaction = tx;
        for (var i = 0; i < values.Length; i++)
        {
            command.Parameters[i].Value = values[i];
        }

        return command;
    }

    public (long Count, long Bytes) Stats(DynamoTable table)
    {
        using var c = _store.Open();
        return c.Query("SELECT COUNT(*), COALESCE(SUM(size), 0) FROM ddb_items WHERE table_id=$i", r => (r.GetInt64(0), r.GetInt64(1)), null, ("$i", table.Id))[0];
    }

    public JsonObject? GetItem(DynamoTable table, byte[] hk, byte[] sk)
    {
        var text = Read(r => Bind(r.GetItem, null, table.Id, hk, sk).ExecuteScalar() as string);
        return text is null ? null : JsonNode.Parse(text)!.AsObject();
    }

    /// <summary>Reads the current item, lets <paramref name="change"/> decide the new one (null deletes), and writes it, atomically.</summary>
    /// <remarks>Waits for <see cref="MutateAsync"/>; request handlers should await that instead.</remarks>
    public JsonObject? Mutate(DynamoTable table, byte[] hk, byte[] sk, Func<JsonObject?, JsonObject?> change) =>
        MutateAsync(table, hk, sk, change).GetAwaiter().GetResult();

    /// <summary>Reads the current item, lets <paramref name="change"/> decide the new one (null deletes), and writes it, atomically;
    /// returns the old item.</summary>
    /// <remarks>Runs on the store's group-commit writer (<see cref="StateStore.WriteGroupedAsync{T}"/>): concurrent writes share
    /// one transaction, each in its own savepoint, so an exception from <paramref name="change"/> (a failed condition) undoes
    /// only this write. The task completes after the commit.</remarks>
    public Task<JsonObject?> MutateAsync(DynamoTable table, byte[] hk, byte[] sk, Func<JsonObject?, JsonObject?> change) =>
        _store.WriteGroupedAsync((c, tx) =>
        {
            var statements = _writeStatements.GetValue(c, connection => new WriteStatements(connection));
            var text = Bind(statements.Select, tx, table.Id, hk, sk).ExecuteScalar() as string;
            var old = text is null ? null : JsonNode.Parse(text)!.AsObject();
            var next = change(old);
            if (next is null)
            {
                if (old is not null)
                {
                    Bind(statements.Delete, tx, table.Id, hk, sk).ExecuteNonQuery();
                }
            }
            else
            {
                Bind(statements.Upsert, tx, table.Id, hk, sk, next.ToJsonString(), AttributeValues.ItemSize(next)).ExecuteNonQuery();
            }

            ItemChanged(c, tx, table, old, next);
            return old;
        });

    /// <summary>Items of one partition in sort-key order, after <paramref name="after"/> (exclusive), at most <paramref name="limit"/>.</summary>
    public List<JsonObject> Query(DynamoTable table, KeyCondition condition, bool forward, byte[]? after, int limit)
    {
        var sql = new StringBuilder("SELECT item FROM ddb_items WHERE table_id=$t AND hk=$h");
        var parameters = new List<(string, object?)> { ("$t", table.Id), ("$h", condition.Hash) };
        switch (condition.SortOp)
        {
            case "=" or "<" or "<=" or ">" or ">=":
                sql.Append(" AND sk ").Append(condition.SortOp).Append(" $lo");
                parameters.Add(("$lo", condition.Low));
                break;
            case "BETWEEN":
                sql.Append(" AND sk >= $lo AND sk <= $hi");
                parameters.Add(("$lo", condition.Low));
                parameters.Add(("$hi", condition.High));
                break;
            case "begins_with":
                sql.Append(" AND sk >= $lo");
                parameters.Add(("$lo", condition.Low));
                if (PrefixEnd(condition.Low!) is { } end)
                {
                    sql.Append(" AND sk < $hi");
                    parameters.Add(("$hi", end));
                }

                break;
        }

        if (after is not null)
        {
            sql.Append(forward ? " AND sk > $after" : " AND sk < $after");
            parameters.Add(("$after", after));
        }

        sql.Append(forward ? " ORDER BY sk ASC" : " ORDER BY sk DESC").Append(" LIMIT $limit");
        parameters.Add(("$limit", limit));
        return Read(r => r.Items(sql.ToString(), parameters));
    }

    /// <summary>Items of the whole table in key order, after (hk, sk) exclusive.</summary>
    public List<JsonObject> Scan(DynamoTable table, (byte[] Hash, byte[] Sort)? after, int limit)
    {
        return Read(rc => after is null
            ? rc.Items("SELECT item FROM ddb_items WHERE table_id=$t ORDER BY hk, sk LIMIT $l", [("$t", table.Id), ("$l", limit)])
            : rc.Items("SELECT item FROM ddb_items WHERE table_id=$t AND (hk > $h OR (hk = $h AND sk > $s)) ORDER BY hk, sk LIMIT $l",
                [("$t", table.Id), ("$h", after.Value.Hash), ("$s", after.Value.Sort), ("$l", limit)]));
    }

    /// <summary>Deletes items whose TTL attribute (a Number of epoch seconds) is at or before <paramref name="now"/>.</summary>
    /// <remarks>As AWS: only Number attributes count, and values more than five years in the past are ignored. Items are
    /// deleted one by one through <see cref="ItemChanged"/> (stream records name the DynamoDB service as the user), in
    /// transactions of up to 100; each is checked again inside its transaction, so a concurrent update that moved the
    /// expiry wins.</remarks>
    public int ExpireItems(DateTimeOffset now)
    {
        EnsureLoaded();
        var deleted = 0;
        var seconds = now.ToUnixTimeSeconds();
        var floor = seconds - (5L * 365 * 24 * 3600);
        foreach (var table in _tables.Values)
        {
            if (table.DefinitionNode()["TimeToLive"]?["AttributeName"]?.GetValue<string>() is not { } attribute)
            {
                continue;
            }

            var path = "$.\"" + attribute.Replace("\"", "\\\"", StringComparison.Ordinal) + "\".N";
            while (true)
            {
                List<(byte[] Hash, byte[] Sort)> candidates;
                using (var c = _store.Open())
                {
                    candidates = c.Query(
                        "SELECT hk, sk FROM ddb_items WHERE table_id=$t AND CAST(json_extract(item, $p) AS REAL) <= $now AND CAST(json_extract(item, $p) AS REAL) >= $floor LIMIT 100",
                        r => ((byte[])r.GetValue(0), (byte[])r.GetValue(1)), null, ("$t", table.Id), ("$p", path), ("$now", seconds), ("$floor", floor));
                }

                if (candidates.Count == 0)
                {
                    break;
                }

                deleted += _store.Write((c, tx) =>
                {
                    var n = 0;
                    foreach (var (hk, sk) in candidates)
                    {
                        var text = c.Scalar(
                            "SELECT item FROM ddb_items WHERE table_id=$t AND hk=$h AND sk=$s AND CAST(json_extract(item, $p) AS REAL) <= $now AND CAST(json_extract(item, $p) AS REAL) >= $floor", tx,
                            ("$t", table.Id), ("$h", hk), ("$s", sk), ("$p", path), ("$now", seconds), ("$floor", floor)) as string;
                        if (text is null)
                        {
                            continue;
                        }

                        c.Execute("DELETE FROM ddb_items WHERE table_id=$t AND hk=$h AND sk=$s", tx, ("$t", table.Id), ("$h", hk), ("$s", sk));
                        ItemChanged(c, tx, table, JsonNode.Parse(text)!.AsObject(), null, expired: true);
                        n++;
                    }

                    return n;
                });
                if (candidates.Count < 100)
                {
                    break;
                }
            }
        }

        return deleted;
    }

    private static byte[]? PrefixEnd(byte[] prefix)
    {
        var end = (byte[])prefix.Clone();
        for (var i = end.Length - 1; i >= 0; i--)
        {
            if (end[i] != 0xFF)
            {
                end[i]++;
                return end[..(i + 1)];
            }
        }

        return null;
    }

    public static byte[] Utf8(string s) => Encoding.UTF8.GetBytes(s);
}
