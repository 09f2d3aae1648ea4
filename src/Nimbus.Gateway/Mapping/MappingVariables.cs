using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Nimbus.Gateway.Mapping.Vtl;

namespace Nimbus.Gateway.Mapping;

/// <summary>Converts between JSON and template values, and serialises JSON as API Gateway (Jackson) does.</summary>
internal static class VtlJson
{
    /// <summary>Compact JSON without HTML-safe escaping (Jackson's default output).</summary>
    public static readonly JsonSerializerOptions Options = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static string Write(JsonNode? node) => node is null ? "null" : node.ToJsonString(Options);

    public static object? ToValue(JsonNode? node)
    {
        switch (node)
        {
            case null:
                return null;
            case JsonObject o:
                {
                    var map = new VtlMap();
                    foreach (var (k, v) in o)
                    {
                        map[k] = ToValue(v);
                    }

                    return map;
                }

            case JsonArray a:
                return a.Select(ToValue).ToList();
            case JsonValue v:
                switch (v.GetValueKind())
                {
                    case JsonValueKind.String:
                        return v.GetValue<string>();
                    case JsonValueKind.True:
                        return true;
                    case JsonValueKind.False:
                        return false;
                    case JsonValueKind.Number:
                        {
                            var raw = v.ToJsonString();
                            if (long.TryParse(raw, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l))
                            {
                                return l;
                            }

                            return double.Parse(raw, NumberStyles.Float, CultureInfo.InvariantCulture);
                        }

                    default:
                        return null;
                }

            default:
                return null;
        }
    }

    public static JsonNode? ToNode(object? value) => value switch
    {
        null => null,
        string s => JsonValue.Create(s),
        bool b => JsonValue.Create(b),
        long l => JsonValue.Create(l),
        int i => JsonValue.Create(i),
        double d => JsonValue.Create(d),
        VtlMap m => new JsonObject(m.Select(kv => new KeyValuePair<string, JsonNode?>(kv.Key, ToNode(kv.Value)))),
        List<object?> l => new JsonArray([.. l.Select(ToNode)]),
        _ => JsonValue.Create(VtlValues.ToText(value)),
    };
}

/// <summary>The request body could not be parsed as JSON for <c>$input.json/path</c>: API Gateway answers 400.</summary>
internal sealed class BodyParseException(string message) : Exception(message);

/// <summary><c>$input</c>: the payload and the method request parameters.</summary>
/// <remarks>"$input variables" in the API Gateway developer guide: <c>body</c>, <c>json(x)</c>, <c>path(x)</c>,
/// <c>params()</c> (a map <c>path</c>/<c>querystring</c>/<c>header</c>) and <c>params(x)</c> (searched in that order).
/// An empty body reads as <c>{}</c>; a body that is not JSON makes <c>json/path</c> fail with 400
/// <c>Could not parse request body into json</c>.</remarks>
internal sealed class InputVariable(string body, VtlMap path, VtlMap querystring, VtlMap header) : IVtlObject
{
    private JsonNode? _parsed;
    private bool _isParsed;

    public string Body => body;

    public VtlMap Params { get; } = new() { ["path"] = path, ["querystring"] = querystring, ["header"] = header };

    public object? Property(string name) => name switch
    {
        "body" => body,
        _ => null,
    };

    public object? Invoke(string name, object?[] args)
    {
        switch (name)
        {
            case "json":
                {
                    var (matches, definite) = JsonPath.Evaluate(Parsed(), ArgText(args));
                    if (definite)
                    {
                        return matches.Count == 0 ? "" : VtlJson.Write(matches[0]);
                    }

                    return VtlJson.Write(new JsonArray([.. matches.Select(m => m?.DeepClone())]));
                }

            case "path":
                {
                    var (matches, definite) = JsonPath.Evaluate(Parsed(), ArgText(args));
                    if (definite)
                    {
                        return matches.Count == 0 ? null : VtlJson.ToValue(matches[0]);
                    }

                    return matches.Select(VtlJson.ToValue).ToList();
                }

            case "params":
                if (args.Length == 0)
                {
                    return Params;
                }

                var key = ArgText(args);
                foreach (var section in new[] { path, querystring, header })
                {
                    if (section.TryGetValue(key, out var v))
                    {
                        return v;
                    }
                }

                return "";
            case "getBody":
                return body;
            default:
                return null;
        }
    }

    private static string ArgText(object?[] args) => args.Length > 0 ? VtlValues.ToText(args[0]) : "$";

    private JsonNode? Parsed()
    {
        if (!_isParsed)
        {
            if (string.IsNullOrWhiteSpace(body))
            {
                _parsed = new JsonObject();
            }
            else
            {
                try
                {
                    _parsed = JsonNode.Parse(body);
                }
                catch (JsonException e)
                {
                    throw new BodyParseException("Could not parse request body into json: " + e.Message);
                }
            }

            _isParsed = true;
        }

        return _parsed;
    }
}

/// <summary><c>$util</c>: escapeJavaScript, parseJson, urlEncode, urlDecode, base64Encode, base64Decode.</summary>
internal sealed class UtilVariable : IVtlObject
{
    public static readonly UtilVariable Instance = new();

    public object? Property(string name) => null;

    public object? Invoke(string name, object?[] args)
    {
        var s = args.Length > 0 ? VtlValues.ToText(args[0]) : "";
        switch (name)
        {
            case "escapeJavaScript":
                return EscapeJavaScript(s);
            case "parseJson":
                try
                {
                    return VtlJson.ToValue(JsonNode.Parse(s));
                }
                catch (JsonException e)
                {
                    throw new VtlException("Invalid JSON in $util.parseJson: " + e.Message);
                }

            case "urlEncode":
                return UrlEncode(s);
            case "urlDecode":
                return WebUtility.UrlDecode(s);
            case "base64Encode":
                return Convert.ToBase64String(Encoding.UTF8.GetBytes(s));
            case "base64Decode":
                try
                {
                    return Encoding.UTF8.GetString(Convert.FromBase64String(s));
                }
                catch (FormatException)
                {
                    throw new VtlException("Invalid base64 in $util.base64Decode");
                }

            default:
                return null;
        }
    }

    /// <summary>Apache Commons Lang 2 <c>escapeJavaScript</c>: quotes (both), backslash, slash, control and non-ASCII characters.</summary>
    public static string EscapeJavaScript(string s)
    {
        var sb = new StringBuilder(s.Length + 8);
        foreach (var c in s)
        {
            switch (c)
            {
                case '\'':
                    sb.Append("\\'");
                    break;
                case '"':
                    sb.Append("\\\"");
                    break;
                case '\\':
                    sb.Append("\\\\");
                    break;
                case '/':
                    sb.Append("\\/");
                    break;
                case '\b':
                    sb.Append("\\b");
                    break;
                case '\n':
                    sb.Append("\\n");
                    break;
                case '\t':
                    sb.Append("\\t");
                    break;
                case '\f':
                    sb.Append("\\f");
                    break;
                case '\r':
                    sb.Append("\\r");
                    break;
                default:
                    if (c < 32 || c > 0x7f)
                    {
                        sb.Append("\\u").Append(((int)c).ToString(c < 32 ? "X4" : "X4", CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        sb.Append(c);
                    }

                    break;
            }
        }

        return sb.ToString();
    }

    /// <summary>Java's <c>URLEncoder.encode(s, "UTF-8")</c>: space → <c>+</c>, keeps <c>a-zA-Z0-9.-*_</c>.</summary>
    public static string UrlEncode(string s)
    {
        var sb = new StringBuilder();
        foreach (var b in Encoding.UTF8.GetBytes(s))
        {
            var c = (char)b;
            if (char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '*' or '_')
            {
                sb.Append(c);
            }
            else if (c == ' ')
            {
                sb.Append('+');
            }
            else
            {
                sb.Append('%').Append(b.ToString("X2", CultureInfo.InvariantCulture));
            }
        }

        return sb.ToString();
    }
}
