using System.Text.Json.Nodes;

namespace Nimbus.Gateway.Tests;

/// <summary>One entry of <c>Recorded/cases.json</c>: a request or Lambda result and what real API Gateway made of it.</summary>
public sealed record RecordedCase(string Name, string Kind, string ApiType, JsonObject Entry, JsonObject Snapshot)
{
    public static readonly string Root = Path.Combine(AppContext.BaseDirectory, "Recorded");

    public static IReadOnlyList<RecordedCase> All()
    {
        var index = JsonNode.Parse(File.ReadAllText(Path.Combine(Root, "cases.json")))!["cases"]!.AsArray();
        return [.. index.Select(n =>
        {
            var e = n!.AsObject();
            var name = Path.GetFileName(e["file"]!.GetValue<string>());
            var snapshot = JsonNode.Parse(File.ReadAllText(Path.Combine(Root, "Snapshots", name)))!.AsObject();
            return new RecordedCase(name, e["kind"]!.GetValue<string>(), e["apiType"]!.GetValue<string>(), e, snapshot);
        })];
    }

    public static IEnumerable<object[]> Of(string kind) => All().Where(c => c.Kind == kind).Select(c => new object[] { c.Name });

    public static RecordedCase Named(string name) => All().Single(c => c.Name == name);

    public override string ToString() => Name;
}
