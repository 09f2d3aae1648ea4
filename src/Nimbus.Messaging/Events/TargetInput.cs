using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Nimbus.Messaging.Events;

/// <summary>What a target receives: the whole event, a constant <c>Input</c>, an <c>InputPath</c> selection, or an <c>InputTransformer</c>.</summary>
/// <remarks>
/// InputTransformer ("Transforming target input"): each <c>&lt;name&gt;</c> of the template is replaced by the value its
/// JSON path selects — a string value without its quotes (so <c>"&lt;name&gt;"</c> in a JSON template stays a string), any
/// other value as JSON, a missing path as nothing. Reserved names: <c>aws.events.rule-arn</c>, <c>aws.events.rule-name</c>,
/// <c>aws.events.event.ingestion-time</c>, <c>aws.events.event</c> and <c>aws.events.event.json</c> (the whole event).
/// </remarks>
internal static partial class TargetInput
{
    [GeneratedRegex(@"<([A-Za-z0-9_.\-]+)>")]
    private static partial Regex Placeholder();

    [GeneratedRegex(@"^\$(\.[A-Za-z0-9_\-@]+|\[\d+\]|\['[^']*'\])*$")]
    private static partial Regex PathRegex();

    public static bool IsValidPath(string path) => PathRegex().IsMatch(path);

    public static string Render(JsonObject target, JsonObject @event, string ruleArn, string ruleName, DateTimeOffset ingestion)
    {
        if (target["Input"]?.GetValue<string>() is { } input)
        {
            return input;
        }

        if (target["InputPath"]?.GetValue<string>() is { } path)
        {
            return Select(@event, path)?.ToJsonString() ?? "";
        }

        if (target["InputTransformer"] is JsonObject transformer)
        {
            var values = new Dictionary<string, JsonNode?>(StringComparer.Ordinal);
            if (transformer["InputPathsMap"] is JsonObject map)
            {
                foreach (var (name, p) in map)
                {
                    values[name] = Select(@event, p!.GetValue<string>());
                }
            }

            var template = transformer["InputTemplate"]?.GetValue<string>() ?? "";

            // In a JSON template a placeholder outside quotes takes the value as JSON (a string gets its quotes);
            // inside quotes, or in a plain-text template, the text is inserted escaped (AWS's InputTransformer rules).
            var jsonTemplate = template.TrimStart().StartsWith('{') || template.TrimStart().StartsWith('[');
            return Placeholder().Replace(template, m =>
            {
                var name = m.Groups[1].Value;
                var bare = jsonTemplate && !InsideString(template, m.Index);
                string? text = name switch
                {
                    "aws.events.rule-arn" => ruleArn,
                    "aws.events.rule-name" => ruleName,
                    "aws.events.event.ingestion-time" => ingestion.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture),
                    _ => null,
                };
                if (text is not null)
                {
                    return bare ? "\"" + Escape(text) + "\"" : Escape(text);
                }

                if (name is "aws.events.event" or "aws.events.event.json")
                {
                    return @event.ToJsonString();
                }

                if (!values.TryGetValue(name, out var value))
                {
                    return m.Value;
                }

                return value switch
                {
                    null => bare ? "null" : "",
                    JsonValue v when v.GetValueKind() == JsonValueKind.String =>
                        bare ? "\"" + Escape(v.GetValue<string>()) + "\"" : Escape(v.GetValue<string>()),
                    _ => value.ToJsonString(),
                };
            });
        }

        return @event.ToJsonString();
    }

    /// <summary>Selects a value by a simple JSON path (<c>$.a.b</c>, <c>$.a[0]</c>, <c>$['a-b']</c>); null when absent.</summary>
    public static JsonNode? Select(JsonNode root, string path)
    {
        var node = root;
        var i = 1;
        while (i < path.Length && node is not null)
        {
            if (path[i] == '.')
            {
                var end = i + 1;
                while (end < path.Length && path[end] is not '.' and not '[')
                {
                    end++;
                }

                node = node is JsonObject o ? o[path[(i + 1)..end]] : null;
                i = end;
            }
            else if (path[i] == '[')
            {
                var end = path.IndexOf(']', i);
                var inner = path[(i + 1)..end];
                node = inner.StartsWith('\'')
                    ? (node as JsonObject)?[inner.Trim('\'')]
                    : node is JsonArray a && int.TryParse(inner, out var n) && n < a.Count ? a[n] : null;
                i = end + 1;
            }
            else
            {
                return null;
            }
        }

        return node;
    }

    /// <summary>Whether position <paramref name="at"/> of a JSON template lies inside a string literal.</summary>
    private static bool InsideString(string template, int at)
    {
        var inside = false;
        for (var i = 0; i < at; i++)
        {
            if (template[i] == '\\')
            {
                i++;
            }
            else if (template[i] == '"')
            {
                inside = !inside;
            }
        }

        return inside;
    }

    private static string Escape(string s)
    {
        var json = JsonSerializer.Serialize(s, EventsJsonContext.Default.String);
        return json[1..^1];
    }

}
