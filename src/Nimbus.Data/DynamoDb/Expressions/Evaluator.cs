using System.Globalization;
using System.Numerics;
using System.Text;
using System.Text.Json.Nodes;
using Nimbus.Core.Errors;

namespace Nimbus.Data.DynamoDb.Expressions;

/// <summary>Evaluates conditions, applies update expressions and projects items, with DynamoDB's semantics.</summary>
internal static class Evaluator
{
    // ---- paths ----

    /// <summary>The attribute value at <paramref name="path"/>, or null when any step is missing or of the wrong type.</summary>
    public static JsonObject? Resolve(JsonObject? item, DocPath path)
    {
        if (item is null)
        {
            return null;
        }

        var current = item[path.Top] as JsonObject;
        for (var i = 1; i < path.Elements.Count && current is not null; i++)
        {
            var e = path.Elements[i];
            if (e.IsIndex)
            {
                current = current["L"] is JsonArray list && e.Index < list.Count ? list[e.Index] as JsonObject : null;
            }
            else
            {
                current = current["M"] is JsonObject map ? map[e.Name!] as JsonObject : null;
            }
        }

        return current;
    }

    // ---- conditions ----
    public static bool Matches(Condition condition, JsonObject? item) => condition switch
    {
        AndCondition a => Matches(a.Left, item) && Matches(a.Right, item),
        OrCondition o => Matches(o.Left, item) || Matches(o.Right, item),
        NotCondition n => !Matches(n.Inner, item),
        CompareCondition c => Compare(c.Op, Value(c.Left, item), Value(c.Right, item)),
        BetweenCondition b => Value(b.Value, item) is { } v && Value(b.Low, item) is { } lo && Value(b.High, item) is { } hi
            && CompareValues(v, lo) >= 0 && CompareValues(v, hi) <= 0,
        InCondition i => Value(i.Value, item) is { } v && i.Options.Any(o => Value(o, item) is { } ov && Equal(v, ov)),
        FunctionCondition f => Function(f, item),
        _ => false,
    };

    private static bool Function(FunctionCondition f, JsonObject? item)
    {
        var path = ((PathOperand)f.Args[0]).Path;
        var target = Resolve(item, path);
        switch (f.Name)
        {
            case "attribute_exists":
                return target is not null;
            case "attribute_not_exists":
                return target is null;
            case "attribute_type":
                return target is not null && target.First().Key == Value(f.Args[1], item)!["S"]!.GetValue<string>();
            case "begins_with":
            {
                var prefix = Value(f.Args[1], item);
                if (target is null || prefix is null)
                {
                    return false;
                }

                var (tt, tv) = target.First();
                var (pt, pv) = prefix.First();
                return tt == pt && tt switch
                {
                    "S" => tv!.GetValue<string>().StartsWith(pv!.GetValue<string>(), StringComparison.Ordinal),
                    "B" => Convert.FromBase64String(tv!.GetValue<string>()).AsSpan().StartsWith(Convert.FromBase64String(pv!.GetValue<string>())),
                    _ => false,
                };
            }

            case "contains":
            {
                var operand = Value(f.Args[1], item);
                if (target is null || operand is null)
                {
                    return false;
                }

                var (tt, tv) = target.First();
                var (ot, ov) = operand.First();
                return tt switch
                {
                    "S" => ot == "S" && tv!.GetValue<string>().Contains(ov!.GetValue<string>(), StringComparison.Ordinal),
                    "B" => ot == "B" && Convert.FromBase64String(tv!.GetValue<string>()).AsSpan().IndexOf(Convert.FromBase64String(ov!.GetValue<string>())) >= 0,
                    "SS" or "NS" or "BS" => ot == tt[..1] && SetContains(tt, tv!.AsArray(), ov!.GetValue<string>()),
                    "L" => tv!.AsArray().Any(e => Equal(e!.AsObject(), operand)),
                    _ => false,
                };
            }

            default:
                return false;
        }
    }

    private static bool SetContains(string type, JsonArray set, string element) => type == "NS"
        ? set.Any(x => DynamoNumber.Parse(x!.GetValue<string>()) == DynamoNumber.Parse(element))
        : set.Any(x => x!.GetValue<string>() == element);

    /// <summary>The value of a condition operand (size() computed), or null when its path is missing.</summary>
    private static JsonObject? Value(Operand operand, JsonObject? item) => operand switch
    {
        ValueOperand v => v.Value,
        PathOperand p => Resolve(item, p.Path),
        SizeOperand s => Resolve(item, s.Path) is { } target && Size(target) is { } n ? new JsonObject { ["N"] = n.ToString(CultureInfo.InvariantCulture) } : null,
        _ => null,
    };

    /// <summary>size(): string length, binary length, number of set/list/map elements; undefined for other types.</summary>
    public static long? Size(JsonObject value)
    {
        var (type, v) = value.First();
        return type switch
        {
            "S" => v!.GetValue<string>().Length,
            "B" => Convert.FromBase64String(v!.GetValue<string>()).Length,
            "SS" or "NS" or "BS" or "L" => v!.AsArray().Count,
            "M" => v!.AsObject().Count,
            _ => null,
        };
    }

    private static bool Compare(string op, JsonObject? left, JsonObject? right)
    {
        if (op == "<>")
        {
            return left is null || right is null ? left is not null || right is not null : !Equal(left, right);
        }

        if (left is null || right is null)
        {
            return false;
        }

        if (op == "=")
        {
            return Equal(left, right);
        }

        var cmp = CompareValues(left, right);
        return cmp is { } c && op switch
        {
            "<" => c < 0,
            "<=" => c <= 0,
            ">" => c > 0,
            ">=" => c >= 0,
            _ => false,
        };
    }

    /// <summary>Orders two scalar values of the same type (S by UTF-8 bytes, N numerically, B bytewise); null otherwise.</summary>
    public static int? CompareValues(JsonObject a, JsonObject b)
    {
        var (at, av) = a.First();
        var (bt, bv) = b.First();
        if (at != bt)
        {
            return null;
        }

        return at switch
        {
            "S" => Encoding.UTF8.GetBytes(av!.GetValue<string>()).AsSpan().SequenceCompareTo(Encoding.UTF8.GetBytes(bv!.GetValue<string>())),
            "N" => DynamoNumber.Parse(av!.GetValue<string>()).SortBytes().AsSpan().SequenceCompareTo(DynamoNumber.Parse(bv!.GetValue<string>()).SortBytes()),
            "B" => Convert.FromBase64String(av!.GetValue<string>()).AsSpan().SequenceCompareTo(Convert.FromBase64String(bv!.GetValue<string>())),
            _ => null,
        };
    }

    /// <summary>Deep equality of attribute values (sets unordered, numbers numerically).</summary>
    public static bool Equal(JsonObject a, JsonObject b)
    {
        var (at, av) = a.First();
        var (bt, bv) = b.First();
        if (at != bt)
        {
            return false;
        }

        switch (at)
        {
            case "N":
                return DynamoNumber.Parse(av!.GetValue<string>()) == DynamoNumber.Parse(bv!.GetValue<string>());
            case "SS" or "BS":
                return av!.AsArray().Select(x => x!.GetValue<string>()).ToHashSet(StringComparer.Ordinal).SetEquals(bv!.AsArray().Select(x => x!.GetValue<string>()));
            case "NS":
                return av!.AsArray().Select(x => DynamoNumber.Parse(x!.GetValue<string>())).ToHashSet().SetEquals(bv!.AsArray().Select(x => DynamoNumber.Parse(x!.GetValue<string>())));
            case "L":
            {
                var la = av!.AsArray();
                var lb = bv!.AsArray();
                return la.Count == lb.Count && la.Zip(lb).All(p => Equal(p.First!.AsObject(), p.Second!.AsObject()));
            }

            case "M":
            {
                var ma = av!.AsObject();
                var mb = bv!.AsObject();
                return ma.Count == mb.Count && ma.All(p => mb[p.Key] is JsonObject o && Equal(p.Value!.AsObject(), o));
            }

            case "B":
                return Convert.FromBase64String(av!.GetValue<string>()).AsSpan().SequenceEqual(Convert.FromBase64String(bv!.GetValue<string>()));
            default:
                return JsonNode.DeepEquals(av, bv);
        }
    }

    // ---- updates ----
    private static AwsServiceException BadPath() => AttributeValues.Validation("The document path provided in the update expression is invalid for update");

    private static AwsServiceException BadType() => AttributeValues.Validation("An operand in the update expression has an incorrect data type");

    /// <summary>Applies <paramref name="update"/> to a copy of <paramref name="item"/>; every operand is read from the item as it was before.</summary>
    public static JsonObject Apply(UpdateExpression update, JsonObject item)
    {
        var original = item;
        var result = (JsonObject)item.DeepClone();
        var sets = update.Actions.Where(a => a.Kind == UpdateKind.Set).Select(a => (a.Path, Value: SetValue(a.Value!, original))).ToList();
        foreach (var (path, value) in sets)
        {
            Put(result, path, value);
        }

        // Removals of list elements use the original indexes: remove from the highest index down.
        foreach (var action in update.Actions.Where(a => a.Kind == UpdateKind.Remove)
                     .OrderByDescending(a => a.Path.Elements[^1].IsIndex ? a.Path.Elements[^1].Index : -1))
        {
            Remove(result, action.Path);
        }

        foreach (var action in update.Actions.Where(a => a.Kind is UpdateKind.Add or UpdateKind.Delete))
        {
            var operand = ((ValueOperand)action.Value!).Value;
            var current = Resolve(result, action.Path);
            var (ot, ov) = operand.First();
            if (action.Kind == UpdateKind.Add)
            {
                if (current is null)
                {
                    Put(result, action.Path, (JsonObject)operand.DeepClone());
                    continue;
                }

                var (ct, cv) = current.First();
                if (ct != ot)
                {
                    throw BadType();
                }

                Put(result, action.Path, ct == "N"
                    ? new JsonObject { ["N"] = Arithmetic('+', cv!.GetValue<string>(), ov!.GetValue<string>()) }
                    : new JsonObject { [ct] = Union(ct, cv!.AsArray(), ov!.AsArray()) });
            }
            else
            {
                if (current is null)
                {
                    continue;
                }

                var (ct, cv) = current.First();
                if (ct != ot)
                {
                    throw BadType();
                }

                var remaining = cv!.AsArray().Select(x => x!.GetValue<string>())
                    .Where(x => !SetContains(ot, ov!.AsArray(), x)).ToList();
                if (remaining.Count == 0)
                {
                    Remove(result, action.Path);
                }
                else
                {
                    Put(result, action.Path, new JsonObject { [ct] = new JsonArray(remaining.Select(x => (JsonNode)JsonValue.Create(x)!).ToArray()) });
                }
            }
        }

        return result;
    }

    private static JsonArray Union(string type, JsonArray current, JsonArray added)
    {
        var values = current.Select(x => x!.GetValue<string>()).ToList();
        foreach (var a in added.Select(x => x!.GetValue<string>()))
        {
            if (!SetContains(type, current, a))
            {
                values.Add(a);
            }
        }

        return new JsonArray(values.Select(x => (JsonNode)JsonValue.Create(x)!).ToArray());
    }

    private static JsonObject SetValue(Operand operand, JsonObject item)
    {
        switch (operand)
        {
            case ValueOperand v:
                return (JsonObject)v.Value.DeepClone();
            case PathOperand p:
                return (JsonObject?)Resolve(item, p.Path)?.DeepClone()
                    ?? throw AttributeValues.Validation("The provided expression refers to an attribute that does not exist in the item");
            case IfNotExistsOperand i:
                return (JsonObject?)Resolve(item, i.Path)?.DeepClone() ?? SetValue(i.Fallback, item);
            case ListAppendOperand l:
            {
                var first = SetValue(l.First, item);
                var second = SetValue(l.Second, item);
                if (first["L"] is not JsonArray a || second["L"] is not JsonArray b)
                {
                    throw BadType();
                }

                return new JsonObject { ["L"] = new JsonArray(a.Concat(b).Select(x => x!.DeepClone()).ToArray()) };
            }

            case ArithmeticOperand ar:
            {
                var left = SetValue(ar.Left, item);
                var right = SetValue(ar.Right, item);
                if (left["N"] is not JsonValue l || right["N"] is not JsonValue r)
                {
                    throw BadType();
                }

                return new JsonObject { ["N"] = Arithmetic(ar.Op, l.GetValue<string>(), r.GetValue<string>()) };
            }

            default:
                throw BadType();
        }
    }

    /// <summary>Exact decimal addition/subtraction of two DynamoDB numbers (38 significant digits, as AWS).</summary>
    public static string Arithmetic(char op, string a, string b)
    {
        static (BigInteger Mantissa, int Scale) Decompose(DynamoNumber n)
        {
            if (n.IsZero)
            {
                return (BigInteger.Zero, 0);
            }

            var m = BigInteger.Parse(n.Digits, CultureInfo.InvariantCulture);
            return (n.Negative ? -m : m, n.Exponent - n.Digits.Length);
        }

        var (ma, sa) = Decompose(DynamoNumber.Parse(a));
        var (mb, sb) = Decompose(DynamoNumber.Parse(b));
        var scale = Math.Min(sa, sb);
        ma *= BigInteger.Pow(10, sa - scale);
        mb *= BigInteger.Pow(10, sb - scale);
        var sum = op == '+' ? ma + mb : ma - mb;
        var text = BigInteger.Abs(sum).ToString(CultureInfo.InvariantCulture) + "E" + scale.ToString(CultureInfo.InvariantCulture);
        if (sum.Sign < 0)
        {
            text = "-" + text;
        }

        return DynamoNumber.Parse(text).ToString();
    }

    /// <summary>Sets the value at <paramref name="path"/>: its parent must exist; an index past the end appends.</summary>
    private static void Put(JsonObject item, DocPath path, JsonObject value)
    {
        if (path.Elements.Count == 1)
        {
            item[path.Top] = value;
            return;
        }

        var parent = Resolve(item, new DocPath(path.Elements.Take(path.Elements.Count - 1).ToList())) ?? throw BadPath();
        var last = path.Elements[^1];
        if (last.IsIndex)
        {
            if (parent["L"] is not JsonArray list)
            {
                throw BadPath();
            }

            if (last.Index < list.Count)
            {
                list[last.Index] = value;
            }
            else
            {
                list.Add(value);
            }
        }
        else
        {
            if (parent["M"] is not JsonObject map)
            {
                throw BadPath();
            }

            map[last.Name!] = value;
        }
    }

    private static void Remove(JsonObject item, DocPath path)
    {
        if (path.Elements.Count == 1)
        {
            item.Remove(path.Top);
            return;
        }

        var parent = Resolve(item, new DocPath(path.Elements.Take(path.Elements.Count - 1).ToList()));
        if (parent is null)
        {
            return;
        }

        var last = path.Elements[^1];
        if (last.IsIndex)
        {
            if (parent["L"] is not JsonArray list)
            {
                throw BadPath();
            }

            if (last.Index < list.Count)
            {
                list.RemoveAt(last.Index);
            }
        }
        else
        {
            if (parent["M"] is not JsonObject map)
            {
                throw BadPath();
            }

            map.Remove(last.Name!);
        }
    }

    // ---- projections ----

    /// <summary>The parts of <paramref name="item"/> named by <paramref name="paths"/>; list elements keep their order, compacted.</summary>
    public static JsonObject Project(JsonObject item, IEnumerable<DocPath> paths)
    {
        var root = new Node();
        foreach (var path in paths)
        {
            if (Resolve(item, path) is not { } value)
            {
                continue;
            }

            var node = root;
            foreach (var e in path.Elements)
            {
                node = e.IsIndex
                    ? (node.List ??= new SortedDictionary<int, Node>()).TryGetValue(e.Index, out var li) ? li : node.List[e.Index] = new Node()
                    : (node.Map ??= new Dictionary<string, Node>(StringComparer.Ordinal)).TryGetValue(e.Name!, out var mi) ? mi : node.Map[e.Name!] = new Node();
            }

            node.Leaf = value;
        }

        var result = new JsonObject();
        foreach (var (name, child) in root.Map ?? [])
        {
            result[name] = child.Build();
        }

        return result;
    }

    private sealed class Node
    {
        public JsonObject? Leaf { get; set; }

        public Dictionary<string, Node>? Map { get; set; }

        public SortedDictionary<int, Node>? List { get; set; }

        public JsonObject Build()
        {
            if (Leaf is not null)
            {
                return (JsonObject)Leaf.DeepClone();
            }

            if (Map is not null)
            {
                var m = new JsonObject();
                foreach (var (k, v) in Map)
                {
                    m[k] = v.Build();
                }

                return new JsonObject { ["M"] = m };
            }

            return new JsonObject { ["L"] = new JsonArray(List!.Values.Select(v => (JsonNode)v.Build()).ToArray()) };
        }
    }
}
