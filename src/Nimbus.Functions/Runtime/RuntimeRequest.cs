namespace Nimbus.Functions.Runtime;

/// <summary>One HTTP request a runtime made to its Runtime API.</summary>
internal sealed record RuntimeRequest(string Method, string Path, IReadOnlyDictionary<string, string> Headers, byte[] Body)
{
    public string? Header(string name) => Headers.TryGetValue(name.ToLowerInvariant(), out var v) ? v : null;
}
