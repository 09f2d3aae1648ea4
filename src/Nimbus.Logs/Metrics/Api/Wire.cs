using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Nimbus.Logs.Metrics.Api;

/// <summary>Reads CloudWatch request members leniently: numbers also as strings (CloudFormation properties), timestamps as
/// epoch seconds (the JSON protocol's default) or ISO 8601.</summary>
internal static class Wire
{
    public static string? String(JsonObject o, string name) => o[name] switch
    {
        null => null,
        JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
        JsonValue v => v.ToJsonString(),
        var other => other.ToJsonString(),
    };

    public static string RequiredString(JsonObject o, string name) =>
        String(o, name) is { Length: > 0 } s ? s : throw CloudWatchErrors.MissingParameter(name);

    public static double? Double(JsonObject o, string name, string? path = null)
    {
        var node = o[name];
        if (node is null)
        {
            return null;
        }

        if (node is JsonValue v && v.GetValueKind() == JsonValueKind.Number)
        {
            return v.GetValue<double>();
        }

        return double.TryParse(String(o, name), NumberStyles.Float, CultureInfo.InvariantCulture, out var d)
            ? d
            : throw CloudWatchErrors.InvalidParameterValue($"The value {String(o, name)} for parameter {path ?? name} is invalid.");
    }

    public static int? Int(JsonObject o, string name, string? path = null) =>
        Double(o, name, path) is { } d ? (d == Math.Floor(d) && d is >= int.MinValue and <= int.MaxValue ? (int)d : throw CloudWatchErrors.InvalidParameterValue($"The value {d} for parameter {path ?? name} is invalid.")) : null;

    public static bool? Bool(JsonObject o, string name) => o[name] switch
    {
        null => null,
        JsonValue v when v.GetValueKind() is JsonValueKind.True or JsonValueKind.False => v.GetValue<bool>(),
        var other => string.Equals(other.ToString(), "true", StringComparison.OrdinalIgnoreCase),
    };

    public static List<string> Strings(JsonObject o, string name) =>
        o[name] is JsonArray a ? a.Select(n => n is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : n?.ToJsonString() ?? "").ToList() : [];

    /// <summary>A timestamp member: epoch seconds (number) or an ISO 8601 string.</summary>
    public static DateTimeOffset? Time(JsonObject o, string name)
    {
        var node = o[name];
        if (node is null)
        {
            return null;
        }

        if (node is JsonValue v && v.GetValueKind() == JsonValueKind.Number)
        {
            return DateTimeOffset.FromUnixTimeMilliseconds((long)Math.Round(v.GetValue<double>() * 1000));
        }

        var text = node.ToString();
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds))
        {
            return DateTimeOffset.FromUnixTimeMilliseconds((long)Math.Round(seconds * 1000));
        }

        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t)
            ? t
            : throw CloudWatchErrors.InvalidParameterValue($"The value {text} for parameter {name} is invalid.");
    }

    public static DateTimeOffset RequiredTime(JsonObject o, string name) => Time(o, name) ?? throw CloudWatchErrors.MissingParameter(name);

    /// <summary>Epoch seconds with millisecond precision, as the JSON protocol writes timestamps.</summary>
    public static JsonNode Seconds(long unixMs) => JsonValue.Create(unixMs / 1000.0);

    /// <summary><c>Dimensions</c> (a list of <c>{Name, Value}</c>) as pairs, validated as CloudWatch does.</summary>
    public static List<KeyValuePair<string, string>> Dimensions(JsonObject o, string path)
    {
        var list = new List<KeyValuePair<string, string>>();
        if (o["Dimensions"] is not JsonArray dims)
        {
            return list;
        }

        if (dims.Count > 30)
        {
            throw CloudWatchErrors.InvalidParameterValue($"The collection {path}.Dimensions must not have a size greater than 30.");
        }

        for (var i = 0; i < dims.Count; i++)
        {
            var d = dims[i] as JsonObject ?? [];
            var name = String(d, "Name") ?? throw CloudWatchErrors.MissingParameter($"{path}.Dimensions.member.{i + 1}.Name");
            var value = String(d, "Value") ?? throw CloudWatchErrors.MissingParameter($"{path}.Dimensions.member.{i + 1}.Value");
            if (list.Any(x => x.Key == name))
            {
                throw CloudWatchErrors.InvalidParameterValue($"No metric may have duplicate dimension names: {name}");
            }

            list.Add(KeyValuePair.Create(name, value));
        }

        return list;
    }

    public static (int Start, int Size) Page(string? token, int size)
    {
        if (token is null)
        {
            return (0, size);
        }

        return int.TryParse(token, NumberStyles.None, CultureInfo.InvariantCulture, out var start) ? (start, size) : throw CloudWatchErrors.InvalidNextToken();
    }
}
