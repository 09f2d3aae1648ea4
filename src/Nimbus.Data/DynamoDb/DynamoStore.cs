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

        foreach (var index in table.Indexes)
        {
            if (oldItem is not null)
            {
                IndexDelete(connection, transaction, table, index, oldItem);
            }

            if (newItem is not null)
            {
                IndexInsert(connection, transaction, table, index, newItem);
            }
        }

        foreach (var listener in _listeners)
        {
            listener.OnItemChanged(connection, transaction, table, oldItem, newItem, expired);
        }
    }

    /// <summary>The encoded (index hash, index sort) key of an item, or null when the item lacks it (sparse index).</summary>
    public static (byte[] Hash, byte[] Sort)? IndexKey(IndexSpec index, JsonObject item)
    {
        if (item[index.Hash.Name] is not JsonObject h || h.First().Key != index.Hash.Type)
        {
            return null;
        }

        if (index.Range is not null && (item[index.Range.Name] is not JsonObject r || r.First().Key != index.Range.Type))
        {
            return null;
        }

        try
        {
            return (AttributeValues.EncodeKey(index.Hash, h, true),
                index.Range is null ? [] : AttributeValues.EncodeKey(index.Range, (JsonObject)item[index.Range.Name]!, true));
        }
        catch (Nimbus.Core.Errors.AwsServiceException)
        {
            return null;
        }
    }

    private static void IndexDelete(SqliteConnection c, SqliteTransaction tx, DynamoTable table, IndexSpec index, JsonObject item)
    {
        if (IndexKey(index, item) is not { } ik)
        {
            return;
        }

        var (thk, tsk) = AttributeValues.ItemKey(table, item);
        c.Execute("DELETE FROM ddb_index_items WHERE table_id=$t AND index_name=$n AND ihk=$ih AND isk=$is AND thk=$th AND tsk=$ts", tx,
            ("$t", table.Id), ("$n", index.Name), ("$ih", ik.Hash), ("$is", ik.Sort), ("$th", thk), ("$ts", tsk));
    }

    private static void IndexInsert(SqliteConnection c, SqliteTransaction tx, DynamoTable table, IndexSpec index, JsonObject item)
    {
        if (IndexKey(index, item) is not { } ik)
        {
            return;
        }

        var (thk, tsk) = AttributeValues.ItemKey(table, item);
        var projected = index.Project(table, item);
        c.Execute("INSERT OR REPLACE INTO ddb_index_items (table_id, index_name, ihk, isk, thk, tsk, item, size) VALUES ($t, $n, $ih, $is, $th, $ts, $i, $z)", tx,
            ("$t", table.Id), ("$n", index.Name), ("$ih", ik.Hash), ("$is", ik.Sort), ("$th", thk), ("$ts", tsk), ("$i", projected.ToJsonString()), ("$z", AttributeValues.ItemSize(projected)));
    }

    /// <summary>Item count and bytes of one index.</summary>
    public (long Count, long Bytes) IndexStats(DynamoTable table, string index)
    {
        using var c = _store.Open();
        return c.Query("SELECT COUNT(*), COALESCE(SUM(size), 0) FROM ddb_index_items WHERE table_id=$i AND index_name=$n", r => (r.GetInt64(0), r.GetInt64(1)), null, ("$i", table.Id), ("$n", index))[0];
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

        var indexes = new List<IndexSpec>();
        foreach (var (member, global) in new[] { ("LocalSecondaryIndexes", false), ("GlobalSecondaryIndexes", true) })
        {
            foreach (var index in (d[member] as JsonArray) ?? [])
            {
                KeyAttribute? ih = null, ir = null;
                foreach (var k in index!["KeySchema"]!.AsArray())
                {
                    var n = k!["AttributeName"]!.GetValue<string>();
                    var attr = new KeyAttribute(n, types.GetValueOrDefault(n, "S"));
                    if (k["KeyType"]!.GetValue<string>() == "HASH")
                    {
                        ih = attr;
                    }
                    else
                    {
                        ir = attr;
                    }
                }

                var projection = index["Projection"] as JsonObject;
                indexes.Add(new IndexSpec(index["IndexName"]!.GetValue<string>(), global, ih!, ir,
                    projection?["ProjectionType"]?.GetValue<string>() ?? "ALL",
                    ((projection?["NonKeyAttributes"] as JsonArray) ?? []).Select(a => a!.GetValue<string>()).ToList()));
            }
        }

        return new DynamoTable(account, region, name, id, hash!, range, definition) { Indexes = indexes };
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
            var updated = FromRow(table.Account, table.Region, table.Name, table.Id, definition.ToJsonString());
            _store.Write((c, tx) =>
            {
                c.Execute("UPDATE ddb_tables SET definition=$d WHERE table_id=$i", tx, ("$d", updated.Definition), ("$i", table.Id));
                TableChanged(c, tx, table, updated);

                // Index changes: drop the rows of deleted indexes, backfill new ones, in the same transaction.
                foreach (var gone in table.Indexes.Where(i => updated.Index(i.Name) is null))
                {
                    c.Execute("DELETE FROM ddb_index_items WHERE table_id=$t AND index_name=$n", tx, ("$t", table.Id), ("$n", gone.Name));
                }

                var added = updated.Indexes.Where(i => table.Index(i.Name) is null).ToList();
                if (added.Count > 0)
                {
                    foreach (var item in c.Query("SELECT item FROM ddb_items WHERE table_id=$t", r => JsonNode.Parse(r.GetString(0))!.AsObject(), tx, ("$t", table.Id)))
                    {
                        foreach (var index in added)
                        {
                            IndexInsert(c, tx, updated, index, item);
                        }
                    }
                }

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
                c.Execute("DELETE FROM ddb_index_items WHERE table_id=$i", tx, ("$i", table.Id));
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
    public async Task<JsonObject?> MutateAsync(DynamoTable table, byte[] hk, byte[] sk, Func<JsonObject?, JsonObject?> change) =>
        (await MutateItemAsync(table, hk, sk, change)).Old;

    /// <summary>As <see cref="MutateAsync"/>, returning the item before and after the change.</summary>
    public async Task<(JsonObject? Old, JsonObject? New)> MutateItemAsync(DynamoTable table, byte[] hk, byte[] sk, Func<JsonObject?, JsonObject?> change)
    {
        JsonObject? next = null;
        var olds = await TransactAsync([new ItemRef(table, hk, sk)], olds =>
        {
            next = change(olds[0]);
            return [new ItemWrite(true, next)];
        });
        return (olds[0], next);
    }

    /// <summary>
    /// Reads several items, lets <paramref name="decide"/> choose each one's fate (an exception aborts everything), then writes
    /// them, all in one SQLite transaction; returns the items as they were.
    /// </summary>
    public IReadOnlyList<JsonObject?> Transact(IReadOnlyList<ItemRef> items, Func<IReadOnlyList<JsonObject?>, IReadOnlyList<ItemWrite>> decide, Action<SqliteConnection, SqliteTransaction>? alsoInTransaction = null) =>
        TransactAsync(items, decide, alsoInTransaction).GetAwaiter().GetResult();

    /// <summary>As <see cref="Transact"/>, completing when the group commit holding the writes has committed.</summary>
    public Task<IReadOnlyList<JsonObject?>> TransactAsync(IReadOnlyList<ItemRef> items, Func<IReadOnlyList<JsonObject?>, IReadOnlyList<ItemWrite>> decide, Action<SqliteConnection, SqliteTransaction>? alsoInTransaction = null)
    {
        // Group commit: concurrent item writes share one SQLite transaction, each in its own savepoint, so a failed condition
        // (an exception from decide) undoes only its own write; the call returns after the commit.
        return _store.WriteGroupedAsync((c, tx) =>
        {
            var olds = items.Select(r => c.Scalar("SELECT item FROM ddb_items WHERE table_id=$t AND hk=$h AND sk=$s", tx, ("$t", r.Table.Id), ("$h", r.Hash), ("$s", r.Sort)) as string)
                .Select(text => text is null ? null : JsonNode.Parse(text)!.AsObject()).ToList();
            var writes = decide(olds);
            for (var i = 0; i < items.Count; i++)
            {
                var (table, hk, sk) = items[i];
                var (write, next) = writes[i];
                var old = olds[i];
                if (!write)
                {
                    continue;
                }

                if (next is null)
                {
                    if (old is not null)
                    {
                        c.Execute("DELETE FROM ddb_items WHERE table_id=$t AND hk=$h AND sk=$s", tx, ("$t", table.Id), ("$h", hk), ("$s", sk));
                    }
                }
                else
                {
                    var json = next.ToJsonString();
                    c.Execute("INSERT OR REPLACE INTO ddb_items (table_id, hk, sk, item, size) VALUES ($t, $h, $s, $i, $z)", tx,
                        ("$t", table.Id), ("$h", hk), ("$s", sk), ("$i", json), ("$z", AttributeValues.ItemSize(next)));
                }

                ItemChanged(c, tx, table, old, next);
            }

            alsoInTransaction?.Invoke(c, tx);
            return (IReadOnlyList<JsonObject?>)olds;
        });
    }

    /// <summary>Items of one partition in sort-key order, after <paramref name="after"/> (exclusive), at most <paramref name="limit"/>.</summary>
    public List<JsonObject> Query(DynamoTable table, KeyCondition condition, bool forward, byte[]? after, int limit)
    {
        var sql = new StringBuilder("SELECT item FROM ddb_items WHERE table_id=$t AND hk=$h");
        var parameters = new List<(string, object?)> { ("$t", table.Id), ("$h", condition.Hash) };
        AddSortCondition(sql, parameters, "sk", condition);
        if (after is not null)
        {
            sql.Append(forward ? " AND sk > $after" : " AND sk < $after");
            parameters.Add(("$after", after));
        }

        sql.Append(forward ? " ORDER BY sk ASC" : " ORDER BY sk DESC").Append(" LIMIT $limit");
        parameters.Add(("$limit", limit));
        return Read(r => r.Items(sql.ToString(), parameters));
    }

    /// <summary>Items of the whole table in key order, after (hk, sk) exclusive, optionally of one parallel-scan segment.</summary>
    public List<JsonObject> Scan(DynamoTable table, (byte[] Hash, byte[] Sort)? after, int limit, (int Segment, int Total)? segment = null)
    {
        var sql = new StringBuilder("SELECT item FROM ddb_items WHERE table_id=$t");
        var parameters = new List<(string, object?)> { ("$t", table.Id), ("$l", limit) };
        if (after is not null)
        {
            sql.Append(" AND (hk > $h OR (hk = $h AND sk > $s))");
            parameters.Add(("$h", after.Value.Hash));
            parameters.Add(("$s", after.Value.Sort));
        }

        AddSegment(sql, parameters, "hk", segment);
        sql.Append(" ORDER BY hk, sk LIMIT $l");
        using var c = OpenReader();
        return c.Query(sql.ToString(), r => JsonNode.Parse(r.GetString(0))!.AsObject(), null, parameters.ToArray());
    }

    /// <summary>Items of one index partition in (index sort key, table key) order, after <paramref name="after"/> (exclusive).</summary>
    public List<JsonObject> QueryIndex(DynamoTable table, IndexSpec index, KeyCondition condition, bool forward, (byte[] Sort, byte[] TableHash, byte[] TableSort)? after, int limit)
    {
        var sql = new StringBuilder("SELECT item FROM ddb_index_items WHERE table_id=$t AND index_name=$n AND ihk=$h");
        var parameters = new List<(string, object?)> { ("$t", table.Id), ("$n", index.Name), ("$h", condition.Hash), ("$limit", limit) };
        AddSortCondition(sql, parameters, "isk", condition);
        if (after is not null)
        {
            sql.Append(forward ? " AND (isk, thk, tsk) > ($a1, $a2, $a3)" : " AND (isk, thk, tsk) < ($a1, $a2, $a3)");
            parameters.Add(("$a1", after.Value.Sort));
            parameters.Add(("$a2", after.Value.TableHash));
            parameters.Add(("$a3", after.Value.TableSort));
        }

        sql.Append(forward ? " ORDER BY isk ASC, thk ASC, tsk ASC" : " ORDER BY isk DESC, thk DESC, tsk DESC").Append(" LIMIT $limit");
        using var c = _store.Open();
        return c.Query(sql.ToString(), r => JsonNode.Parse(r.GetString(0))!.AsObject(), null, parameters.ToArray());
    }

    /// <summary>Items of a whole index in (index key, table key) order, after the given position (exclusive).</summary>
    public List<JsonObject> ScanIndex(DynamoTable table, IndexSpec index, (byte[] Hash, byte[] Sort, byte[] TableHash, byte[] TableSort)? after, int limit, (int Segment, int Total)? segment = null)
    {
        var sql = new StringBuilder("SELECT item FROM ddb_index_items WHERE table_id=$t AND index_name=$n");
        var parameters = new List<(string, object?)> { ("$t", table.Id), ("$n", index.Name), ("$l", limit) };
        if (after is not null)
        {
            sql.Append(" AND (ihk, isk, thk, tsk) > ($a0, $a1, $a2, $a3)");
            parameters.Add(("$a0", after.Value.Hash));
            parameters.Add(("$a1", after.Value.Sort));
            parameters.Add(("$a2", after.Value.TableHash));
            parameters.Add(("$a3", after.Value.TableSort));
        }

        AddSegment(sql, parameters, "ihk", segment);
        sql.Append(" ORDER BY ihk, isk, thk, tsk LIMIT $l");
        using var c = OpenReader();
        return c.Query(sql.ToString(), r => JsonNode.Parse(r.GetString(0))!.AsObject(), null, parameters.ToArray());
    }

    private static void AddSegment(StringBuilder sql, List<(string, object?)> parameters, string column, (int Segment, int Total)? segment)
    {
        if (segment is { Total: > 1 } s)
        {
            sql.Append(" AND ddb_segment(").Append(column).Append(", $total) = $segment");
            parameters.Add(("$total", s.Total));
            parameters.Add(("$segment", s.Segment));
        }
    }

    /// <summary>The parallel-scan segment of a partition: a stable hash of its encoded key (every item of a partition in one segment).</summary>
    public static int Segment(byte[] hash, int total)
    {
        var h = 2166136261u;
        foreach (var b in hash)
        {
            h = (h ^ b) * 16777619u;
        }

        return (int)(h % (uint)total);
    }

    private SqliteConnection OpenReader()
    {
        var c = _store.Open();
        c.CreateFunction("ddb_segment", (byte[] hash, long total) => (long)Segment(hash, (int)total), isDeterministic: true);
        return c;
    }

    private static void AddSortCondition(StringBuilder sql, List<(string, object?)> parameters, string column, KeyCondition condition)
    {
        switch (condition.SortOp)
        {
            case "=" or "<" or "<=" or ">" or ">=":
                sql.Append(" AND ").Append(column).Append(' ').Append(condition.SortOp).Append(" $lo");
                parameters.Add(("$lo", condition.Low));
                break;
            case "BETWEEN":
                sql.Append(" AND ").Append(column).Append(" >= $lo AND ").Append(column).Append(" <= $hi");
                parameters.Add(("$lo", condition.Low));
                parameters.Add(("$hi", condition.High));
                break;
            case "begins_with":
                sql.Append(" AND ").Append(column).Append(" >= $lo");
                parameters.Add(("$lo", condition.Low));
                if (PrefixEnd(condition.Low!) is { } end)
                {
                    sql.Append(" AND ").Append(column).Append(" < $hi");
                    parameters.Add(("$hi", end));
                }

                break;
        }
    }

    /// <summary>The stored result of a TransactWriteItems call with this ClientRequestToken, if made in the last 10 minutes.</summary>
    public (string RequestHash, string Response)? FindTransaction(string token, DateTimeOffset now)
    {
        using var c = _store.Open();
        return c.Query("SELECT request_hash, response FROM ddb_tx_tokens WHERE token=$t AND created >= $since", r => ((string, string)?)(r.GetString(0), r.GetString(1)), null,
            ("$t", token), ("$since", now.AddMinutes(-10).ToUnixTimeMilliseconds())).FirstOrDefault();
    }

    /// <summary>Remembers a TransactWriteItems result for its ClientRequestToken (inside the transaction that wrote it).</summary>
    public static void RecordTransaction(SqliteConnection c, SqliteTransaction tx, string token, string requestHash, string response, DateTimeOffset now)
    {
        c.Execute("DELETE FROM ddb_tx_tokens WHERE created < $old", tx, ("$old", now.AddMinutes(-10).ToUnixTimeMilliseconds()));
        c.Execute("INSERT OR REPLACE INTO ddb_tx_tokens (token, request_hash, created, response) VALUES ($t, $h, $c, $r)", tx,
            ("$t", token), ("$h", requestHash), ("$c", now.ToUnixTimeMilliseconds()), ("$r", response));
    }

    /// <summary>Reads several items in one snapshot (TransactGetItems).</summary>
    public List<JsonObject?> GetItems(IReadOnlyList<ItemRef> items)
    {
        using var c = _store.Open();
        using var tx = c.BeginTransaction(deferred: true);
        return items.Select(r => c.Scalar("SELECT item FROM ddb_items WHERE table_id=$t AND hk=$h AND sk=$s", tx, ("$t", r.Table.Id), ("$h", r.Hash), ("$s", r.Sort)) as string)
            .Select(text => text is null ? null : JsonNode.Parse(text)!.AsObject()).ToList();
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

/// <summary>One item of a multi-item write: its table and encoded key.</summary>
internal readonly record struct ItemRef(DynamoTable Table, byte[] Hash, byte[] Sort);

/// <summary>What to do with one item of a multi-item write: leave it (<paramref name="Write"/> false), replace it, or delete it (null).</summary>
internal readonly record struct ItemWrite(bool Write, JsonObject? Item);
