using System.Text.Json.Nodes;

namespace Nimbus.Data.DynamoDb;

/// <summary>An immutable snapshot of one table's definition.</summary>
/// <param name="Definition">The stored description (CreateTable's members plus TableId, CreationDateTime).</param>
internal sealed record DynamoTable(string Account, string Region, string Name, string Id, KeyAttribute Hash, KeyAttribute? Range, string Definition)
{
    public string Arn => $"arn:aws:dynamodb:{Region}:{Account}:table/{Name}";

    /// <summary>The table's local and global secondary indexes.</summary>
    public IReadOnlyList<IndexSpec> Indexes { get; init; } = [];

    public JsonObject DefinitionNode() => JsonNode.Parse(Definition)!.AsObject();

    public IndexSpec? Index(string name) => Indexes.FirstOrDefault(i => i.Name == name);

    /// <summary>True when <paramref name="attribute"/> is part of the table's key.</summary>
    public bool IsKey(string attribute) => attribute == Hash.Name || attribute == Range?.Name;
}

/// <summary>A key attribute: its name and scalar type (S, N or B).</summary>
internal sealed record KeyAttribute(string Name, string Type);

/// <summary>A secondary index: its key, projection (KEYS_ONLY, INCLUDE, ALL) and whether it is global.</summary>
internal sealed record IndexSpec(string Name, bool Global, KeyAttribute Hash, KeyAttribute? Range, string ProjectionType, IReadOnlyList<string> NonKeyAttributes)
{
    /// <summary>The index's copy of <paramref name="item"/>: its projection, always with the table and index keys.</summary>
    public JsonObject Project(DynamoTable table, JsonObject item)
    {
        if (ProjectionType == "ALL")
        {
            return (JsonObject)item.DeepClone();
        }

        var keep = new HashSet<string>(StringComparer.Ordinal) { table.Hash.Name, Hash.Name };
        if (table.Range is not null)
        {
            keep.Add(table.Range.Name);
        }

        if (Range is not null)
        {
            keep.Add(Range.Name);
        }

        if (ProjectionType == "INCLUDE")
        {
            keep.UnionWith(NonKeyAttributes);
        }

        var result = new JsonObject();
        foreach (var (k, v) in item)
        {
            if (keep.Contains(k))
            {
                result[k] = v!.DeepClone();
            }
        }

        return result;
    }

    /// <summary>True when the index holds attribute <paramref name="attribute"/> of its items.</summary>
    public bool Projects(DynamoTable table, string attribute) =>
        ProjectionType == "ALL" || table.IsKey(attribute) || attribute == Hash.Name || attribute == Range?.Name
        || (ProjectionType == "INCLUDE" && NonKeyAttributes.Contains(attribute));
}
