using System.Text.Json;
using System.Text.Json.Nodes;

namespace Nimbus.Messaging.Patterns;

/// <summary>A compiled event pattern (or SNS filter policy): every field must match, and one branch of each <c>$or</c>.</summary>
/// <remarks>
/// Immutable and thread-safe. AWS semantics (EventBridge "Event patterns", SNS "Filter policy constraints"): a leaf is an
/// array of conditions OR-ed together; a field whose event value is an array matches when any element does; a nested
/// object in the event may also be an array of objects, any of which may match; an absent field matches only
/// <c>{"exists": false}</c>.
/// </remarks>
internal sealed record EventPattern(IReadOnlyList<PatternField> Fields, IReadOnlyList<IReadOnlyList<EventPattern>> Ors)
{
    public bool Matches(JsonNode? node)
    {
        var obj = node as JsonObject;
        foreach (var field in Fields)
        {
            JsonNode? value = null;
            var present = obj is not null && obj.TryGetPropertyValue(field.Key, out value);
            if (!field.Matches(present, value))
            {
                return false;
            }
        }

        foreach (var branches in Ors)
        {
            if (!branches.Any(b => b.Matches(obj)))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Compiles and validates a pattern; throws <see cref="PatternException"/> with AWS's reason.</summary>
    public static EventPattern Parse(string json, PatternDialect dialect = PatternDialect.EventBridge) =>
        PatternParser.Parse(json, dialect);

    /// <summary>Parses an event's JSON for matching (numbers kept exact, duplicate keys rejected).</summary>
    public static JsonNode? ParseEvent(string json) => JsonNode.Parse(json, documentOptions: new JsonDocumentOptions { MaxDepth = 128 });
}

/// <summary>One key of a pattern: a nested pattern or a leaf list of conditions.</summary>
internal sealed record PatternField(string Key, EventPattern? Nested, IReadOnlyList<Matcher>? Leaf)
{
    public bool Matches(bool present, JsonNode? value)
    {
        if (Nested is not null)
        {
            if (!present || value is not JsonObject and not JsonArray)
            {
                return Nested.Matches(null);
            }

            return value is JsonArray items ? items.Any(Nested.Matches) : Nested.Matches(value);
        }

        var leaf = Leaf!;
        if (!present)
        {
            return leaf.Any(m => m.MatchesAbsent);
        }

        if (value is JsonArray array)
        {
            return leaf.Any(m => m is ExistsMatcher e ? e.Exists : array.Any(item => item is not JsonArray and not JsonObject && m.Matches(item)));
        }

        if (value is JsonObject)
        {
            // A leaf condition never matches an object (EventBridge matches leaves only); exists:true does.
            return leaf.Any(m => m is ExistsMatcher { Exists: true });
        }

        return leaf.Any(m => m.Matches(value));
    }
}
