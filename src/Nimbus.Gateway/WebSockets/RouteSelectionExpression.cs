using System.Text;
using System.Text.Json;

namespace Nimbus.Gateway.WebSockets;

/// <summary>A WebSocket API's <c>routeSelectionExpression</c>, evaluated on each incoming message.</summary>
/// <remarks>
/// As API Gateway: <c>$request.body.{path}</c> reads a member of the JSON message (dotted path, e.g.
/// <c>$request.body.message.action</c>); <c>${request.body.a}/${request.body.b}</c> interpolates several into a
/// string; anything else is a static key. A message that is not JSON, or lacks the member, selects nothing (→
/// <c>$default</c>). Non-string members are selected by their JSON text (<c>true</c>, <c>42</c>).
/// </remarks>
internal sealed class RouteSelectionExpression
{
    private const string BodyPrefix = "request.body.";
    private readonly List<Part> _parts;

    private RouteSelectionExpression(string text, List<Part> parts)
    {
        Text = text;
        _parts = parts;
    }

    public string Text { get; }

    /// <summary>True when the expression is one of the forms API Gateway accepts for WebSocket APIs.</summary>
    public static bool IsValid(string expression, out string? error)
    {
        error = null;
        if (string.IsNullOrWhiteSpace(expression))
        {
            error = "RouteSelectionExpression is required for WEBSOCKET APIs";
            return false;
        }

        var parsed = Parse(expression);
        if (expression.Contains('$', StringComparison.Ordinal) && !parsed._parts.Any(p => p.Path is not null))
        {
            error = $"Invalid route selection expression {expression}: use $request.body.{{member}} or ${{request.body.{{member}}}}";
            return false;
        }

        return true;
    }

    public static RouteSelectionExpression Parse(string expression)
    {
        var parts = new List<Part>();
        if (expression.StartsWith("$" + BodyPrefix, StringComparison.Ordinal) && !expression.Contains("${", StringComparison.Ordinal))
        {
            parts.Add(new Part(null, Path(expression[(1 + BodyPrefix.Length)..])));
            return new RouteSelectionExpression(expression, parts);
        }

        var i = 0;
        while (i < expression.Length)
        {
            var open = expression.IndexOf("${", i, StringComparison.Ordinal);
            var close = open < 0 ? -1 : expression.IndexOf('}', open);
            if (open < 0 || close < 0)
            {
                parts.Add(new Part(expression[i..], null));
                break;
            }

            if (open > i)
            {
                parts.Add(new Part(expression[i..open], null));
            }

            var inner = expression[(open + 2)..close];
            parts.Add(inner.StartsWith(BodyPrefix, StringComparison.Ordinal) ? new Part(null, Path(inner[BodyPrefix.Length..])) : new Part(expression[open..(close + 1)], null));
            i = close + 1;
        }

        return new RouteSelectionExpression(expression, parts);
    }

    /// <summary>The route key a message selects, or null when a referenced member is missing or the body is not JSON.</summary>
    public string? Evaluate(string? body)
    {
        if (_parts.All(p => p.Path is null))
        {
            return string.Concat(_parts.Select(p => p.Literal));
        }

        if (string.IsNullOrEmpty(body))
        {
            return null;
        }

        try
        {
            using var doc = JsonDocument.Parse(body);
            var result = new StringBuilder();
            foreach (var part in _parts)
            {
                if (part.Path is null)
                {
                    result.Append(part.Literal);
                    continue;
                }

                var element = doc.RootElement;
                foreach (var name in part.Path)
                {
                    if (element.ValueKind != JsonValueKind.Object || !element.TryGetProperty(name, out element))
                    {
                        return null;
                    }
                }

                switch (element.ValueKind)
                {
                    case JsonValueKind.String:
                        result.Append(element.GetString());
                        break;
                    case JsonValueKind.Object or JsonValueKind.Array or JsonValueKind.Null or JsonValueKind.Undefined:
                        return null;
                    default:
                        result.Append(element.GetRawText());
                        break;
                }
            }

            return result.ToString();
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string[] Path(string dotted) => dotted.Split('.');

    private sealed record Part(string? Literal, string[]? Path);
}
