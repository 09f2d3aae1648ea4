namespace Nimbus.Jsonata.Values;

/// <summary>A JSON object with insertion-ordered keys.</summary>
internal sealed class JObject : OrderedDictionary<string, object?>
{
    public JObject()
        : base(StringComparer.Ordinal)
    {
    }

    public JObject(int capacity)
        : base(capacity, StringComparer.Ordinal)
    {
    }
}
