using System.Text.Json.Nodes;
using Nimbus.StepFunctions.Json;

namespace Nimbus.StepFunctions.Conformance;

/// <summary>
/// Compares a recorded history with ours, following the corpus normalisation notes: event types and order, ids/previousEventId,
/// details (inputs/outputs, error/cause, names) with JSON strings parsed on both sides; timestamps and ARNs ignored.
/// Recorded events whose ids were normalised to a list (concurrent branches) are compared as a multiset within their block.
/// </summary>
internal static class HistoryComparer
{
    public static string? FirstDifference(JsonArray expected, List<JsonObject> actual)
    {
        var expectedIds = expected.Select(e => e?["id"]).Where(JsonText.IsNumber).Select(n => (long)JsonText.ToDouble(n!)).ToHashSet();
        var actualFiltered = actual;
        var i = 0;
        var j = 0;
        while (i < expected.Count && j < actualFiltered.Count)
        {
            var e = expected[i]!.AsObject();
            if (e["id"] is JsonArray)
            {
                var block = new List<JsonObject>();
                while (i < expected.Count && expected[i]!["id"] is JsonArray)
                {
                    block.Add(expected[i]!.AsObject());
                    i++;
                }

                var mine = actualFiltered.Skip(j).Take(block.Count).ToList();
                j += block.Count;
                foreach (var b in block)
                {
                    var match = mine.FindIndex(m => DescribeDifference(b, m, ignoreIds: true) is null);
                    if (match < 0)
                    {
                        return $"no match in concurrent block for expected {b["type"]} {Brief(b)}";
                    }

                    mine.RemoveAt(match);
                }

                continue;
            }

            // Recordings sometimes drop an event but keep the numbering (e.g. ParallelStateSucceeded): skip ours at such an id.
            var actualId = (long)JsonText.ToDouble(actualFiltered[j]["id"]!);
            if (!expectedIds.Contains(actualId) && JsonText.ToDouble(e["id"]!) > actualId && actualFiltered.Count - j > expected.Count - i)
            {
                j++;
                continue;
            }

            var diff = DescribeDifference(e, actualFiltered[j], ignoreIds: false);
            if (diff is not null)
            {
                return $"event #{i + 1} ({e["type"]}): {diff}";
            }

            i++;
            j++;
        }

        if (i < expected.Count)
        {
            return $"missing events from #{i + 1}: expected {expected[i]!["type"]} {Brief(expected[i]!.AsObject())}";
        }

        if (j < actualFiltered.Count)
        {
            return $"extra events from #{j + 1}: got {actualFiltered[j]["type"]} {Brief(actualFiltered[j])}";
        }

        return null;
    }

    private static string Brief(JsonObject e) => Trim(JsonText.Serialize(Details(e)));

    private static string Trim(string s) => s.Length > 300 ? s[..300] + "…" : s;

    private static JsonNode? Details(JsonObject e) => e.Where(p => p.Key.EndsWith("EventDetails", StringComparison.Ordinal)).Select(p => p.Value).FirstOrDefault();

    private static string? DescribeDifference(JsonObject expected, JsonObject actual, bool ignoreIds)
    {
        if (expected["type"]?.GetValue<string>() != actual["type"]?.GetValue<string>())
        {
            return $"type differs: expected {expected["type"]}, got {actual["type"]} {Brief(actual)}";
        }

        if (!ignoreIds)
        {
            foreach (var key in new[] { "id", "previousEventId" })
            {
                if (!JsonText.DeepEquals(expected[key], actual[key]))
                {
                    return $"{key} differs: expected {expected[key]}, got {actual[key]}";
                }
            }
        }

        var expectedDetails = Normalize(Details(expected));
        var actualDetails = Normalize(Details(actual));
        if (!JsonText.DeepEquals(expectedDetails, actualDetails))
        {
            return $"details differ:\n    expected {Trim(JsonText.Serialize(expectedDetails))}\n    actual   {Trim(JsonText.Serialize(actualDetails))}";
        }

        return null;
    }

    /// <summary>Parses JSON held in strings (recursively), drops ARNs.</summary>
    private static JsonNode? Normalize(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject o:
                var r = new JsonObject();
                foreach (var (k, v) in o.OrderBy(p => p.Key, StringComparer.Ordinal))
                {
                    if (k is "mapRunArn" or "roleArn" or "stateMachineVersionArn" or "stateMachineAliasArn")
                    {
                        continue;
                    }

                    r[k] = Normalize(v);
                }

                return r;
            case JsonArray a:
                var arr = new JsonArray();
                foreach (var v in a)
                {
                    arr.Add(Normalize(v));
                }

                return arr;
            default:
                if (JsonText.IsString(node))
                {
                    var s = node!.GetValue<string>();
                    if (s.Length > 0 && JsonText.TryParse(s, out var parsed))
                    {
                        return Normalize(parsed);
                    }
                }

                return node?.DeepClone();
        }
    }
}
