using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Nimbus.Messaging.Scheduler;

/// <summary>Collects the model-constraint violations of one request and reports them all as one ValidationException.</summary>
/// <remarks>AWS's wording: <c>2 validation errors detected: Value null at 'target' failed to satisfy constraint: Member must not be null; …</c>.</remarks>
internal sealed class ConstraintErrors
{
    private readonly List<string> _errors = [];

    public void ThrowIfAny()
    {
        if (_errors.Count > 0)
        {
            throw SchedulerErrors.Validation($"{_errors.Count} validation error{(_errors.Count == 1 ? "" : "s")} detected: {string.Join("; ", _errors)}");
        }
    }

    /// <summary>A string member: required, length and pattern; returns it when present and of the right type.</summary>
    public string? Text(JsonNode? node, string path, bool required, int min = 1, int max = int.MaxValue, Regex? pattern = null, string? patternText = null)
    {
        if (node is null)
        {
            if (required)
            {
                Add($"Value null at '{path}' failed to satisfy constraint: Member must not be null");
            }

            return null;
        }

        if (node is not JsonValue v || v.GetValueKind() != JsonValueKind.String)
        {
            throw SchedulerErrors.Validation($"Value at '{path}' must be a string.");
        }

        var s = v.GetValue<string>();
        if (s.Length < min)
        {
            Add($"Value '{s}' at '{path}' failed to satisfy constraint: Member must have length greater than or equal to {min}");
        }
        else if (s.Length > max)
        {
            Add($"Value '{s}' at '{path}' failed to satisfy constraint: Member must have length less than or equal to {max}");
        }
        else if (pattern is not null && !pattern.IsMatch(s))
        {
            Add($"Value '{s}' at '{path}' failed to satisfy constraint: Member must satisfy regular expression pattern: {patternText}");
        }

        return s;
    }

    public string? Enum(JsonNode? node, string path, bool required, params string[] values)
    {
        var s = Text(node, path, required);
        if (s is not null && !values.Contains(s, StringComparer.Ordinal))
        {
            Add($"Value '{s}' at '{path}' failed to satisfy constraint: Member must satisfy enum value set: [{string.Join(", ", values)}]");
        }

        return s;
    }

    public int? Integer(JsonNode? node, string path, int min, int max)
    {
        if (node is null)
        {
            return null;
        }

        if (node is not JsonValue v || v.GetValueKind() != JsonValueKind.Number || !v.TryGetValue<int>(out var n))
        {
            throw SchedulerErrors.Validation($"Value at '{path}' must be an integer.");
        }

        if (n < min)
        {
            Add($"Value '{n}' at '{path}' failed to satisfy constraint: Member must have value greater than or equal to {min}");
        }
        else if (n > max)
        {
            Add($"Value '{n}' at '{path}' failed to satisfy constraint: Member must have value less than or equal to {max}");
        }

        return n;
    }

    /// <summary>A restJson1 timestamp: epoch seconds (the SDKs' default), or an ISO 8601 string.</summary>
    public static DateTimeOffset? Timestamp(JsonNode? node, string path)
    {
        if (node is null)
        {
            return null;
        }

        if (node is JsonValue v && v.GetValueKind() == JsonValueKind.Number)
        {
            return ScheduleDefinition.FromEpochSeconds(v.GetValue<double>());
        }

        if (node is JsonValue s && s.GetValueKind() == JsonValueKind.String &&
            DateTimeOffset.TryParse(s.GetValue<string>(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed))
        {
            return parsed;
        }

        throw SchedulerErrors.Validation($"Value at '{path}' must be a timestamp.");
    }

    public JsonObject? Object(JsonNode? node, string path, bool required)
    {
        if (node is null)
        {
            if (required)
            {
                Add($"Value null at '{path}' failed to satisfy constraint: Member must not be null");
            }

            return null;
        }

        return node as JsonObject ?? throw SchedulerErrors.Validation($"Value at '{path}' must be an object.");
    }

    public void Add(string error) => _errors.Add(error);
}
