namespace Nimbus.Jsonata.Evaluation;

/// <summary>A variable scope; frames chain to their enclosing scope. Small frames use inline arrays (no dictionary).</summary>
internal sealed class Frame
{
    private const int InlineCapacity = 6;

    private readonly Frame? _parent;
    private string[]? _names;
    private object?[]? _values;
    private int _count;
    private Dictionary<string, object?>? _bindings;

    public Frame(Frame? parent)
    {
        _parent = parent;
    }

    public void Bind(string name, object? value)
    {
        if (_bindings is not null)
        {
            _bindings[name] = value;
            return;
        }

        _names ??= new string[InlineCapacity];
        _values ??= new object?[InlineCapacity];
        for (var i = 0; i < _count; i++)
        {
            if (string.Equals(_names[i], name, StringComparison.Ordinal))
            {
                _values[i] = value;
                return;
            }
        }

        if (_count < InlineCapacity)
        {
            _names[_count] = name;
            _values[_count] = value;
            _count++;
            return;
        }

        _bindings = new Dictionary<string, object?>(StringComparer.Ordinal);
        for (var i = 0; i < _count; i++)
        {
            _bindings[_names[i]] = _values[i];
        }

        _bindings[name] = value;
        _names = null;
        _values = null;
        _count = 0;
    }

    public object? Lookup(string name)
    {
        for (var f = this; f is not null; f = f._parent)
        {
            if (f._bindings is not null)
            {
                if (f._bindings.TryGetValue(name, out var value))
                {
                    return value;
                }

                continue;
            }

            var names = f._names;
            for (var i = 0; i < f._count; i++)
            {
                if (string.Equals(names![i], name, StringComparison.Ordinal))
                {
                    return f._values![i];
                }
            }
        }

        return null;
    }
}
