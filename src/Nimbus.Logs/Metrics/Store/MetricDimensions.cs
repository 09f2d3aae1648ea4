using System.Text.Json;
using System.Text.Json.Nodes;

namespace Nimbus.Logs.Metrics.Store;

/// <summary>A dimension set in its canonical stored form: a JSON array of <c>{Name, Value}</c> sorted by name.</summary>
/// <remarks>CloudWatch treats each unique combination of dimensions as its own metric, whatever order they were sent in,
/// so the sorted form is the identity the store matches on.</remarks>
internal static class MetricDimensions
{
    public const string None = "[]";

    public static string Canonical(IEnumerable<KeyValuePair<string, string>> dimensions)
    {
        var sorted = dimensions.OrderBy(d => d.Key, StringComparer.Ordinal).ToList();
        if (sorted.Count == 0)
        {
            return None;
        }

        var array = new JsonArray();
        foreach (var (name, value) in sorted)
        {
            array.Add(new JsonObject { ["Name"] = name, ["Value"] = value });
        }

        return array.ToJsonString();
    }

    public static List<KeyValuePair<string, string>> Parse(string canonical)
    {
        using var doc = JsonDocument.Parse(canonical);
        return doc.RootElement.EnumerateArray()
            .Select(e => KeyValuePair.Create(e.GetProperty("Name").GetString()!, e.GetProperty("Value").GetString()!))
            .ToList();
    }

    public static JsonArray ToJson(string canonical) => JsonNode.Parse(canonical)!.AsArray();
}
