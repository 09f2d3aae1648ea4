using System.Text.Json;
using System.Text.Json.Nodes;

namespace Nimbus.Messaging.Patterns;

/// <summary>An SNS subscription filter policy, compiled for one scope (<c>MessageAttributes</c> or <c>MessageBody</c>).</summary>
/// <remarks>
/// SNS's limits ("Amazon SNS message filtering" → "Filter policy constraints"): at most five keys (leaf keys for nested
/// policies), at most 150 combinations of values, 256 KB of JSON. Attribute scope: a <c>String</c> attribute matches as a
/// string, <c>Number</c> as a number, <c>String.Array</c> as a JSON array whose elements are tried one by one; a
/// <c>Binary</c> attribute never matches a condition.
/// </remarks>
internal sealed class FilterPolicy
{
    public const int MaxKeys = 5;
    public const int MaxCombinations = 150;

    private FilterPolicy(EventPattern pattern, bool bodyScope)
    {
        Pattern = pattern;
        BodyScope = bodyScope;
    }

    public EventPattern Pattern { get; }

    public bool BodyScope { get; }

    /// <summary>Compiles a policy; throws <see cref="PatternException"/> with SNS's reason (callers prefix "Invalid parameter: FilterPolicy: ").</summary>
    public static FilterPolicy Parse(string json, bool bodyScope)
    {
        if (json.Length > 256 * 1024)
        {
            throw new PatternException("Filter policy is too large");
        }

        var pattern = PatternParser.Parse(json, bodyScope ? PatternDialect.SnsMessageBody : PatternDialect.SnsMessageAttributes);
        if (PatternParser.KeyCount(pattern) > MaxKeys)
        {
            throw new PatternException("Filter policy can not have more than 5 keys");
        }

        if (PatternParser.Combinations(pattern) > MaxCombinations)
        {
            throw new PatternException("Filter policy is too complex");
        }

        return new FilterPolicy(pattern, bodyScope);
    }

    /// <summary>Whether a message passes: its attributes (name → type, value) or its body, by the policy's scope.</summary>
    public bool Matches(string message, IReadOnlyDictionary<string, (string Type, string Value)> attributes)
    {
        if (BodyScope)
        {
            try
            {
                return JsonNode.Parse(message) is JsonObject body && Pattern.Matches(body);
            }
            catch (JsonException)
            {
                // A body that is not JSON matches no MessageBody policy.
                return false;
            }
        }

        var obj = new JsonObject();
        foreach (var (name, (type, value)) in attributes)
        {
            obj[name] = AttributeNode(type, value);
        }

        return Pattern.Matches(obj);
    }

    private static JsonNode? AttributeNode(string type, string value)
    {
        if (type.StartsWith("Number", StringComparison.Ordinal) && double.TryParse(value, System.Globalization.CultureInfo.InvariantCulture, out var n))
        {
            return JsonValue.Create(n);
        }

        if (type.StartsWith("String.Array", StringComparison.Ordinal))
        {
            try
            {
                if (JsonNode.Parse(value) is JsonArray array)
                {
                    return array;
                }
            }
            catch (JsonException)
            {
                // Not an array: SNS matches it as a plain string.
            }
        }

        if (type.StartsWith("Binary", StringComparison.Ordinal))
        {
            // Present (exists: true matches) but equal to nothing a policy can spell.
            return new JsonObject();
        }

        return JsonValue.Create(value);
    }
}
