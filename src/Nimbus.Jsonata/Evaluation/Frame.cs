namespace Nimbus.Jsonata.Evaluation;

/// <summary>A variable scope; frames chain to their enclosing scope.</summary>
internal sealed class Frame
{
    private readonly Frame? _parent;
    private Dictionary<string, object?>? _bindings;

    public Frame(Frame? parent)
    {
        _parent = parent;
    }

    public void Bind(string name, object? value)
    {
        _bindings ??= new Dictionary<string, object?>(StringComparer.Ordinal);
        _bindings[name] = value;
    }

    public object? Lookup(string name)
    {
        for (var f = this; f is not null; f = f._parent)
        {
            if (f._bindings is not null && f._bindings.TryGetValue(name, out var value))
            {
                return value;
            }
        }

        return null;
    }
}
