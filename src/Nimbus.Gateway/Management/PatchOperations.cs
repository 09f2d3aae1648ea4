using System.Globalization;
using System.Text.Json.Nodes;

namespace Nimbus.Gateway.Management;

/// <summary>Applies API Gateway v1 <c>patchOperations</c> (<c>op</c>, <c>path</c>, <c>value</c>) to a stored resource.</summary>
/// <remarks>Paths are JSON-pointer-like with <c>~1</c> for '/' (<c>/requestTemplates/application~1json</c>). Values
/// are strings on the wire; a boolean or number field keeps its type. For list members such as
/// <c>/binaryMediaTypes/image~1png</c> the item is the last path segment, added or removed.</remarks>
internal static class PatchOperations
{
    public static void Apply(JsonObject target, JsonObject body, params string[] allowedRoots)
    {
        foreach (var node in body["patchOperations"] as JsonArray ?? [])
        {
            var op = node?["op"]?.GetValue<string>() ?? throw GatewayErrors.BadRequest("Invalid patch operation: op is required");
            var path = node["path"]?.GetValue<string>() ?? throw GatewayErrors.BadRequest("Invalid patch operation: path is required");
            var value = node["value"]?.GetValue<string>();
            var parts = path.TrimStart('/').Split('/').Select(p => p.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal)).ToArray();
            if (parts.Length == 0 || !allowedRoots.Contains(parts[0], StringComparer.Ordinal))
            {
                throw GatewayErrors.BadRequest($"Invalid patch path {path}");
            }

            if (target[parts[0]] is JsonArray list && parts.Length == 2)
            {
                var item = parts[1];
                switch (op)
                {
                    case "add" when !list.Any(x => x?.GetValue<string>() == item):
                        list.Add(item);
                        break;
                    case "remove":
                        foreach (var x in list.Where(x => x?.GetValue<string>() == item).ToList())
                        {
                            list.Remove(x);
                        }

                        break;
                }

                continue;
            }

            var container = target;
            for (var i = 0; i < parts.Length - 1; i++)
            {
                if (container[parts[i]] is not JsonObject next)
                {
                    if (op == "remove")
                    {
                        container = null;
                        break;
                    }

                    next = [];
                    container[parts[i]] = next;
                }

                container = next;
            }

            if (container is null)
            {
                continue;
            }

            var last = parts[^1];
            switch (op)
            {
                case "replace" or "add":
                    container[last] = Typed(container[last], value);
                    break;
                case "remove":
                    container.Remove(last);
                    break;
                default:
                    throw GatewayErrors.BadRequest($"Invalid patch operation {op}");
            }
        }
    }

    private static JsonNode? Typed(JsonNode? existing, string? value)
    {
        if (value is null)
        {
            return null;
        }

        return existing?.GetValueKind() switch
        {
            System.Text.Json.JsonValueKind.True or System.Text.Json.JsonValueKind.False =>
                bool.TryParse(value, out var b) ? b : throw GatewayErrors.BadRequest($"Invalid boolean value {value}"),
            System.Text.Json.JsonValueKind.Number =>
                long.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? n : throw GatewayErrors.BadRequest($"Invalid number value {value}"),
            _ => value,
        };
    }
}
