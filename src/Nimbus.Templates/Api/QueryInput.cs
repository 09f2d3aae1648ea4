using Nimbus.Templates.Stacks;

namespace Nimbus.Templates.Api;

/// <summary>Reads the query protocol's flattened lists (<c>Parameters.member.1.ParameterKey</c>, <c>Capabilities.member.1</c>).</summary>
internal static class QueryInput
{
    public static string? Get(this IReadOnlyDictionary<string, string> p, string name) => p.TryGetValue(name, out var v) ? v : null;

    public static string Required(this IReadOnlyDictionary<string, string> p, string name, string member) =>
        p.TryGetValue(name, out var v) && v.Length > 0 ? v : throw StackErrors.Validation($"1 validation error detected: Value null at '{member}' failed to satisfy constraint: Member must not be null");

    public static bool Bool(this IReadOnlyDictionary<string, string> p, string name) => p.Get(name) == "true";

    public static List<Dictionary<string, string>> Members(this IReadOnlyDictionary<string, string> p, string prefix)
    {
        var result = new List<Dictionary<string, string>>();
        foreach (var n in Indexes(p, $"{prefix}.member."))
        {
            var start = $"{prefix}.member.{n}.";
            result.Add(p.Where(kv => kv.Key.StartsWith(start, StringComparison.Ordinal)).ToDictionary(kv => kv.Key[start.Length..], kv => kv.Value, StringComparer.Ordinal));
        }

        return result;
    }

    public static List<string> Strings(this IReadOnlyDictionary<string, string> p, string prefix) =>
        Indexes(p, $"{prefix}.member.").Select(n => p.Get($"{prefix}.member.{n}")).OfType<string>().ToList();

    public static List<ParameterInput> Parameters(this IReadOnlyDictionary<string, string> p) =>
        p.Members("Parameters").Where(m => m.ContainsKey("ParameterKey"))
            .Select(m => new ParameterInput(m["ParameterKey"], m.GetValueOrDefault("ParameterValue"), m.GetValueOrDefault("UsePreviousValue") == "true"))
            .ToList();

    public static Dictionary<string, string>? Tags(this IReadOnlyDictionary<string, string> p)
    {
        var tags = p.Members("Tags");
        return tags.Count == 0 ? null : tags.Where(t => t.ContainsKey("Key")).ToDictionary(t => t["Key"], t => t.GetValueOrDefault("Value") ?? "", StringComparer.Ordinal);
    }

    private static IEnumerable<int> Indexes(IReadOnlyDictionary<string, string> p, string start) =>
        p.Keys.Where(k => k.StartsWith(start, StringComparison.Ordinal))
            .Select(k => k[start.Length..].Split('.')[0])
            .Select(s => int.TryParse(s, out var n) ? n : -1)
            .Where(n => n > 0).Distinct().Order();
}
