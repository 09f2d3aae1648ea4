using System.Collections.Concurrent;
using System.Text;

namespace Nimbus.Gateway.Mapping.Vtl;

/// <summary>Evaluates a parsed template against a set of variables.</summary>
/// <remarks>
/// Semantics follow Velocity 1.7 as API Gateway runs it: a null or undefined reference renders as nothing; <c>#set</c>
/// with a null value leaves the variable unchanged; <c>#if</c> is false only for null and <c>false</c>; <c>==</c>
/// compares numbers by value and otherwise values of different types by their string forms; <c>#foreach</c> offers
/// <c>$foreach.index/count/hasNext/first/last</c> and <c>$velocityCount</c> (1-based) and stops with an error after
/// 1,000 iterations (API Gateway's limit). Values are Java-like: <see cref="VtlMap"/>, <see cref="List{T}"/>,
/// string, long, double, bool.
/// </remarks>
internal sealed class VtlRenderer
{
    public const int MaxIterations = 1000;

    private static readonly ConcurrentDictionary<string, IReadOnlyList<VtlNode>> Cache = new(StringComparer.Ordinal);

    private readonly Dictionary<string, object?> _vars;
    private readonly StringBuilder _out = new();

    private VtlRenderer(Dictionary<string, object?> vars) => _vars = vars;

    /// <summary>Parses (cached by source text) and renders a template.</summary>
    public static string Render(string template, IReadOnlyDictionary<string, object?> variables)
    {
        var nodes = Compile(template);
        var renderer = new VtlRenderer(new Dictionary<string, object?>(variables, StringComparer.Ordinal));
        try
        {
            renderer.Nodes(nodes);
        }
        catch (StopSignal)
        {
        }

        return renderer._out.ToString();
    }

    /// <summary>Renders and also returns the variables as the template left them (for <c>$context.responseOverride</c>).</summary>
    public static string Render(string template, Dictionary<string, object?> variables)
    {
        var renderer = new VtlRenderer(variables);
        try
        {
            renderer.Nodes(Compile(template));
        }
        catch (StopSignal)
        {
        }

        return renderer._out.ToString();
    }

    public static IReadOnlyList<VtlNode> Compile(string template)
    {
        if (Cache.TryGetValue(template, out var nodes))
        {
            return nodes;
        }

        nodes = VtlParser.Parse(template);
        if (Cache.Count > 2048)
        {
            Cache.Clear();
        }

        Cache[template] = nodes;
        return nodes;
    }

    private void Nodes(IReadOnlyList<VtlNode> nodes)
    {
        foreach (var node in nodes)
        {
            switch (node)
            {
                case TextNode t:
                    _out.Append(t.Text);
                    break;
                case RefNode r:
                    var value = Evaluate(r.Ref);
                    if (value is not null)
                    {
                        _out.Append(VtlValues.ToText(value));
                    }

                    break;
                case SetNode s:
                    Set(s);
                    break;
                case IfNode i:
                    If(i);
                    break;
                case ForeachNode f:
                    Foreach(f);
                    break;
                case BreakNode:
                    throw new BreakSignal();
                case StopNode:
                    throw new StopSignal();
            }
        }
    }

    private void Set(SetNode s)
    {
        var value = Evaluate(s.Value);
        if (value is null)
        {
            return;
        }

        if (s.Target.Chain.Count == 0)
        {
            _vars[s.Target.Root] = value;
            return;
        }

        var owner = _vars.GetValueOrDefault(s.Target.Root);
        for (var i = 0; i < s.Target.Chain.Count - 1 && owner is not null; i++)
        {
            owner = Access(owner, s.Target.Chain[i]);
        }

        switch (s.Target.Chain[^1], owner)
        {
            case (PropertyAccessor p, VtlMap map):
                map[p.Name] = value;
                break;
            case (IndexAccessor ix, VtlMap map):
                map[VtlValues.ToText(Evaluate(ix.Index))] = value;
                break;
            case (IndexAccessor ix, List<object?> list):
                var index = (int)VtlValues.ToLong(Evaluate(ix.Index));
                if (index >= 0 && index < list.Count)
                {
                    list[index] = value;
                }

                break;
        }
    }

    private void If(IfNode node)
    {
        foreach (var (condition, body) in node.Branches)
        {
            if (VtlValues.IsTrue(Evaluate(condition)))
            {
                Nodes(body);
                return;
            }
        }

        if (node.Else is not null)
        {
            Nodes(node.Else);
        }
    }

    private void Foreach(ForeachNode node)
    {
        var items = VtlValues.Iterate(Evaluate(node.Source));
        if (items is null)
        {
            return;
        }

        var hadVar = _vars.TryGetValue(node.Variable, out var savedVar);
        var savedForeach = _vars.GetValueOrDefault("foreach");
        var savedCount = _vars.GetValueOrDefault("velocityCount");
        var state = new ForeachState(savedForeach as ForeachState);
        _vars["foreach"] = state;
        try
        {
            using var e = items.GetEnumerator();
            var has = e.MoveNext();
            var index = 0;
            while (has)
            {
                if (index >= MaxIterations)
                {
                    throw new VtlException($"#foreach exceeded the limit of {MaxIterations} iterations");
                }

                var current = e.Current;
                has = e.MoveNext();
                state.Index = index;
                state.HasNext = has;
                _vars[node.Variable] = current;
                _vars["velocityCount"] = (long)(index + 1);
                _vars["velocityHasNext"] = has;
                try
                {
                    Nodes(node.Body);
                }
                catch (BreakSignal)
                {
                    break;
                }

                index++;
            }
        }
        finally
        {
            if (hadVar)
            {
                _vars[node.Variable] = savedVar;
            }
            else
            {
                _vars.Remove(node.Variable);
            }

            _vars["foreach"] = savedForeach;
            _vars["velocityCount"] = savedCount;
        }
    }

    private object? Evaluate(VtlExpr expr)
    {
        switch (expr)
        {
            case LiteralExpr l:
                return l.Value;
            case InterpolatedExpr i:
                {
                    var inner = new VtlRenderer(_vars);
                    inner.Nodes(i.Parts);
                    return inner._out.ToString();
                }

            case RefExpr r:
                {
                    if (!_vars.TryGetValue(r.Root, out var value))
                    {
                        return null;
                    }

                    foreach (var accessor in r.Chain)
                    {
                        if (value is null)
                        {
                            return null;
                        }

                        value = Access(value, accessor);
                    }

                    return value;
                }

            case ListExpr l:
                return l.Items.Select(Evaluate).ToList();
            case RangeExpr r:
                {
                    var from = VtlValues.ToLong(Evaluate(r.From));
                    var to = VtlValues.ToLong(Evaluate(r.To));
                    var list = new List<object?>();
                    var step = from <= to ? 1 : -1;
                    for (var v = from; list.Count <= MaxIterations; v += step)
                    {
                        list.Add(v);
                        if (v == to)
                        {
                            break;
                        }
                    }

                    return list;
                }

            case MapExpr m:
                {
                    var map = new VtlMap();
                    foreach (var (k, v) in m.Entries)
                    {
                        map[VtlValues.ToText(Evaluate(k))] = Evaluate(v);
                    }

                    return map;
                }

            case UnaryExpr u:
                {
                    var v = Evaluate(u.Operand);
                    return u.Op == "!" ? !VtlValues.IsTrue(v) : VtlValues.Negate(v);
                }

            case BinaryExpr b:
                switch (b.Op)
                {
                    case "&&":
                        return VtlValues.IsTrue(Evaluate(b.Left)) && VtlValues.IsTrue(Evaluate(b.Right));
                    case "||":
                        return VtlValues.IsTrue(Evaluate(b.Left)) || VtlValues.IsTrue(Evaluate(b.Right));
                    default:
                        return VtlValues.Binary(b.Op, Evaluate(b.Left), Evaluate(b.Right));
                }

            default:
                throw new VtlException("Unsupported expression");
        }
    }

    private object? Access(object target, Accessor accessor) => accessor switch
    {
        PropertyAccessor p => VtlValues.Property(target, p.Name),
        MethodAccessor m => VtlValues.Invoke(target, m.Name, [.. m.Arguments.Select(Evaluate)]),
        IndexAccessor i => VtlValues.Index(target, Evaluate(i.Index)),
        _ => null,
    };

    private sealed class BreakSignal : Exception;

    private sealed class StopSignal : Exception;
}

/// <summary><c>$foreach</c>: the state of the innermost loop.</summary>
internal sealed class ForeachState(ForeachState? parent) : IVtlObject
{
    public int Index { get; set; }

    public bool HasNext { get; set; }

    public object? Property(string name) => name switch
    {
        "index" => (long)Index,
        "count" => (long)(Index + 1),
        "hasNext" => HasNext,
        "first" => Index == 0,
        "last" => !HasNext,
        "parent" => parent,
        _ => null,
    };

    public object? Invoke(string name, object?[] args) => name switch
    {
        "hasNext" => HasNext,
        "getIndex" => (long)Index,
        "getCount" => (long)(Index + 1),
        "getHasNext" or "isHasNext" => HasNext,
        "isFirst" or "getFirst" => Index == 0,
        "isLast" or "getLast" => !HasNext,
        _ => null,
    };
}
