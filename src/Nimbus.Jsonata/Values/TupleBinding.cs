namespace Nimbus.Jsonata.Values;

/// <summary>One tuple of a tuple stream: the context value under "@" plus focus/index/ancestor bindings.</summary>
internal sealed class TupleBinding : Dictionary<string, object?>
{
    public TupleBinding()
        : base(StringComparer.Ordinal)
    {
    }

    public TupleBinding(TupleBinding other)
        : base(other, StringComparer.Ordinal)
    {
    }
}
