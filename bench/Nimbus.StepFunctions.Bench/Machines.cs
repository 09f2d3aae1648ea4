using System.Text.Json.Nodes;

namespace Nimbus.StepFunctions.Bench;

/// <summary>The benchmark machines, shared with the peer's script (bench/sfn-peer/peer.mjs builds the same ones).</summary>
internal static class Machines
{
    /// <summary>A chain of <paramref name="n"/> Pass states.</summary>
    public static string PassChain(int n)
    {
        var states = new JsonObject();
        for (var i = 0; i < n; i++)
        {
            var state = new JsonObject { ["Type"] = "Pass" };
            if (i == n - 1)
            {
                state["End"] = true;
            }
            else
            {
                state["Next"] = $"P{i + 1}";
            }

            states[$"P{i}"] = state;
        }

        return new JsonObject { ["StartAt"] = "P0", ["States"] = states }.ToJsonString();
    }

    /// <summary>An inline Map over <c>$.items</c> whose iterations are one Pass state.</summary>
    public const string Map = """
        {"StartAt":"M","States":{"M":{"Type":"Map","ItemsPath":"$.items","ItemProcessor":{"ProcessorConfig":{"Mode":"INLINE"},
        "StartAt":"P","States":{"P":{"Type":"Pass","End":true}}},"End":true}}}
        """;

    public static string MapInput(int items) =>
        new JsonObject { ["items"] = new JsonArray([.. Enumerable.Range(0, items).Select(i => (JsonNode)JsonValue.Create(i))]) }.ToJsonString();
}
