using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Nimbus.StepFunctions.Json;

/// <summary>JSON helpers shared by the engine: compact serialisation like AWS, cloning, type checks, numbers.</summary>
internal static class JsonText
{
    private static readonly JsonSerializerOptions Compact = new()
    {
        WriteIndented = false,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    private static readonly JsonNodeOptions NodeOptions = new() { PropertyNameCaseInsensitive = false };
    private static readonly JsonDocumentOptions DocOptions = new() { AllowTrailingCommas = false, MaxDepth = 512 };

    /// <summary>Serialises compactly; a JSON null is "null".</summary>
    public static string Serialize(JsonNode? node) => node is null ? "null" : node.ToJsonString(Compact);

    public static JsonNode? Parse(string text) => JsonNode.Parse(text, NodeOptions, DocOptions);

    public static bool TryParse(string text, out JsonNode? node)
    {
        try
        {
            node = Parse(text);
            return true;
        }
        catch (JsonException)
        {
            node = null;
            return false;
        }
    }

    public static JsonNode? Clone(JsonNode? node) => node?.DeepClone();

    public static bool DeepEquals(JsonNode? a, JsonNode? b)
    {
        if (a is JsonValue va && b is JsonValue vb && IsNumber(va) && IsNumber(vb))
        {
            return CompareNumbers(va, vb) == 0;
        }

        return JsonNode.DeepEquals(a, b);
    }

    public static JsonValueKind Kind(JsonNode? node) => node switch
    {
        null => JsonValueKind.Null,
        JsonObject => JsonValueKind.Object,
        JsonArray => JsonValueKind.Array,
        _ => node.GetValueKind(),
    };

    public static bool IsNumber(JsonNode? node) => node is JsonValue && node.GetValueKind() == JsonValueKind.Number;

    public static bool IsString(JsonNode? node) => node is JsonValue && node.GetValueKind() == JsonValueKind.String;

    public static bool IsBoolean(JsonNode? node) =>
        node is JsonValue && node.GetValueKind() is JsonValueKind.True or JsonValueKind.False;

    public static bool IsInteger(JsonNode? node)
    {
        if (!IsNumber(node))
        {
            return false;
        }

        var d = ToDouble(node!);
        return Math.Floor(d) == d && !double.IsInfinity(d);
    }

    public static string? AsString(JsonNode? node) => IsString(node) ? node!.GetValue<string>() : null;

    public static double ToDouble(JsonNode node)
    {
        var v = (JsonValue)node;
        if (v.TryGetValue(out JsonElement e))
        {
            return e.GetDouble();
        }

        if (v.TryGetValue(out double d))
        {
            return d;
        }

        if (v.TryGetValue(out long l))
        {
            return l;
        }

        if (v.TryGetValue(out int i))
        {
            return i;
        }

        if (v.TryGetValue(out decimal m))
        {
            return (double)m;
        }

        return double.Parse(v.ToJsonString(), CultureInfo.InvariantCulture);
    }

    public static bool TryToDecimal(JsonNode node, out decimal value)
    {
        var raw = node.ToJsonString();
        return decimal.TryParse(raw, NumberStyles.Float, CultureInfo.InvariantCulture, out value);
    }

    public static int CompareNumbers(JsonNode a, JsonNode b)
    {
        if (TryToDecimal(a, out var da) && TryToDecimal(b, out var db))
        {
            return da.CompareTo(db);
        }

        return ToDouble(a).CompareTo(ToDouble(b));
    }

    /// <summary>Creates the JSON number for a double the way Java prints integral values (no trailing ".0").</summary>
    public static JsonNode Number(double value)
    {
        if (Math.Floor(value) == value && Math.Abs(value) < 9.2e18)
        {
            return JsonValue.Create((long)value);
        }

        return JsonValue.Create(value);
    }

    public static JsonNode Number(long value) => JsonValue.Create(value);

    public static JsonNode String(string value) => JsonValue.Create(value);

    public static JsonNode Bool(bool value) => JsonValue.Create(value);

    /// <summary>UTF-8 size of the serialised value, used for the 256 KiB payload limit.</summary>
    public static int Utf8Size(string json) => System.Text.Encoding.UTF8.GetByteCount(json);

    /// <summary>Java's Map/List toString rendering used by States.Format for non-string arguments.</summary>
    public static string ToJavaString(JsonNode? node) => node switch
    {
        null => "null",
        JsonObject o => "{" + string.Join(", ", o.Select(p => p.Key + "=" + ToJavaString(p.Value))) + "}",
        JsonArray a => "[" + string.Join(", ", a.Select(ToJavaString)) + "]",
        _ when IsString(node) => node.GetValue<string>(),
        _ => node.ToJsonString(),
    };
}
