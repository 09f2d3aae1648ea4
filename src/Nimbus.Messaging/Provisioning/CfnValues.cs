using System.Text.Json;
using System.Text.Json.Nodes;

namespace Nimbus.Messaging.Provisioning;

/// <summary>Conversions between CloudFormation property values and the messaging APIs' string attributes.</summary>
internal static class CfnValues
{
    /// <summary>An attribute value: strings as they are, booleans lower case, objects (policies, patterns) as JSON text.</summary>
    public static string Text(JsonNode node) => node switch
    {
        JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
        JsonValue v when v.GetValueKind() is JsonValueKind.True or JsonValueKind.False => v.GetValueKind() == JsonValueKind.True ? "true" : "false",
        JsonValue v => v.ToJsonString(),
        _ => node.ToJsonString(),
    };

    public static bool IsTrue(JsonNode? node) => node is not null && Text(node) == "true";

    public static JsonObject? Tags(JsonNode? tags) => tags is JsonArray list
        ? new JsonObject(list.OfType<JsonObject>().Select(t => KeyValuePair.Create(t["Key"]!.ToString(), (JsonNode?)(t["Value"]?.ToString() ?? ""))))
        : null;
}
