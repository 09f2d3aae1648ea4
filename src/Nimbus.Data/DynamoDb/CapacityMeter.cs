using System.Text.Json.Nodes;

namespace Nimbus.Data.DynamoDb;

/// <summary>
/// <c>ReturnConsumedCapacity</c>: the capacity units one request consumed, per table and secondary index, computed as
/// DynamoDB bills them (on-demand and provisioned alike).
/// </summary>
/// <remarks>
/// Reads: one unit per 4 KB (rounded up, at least one), halved when eventually consistent; Query and Scan round the
/// total size of the items read (before any filter) once, BatchGetItem rounds each item. Writes: one unit per 1 KB of
/// the larger of the old and new item (at least one); each secondary index the write touches costs one unit per 1 KB
/// of its projected copy, two writes when the index key changes. Transactions cost twice as much.
/// </remarks>
internal sealed class CapacityMeter
{
    private const double ReadUnitBytes = 4096;
    private const double WriteUnitBytes = 1024;

    private readonly bool _indexes;
    private readonly List<(string TableName, Usage Usage)> _tables = [];

    private CapacityMeter(bool indexes) => _indexes = indexes;

    /// <summary>The meter a request asks for, or null for <c>NONE</c> (the default).</summary>
    public static CapacityMeter? From(JsonObject body)
    {
        var mode = body["ReturnConsumedCapacity"]?.GetValue<string>();
        return mode switch
        {
            null or "NONE" => null,
            "TOTAL" => new CapacityMeter(false),
            "INDEXES" => new CapacityMeter(true),
            _ => throw AttributeValues.Validation($"1 validation error detected: Value '{mode}' at 'returnConsumedCapacity' failed to satisfy constraint: Member must satisfy enum value set: [INDEXES, TOTAL, NONE]"),
        };
    }

    /// <summary>A read of <paramref name="bytes"/> from the table, or from <paramref name="index"/> when given.</summary>
    public void Read(DynamoTable table, IndexSpec? index, long bytes, bool consistent, double factor = 1)
    {
        var units = Math.Max(1, Math.Ceiling(bytes / ReadUnitBytes)) * (consistent ? 1 : 0.5) * factor;
        var usage = UsageOf(table.Name);
        if (index is null)
        {
            usage.Table += units;
        }
        else
        {
            usage.Add(index, units);
        }
    }

    /// <summary>A write that turned <paramref name="old"/> into <paramref name="next"/> (either null: put or delete).</summary>
    public void Write(DynamoTable table, JsonObject? old, JsonObject? next, double factor = 1)
    {
        var usage = UsageOf(table.Name);
        var size = Math.Max(old is null ? 0 : AttributeValues.ItemSize(old), next is null ? 0 : AttributeValues.ItemSize(next));
        usage.Table += WriteUnits(size) * factor;
        foreach (var index in table.Indexes)
        {
            var oldKey = old is null ? null : DynamoStore.IndexKey(index, old);
            var newKey = next is null ? null : DynamoStore.IndexKey(index, next);
            double units = (oldKey, newKey) switch
            {
                (null, null) => 0,
                (null, _) => WriteUnits(AttributeValues.ItemSize(index.Project(table, next!))),
                (_, null) => WriteUnits(AttributeValues.ItemSize(index.Project(table, old!))),
                var (o, n) when o.Value.Hash.AsSpan().SequenceEqual(n!.Value.Hash) && o.Value.Sort.AsSpan().SequenceEqual(n.Value.Sort) =>
                    WriteUnits(Math.Max(AttributeValues.ItemSize(index.Project(table, old!)), AttributeValues.ItemSize(index.Project(table, next!)))),
                _ => WriteUnits(AttributeValues.ItemSize(index.Project(table, old!))) + WriteUnits(AttributeValues.ItemSize(index.Project(table, next!))),
            };
            if (units > 0)
            {
                usage.Add(index, units * factor);
            }
        }
    }

    /// <summary>Adds <c>ConsumedCapacity</c> to a single-table response.</summary>
    public void AddTo(JsonObject response, string tableName) =>
        response["ConsumedCapacity"] = Render((tableName, _tables.Count > 0 ? _tables[0].Usage : new Usage()));

    /// <summary>Adds <c>ConsumedCapacity</c> as a list, one entry per table in the order first used (batch and transaction responses).</summary>
    public void AddListTo(JsonObject response) => response["ConsumedCapacity"] = new JsonArray(_tables.Select(t => (JsonNode)Render(t)).ToArray());

    private static double WriteUnits(long bytes) => Math.Max(1, Math.Ceiling(bytes / WriteUnitBytes));

    private Usage UsageOf(string tableName)
    {
        foreach (var (name, usage) in _tables)
        {
            if (name == tableName)
            {
                return usage;
            }
        }

        var created = new Usage();
        _tables.Add((tableName, created));
        return created;
    }

    private JsonObject Render((string TableName, Usage Usage) entry)
    {
        var (name, usage) = entry;
        var total = usage.Table + usage.Global.Values.Sum() + usage.Local.Values.Sum();
        var result = new JsonObject { ["TableName"] = name, ["CapacityUnits"] = total };
        if (!_indexes)
        {
            return result;
        }

        result["Table"] = new JsonObject { ["CapacityUnits"] = usage.Table };
        if (usage.Global.Count > 0)
        {
            result["GlobalSecondaryIndexes"] = Units(usage.Global);
        }

        if (usage.Local.Count > 0)
        {
            result["LocalSecondaryIndexes"] = Units(usage.Local);
        }

        return result;
    }

    private static JsonObject Units(Dictionary<string, double> byIndex)
    {
        var result = new JsonObject();
        foreach (var (name, units) in byIndex)
        {
            result[name] = new JsonObject { ["CapacityUnits"] = units };
        }

        return result;
    }

    private sealed class Usage
    {
        public double Table { get; set; }

        public Dictionary<string, double> Global { get; } = new(StringComparer.Ordinal);

        public Dictionary<string, double> Local { get; } = new(StringComparer.Ordinal);

        public void Add(IndexSpec index, double units)
        {
            var map = index.Global ? Global : Local;
            map[index.Name] = map.GetValueOrDefault(index.Name) + units;
        }
    }
}
