using System.Globalization;
using System.Security;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Nimbus.Core.Errors;

namespace Nimbus.Messaging.Sqs.Protocol;

/// <summary>Translates between the AWS query protocol (form parameters in, XML out) and the JSON shapes of a Smithy model.</summary>
/// <remarks>
/// The model is a trimmed copy of AWS's Smithy model (<c>sqs-shapes.json</c>: shape types, members, <c>xmlName</c>,
/// <c>xmlFlattened</c> and <c>awsQueryError</c> traits only). The service core speaks the JSON protocol's shapes; this
/// class lets the query front end reuse it unchanged: <c>Attribute.1.Name=X&amp;Attribute.1.Value=Y</c> becomes
/// <c>{"Attributes":{"X":"Y"}}</c>, and a JSON result becomes the <c>&lt;XResponse&gt;&lt;XResult&gt;</c> document.
/// Thread-safe after construction (read only).
/// </remarks>
internal sealed class QueryShapes
{
    private readonly Dictionary<string, JsonElement> _shapes;

    private QueryShapes(JsonDocument model) =>
        _shapes = model.RootElement.EnumerateObject().ToDictionary(p => p.Name, p => p.Value, StringComparer.Ordinal);

    public static QueryShapes Sqs { get; } = Load("Nimbus.Messaging.Sqs.Protocol.sqs-shapes.json");

    private static QueryShapes Load(string resource)
    {
        using var stream = typeof(QueryShapes).Assembly.GetManifestResourceStream(resource)
            ?? throw new InvalidOperationException($"Missing embedded model {resource}.");
        return new QueryShapes(JsonDocument.Parse(stream));
    }

    public bool HasOperation(string name) => _shapes.TryGetValue(name, out var s) && Type(s) == "operation";

    /// <summary>The error shape whose <c>awsQueryError</c> code is <paramref name="queryCode"/>, if the model has one.</summary>
    public string? ErrorShapeFor(string queryCode)
    {
        foreach (var (name, shape) in _shapes)
        {
            if (shape.TryGetProperty("traits", out var t) && t.TryGetProperty("awsQueryError", out var q) && q.GetProperty("code").GetString() == queryCode)
            {
                return name;
            }
        }

        return _shapes.ContainsKey(queryCode) ? queryCode : null;
    }

    /// <summary>Reads an operation's input structure from flattened query parameters.</summary>
    public JsonObject ReadInput(string operation, IReadOnlyDictionary<string, string> parameters)
    {
        var input = _shapes[operation].GetProperty("input").GetString()!;
        return Read(input, "", parameters) as JsonObject ?? [];
    }

    /// <summary>Writes <c>&lt;OpResponse&gt;&lt;OpResult&gt;…&lt;/OpResult&gt;&lt;ResponseMetadata/&gt;&lt;/OpResponse&gt;</c>.</summary>
    public string WriteResponse(string operation, JsonObject output, string xmlNamespace, string requestId)
    {
        var sb = new StringBuilder(256);
        sb.Append("<?xml version=\"1.0\"?><").Append(operation).Append("Response xmlns=\"").Append(xmlNamespace).Append("\">");
        var outputShape = _shapes[operation].GetProperty("output").GetString()!;
        if (outputShape != "Unit")
        {
            sb.Append('<').Append(operation).Append("Result>");
            WriteMembers(sb, _shapes[outputShape], output);
            sb.Append("</").Append(operation).Append("Result>");
        }

        sb.Append("<ResponseMetadata><RequestId>").Append(requestId).Append("</RequestId></ResponseMetadata></")
          .Append(operation).Append("Response>");
        return sb.ToString();
    }

    private JsonNode? Read(string shapeName, string key, IReadOnlyDictionary<string, string> p)
    {
        var shape = _shapes.GetValueOrDefault(shapeName);
        switch (shape.ValueKind == JsonValueKind.Undefined ? Prelude(shapeName) : Type(shape))
        {
            case "structure":
                var obj = new JsonObject();
                foreach (var member in shape.GetProperty("members").EnumerateObject())
                {
                    var (target, traits) = Member(member.Value);
                    var name = XmlName(traits) ?? member.Name;
                    var value = ReadMember(target, traits, Join(key, name), p);
                    if (value is not null)
                    {
                        obj[member.Name] = value;
                    }
                }

                return obj.Count == 0 && key.Length > 0 && !HasPrefix(p, key) ? null : obj;
            case "list":
            case "map":
                return ReadMember(shapeName, default, key, p);
            case "integer":
            case "long":
                return p.TryGetValue(key, out var n) ? JsonValue.Create(Number(key, n)) : null;
            case "boolean":
                return p.TryGetValue(key, out var b) ? JsonValue.Create(Boolean(key, b)) : null;
            default:
                return p.TryGetValue(key, out var s) ? JsonValue.Create(s) : null;
        }
    }

    /// <summary>Reads a member, honouring <c>xmlFlattened</c> for lists (<c>Name.N</c> vs <c>Name.member.N</c>) and maps.</summary>
    private JsonNode? ReadMember(string target, JsonElement memberTraits, string key, IReadOnlyDictionary<string, string> p)
    {
        var shape = _shapes.GetValueOrDefault(target);
        var type = shape.ValueKind == JsonValueKind.Undefined ? Prelude(target) : Type(shape);
        var flattened = memberTraits.ValueKind == JsonValueKind.Object && memberTraits.TryGetProperty("xmlFlattened", out _);
        if (type == "list")
        {
            var (itemTarget, itemTraits) = Member(shape.GetProperty("member"));
            var itemKey = flattened ? key : Join(key, XmlName(itemTraits) ?? "member");
            var list = new JsonArray();
            for (var i = 1; HasPrefix(p, Join(itemKey, Index(i))); i++)
            {
                list.Add(Read(itemTarget, Join(itemKey, Index(i)), p));
            }

            return list.Count == 0 ? null : list;
        }

        if (type == "map")
        {
            var (keyTarget, keyTraits) = Member(shape.GetProperty("key"));
            var (valueTarget, valueTraits) = Member(shape.GetProperty("value"));
            var entryKey = flattened ? key : Join(key, "entry");
            var map = new JsonObject();
            for (var i = 1; HasPrefix(p, Join(entryKey, Index(i))); i++)
            {
                var entry = Join(entryKey, Index(i));
                var k = Read(keyTarget, Join(entry, XmlName(keyTraits) ?? "key"), p)?.GetValue<string>();
                if (k is not null)
                {
                    map[k] = Read(valueTarget, Join(entry, XmlName(valueTraits) ?? "value"), p);
                }
            }

            return map.Count == 0 ? null : map;
        }

        return Read(target, key, p);
    }

    private void WriteMembers(StringBuilder sb, JsonElement structure, JsonObject value)
    {
        foreach (var member in structure.GetProperty("members").EnumerateObject())
        {
            if (value[member.Name] is not { } node)
            {
                continue;
            }

            var (target, traits) = Member(member.Value);
            var name = XmlName(traits) ?? member.Name;
            var flattened = traits.ValueKind == JsonValueKind.Object && traits.TryGetProperty("xmlFlattened", out _);
            var shape = _shapes.GetValueOrDefault(target);
            var type = shape.ValueKind == JsonValueKind.Undefined ? Prelude(target) : Type(shape);
            if (type == "list")
            {
                var (itemTarget, itemTraits) = Member(shape.GetProperty("member"));
                if (!flattened)
                {
                    sb.Append('<').Append(name).Append('>');
                }

                foreach (var item in node.AsArray())
                {
                    WriteValue(sb, itemTarget, flattened ? name : XmlName(itemTraits) ?? "member", item);
                }

                if (!flattened)
                {
                    sb.Append("</").Append(name).Append('>');
                }
            }
            else if (type == "map")
            {
                var (keyTarget, keyTraits) = Member(shape.GetProperty("key"));
                var (valueTarget, valueTraits) = Member(shape.GetProperty("value"));
                if (!flattened)
                {
                    sb.Append('<').Append(name).Append('>');
                }

                foreach (var (k, v) in node.AsObject())
                {
                    sb.Append('<').Append(flattened ? name : "entry").Append('>');
                    WriteValue(sb, keyTarget, XmlName(keyTraits) ?? "key", JsonValue.Create(k));
                    WriteValue(sb, valueTarget, XmlName(valueTraits) ?? "value", v);
                    sb.Append("</").Append(flattened ? name : "entry").Append('>');
                }

                if (!flattened)
                {
                    sb.Append("</").Append(name).Append('>');
                }
            }
            else
            {
                WriteValue(sb, target, name, node);
            }
        }
    }

    private void WriteValue(StringBuilder sb, string target, string element, JsonNode? node)
    {
        if (node is null)
        {
            return;
        }

        sb.Append('<').Append(element).Append('>');
        var shape = _shapes.GetValueOrDefault(target);
        if (shape.ValueKind != JsonValueKind.Undefined && Type(shape) == "structure")
        {
            WriteMembers(sb, shape, node.AsObject());
        }
        else
        {
            var text = node.GetValueKind() switch
            {
                JsonValueKind.True => "true",
                JsonValueKind.False => "false",
                JsonValueKind.String => node.GetValue<string>(),
                _ => node.ToJsonString(),
            };
            sb.Append(SecurityElement.Escape(text));
        }

        sb.Append("</").Append(element).Append('>');
    }

    private static string Type(JsonElement shape) => shape.GetProperty("type").GetString()!;

    private static string Prelude(string name) => name switch
    {
        "Integer" or "PrimitiveInteger" or "BoxedInteger" => "integer",
        "Long" or "PrimitiveLong" => "long",
        "Boolean" or "PrimitiveBoolean" => "boolean",
        "Blob" => "blob",
        _ => "string",
    };

    private static (string Target, JsonElement Traits) Member(JsonElement member) =>
        (member.GetProperty("target").GetString()!, member.TryGetProperty("traits", out var t) ? t : default);

    private static string? XmlName(JsonElement traits) =>
        traits.ValueKind == JsonValueKind.Object && traits.TryGetProperty("xmlName", out var n) ? n.GetString() : null;

    private static string Join(string prefix, string name) => prefix.Length == 0 ? name : prefix + "." + name;

    private static string Index(int i) => i.ToString(CultureInfo.InvariantCulture);

    private static bool HasPrefix(IReadOnlyDictionary<string, string> p, string key)
    {
        if (p.ContainsKey(key))
        {
            return true;
        }

        var dotted = key + ".";
        return p.Keys.Any(k => k.StartsWith(dotted, StringComparison.Ordinal));
    }

    private static long Number(string key, string text) =>
        long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n) ? n
        : throw new AwsError("InvalidParameterValue", $"Value {text} for parameter {key} is invalid. Reason: must be an integer.").ToException();

    private static bool Boolean(string key, string text) => text.ToLowerInvariant() switch
    {
        "true" => true,
        "false" => false,
        _ => throw new AwsError("InvalidParameterValue", $"Value {text} for parameter {key} is invalid. Reason: must be a boolean.").ToException(),
    };
}
