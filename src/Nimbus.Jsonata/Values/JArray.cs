namespace Nimbus.Jsonata.Values;

/// <summary>An array or a sequence. Sequences are produced by path navigation and are flattened/unwrapped.</summary>
internal sealed class JArray : List<object?>
{
    public JArray()
    {
    }

    public JArray(int capacity)
        : base(capacity)
    {
    }

    public JArray(IEnumerable<object?> items)
        : base(items)
    {
    }

    public bool Sequence { get; set; }

    public bool KeepSingleton { get; set; }

    public bool Cons { get; set; }

    public bool OuterWrapper { get; set; }

    public bool TupleStream { get; set; }

    public static JArray CreateSequence() => new() { Sequence = true };

    public static JArray CreateSequence(object? item)
    {
        var s = new JArray { Sequence = true };
        s.Add(item);
        return s;
    }
}
