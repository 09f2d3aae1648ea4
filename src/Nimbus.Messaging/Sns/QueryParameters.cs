namespace Nimbus.Messaging.Sns;

/// <summary>Reads the query protocol's flattened maps and lists (<c>Attributes.entry.1.key</c>, <c>Tags.member.1.Key</c>).</summary>
internal static class QueryParameters
{
    public static string? Get(this IReadOnlyDictionary<string, string> p, string name) => p.TryGetValue(name, out var v) ? v : null;

    public static string Required(this IReadOnlyDictionary<string, string> p, string name) =>
        p.TryGetValue(name, out var v) && v.Length > 0 ? v : throw SnsErrors.InvalidParameter(name);

    /// <summary>A required ARN parameter, rejected as SNS does when it has fewer than six elements.</summary>
    public static string RequiredArn(this IReadOnlyDictionary<string, string> p, string name)
    {
        var value = p.Required(name);
        var elements = value.Split(':').Length;
        return elements >= 6 ? value : throw SnsErrors.InvalidParameter($"{name} Reason: An ARN must have at least 6 elements, not {elements}");
    }

    /// <summary>A map: <c>{prefix}.entry.N.{keyName}</c> / <c>{prefix}.entry.N.{valueName}</c>, N from 1.</summary>
    public static Dictionary<string, string> Map(this IReadOnlyDictionary<string, string> p, string prefix, string keyName = "key", string valueName = "value")
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var n in Indexes(p, $"{prefix}.entry."))
        {
            if (p.TryGetValue($"{prefix}.entry.{n}.{keyName}", out var k))
            {
                result[k] = p.Get($"{prefix}.entry.{n}.{valueName}") ?? "";
            }
        }

        return result;
    }

    /// <summary>A list of structures: the sub-dictionaries under <c>{prefix}.member.N.</c>, in N order.</summary>
    public static List<Dictionary<string, string>> Members(this IReadOnlyDictionary<string, string> p, string prefix)
    {
        var result = new List<Dictionary<string, string>>();
        foreach (var n in Indexes(p, $"{prefix}.member."))
        {
            var start = $"{prefix}.member.{n}.";
            result.Add(p.Where(kv => kv.Key.StartsWith(start, StringComparison.Ordinal))
                .ToDictionary(kv => kv.Key[start.Length..], kv => kv.Value, StringComparer.Ordinal));
        }

        return result;
    }

    /// <summary>A list of strings: <c>{prefix}.member.N</c>.</summary>
    public static List<string> Strings(this IReadOnlyDictionary<string, string> p, string prefix) =>
        Indexes(p, $"{prefix}.member.").Select(n => p.Get($"{prefix}.member.{n}")).OfType<string>().ToList();

    private static IEnumerable<int> Indexes(IReadOnlyDictionary<string, string> p, string start) =>
        p.Keys.Where(k => k.StartsWith(start, StringComparison.Ordinal))
            .Select(k => k[start.Length..].Split('.')[0])
            .Select(s => int.TryParse(s, out var n) ? n : -1)
            .Where(n => n > 0).Distinct().Order();
}
