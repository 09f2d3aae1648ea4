using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace Nimbus.Gateway.Management;

/// <summary>OpenAPI documents in YAML: read into <see cref="JsonNode"/> (YAML 1.2 core schema for plain scalars) for
/// ImportApi/ReimportApi, and written from one for ExportApi/GetExport.</summary>
/// <remarks>Plain scalars become numbers, booleans and null as the core schema says; quoted ones stay strings; anchors
/// and aliases are followed. When writing, a string that would read back as another type (<c>"1.0"</c>, <c>"true"</c>,
/// <c>"200"</c>) is double-quoted.</remarks>
internal static class OpenApiYaml
{
    /// <summary>True when the text looks like JSON (its first non-blank character opens an object or array).</summary>
    public static bool IsJson(string text)
    {
        foreach (var c in text)
        {
            if (!char.IsWhiteSpace(c))
            {
                return c is '{' or '[';
            }
        }

        return false;
    }

    /// <summary>Parses a YAML document; BadRequestException when it is not well-formed.</summary>
    public static JsonNode? Read(string yaml)
    {
        try
        {
            var parser = new Parser(new StringReader(yaml));
            var anchors = new Dictionary<string, JsonNode?>(StringComparer.Ordinal);
            parser.Consume<StreamStart>();
            if (!parser.TryConsume<DocumentStart>(out _))
            {
                return null;
            }

            var node = ReadNode(parser, anchors);
            parser.Consume<DocumentEnd>();
            return node;
        }
        catch (YamlException e)
        {
            throw GatewayErrors.BadRequest($"The OpenAPI definition is not valid YAML or JSON: {e.Message}");
        }
    }

    public static string Write(JsonNode node)
    {
        using var writer = new StringWriter(CultureInfo.InvariantCulture);
        var emitter = new Emitter(writer);
        emitter.Emit(new StreamStart());
        emitter.Emit(new DocumentStart());
        WriteNode(emitter, node);
        emitter.Emit(new DocumentEnd(isImplicit: true));
        emitter.Emit(new StreamEnd());
        return writer.ToString();
    }

    private static JsonNode? ReadNode(IParser parser, Dictionary<string, JsonNode?> anchors)
    {
        if (parser.TryConsume<AnchorAlias>(out var alias))
        {
            return anchors.TryGetValue(alias.Value.Value, out var target)
                ? target?.DeepClone()
                : throw GatewayErrors.BadRequest($"The OpenAPI definition uses an unknown YAML alias *{alias.Value.Value}");
        }

        JsonNode? node;
        AnchorName anchor;
        switch (parser.Current)
        {
            case Scalar scalar:
                parser.MoveNext();
                anchor = scalar.Anchor;
                node = Scalar(scalar);
                break;
            case SequenceStart seq:
                parser.MoveNext();
                anchor = seq.Anchor;
                var array = new JsonArray();
                while (!parser.TryConsume<SequenceEnd>(out _))
                {
                    array.Add(ReadNode(parser, anchors));
                }

                node = array;
                break;
            case MappingStart map:
                parser.MoveNext();
                anchor = map.Anchor;
                var obj = new JsonObject();
                while (!parser.TryConsume<MappingEnd>(out _))
                {
                    var key = ReadNode(parser, anchors) switch
                    {
                        null => "null",
                        JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
                        JsonValue v => v.ToJsonString(),
                        _ => throw GatewayErrors.BadRequest("The OpenAPI definition has a YAML mapping key that is not a scalar"),
                    };
                    obj[key] = ReadNode(parser, anchors);
                }

                node = obj;
                break;
            default:
                throw GatewayErrors.BadRequest("The OpenAPI definition is not a YAML document");
        }

        if (!anchor.IsEmpty)
        {
            anchors[anchor.Value] = node?.DeepClone();
        }

        return node;
    }

    private static JsonNode? Scalar(Scalar scalar)
    {
        var value = scalar.Value;
        if (scalar.Style != ScalarStyle.Plain)
        {
            return JsonValue.Create(value);
        }

        return Infer(value) switch
        {
            JsonValueKind.Null => null,
            JsonValueKind.True => JsonValue.Create(true),
            JsonValueKind.False => JsonValue.Create(false),
            JsonValueKind.Number when int.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var i) => JsonValue.Create(i),
            JsonValueKind.Number when long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l) => JsonValue.Create(l),
            JsonValueKind.Number => JsonValue.Create(double.Parse(value, NumberStyles.Float, CultureInfo.InvariantCulture)),
            _ => JsonValue.Create(value),
        };
    }

    /// <summary>What a plain scalar means in the YAML 1.2 core schema.</summary>
    private static JsonValueKind Infer(string value)
    {
        if (value is "" or "~" or "null" or "Null" or "NULL")
        {
            return JsonValueKind.Null;
        }

        if (value is "true" or "True" or "TRUE")
        {
            return JsonValueKind.True;
        }

        if (value is "false" or "False" or "FALSE")
        {
            return JsonValueKind.False;
        }

        if (long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _)
            || (value.Any(char.IsAsciiDigit) && value.All(c => char.IsAsciiDigit(c) || c is '.' or 'e' or 'E' or '+' or '-')
                && double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out _)))
        {
            return JsonValueKind.Number;
        }

        return JsonValueKind.String;
    }

    private static void WriteNode(Emitter emitter, JsonNode? node)
    {
        switch (node)
        {
            case null:
                emitter.Emit(new Scalar(null, null, "null", ScalarStyle.Plain, true, false));
                break;
            case JsonObject obj:
                emitter.Emit(new MappingStart(null, null, true, MappingStyle.Block));
                foreach (var (k, v) in obj)
                {
                    WriteString(emitter, k);
                    WriteNode(emitter, v);
                }

                emitter.Emit(new MappingEnd());
                break;
            case JsonArray array:
                emitter.Emit(new SequenceStart(null, null, true, SequenceStyle.Block));
                foreach (var item in array)
                {
                    WriteNode(emitter, item);
                }

                emitter.Emit(new SequenceEnd());
                break;
            case JsonValue value when value.GetValueKind() == JsonValueKind.String:
                WriteString(emitter, value.GetValue<string>());
                break;
            default:
                emitter.Emit(new Scalar(null, null, node.ToJsonString(), ScalarStyle.Plain, true, false));
                break;
        }
    }

    private static void WriteString(Emitter emitter, string s)
    {
        var style = Infer(s) != JsonValueKind.String || s.Contains('\n', StringComparison.Ordinal) ? ScalarStyle.DoubleQuoted : ScalarStyle.Any;
        emitter.Emit(new Scalar(null, null, s, style, true, true));
    }
}
