using System.Text.Json.Nodes;

namespace Nimbus.Gateway.Management;

/// <summary>Copies and reads request members by their JSON names.</summary>
internal static class JsonFields
{
    /// <summary>Copies each present member named in <paramref name="names"/>; JSON null removes it.</summary>
    public static void Copy(JsonObject from, JsonObject to, params string[] names)
    {
        foreach (var name in names)
        {
            if (!from.TryGetPropertyValue(name, out var value))
            {
                continue;
            }

            if (value is null)
            {
                to.Remove(name);
            }
            else
            {
                to[name] = value.DeepClone();
            }
        }
    }

    public static string? String(JsonObject o, string name) => o[name] is JsonValue v ? v.GetValue<string>() : null;

    public static string Required(JsonObject o, string name) =>
        String(o, name) is { Length: > 0 } s ? s : throw GatewayErrors.BadRequest($"{name} is required");

    public static bool? Bool(JsonObject o, string name) => o[name] is JsonValue v ? v.GetValue<bool>() : null;

    public static JsonObject Section(JsonObject doc, string name)
    {
        if (doc[name] is JsonObject o)
        {
            return o;
        }

        var created = new JsonObject();
        doc[name] = created;
        return created;
    }
}
