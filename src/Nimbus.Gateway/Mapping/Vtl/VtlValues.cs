using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Nimbus.Gateway.Mapping.Vtl;

/// <summary>An object exposing properties and methods to templates (<c>$input</c>, <c>$util</c>, <c>$foreach</c>).</summary>
internal interface IVtlObject
{
    object? Property(string name);

    object? Invoke(string name, object?[] args);
}

/// <summary>A Java <c>LinkedHashMap&lt;String, Object&gt;</c>: insertion-ordered, rendered <c>{a=1, b=2}</c>.</summary>
internal sealed class VtlMap : OrderedDictionary<string, object?>
{
    public VtlMap()
        : base(StringComparer.Ordinal)
    {
    }

    public VtlMap(IEqualityComparer<string> comparer)
        : base(comparer)
    {
    }
}

/// <summary>A map entry from <c>entrySet()</c>.</summary>
internal sealed record VtlEntry(string Key, object? Value) : IVtlObject
{
    public object? Property(string name) => name switch { "key" => Key, "value" => Value, _ => null };

    public object? Invoke(string name, object?[] args) => name switch { "getKey" => Key, "getValue" => Value, "toString" => ToString(), _ => null };

    public override string ToString() => Key + "=" + VtlValues.ToText(Value);
}

/// <summary>Java-like operations on template values: rendering, truth, comparison, arithmetic and method calls.</summary>
internal static class VtlValues
{
    private static readonly TimeSpan RegexTimeout = TimeSpan.FromSeconds(1);

    /// <summary>Java's <c>toString()</c> of a value.</summary>
    public static string ToText(object? value) => value switch
    {
        null => "",
        string s => s,
        bool b => b ? "true" : "false",
        long l => l.ToString(CultureInfo.InvariantCulture),
        int i => i.ToString(CultureInfo.InvariantCulture),
        double d => JavaDouble(d),
        VtlMap m => "{" + string.Join(", ", m.Select(kv => kv.Key + "=" + ToText(kv.Value))) + "}",
        List<object?> l => "[" + string.Join(", ", l.Select(ToText)) + "]",
        _ => value.ToString() ?? "",
    };

    /// <summary>Java's <c>Double.toString</c>: <c>3.0</c>, <c>10.5</c>, <c>1.0E20</c>.</summary>
    public static string JavaDouble(double d)
    {
        if (double.IsNaN(d))
        {
            return "NaN";
        }

        if (double.IsInfinity(d))
        {
            return d > 0 ? "Infinity" : "-Infinity";
        }

        var abs = Math.Abs(d);
        if (abs == 0 || (abs >= 1e-3 && abs < 1e7))
        {
            var s = d.ToString("R", CultureInfo.InvariantCulture);
            return s.Contains('.', StringComparison.Ordinal) || s.Contains('E', StringComparison.Ordinal) ? s : s + ".0";
        }

        var exp = (int)Math.Floor(Math.Log10(abs));
        var mantissa = d / Math.Pow(10, exp);
        var m = mantissa.ToString("R", CultureInfo.InvariantCulture);
        if (!m.Contains('.', StringComparison.Ordinal))
        {
            m += ".0";
        }

        return m + "E" + exp.ToString(CultureInfo.InvariantCulture);
    }

    public static bool IsTrue(object? value) => value switch
    {
        null => false,
        bool b => b,
        _ => true,
    };

    public static bool IsNumber(object? v) => v is long or int or double;

    public static double ToDouble(object? v) => v switch
    {
        long l => l,
        int i => i,
        double d => d,
        string s when double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) => d,
        _ => throw new VtlException($"Not a number: {ToText(v)}"),
    };

    public static long ToLong(object? v) => v switch
    {
        long l => l,
        int i => i,
        double d => (long)d,
        string s when long.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out var l) => l,
        _ => throw new VtlException($"Not an integer: {ToText(v)}"),
    };

    public static object? Negate(object? v) => v switch
    {
        long l => -l,
        int i => -(long)i,
        double d => -d,
        _ => null,
    };

    public static new bool Equals(object? a, object? b)
    {
        if (a is null || b is null)
        {
            return a is null && b is null;
        }

        if (IsNumber(a) && IsNumber(b))
        {
            return a is double || b is double ? ToDouble(a) == ToDouble(b) : ToLong(a) == ToLong(b);
        }

        if (a is bool x && b is bool y)
        {
            return x == y;
        }

        if (a is List<object?> la && b is List<object?> lb)
        {
            return la.Count == lb.Count && la.Zip(lb).All(p => Equals(p.First, p.Second));
        }

        // Velocity compares values of different classes by their string forms.
        return string.Equals(ToText(a), ToText(b), StringComparison.Ordinal);
    }

    public static object? Binary(string op, object? a, object? b)
    {
        switch (op)
        {
            case "==":
                return Equals(a, b);
            case "!=":
                return !Equals(a, b);
            case "<" or "<=" or ">" or ">=":
                {
                    int c;
                    if (IsNumber(a) && IsNumber(b))
                    {
                        c = ToDouble(a).CompareTo(ToDouble(b));
                    }
                    else if (a is string sa && b is string sb)
                    {
                        c = string.CompareOrdinal(sa, sb);
                    }
                    else
                    {
                        return false;
                    }

                    return op switch { "<" => c < 0, "<=" => c <= 0, ">" => c > 0, _ => c >= 0 };
                }

            case "+" when a is string || b is string:
                return a is null || b is null ? null : ToText(a) + ToText(b);
        }

        if (!IsNumber(a) || !IsNumber(b))
        {
            return null;
        }

        if (a is double || b is double)
        {
            var x = ToDouble(a);
            var y = ToDouble(b);
            return op switch
            {
                "+" => x + y,
                "-" => x - y,
                "*" => x * y,
                "/" => y == 0 ? null : x / y,
                "%" => y == 0 ? null : x % y,
                _ => null,
            };
        }

        var i = ToLong(a);
        var j = ToLong(b);
        return op switch
        {
            "+" => i + j,
            "-" => i - j,
            "*" => i * j,
            "/" => j == 0 ? null : i / j,
            "%" => j == 0 ? null : i % j,
            _ => null,
        };
    }

    /// <summary>What <c>#foreach</c> walks: lists, a map's values, ranges; null for anything else.</summary>
    public static IEnumerable<object?>? Iterate(object? v) => v switch
    {
        List<object?> l => [.. l],
        VtlMap m => [.. m.Values],
        string => null,
        IEnumerable<object?> e => e,
        _ => null,
    };

    /// <summary><c>$x.name</c>: a map key, else the Java getter <c>getName()</c>/<c>isName()</c>.</summary>
    public static object? Property(object target, string name)
    {
        switch (target)
        {
            case VtlMap map:
                return map.TryGetValue(name, out var v) ? v : null;
            case IVtlObject o:
                return o.Property(name);
        }

        var getter = "get" + char.ToUpperInvariant(name[0]) + name[1..];
        return Invoke(target, getter, []) ?? Invoke(target, "is" + char.ToUpperInvariant(name[0]) + name[1..], []);
    }

    public static object? Index(object target, object? index) => target switch
    {
        List<object?> l when IsNumber(index) => ToLong(index) is var i && i >= 0 && i < l.Count ? l[(int)i] : null,
        VtlMap m => m.TryGetValue(ToText(index), out var v) ? v : null,
        string s when IsNumber(index) => ToLong(index) is var i && i >= 0 && i < s.Length ? s[(int)i].ToString() : null,
        IVtlObject o => o.Property(ToText(index)),
        _ => null,
    };

    /// <summary>A Java method call on a value.</summary>
    public static object? Invoke(object target, string name, object?[] args)
    {
        switch (target)
        {
            case IVtlObject o:
                return o.Invoke(name, args);
            case string s:
                return StringMethod(s, name, args);
            case VtlMap m:
                return MapMethod(m, name, args);
            case List<object?> l:
                return ListMethod(l, name, args);
            case bool b:
                return name switch { "toString" => ToText(b), "booleanValue" => b, "equals" => args.Length == 1 && Equals(b, args[0]), _ => null };
        }

        if (IsNumber(target))
        {
            return name switch
            {
                "toString" => ToText(target),
                "intValue" or "longValue" => ToLong(target),
                "doubleValue" or "floatValue" => ToDouble(target),
                "equals" => args.Length == 1 && Equals(target, args[0]),
                "compareTo" => (long)ToDouble(target).CompareTo(ToDouble(args[0])),
                _ => null,
            };
        }

        return null;
    }

    private static string Arg(object?[] args, int i) =>
        i < args.Length ? ToText(args[i]) : throw new VtlException($"Missing argument {i + 1}");

    private static int IntArg(object?[] args, int i) =>
        i < args.Length ? (int)ToLong(args[i]) : throw new VtlException($"Missing argument {i + 1}");

    private static object? StringMethod(string s, string name, object?[] args)
    {
        switch (name)
        {
            case "length" or "size":
                return (long)s.Length;
            case "isEmpty":
                return s.Length == 0;
            case "toString":
                return s;
            case "trim":
                return s.Trim();
            case "toLowerCase":
                return s.ToLowerInvariant();
            case "toUpperCase":
                return s.ToUpperInvariant();
            case "contains":
                return s.Contains(Arg(args, 0), StringComparison.Ordinal);
            case "startsWith":
                return s.StartsWith(Arg(args, 0), StringComparison.Ordinal);
            case "endsWith":
                return s.EndsWith(Arg(args, 0), StringComparison.Ordinal);
            case "equals":
                return args.Length == 1 && args[0] is string other && s == other;
            case "equalsIgnoreCase":
                return args.Length == 1 && args[0] is string o2 && string.Equals(s, o2, StringComparison.OrdinalIgnoreCase);
            case "indexOf":
                return (long)s.IndexOf(Arg(args, 0), args.Length > 1 ? Math.Clamp(IntArg(args, 1), 0, s.Length) : 0, StringComparison.Ordinal);
            case "lastIndexOf":
                return (long)s.LastIndexOf(Arg(args, 0), StringComparison.Ordinal);
            case "charAt":
                {
                    var i = IntArg(args, 0);
                    return i >= 0 && i < s.Length ? s[i].ToString() : throw new VtlException("String index out of range: " + i);
                }

            case "substring":
                {
                    var begin = IntArg(args, 0);
                    var end = args.Length > 1 ? IntArg(args, 1) : s.Length;
                    if (begin < 0 || end > s.Length || begin > end)
                    {
                        throw new VtlException($"String index out of range: begin {begin}, end {end}, length {s.Length}");
                    }

                    return s[begin..end];
                }

            case "replace":
                {
                    var from = Arg(args, 0);
                    return from.Length == 0 ? s : s.Replace(from, Arg(args, 1), StringComparison.Ordinal);
                }

            case "replaceAll":
                return Regex.Replace(s, Arg(args, 0), JavaReplacement(Arg(args, 1)), RegexOptions.None, RegexTimeout);
            case "replaceFirst":
                return new Regex(Arg(args, 0), RegexOptions.None, RegexTimeout).Replace(s, JavaReplacement(Arg(args, 1)), 1);
            case "matches":
                return Regex.IsMatch(s, "^(?:" + Arg(args, 0) + ")$", RegexOptions.None, RegexTimeout);
            case "split":
                {
                    var parts = Regex.Split(s, Arg(args, 0), RegexOptions.None, RegexTimeout).ToList();
                    // Java drops trailing empty strings.
                    while (parts.Count > 1 && parts[^1].Length == 0)
                    {
                        parts.RemoveAt(parts.Count - 1);
                    }

                    return parts.Select(p => (object?)p).ToList();
                }

            case "concat":
                return s + Arg(args, 0);
            case "compareTo":
                return (long)string.CompareOrdinal(s, Arg(args, 0));
            case "hashCode":
                {
                    var h = 0;
                    foreach (var c in s)
                    {
                        h = unchecked((31 * h) + c);
                    }

                    return (long)h;
                }

            case "getBytes":
                return Encoding.UTF8.GetBytes(s).Select(b => (object?)(long)(sbyte)b).ToList();
            default:
                return null;
        }
    }

    /// <summary>Java regex replacements use <c>$1</c> like .NET; <c>\$</c> is a literal dollar.</summary>
    private static string JavaReplacement(string replacement) =>
        replacement.Replace("\\$", "$$", StringComparison.Ordinal).Replace("\\\\", "\\", StringComparison.Ordinal);

    private static object? MapMethod(VtlMap m, string name, object?[] args)
    {
        switch (name)
        {
            case "get":
                return m.TryGetValue(Arg(args, 0), out var v) ? v : null;
            case "getOrDefault":
                return m.TryGetValue(Arg(args, 0), out var v2) ? v2 : args.ElementAtOrDefault(1);
            case "containsKey":
                return m.ContainsKey(Arg(args, 0));
            case "containsValue":
                return m.Values.Any(x => Equals(x, args.ElementAtOrDefault(0)));
            case "keySet":
                return m.Keys.Select(k => (object?)k).ToList();
            case "values":
                return m.Values.ToList();
            case "entrySet":
                return m.Select(kv => (object?)new VtlEntry(kv.Key, kv.Value)).ToList();
            case "size":
                return (long)m.Count;
            case "isEmpty":
                return m.Count == 0;
            case "put":
                {
                    var key = Arg(args, 0);
                    m.TryGetValue(key, out var previous);
                    m[key] = args.ElementAtOrDefault(1);
                    return previous;
                }

            case "putAll" when args.ElementAtOrDefault(0) is VtlMap other:
                foreach (var (k, val) in other)
                {
                    m[k] = val;
                }

                return null;
            case "remove":
                {
                    var key = Arg(args, 0);
                    return m.Remove(key, out var removed) ? removed : null;
                }

            case "toString":
                return ToText(m);
            case "equals":
                return ReferenceEquals(m, args.ElementAtOrDefault(0)) || (args.ElementAtOrDefault(0) is VtlMap o && ToText(o) == ToText(m));
            default:
                return null;
        }
    }

    private static object? ListMethod(List<object?> l, string name, object?[] args)
    {
        switch (name)
        {
            case "size":
                return (long)l.Count;
            case "isEmpty":
                return l.Count == 0;
            case "get":
                {
                    var i = IntArg(args, 0);
                    return i >= 0 && i < l.Count ? l[i] : throw new VtlException($"Index {i} out of bounds for length {l.Count}");
                }

            case "contains":
                return l.Any(x => Equals(x, args.ElementAtOrDefault(0)));
            case "indexOf":
                return (long)l.FindIndex(x => Equals(x, args.ElementAtOrDefault(0)));
            case "add":
                if (args.Length == 2)
                {
                    l.Insert(IntArg(args, 0), args[1]);
                    return null;
                }

                l.Add(args.ElementAtOrDefault(0));
                return true;
            case "addAll" when args.ElementAtOrDefault(0) is List<object?> more:
                l.AddRange(more);
                return true;
            case "set":
                {
                    var i = IntArg(args, 0);
                    var previous = l[i];
                    l[i] = args.ElementAtOrDefault(1);
                    return previous;
                }

            case "remove":
                {
                    if (args.ElementAtOrDefault(0) is long or int)
                    {
                        var i = IntArg(args, 0);
                        var removed = l[i];
                        l.RemoveAt(i);
                        return removed;
                    }

                    var at = l.FindIndex(x => Equals(x, args.ElementAtOrDefault(0)));
                    if (at >= 0)
                    {
                        l.RemoveAt(at);
                    }

                    return at >= 0;
                }

            case "subList":
                return l.GetRange(IntArg(args, 0), IntArg(args, 1) - IntArg(args, 0));
            case "toString":
                return ToText(l);
            case "equals":
                return args.ElementAtOrDefault(0) is List<object?> o && Equals(l, o);
            default:
                return null;
        }
    }
}
