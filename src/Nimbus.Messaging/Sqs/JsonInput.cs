using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Nimbus.Core.Errors;

namespace Nimbus.Messaging.Sqs;

/// <summary>Typed reads of request members (JSON protocol shapes; the query front end produces the same shapes).</summary>
internal static class JsonInput
{
    public static string? String(JsonObject o, string member) => o[member] switch
    {
        null => null,
        JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
        _ => throw Serialization(member),
    };

    public static string Required(JsonObject o, string member) =>
        String(o, member) is { Length: > 0 } s ? s : throw SqsErrors.MissingParameter(member);

    public static long? Long(JsonObject o, string member) => o[member] switch
    {
        null => null,
        JsonValue v when v.GetValueKind() == JsonValueKind.Number && v.TryGetValue<long>(out var n) => n,
        JsonValue v when v.GetValueKind() == JsonValueKind.Number && v.TryGetValue<int>(out var n) => n,
        JsonValue v when v.GetValueKind() == JsonValueKind.String && long.TryParse(v.GetValue<string>(), CultureInfo.InvariantCulture, out var n) => n,
        _ => throw Serialization(member),
    };

    public static IReadOnlyList<string> Strings(JsonObject o, string member) => o[member] switch
    {
        null => [],
        JsonArray a => a.Select(n => n is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : throw Serialization(member)).ToList(),
        _ => throw Serialization(member),
    };

    public static Dictionary<string, string> StringMap(JsonObject o, string member) => o[member] switch
    {
        null => new Dictionary<string, string>(StringComparer.Ordinal),
        JsonObject m => m.ToDictionary(
            p => p.Key,
            p => p.Value is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : throw Serialization(member),
            StringComparer.Ordinal),
        _ => throw Serialization(member),
    };

    public static JsonArray? Array(JsonObject o, string member) => o[member] switch
    {
        null => null,
        JsonArray a => a,
        _ => throw Serialization(member),
    };

    private static AwsServiceException Serialization(string member) =>
        CommonErrors.SerializationException($"Unexpected value for member '{member}'.").ToException();
}
