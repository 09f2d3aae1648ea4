using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;

namespace Nimbus.Jsonata.Values;

/// <summary>Conversion between System.Text.Json nodes and the engine's internal value model.</summary>
internal static class ValueConverter
{
    private static readonly JsonTypeInfo<JsonNullMarker> NullTypeInfo = CreateNullTypeInfo();

    public static bool IsJsonNull(JsonNode? node) =>
        node is JsonValue v && v.GetValueKind() == JsonValueKind.Null;

    /// <summary>System.Text.Json has no non-null node for JSON null, so a marker value that serializes as <c>null</c> is used.</summary>
    public static JsonNode CreateJsonNull() => JsonValue.Create(JsonNullMarker.Instance, NullTypeInfo)!;

    private static JsonTypeInfo<JsonNullMarker> CreateNullTypeInfo()
    {
        var options = new JsonSerializerOptions { TypeInfoResolver = new DefaultJsonTypeInfoResolver() };
        options.Converters.Add(new JsonNullMarkerConverter());
        return (JsonTypeInfo<JsonNullMarker>)options.GetTypeInfo(typeof(JsonNullMarker));
    }

    /// <summary>Converts a top-level input: C# null is undefined.</summary>
    public static object? FromJsonNode(JsonNode? node) => node is null ? null : Convert(node);

    /// <summary>Converts a nested node: C# null is JSON null.</summary>
    private static object Convert(JsonNode? node)
    {
        switch (node)
        {
            case null:
                return JNull.Value;
            case JsonObject o:
                {
                    var result = new JObject(o.Count);
                    foreach (var kv in o)
                    {
                        result[kv.Key] = Convert(kv.Value);
                    }

                    return result;
                }

            case JsonArray a:
                {
                    var result = new JArray(a.Count);
                    foreach (var item in a)
                    {
                        result.Add(Convert(item));
                    }

                    return result;
                }

            case JsonValue v:
                if (v.TryGetValue<JsonElement>(out var element))
                {
                    return FromJsonElement(element) ?? JNull.Value;
                }

                if (v.TryGetValue<double>(out var dv))
                {
                    return dv;
                }

                if (v.TryGetValue<int>(out var iv))
                {
                    return (double)iv;
                }

                if (v.TryGetValue<long>(out var lv))
                {
                    return (double)lv;
                }

                if (v.TryGetValue<string>(out var sv))
                {
                    return sv;
                }

                if (v.TryGetValue<bool>(out var bv))
                {
                    return bv;
                }

                switch (v.GetValueKind())
                {
                    case JsonValueKind.String:
                        // e.g. a JsonValue wrapping a DateTime or Guid: take its JSON form
                        using (var doc = JsonDocument.Parse(v.ToJsonString()))
                        {
                            return doc.RootElement.GetString() ?? string.Empty;
                        }

                    case JsonValueKind.Number:
                        if (v.TryGetValue<double>(out var d))
                        {
                            return d;
                        }

                        return double.Parse(v.ToJsonString(), CultureInfo.InvariantCulture);
                    case JsonValueKind.True:
                        return true;
                    case JsonValueKind.False:
                        return false;
                    default:
                        return JNull.Value;
                }

            default:
                return JNull.Value;
        }
    }

    public static object? FromJsonElement(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Undefined => null,
        JsonValueKind.Null => JNull.Value,
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        JsonValueKind.Number => element.GetDouble(),
        JsonValueKind.String => element.GetString(),
        JsonValueKind.Array => FromArray(element),
        _ => FromObject(element),
    };

    private static JArray FromArray(JsonElement element)
    {
        var result = new JArray(element.GetArrayLength());
        foreach (var item in element.EnumerateArray())
        {
            result.Add(FromJsonElement(item));
        }

        return result;
    }

    private static JObject FromObject(JsonElement element)
    {
        var result = new JObject();
        foreach (var p in element.EnumerateObject())
        {
            result[p.Name] = FromJsonElement(p.Value);
        }

        return result;
    }

    /// <summary>Converts an internal value to a node: undefined is C# null, JSON null is a null-kind <see cref="JsonValue"/>.</summary>
    public static JsonNode? ToJsonNode(object? value)
    {
        if (value is null)
        {
            return null;
        }

        if (value is JArray seq && seq.Sequence && seq.Count == 0)
        {
            return null;
        }

        return ToNested(value);
    }

    private static JsonNode? ToNested(object? value)
    {
        switch (value)
        {
            case null:
            case JNull:
                return CreateJsonNull();
            case string s:
                return JsonValue.Create(s);
            case double d:
                if (double.IsNaN(d) || double.IsInfinity(d))
                {
                    throw JsonataException.WithValue("D1001", d);
                }

                return JsonValue.Create(d == 0 ? 0d : d);
            case bool b:
                return JsonValue.Create(b);
            case JArray a:
                {
                    var result = new JsonArray();
                    foreach (var item in a)
                    {
                        result.Add(item is null or JNull or JFunction ? null : ToNested(item));
                    }

                    return result;
                }

            case JObject o:
                {
                    var result = new JsonObject();
                    foreach (var kv in o)
                    {
                        if (kv.Value is null || kv.Value is JFunction)
                        {
                            continue;
                        }

                        result[kv.Key] = kv.Value is JNull ? null : ToNested(kv.Value);
                    }

                    return result;
                }

            case JFunction:
                return null;
            case int i:
                return JsonValue.Create((double)i);
            case long l:
                return JsonValue.Create((double)l);
            default:
                return JsonValue.Create(System.Convert.ToString(value, CultureInfo.InvariantCulture));
        }
    }
}
