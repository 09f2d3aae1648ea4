using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Nimbus.Gateway.Mapping.Vtl;

namespace Nimbus.Gateway.Mapping;

/// <summary>The JSONPath API Gateway evaluates in <c>$input.path/json</c> and <c>method.request.body.*</c> mappings (Jayway-like).</summary>
/// <remarks>
/// <c>$</c>, <c>.name</c>, <c>['name']</c>, <c>[n]</c> (negative from the end), <c>[a,b]</c>, <c>[start:end]</c>,
/// <c>*</c>, <c>..name</c> (deep scan) and filters <c>[?(@.x)]</c> / <c>[?(@.x op value)]</c>. A path made only of
/// names and indexes is <em>definite</em>: it yields one value (or nothing). Any wildcard, deep scan, slice, union or
/// filter makes it indefinite: it yields a list of every match.
/// </remarks>
internal static class JsonPath
{
    public static (List<JsonNode?> Matches, bool Definite) Evaluate(JsonNode? root, string path)
    {
        path = path.Trim();
        if (path.Length == 0 || path[0] != '$')
        {
            // Jayway accepts a path without the leading '$'.
            path = "$." + path;
        }

        var current = new List<JsonNode?> { root };
        var definite = true;
        var i = 1;
        while (i < path.Length)
        {
            var c = path[i];
            if (c == '.')
            {
                if (i + 1 < path.Length && path[i + 1] == '.')
                {
                    definite = false;
                    i += 2;
                    string name;
                    if (i < path.Length && path[i] == '[')
                    {
                        var close = path.IndexOf(']', i);
                        name = Unquote(path[(i + 1)..close]);
                        i = close + 1;
                    }
                    else
                    {
                        name = ReadName(path, ref i);
                    }

                    var found = new List<JsonNode?>();
                    foreach (var n in current)
                    {
                        DeepScan(n, name, found);
                    }

                    current = found;
                    continue;
                }

                i++;
                var prop = ReadName(path, ref i);
                if (prop == "*")
                {
                    definite = false;
                    current = [.. current.SelectMany(Children)];
                }
                else if (prop == "length()")
                {
                    current = [.. current.Select(n => n switch
                    {
                        JsonArray a => (JsonNode?)a.Count,
                        JsonObject o => o.Count,
                        JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>().Length,
                        _ => null,
                    })];
                }
                else
                {
                    current = Select(current, prop);
                }

                continue;
            }

            if (c == '[')
            {
                var close = FindClose(path, i);
                var inner = path[(i + 1)..close].Trim();
                i = close + 1;
                if (inner == "*")
                {
                    definite = false;
                    current = [.. current.SelectMany(Children)];
                }
                else if (inner.StartsWith('?'))
                {
                    definite = false;
                    var filter = inner[1..].Trim();
                    if (filter.StartsWith('(') && filter.EndsWith(')'))
                    {
                        filter = filter[1..^1];
                    }

                    current = [.. current.SelectMany(Children).Where(n => Filter(n, filter))];
                }
                else if (inner.Contains(':', StringComparison.Ordinal) && inner[0] is not ('\'' or '"'))
                {
                    definite = false;
                    var parts = inner.Split(':');
                    current = [.. current.SelectMany(n => Slice(n, parts[0], parts[1]))];
                }
                else if (SplitUnion(inner) is { Count: > 1 } union)
                {
                    definite = false;
                    current = [.. union.SelectMany(u => Select(current, u))];
                }
                else
                {
                    current = Select(current, inner);
                }

                continue;
            }

            throw new VtlException($"Invalid JSONPath '{path}'");
        }

        return (current, definite);
    }

    private static string ReadName(string path, ref int i)
    {
        var start = i;
        if (path.AsSpan(i).StartsWith("length()"))
        {
            i += "length()".Length;
            return "length()";
        }

        while (i < path.Length && path[i] is not ('.' or '['))
        {
            i++;
        }

        return path[start..i];
    }

    private static int FindClose(string path, int open)
    {
        var depth = 0;
        char quote = '\0';
        for (var j = open; j < path.Length; j++)
        {
            var c = path[j];
            if (quote != '\0')
            {
                if (c == quote)
                {
                    quote = '\0';
                }

                continue;
            }

            switch (c)
            {
                case '\'' or '"':
                    quote = c;
                    break;
                case '[' or '(':
                    depth++;
                    break;
                case ']' or ')':
                    depth--;
                    if (depth == 0 && c == ']')
                    {
                        return j;
                    }

                    break;
            }
        }

        throw new VtlException($"Invalid JSONPath '{path}': missing ']'");
    }

    private static List<string> SplitUnion(string inner)
    {
        var parts = new List<string>();
        var quote = '\0';
        var start = 0;
        for (var j = 0; j < inner.Length; j++)
        {
            var c = inner[j];
            if (quote != '\0')
            {
                quote = c == quote ? '\0' : quote;
            }
            else if (c is '\'' or '"')
            {
                quote = c;
            }
            else if (c == ',')
            {
                parts.Add(inner[start..j].Trim());
                start = j + 1;
            }
        }

        parts.Add(inner[start..].Trim());
        return parts;
    }

    private static string Unquote(string s)
    {
        s = s.Trim();
        return s.Length >= 2 && s[0] is '\'' or '"' && s[^1] == s[0] ? s[1..^1] : s;
    }

    private static List<JsonNode?> Select(List<JsonNode?> current, string selector)
    {
        var result = new List<JsonNode?>();
        var quoted = selector.Length >= 2 && selector[0] is '\'' or '"';
        var key = quoted ? Unquote(selector) : selector;
        foreach (var n in current)
        {
            if (!quoted && n is JsonArray a && int.TryParse(key, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var index))
            {
                index = index < 0 ? a.Count + index : index;
                if (index >= 0 && index < a.Count)
                {
                    result.Add(a[index]);
                }
            }
            else if (n is JsonObject o && o.TryGetPropertyValue(key, out var v))
            {
                result.Add(v);
            }
        }

        return result;
    }

    private static IEnumerable<JsonNode?> Children(JsonNode? n) => n switch
    {
        JsonArray a => a,
        JsonObject o => o.Select(kv => kv.Value),
        _ => [],
    };

    private static void DeepScan(JsonNode? n, string name, List<JsonNode?> found)
    {
        switch (n)
        {
            case JsonObject o:
                foreach (var (k, v) in o)
                {
                    if (name == "*" || k == name)
                    {
                        found.Add(v);
                    }

                    DeepScan(v, name, found);
                }

                break;
            case JsonArray a:
                foreach (var v in a)
                {
                    if (name == "*")
                    {
                        found.Add(v);
                    }

                    DeepScan(v, name, found);
                }

                break;
        }
    }

    private static IEnumerable<JsonNode?> Slice(JsonNode? n, string from, string to)
    {
        if (n is not JsonArray a)
        {
            return [];
        }

        int Parse(string s, int fallback)
        {
            if (!int.TryParse(s.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var v))
            {
                return fallback;
            }

            return Math.Clamp(v < 0 ? a.Count + v : v, 0, a.Count);
        }

        var start = Parse(from, 0);
        var end = Parse(to, a.Count);
        return start < end ? a.Skip(start).Take(end - start) : [];
    }

    /// <summary>A filter: <c>@.a.b</c> alone (exists and truthy) or compared with a literal.</summary>
    private static bool Filter(JsonNode? item, string filter)
    {
        string[] ops = ["==", "!=", "<=", ">=", "<", ">"];
        foreach (var op in ops)
        {
            var at = filter.IndexOf(op, StringComparison.Ordinal);
            if (at < 0)
            {
                continue;
            }

            var left = Operand(item, filter[..at].Trim());
            var right = Operand(item, filter[(at + op.Length)..].Trim());
            return Compare(left, right, op);
        }

        var exists = Operand(item, filter.Trim());
        return exists is not null && exists.Value.ValueKind is not (JsonValueKind.False or JsonValueKind.Null or JsonValueKind.Undefined);
    }

    private static JsonElement? Operand(JsonNode? item, string text)
    {
        if (text.StartsWith('@'))
        {
            var (matches, _) = Evaluate(item, "$" + text[1..]);
            return matches.Count == 0 ? null : matches[0] is null ? JsonDocument.Parse("null").RootElement : JsonSerializer.SerializeToElement(matches[0]);
        }

        if (text.Length >= 2 && text[0] == '\'' && text[^1] == '\'')
        {
            return JsonSerializer.SerializeToElement(text[1..^1]);
        }

        try
        {
            return JsonDocument.Parse(text).RootElement;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static bool Compare(JsonElement? a, JsonElement? b, string op)
    {
        if (a is null || b is null)
        {
            return op == "!=" && (a is null) != (b is null);
        }

        var x = a.Value;
        var y = b.Value;
        int c;
        if (x.ValueKind == JsonValueKind.Number && y.ValueKind == JsonValueKind.Number)
        {
            c = x.GetDouble().CompareTo(y.GetDouble());
        }
        else if (x.ValueKind == JsonValueKind.String && y.ValueKind == JsonValueKind.String)
        {
            c = string.CompareOrdinal(x.GetString(), y.GetString());
        }
        else
        {
            var same = x.ValueKind == y.ValueKind && x.GetRawText() == y.GetRawText();
            return op switch { "==" => same, "!=" => !same, _ => false };
        }

        return op switch { "==" => c == 0, "!=" => c != 0, "<" => c < 0, "<=" => c <= 0, ">" => c > 0, _ => c >= 0 };
    }
}
