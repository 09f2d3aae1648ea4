using System.Text.Json.Nodes;

namespace Nimbus.Data.DynamoDb;

/// <summary>An immutable snapshot of one table's definition.</summary>
/// <param name="Definition">The stored description (CreateTable's members plus TableId, CreationDateTime).</param>
internal sealed record DynamoTable(string Account, string Region, string Name, string Id, KeyAttribute Hash, KeyAttribute? Range, string Definition)
{
    public string Arn => $"arn:aws:dynamodb:{Region}:{Account}:table/{Name}";

    public JsonObject DefinitionNode() => JsonNode.Parse(Definition)!.AsObject();
}

/// <summary>A key attribute: its name and scalar type (S, N or B).</summary>
internal sealed record KeyAttribute(string Name, string Type);
