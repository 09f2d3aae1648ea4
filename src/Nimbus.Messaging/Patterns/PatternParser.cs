using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Nimbus.Messaging.Patterns;

/// <summary>Compiles pattern JSON into an <see cref="EventPattern"/>, rejecting what AWS rejects with AWS's reason text.</summary>
internal static class PatternParser
{
    private static readonly HashSet<string> NumericOps = ["=", "<", "<=", ">", ">="];

    public static EventPattern Parse(string json, PatternDialect dialect)
    {
        JsonNode? root;
        try
        {
            root = JsonNode.Parse(json);
        }
        catch (JsonException e)
        {
            throw new PatternException(e.Message);
        }

        if (root is not JsonObject obj)
        {
            throw new PatternException("Filter is not an object");
        }

        return ParseObject(obj, dialect, 0);
    }

    private static EventPattern ParseObject(JsonObject obj, PatternDialect dialect, int depth)
    {
        if (obj.Count == 0)
        {
            throw new PatternException("Empty objects are not allowed");
        }

        var fields = new List<PatternField>();
        var ors = new List<IReadOnlyList<EventPattern>>();
        foreach (var (key, value) in obj)
        {
            if (key == "$or")
            {
                if (value is not JsonArray branches || branches.Any(b => b is not JsonObject))
                {
                    throw new PatternException("Or relationship must be an array of objects");
                }

                if (branches.Count < 2)
                {
                    throw new PatternException("Or relationship should have at least 2 objects");
                }

                ors.Add(branches.Select(b => ParseObject((JsonObject)b!, dialect, depth)).ToList());
                continue;
            }

            switch (value)
            {
                case JsonObject nested:
                    if (dialect == PatternDialect.SnsMessageAttributes)
                    {
                        throw new PatternException("Filter policy scope MessageAttributes does not support nested filter policy");
                    }

                    fields.Add(new PatternField(key, ParseObject(nested, dialect, depth + 1), null));
                    break;
                case JsonArray array:
                    fields.Add(new PatternField(key, null, array.Select(item => ParseCondition(key, item, dialect)).ToList()));
                    break;
                default:
                    throw new PatternException($"\"{key}\" must be an object or an array");
            }
        }

        return new EventPattern(fields, ors);
    }

    private static Matcher ParseCondition(string key, JsonNode? item, PatternDialect dialect)
    {
        switch (item)
        {
            case null:
                return new ExactMatcher(null);
            case JsonValue v when v.GetValueKind() is JsonValueKind.String or JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False:
                return new ExactMatcher(v.DeepClone());
            case JsonObject o:
                return ParseMatchObject(key, o, dialect);
            default:
                throw new PatternException("Match value must be String, number, true, false, or null");
        }
    }

    private static Matcher ParseMatchObject(string key, JsonObject o, PatternDialect dialect)
    {
        if (o.Count != 1)
        {
            throw new PatternException(o.Count == 0 ? "Empty objects are not allowed" : $"Only one match type is allowed in a match object for \"{key}\"");
        }

        var (type, arg) = o.First();
        return type switch
        {
            "prefix" => new PrefixMatcher(StringOrIgnoreCase(type, arg, out var ic), ic),
            "suffix" => new SuffixMatcher(StringOrIgnoreCase(type, arg, out var ic2), ic2),
            "equals-ignore-case" => new EqualsIgnoreCaseMatcher(RequireString(type, arg)),
            "wildcard" when dialect == PatternDialect.EventBridge => new WildcardMatcher(Wildcard(arg)),
            "exists" => arg is JsonValue b && b.GetValueKind() is JsonValueKind.True or JsonValueKind.False
                ? new ExistsMatcher(b.GetValue<bool>())
                : throw new PatternException("exists match pattern must be either true or false."),
            "numeric" => Numeric(arg),
            "cidr" => Cidr(arg),
            "anything-but" => AnythingBut(arg, dialect),
            _ => throw new PatternException($"Unrecognized match type {type}"),
        };
    }

    private static string RequireString(string type, JsonNode? arg) =>
        arg is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : throw new PatternException($"{type} match pattern must be a string");

    private static string StringOrIgnoreCase(string type, JsonNode? arg, out bool ignoreCase)
    {
        ignoreCase = false;
        if (arg is JsonObject inner)
        {
            if (inner.Count != 1 || !inner.ContainsKey("equals-ignore-case"))
            {
                throw new PatternException($"Unsupported {type} pattern: only equals-ignore-case is allowed inside {type}");
            }

            ignoreCase = true;
            return RequireString("equals-ignore-case", inner["equals-ignore-case"]);
        }

        return RequireString(type, arg);
    }

    private static string Wildcard(JsonNode? arg)
    {
        var text = RequireString("wildcard", arg);
        for (var i = 0; i + 1 < text.Length; i++)
        {
            if (text[i] == '\\')
            {
                if (text[i + 1] is not '*' and not '\\')
                {
                    throw new PatternException($"Invalid escape character at pos {i + 1}");
                }

                i++;
            }
            else if (text[i] == '*' && text[i + 1] == '*')
            {
                throw new PatternException($"Consecutive wildcard characters at pos {i + 1}");
            }
        }

        return text;
    }

    private static NumericMatcher Numeric(JsonNode? arg)
    {
        if (arg is not JsonArray items || items.Count == 0)
        {
            throw new PatternException("Value of numeric must be an array.");
        }

        var bounds = new List<(string, double)>();
        for (var i = 0; i < items.Count; i += 2)
        {
            var op = items[i] is JsonValue ov && ov.GetValueKind() == JsonValueKind.String ? ov.GetValue<string>() : null;
            if (op is null || !NumericOps.Contains(op))
            {
                throw new PatternException($"Unrecognized numeric range operator: {items[i]?.ToJsonString()}");
            }

            if (i + 1 >= items.Count || Matcher.AsNumber(items[i + 1]) is not { } n)
            {
                throw new PatternException($"Value of {op} must be numeric");
            }

            bounds.Add((op, n));
        }

        if (bounds.Any(b => b.Item1 == "=") && bounds.Count > 1)
        {
            throw new PatternException("Numeric equality must be the only operator in its range");
        }

        var lower = bounds.Where(b => b.Item1.StartsWith('>')).ToList();
        var upper = bounds.Where(b => b.Item1.StartsWith('<')).ToList();
        if (lower.Count > 1 || upper.Count > 1)
        {
            throw new PatternException("Too many terms in numeric range expression");
        }

        if (lower.Count == 1 && upper.Count == 1 && lower[0].Item2 >= upper[0].Item2)
        {
            throw new PatternException("Bottom must be less than top");
        }

        return new NumericMatcher(bounds);
    }

    private static CidrMatcher Cidr(JsonNode? arg)
    {
        var text = RequireString("cidr", arg);
        if (text.Count(c => c == '/') != 1)
        {
            throw new PatternException($"Malformed CIDR, one '/' required");
        }

        if (!IPNetwork.TryParse(text, out var network))
        {
            var prefix = text.Split('/')[0];
            throw new PatternException(IPAddress.TryParse(prefix, out _)
                ? $"Nonstandard IP address: {text}"
                : $"Invalid CIDR: {text}");
        }

        return new CidrMatcher(network);
    }

    private static AnythingButMatcher AnythingBut(JsonNode? arg, PatternDialect dialect)
    {
        switch (arg)
        {
            case JsonValue v when v.GetValueKind() is JsonValueKind.String or JsonValueKind.Number:
                return new AnythingButMatcher([new ExactMatcher(v.DeepClone())]);
            case JsonArray list:
                if (list.Count == 0)
                {
                    throw new PatternException("Inside anything but list, empty array is not supported.");
                }

                var kinds = list.Select(i => i?.GetValueKind() ?? JsonValueKind.Null).Distinct().ToList();
                if (kinds.Any(k => k is not JsonValueKind.String and not JsonValueKind.Number) || kinds.Count > 1)
                {
                    throw new PatternException("Inside anything but list, start|null|boolean is not supported.");
                }

                return new AnythingButMatcher(list.Select(i => (Matcher)new ExactMatcher(i!.DeepClone())).ToList());
            case JsonObject o when o.Count == 1:
                var (type, inner) = o.First();
                var values = inner is JsonArray arr ? arr.ToList() : [inner];
                if (values.Count == 0 || values.Any(x => x is not JsonValue s || s.GetValueKind() != JsonValueKind.String))
                {
                    throw new PatternException($"Value of {type} must be a string or an array of strings");
                }

                var texts = values.Select(x => x!.GetValue<string>()).ToList();
                return type switch
                {
                    "prefix" => new AnythingButMatcher(texts.Select(t => (Matcher)new PrefixMatcher(t, false)).ToList()),
                    "suffix" => new AnythingButMatcher(texts.Select(t => (Matcher)new SuffixMatcher(t, false)).ToList()),
                    "equals-ignore-case" => new AnythingButMatcher(texts.Select(t => (Matcher)new EqualsIgnoreCaseMatcher(t)).ToList()),
                    "wildcard" when dialect == PatternDialect.EventBridge =>
                        new AnythingButMatcher(texts.Select(t => (Matcher)new WildcardMatcher(Wildcard(JsonValue.Create(t)))).ToList()),
                    _ => throw new PatternException($"Unsupported anything-but pattern: {type}"),
                };
            default:
                throw new PatternException("Value of anything-but must be an array or single string/number value.");
        }
    }

    /// <summary>The number of leaf keys a pattern uses (SNS counts these against its five-key limit).</summary>
    public static int KeyCount(EventPattern pattern) =>
        pattern.Fields.Sum(f => f.Nested is null ? 1 : KeyCount(f.Nested)) + pattern.Ors.Sum(o => o.Max(KeyCount));

    /// <summary>SNS's "combinations": the product of each leaf's value count, summed over <c>$or</c> branches.</summary>
    public static long Combinations(EventPattern pattern)
    {
        long product = 1;
        foreach (var f in pattern.Fields)
        {
            product *= f.Nested is null ? Math.Max(1, f.Leaf!.Count) : Combinations(f.Nested);
            product = Math.Min(product, 1_000_000);
        }

        foreach (var branches in pattern.Ors)
        {
            product *= branches.Sum(Combinations);
            product = Math.Min(product, 1_000_000);
        }

        return product;
    }
}
