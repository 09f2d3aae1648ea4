using System.Text;
using System.Text.Json.Nodes;
using Nimbus.Core.Errors;

namespace Nimbus.Data.DynamoDb;

/// <summary>Validation, normalisation, sizing and key encoding of DynamoDB attribute values (<c>{"S": "…"}</c> etc.).</summary>
internal static class AttributeValues
{
    public const int MaxItemBytes = 400 * 1024;

    public static AwsServiceException Validation(string message) => new AwsError("ValidationException", message).ToException();

    /// <summary>Checks an item's values and returns a copy with numbers in canonical form.</summary>
    public static JsonObject NormaliseItem(JsonObject item)
    {
        var result = new JsonObject();
        foreach (var (name, value) in item)
        {
            result[name] = Normalise(value as JsonObject ?? throw Validation("Supplied AttributeValue is empty, must contain exactly one of the supported datatypes"));
        }

        return result;
    }

    public static JsonObject Normalise(JsonObject value) => Normalise(value, 0);

    /// <summary>AWS allows documents nested up to 32 levels.</summary>
    private const int MaxDepth = 32;

    private static JsonObject Normalise(JsonObject value, int depth)
    {
        if (depth > MaxDepth)
        {
            throw Validation("Nesting Levels have exceeded supported limits");
        }

        if (value.Count != 1)
        {
            throw Validation("Supplied AttributeValue has more than one datatypes set, must contain exactly one of the supported datatypes");
        }

        var (type, v) = value.First();
        switch (type)
        {
            case "S":
                return new JsonObject { ["S"] = v!.GetValue<string>() };
            case "N":
                return new JsonObject { ["N"] = DynamoNumber.Parse(v!.GetValue<string>()).ToString() };
            case "B":
                _ = Convert.FromBase64String(v!.GetValue<string>());
                return new JsonObject { ["B"] = v.GetValue<string>() };
            case "BOOL":
                return new JsonObject { ["BOOL"] = v!.GetValue<bool>() };
            case "NULL":
                return new JsonObject { ["NULL"] = true };
            case "SS" or "NS" or "BS":
                var items = v!.AsArray().Select(x => x!.GetValue<string>()).ToList();
                if (items.Count == 0)
                {
                    throw Validation("One or more parameter values were invalid: An string set  may not be empty");
                }

                if (type == "NS")
                {
                    items = items.Select(x => DynamoNumber.Parse(x).ToString()).ToList();
                }

                if (items.Distinct(StringComparer.Ordinal).Count() != items.Count)
                {
                    throw Validation($"One or more parameter values were invalid: Input collection [{string.Join(", ", items)}] contains duplicates.");
                }

                return new JsonObject { [type] = new JsonArray(items.Select(x => (JsonNode)JsonValue.Create(x)!).ToArray()) };
            case "L":
                return new JsonObject { ["L"] = new JsonArray(v!.AsArray().Select(x => (JsonNode)Normalise(x as JsonObject ?? throw Validation("Supplied AttributeValue is empty, must contain exactly one of the supported datatypes"), depth + 1)).ToArray()) };
            case "M":
            {
                var map = new JsonObject();
                foreach (var (name, member) in v!.AsObject())
                {
                    map[name] = Normalise(member as JsonObject ?? throw Validation("Supplied AttributeValue is empty, must contain exactly one of the supported datatypes"), depth + 1);
                }

                return new JsonObject { ["M"] = map };
            }
            default:
                throw new AwsError("SerializationException", $"Unknown attribute value type: {type}").ToException();
        }
    }

    /// <summary>DynamoDB's item size: attribute names plus values (numbers ~ digits/2 + 1, overhead for containers).</summary>
    public static long ItemSize(JsonObject item) => item.Sum(p => (long)Encoding.UTF8.GetByteCount(p.Key) + ValueSize(p.Value!.AsObject()));

    private static long ValueSize(JsonObject value)
    {
        var (type, v) = value.First();
        return type switch
        {
            "S" => Encoding.UTF8.GetByteCount(v!.GetValue<string>()),
            "N" => NumberSize(v!.GetValue<string>()),
            "B" => Convert.FromBase64String(v!.GetValue<string>()).Length,
            "BOOL" or "NULL" => 1,
            "SS" => v!.AsArray().Sum(x => (long)Encoding.UTF8.GetByteCount(x!.GetValue<string>())),
            "NS" => v!.AsArray().Sum(x => NumberSize(x!.GetValue<string>())),
            "BS" => v!.AsArray().Sum(x => (long)Convert.FromBase64String(x!.GetValue<string>()).Length),
            "L" => 3 + v!.AsArray().Sum(x => 1 + ValueSize(x!.AsObject())),
            "M" => 3 + v!.AsObject().Sum(p => 1 + Encoding.UTF8.GetByteCount(p.Key) + ValueSize(p.Value!.AsObject())),
            _ => 0,
        };
    }

    private static long NumberSize(string n) => (DynamoNumber.Parse(n).Digits.Length + 1) / 2 + 1;

    /// <summary>Checks that <paramref name="value"/> fits key attribute <paramref name="key"/> and encodes it for ordering.</summary>
    public static byte[] EncodeKey(KeyAttribute key, JsonObject? value, bool inItem)
    {
        if (value is null)
        {
            throw Validation(inItem ? $"One or more parameter values were invalid: Missing the key {key.Name} in the item" : "The provided key element does not match the schema");
        }

        var (type, v) = value.First();
        if (type != key.Type)
        {
            throw Validation(inItem
                ? $"One or more parameter values were invalid: Type mismatch for key {key.Name} expected: {key.Type} actual: {type}"
                : "The provided key element does not match the schema");
        }

        var bytes = type switch
        {
            "S" => Encoding.UTF8.GetBytes(v!.GetValue<string>()),
            "B" => Convert.FromBase64String(v!.GetValue<string>()),
            _ => DynamoNumber.Parse(v!.GetValue<string>()).SortBytes(),
        };
        if (bytes.Length == 0)
        {
            throw Validation(inItem
                ? $"One or more parameter values are not valid. The AttributeValue for a key attribute cannot contain an empty {(type == "S" ? "string" : "binary")} value. Key: {key.Name}"
                : $"One or more parameter values are not valid. The AttributeValue for a key attribute cannot contain an empty {(type == "S" ? "string" : "binary")} value. Key: {key.Name}");
        }

        return bytes;
    }

    /// <summary>The encoded (hash, sort) key of a full item (sort is empty for hash-only tables).</summary>
    public static (byte[] Hash, byte[] Sort) ItemKey(DynamoTable table, JsonObject item) =>
        (EncodeKey(table.Hash, item[table.Hash.Name] as JsonObject, true),
         table.Range is null ? [] : EncodeKey(table.Range, item[table.Range.Name] as JsonObject, true));

    /// <summary>The encoded key of a <c>Key</c> parameter, which must name exactly the table's key attributes.</summary>
    public static (byte[] Hash, byte[] Sort) RequestKey(DynamoTable table, JsonObject key)
    {
        var expected = table.Range is null ? 1 : 2;
        if (key.Count != expected || !key.ContainsKey(table.Hash.Name) || (table.Range is not null && !key.ContainsKey(table.Range.Name)))
        {
            throw Validation("The provided key element does not match the schema");
        }

        var normal = NormaliseItem(key);
        return (EncodeKey(table.Hash, normal[table.Hash.Name] as JsonObject, false),
                table.Range is null ? [] : EncodeKey(table.Range, normal[table.Range.Name] as JsonObject, false));
    }
}
