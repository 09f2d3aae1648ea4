using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace Nimbus.Templates.Parsing;

/// <summary>A template that could not be read: says what is wrong and where (1-based line and column).</summary>
public sealed class TemplateParseException : Exception
{
    public TemplateParseException(string message, long line, long column, Exception? inner = null)
        : base(line > 0 ? $"{message} (line {line}, column {column})" : message, inner)
    {
        Line = line;
        Column = column;
        Reason = message;
    }

    public long Line { get; }
    public long Column { get; }
    public string Reason { get; }
}

/// <summary>
/// Reads CloudFormation templates (JSON or YAML with the short-form intrinsic tags) into a JSON DOM.
/// YAML plain scalars are resolved as YAML 1.1 (PyYAML's SafeLoader, which cfn-lint and the SAM translator use):
/// <c>yes</c>/<c>on</c> are booleans, <c>0777</c> is octal, <c>1.0</c> a float, <c>1e3</c> a string (1.1 floats need a signed exponent);
/// timestamps stay strings (JSON has no dates). Quoted scalars are always strings.
/// </summary>
public static partial class TemplateReader
{
    /// <summary>Reads JSON when the text starts with '{', YAML otherwise.</summary>
    public static JsonObject Read(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var trimmed = text.TrimStart('\uFEFF', ' ', '\t', '\r', '\n');
        if (trimmed.StartsWith('{'))
        {
            return ReadJson(text);
        }
        return ReadYaml(text);
    }

    public static JsonObject ReadJson(string text)
    {
        try
        {
            var node = JsonNode.Parse(text, documentOptions: new JsonDocumentOptions { AllowTrailingCommas = false });
            return node as JsonObject ?? throw new TemplateParseException("Template format error: the template must be a JSON object", 1, 1);
        }
        catch (JsonException e)
        {
            throw new TemplateParseException($"Template format error: JSON not well-formed. {e.Message}", (e.LineNumber ?? -1) + 1, (e.BytePositionInLine ?? -1) + 1, e);
        }
    }

    public static JsonObject ReadYaml(string text)
    {
        var parser = new Parser(new StringReader(text));
        var reader = new YamlBuilder(parser);
        try
        {
            var node = reader.ReadStream();
            if (node is null)
            {
                return new JsonObject();
            }
            return node as JsonObject ?? throw new TemplateParseException("Template format error: the template must be a YAML mapping", 1, 1);
        }
        catch (YamlException e)
        {
            throw new TemplateParseException($"Template format error: YAML not well-formed. {e.Message}", e.Start.Line, e.Start.Column, e);
        }
    }

    private static readonly HashSet<string> NoPrefix = ["Ref", "Condition"];

    /// <summary>The short-form tags CloudFormation accepts.</summary>
    public static readonly IReadOnlySet<string> ShortFormTags = new HashSet<string>(StringComparer.Ordinal)
    {
        "Ref", "GetAtt", "Sub", "Join", "Select", "Split", "If", "Equals", "And", "Or", "Not", "FindInMap", "Base64",
        "GetAZs", "ImportValue", "Cidr", "Condition", "Transform", "Length", "ToJsonString", "ForEach",
    };

    private sealed class YamlBuilder(IParser parser)
    {
        private readonly Dictionary<string, JsonNode?> _anchors = new(StringComparer.Ordinal);

        public JsonNode? ReadStream()
        {
            parser.Consume<StreamStart>();
            JsonNode? result = null;
            var documents = 0;
            while (parser.TryConsume<DocumentStart>(out var start))
            {
                documents++;
                if (documents > 1)
                {
                    throw new TemplateParseException("Template format error: a template is a single YAML document", start.Start.Line, start.Start.Column);
                }
                result = ReadNode();
                parser.Consume<DocumentEnd>();
            }
            parser.Consume<StreamEnd>();
            return result;
        }

        private JsonNode? ReadNode()
        {
            if (parser.TryConsume<AnchorAlias>(out var alias))
            {
                if (!_anchors.TryGetValue(alias.Value.Value, out var target))
                {
                    throw new TemplateParseException($"Template format error: unknown alias *{alias.Value.Value}", alias.Start.Line, alias.Start.Column);
                }
                return target?.DeepClone();
            }
            var current = parser.Current ?? throw new TemplateParseException("Template format error: unexpected end of YAML", 0, 0);
            JsonNode? node;
            string? anchor = null;
            switch (current)
            {
                case Scalar scalar:
                    parser.MoveNext();
                    anchor = scalar.Anchor.IsEmpty ? null : scalar.Anchor.Value;
                    node = WithTag(scalar.Tag, scalar, ScalarValue(scalar));
                    break;
                case SequenceStart seq:
                    parser.MoveNext();
                    anchor = seq.Anchor.IsEmpty ? null : seq.Anchor.Value;
                    var array = new JsonArray();
                    while (!parser.TryConsume<SequenceEnd>(out _))
                    {
                        array.Add(ReadNode());
                    }
                    node = WithTag(seq.Tag, seq, array);
                    break;
                case MappingStart map:
                    parser.MoveNext();
                    anchor = map.Anchor.IsEmpty ? null : map.Anchor.Value;
                    node = WithTag(map.Tag, map, ReadMapping(map));
                    break;
                default:
                    throw new TemplateParseException($"Template format error: unexpected YAML {current.GetType().Name}", current.Start.Line, current.Start.Column);
            }
            if (anchor is not null)
            {
                _anchors[anchor] = node?.DeepClone();
            }
            return node;
        }

        private JsonObject ReadMapping(MappingStart start)
        {
            var obj = new JsonObject();
            var merged = new List<JsonObject>();
            while (!parser.TryConsume<MappingEnd>(out _))
            {
                var keyEvent = parser.Current!;
                var keyNode = ReadNode();
                var valueNode = ReadNode();
                if (keyEvent is Scalar { Value: "<<", Style: ScalarStyle.Plain })
                {
                    if (valueNode is JsonObject one)
                    {
                        merged.Add(one);
                    }
                    else if (valueNode is JsonArray many)
                    {
                        merged.AddRange(many.OfType<JsonObject>());
                    }
                    continue;
                }
                var key = keyNode switch
                {
                    null => "null",
                    JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
                    JsonValue v => v.ToJsonString(),
                    _ => throw new TemplateParseException("Template format error: a mapping key must be a scalar", keyEvent.Start.Line, keyEvent.Start.Column),
                };
                if (obj.ContainsKey(key))
                {
                    throw new TemplateParseException($"Template format error: duplicate key '{key}'", keyEvent.Start.Line, keyEvent.Start.Column);
                }
                obj[key] = valueNode;
            }
            foreach (var source in merged)
            {
                foreach (var (k, v) in source)
                {
                    if (!obj.ContainsKey(k))
                    {
                        obj[k] = v?.DeepClone();
                    }
                }
            }
            _ = start;
            return obj;
        }

        private static JsonNode? WithTag(TagName tag, ParsingEvent at, JsonNode? value)
        {
            if (tag.IsEmpty || tag.IsNonSpecific)
            {
                return value;
            }
            var name = tag.Value;
            if (name.StartsWith("tag:yaml.org,2002:", StringComparison.Ordinal))
            {
                return value;
            }
            if (!name.StartsWith('!'))
            {
                throw new TemplateParseException($"Template format error: unsupported YAML tag {name}", at.Start.Line, at.Start.Column);
            }
            var fn = name[1..];
            if (!ShortFormTags.Contains(fn))
            {
                throw new TemplateParseException($"Template format error: unknown tag !{fn}", at.Start.Line, at.Start.Column);
            }
            var key = NoPrefix.Contains(fn) ? fn : "Fn::" + fn;
            if (fn == "GetAtt" && value is JsonValue v && v.GetValueKind() == JsonValueKind.String)
            {
                var s = v.GetValue<string>();
                var dot = s.IndexOf('.', StringComparison.Ordinal);
                value = dot < 0 ? new JsonArray(s) : new JsonArray(s[..dot], s[(dot + 1)..]);
            }
            return new JsonObject { [key] = value };
        }

        private static JsonNode? ScalarValue(Scalar scalar)
        {
            var text = scalar.Value;
            if (scalar.Style != ScalarStyle.Plain)
            {
                return JsonValue.Create(text);
            }
            if (!scalar.Tag.IsEmpty && !scalar.Tag.IsNonSpecific)
            {
                var tag = scalar.Tag.Value;
                if (tag == "tag:yaml.org,2002:str" || tag.StartsWith('!'))
                {
                    return JsonValue.Create(text);
                }
            }
            return ResolvePlain(text);
        }
    }

    /// <summary>YAML 1.1 implicit resolution of a plain scalar, as PyYAML's SafeLoader does it (timestamps excepted).</summary>
    internal static JsonNode? ResolvePlain(string text)
    {
        switch (text)
        {
            case "" or "~" or "null" or "Null" or "NULL":
                return null;
            case "yes" or "Yes" or "YES" or "true" or "True" or "TRUE" or "on" or "On" or "ON":
                return JsonValue.Create(true);
            case "no" or "No" or "NO" or "false" or "False" or "FALSE" or "off" or "Off" or "OFF":
                return JsonValue.Create(false);
        }
        if (IntPattern().IsMatch(text))
        {
            var number = ParseYamlInt(text);
            if (number is not null)
            {
                return JsonNode.Parse(number);
            }
        }
        if (FloatPattern().IsMatch(text))
        {
            return ParseYamlFloat(text);
        }
        return JsonValue.Create(text);
    }

    private static string? ParseYamlInt(string text)
    {
        var value = text.Replace("_", "", StringComparison.Ordinal);
        var sign = 1;
        if (value.StartsWith('-'))
        {
            sign = -1;
            value = value[1..];
        }
        else if (value.StartsWith('+'))
        {
            value = value[1..];
        }
        System.Numerics.BigInteger result;
        if (value == "0")
        {
            result = 0;
        }
        else if (value.StartsWith("0b", StringComparison.Ordinal))
        {
            result = 0;
            foreach (var c in value[2..])
            {
                result = (result * 2) + (c - '0');
            }
        }
        else if (value.StartsWith("0x", StringComparison.Ordinal))
        {
            result = System.Numerics.BigInteger.Parse("0" + value[2..], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
        }
        else if (value.StartsWith('0'))
        {
            result = 0;
            foreach (var c in value[1..])
            {
                result = (result * 8) + (c - '0');
            }
        }
        else if (value.Contains(':', StringComparison.Ordinal))
        {
            result = 0;
            foreach (var part in value.Split(':'))
            {
                result = (result * 60) + System.Numerics.BigInteger.Parse(part, CultureInfo.InvariantCulture);
            }
        }
        else
        {
            result = System.Numerics.BigInteger.Parse(value, CultureInfo.InvariantCulture);
        }
        return (result * sign).ToString(CultureInfo.InvariantCulture);
    }

    private static JsonNode? ParseYamlFloat(string text)
    {
        var value = text.Replace("_", "", StringComparison.Ordinal).ToLowerInvariant();
        if (value.EndsWith(".inf", StringComparison.Ordinal) || value == ".nan")
        {
            // JSON cannot carry these; keep the text as CloudFormation would pass it on.
            return JsonValue.Create(text);
        }
        double d;
        if (value.Contains(':', StringComparison.Ordinal))
        {
            var sign = value.StartsWith('-') ? -1 : 1;
            var parts = value.TrimStart('-', '+').Split(':');
            d = 0;
            foreach (var part in parts)
            {
                d = (d * 60) + double.Parse(part, CultureInfo.InvariantCulture);
            }
            d *= sign;
        }
        else
        {
            d = double.Parse(value, NumberStyles.Float, CultureInfo.InvariantCulture);
        }
        return JsonNode.Parse(PythonFloat(d));
    }

    /// <summary>Python's repr of a float (always with a fraction or exponent), so 1.0 stays 1.0.</summary>
    internal static string PythonFloat(double d)
    {
        var r = d.ToString("R", CultureInfo.InvariantCulture);
        if (r.Contains('E', StringComparison.Ordinal))
        {
            var mantissa = r[..r.IndexOf('E', StringComparison.Ordinal)];
            var exponent = int.Parse(r[(r.IndexOf('E', StringComparison.Ordinal) + 1)..], CultureInfo.InvariantCulture);
            if (!mantissa.Contains('.', StringComparison.Ordinal))
            {
                mantissa += ".0";
            }
            return $"{mantissa}e{(exponent < 0 ? "-" : "+")}{Math.Abs(exponent):00}";
        }
        return r.Contains('.', StringComparison.Ordinal) ? r : r + ".0";
    }

    [GeneratedRegex(@"^(?:[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+|[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+)$", RegexOptions.CultureInvariant)]
    private static partial Regex IntPattern();

    [GeneratedRegex(@"^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?|\.[0-9_]+(?:[eE][-+][0-9]+)?|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$", RegexOptions.CultureInvariant)]
    private static partial Regex FloatPattern();

    /// <summary>Serialises a node the way Python's json.dumps(sort_keys=True, separators=(",", ":")) does (ASCII-escaped).</summary>
    public static string ToPythonJson(JsonNode? node, bool sortKeys = true)
    {
        var sb = new StringBuilder();
        WritePython(sb, node, sortKeys);
        return sb.ToString();
    }

    private static void WritePython(StringBuilder sb, JsonNode? node, bool sortKeys)
    {
        switch (node)
        {
            case null:
                sb.Append("null");
                return;
            case JsonObject obj:
                sb.Append('{');
                var first = true;
                IEnumerable<KeyValuePair<string, JsonNode?>> items = sortKeys ? obj.OrderBy(p => p.Key, StringComparer.Ordinal) : obj;
                foreach (var (k, v) in items)
                {
                    if (!first)
                    {
                        sb.Append(',');
                    }
                    first = false;
                    WritePythonString(sb, k);
                    sb.Append(':');
                    WritePython(sb, v, sortKeys);
                }
                sb.Append('}');
                return;
            case JsonArray arr:
                sb.Append('[');
                for (var i = 0; i < arr.Count; i++)
                {
                    if (i > 0)
                    {
                        sb.Append(',');
                    }
                    WritePython(sb, arr[i], sortKeys);
                }
                sb.Append(']');
                return;
            case JsonValue value:
                switch (value.GetValueKind())
                {
                    case JsonValueKind.String:
                        WritePythonString(sb, value.GetValue<string>());
                        return;
                    case JsonValueKind.True:
                        sb.Append("true");
                        return;
                    case JsonValueKind.False:
                        sb.Append("false");
                        return;
                    default:
                        sb.Append(value.ToJsonString());
                        return;
                }
        }
    }

    /// <summary>A string as Python's <c>json.dumps</c> writes it (ASCII only, <c>\uXXXX</c> escapes).</summary>
    internal static void WritePythonString(StringBuilder sb, string s)
    {
        sb.Append('"');
        foreach (var c in s)
        {
            switch (c)
            {
                case '"': sb.Append("\\\""); break;
                case '\\': sb.Append("\\\\"); break;
                case '\n': sb.Append("\\n"); break;
                case '\r': sb.Append("\\r"); break;
                case '\t': sb.Append("\\t"); break;
                case '\b': sb.Append("\\b"); break;
                case '\f': sb.Append("\\f"); break;
                default:
                    if (c < 0x20 || c > 0x7e)
                    {
                        sb.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        sb.Append(c);
                    }
                    break;
            }
        }
        sb.Append('"');
    }
}
