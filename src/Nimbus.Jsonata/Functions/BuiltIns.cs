using Nimbus.Jsonata.Evaluation;
using Nimbus.Jsonata.Parsing;
using Nimbus.Jsonata.Values;

namespace Nimbus.Jsonata.Functions;

/// <summary>Registry of the built-in function library (functions.js + datetime.js).</summary>
internal static partial class BuiltIns
{
    private static readonly Lazy<Frame> StaticFrameLazy = new(CreateStaticFrame);

    public static Frame StaticFrame => StaticFrameLazy.Value;

    private static Frame CreateStaticFrame()
    {
        var frame = new Frame(null);
        void Def(string name, string signature, NativeImpl impl, int? arity = null)
        {
            var sig = Signature.Parse(signature);
            frame.Bind(name, new NativeFunction(name, arity ?? sig.ParamCount, impl) { Signature = sig });
        }

        // aggregation
        Def("sum", "<a<n>:n>", (c, a) => Sum(a[0]));
        Def("count", "<a:n>", (c, a) => a[0] is JArray arr ? (double)arr.Count : 0d);
        Def("max", "<a<n>:n>", (c, a) => MinMax(a[0], true));
        Def("min", "<a<n>:n>", (c, a) => MinMax(a[0], false));
        Def("average", "<a<n>:n>", (c, a) => Average(a[0]));

        // strings
        Def("string", "<x-b?:s>", (c, a) => a[0] is null ? null : StringOf(a[0], a.Length > 1 && a[1] is true), 1);
        Def("substring", "<s-nn?:s>", (c, a) => Substring(a[0] as string, Num(a[1]), a.Length > 2 ? a[2] as double? : null));
        Def("substringBefore", "<s-s:s>", (c, a) => SubstringBefore(a[0] as string, a[1] as string));
        Def("substringAfter", "<s-s:s>", (c, a) => SubstringAfter(a[0] as string, a[1] as string));
        Def("lowercase", "<s-:s>", (c, a) => (a[0] as string)?.ToLowerInvariant());
        Def("uppercase", "<s-:s>", (c, a) => (a[0] as string)?.ToUpperInvariant());
        Def("length", "<s-:n>", (c, a) => a[0] is string s ? (double)Helpers.CodePoints(s).Length : null);
        Def("trim", "<s-:s>", (c, a) => Trim(a[0] as string));
        Def("pad", "<s-ns?:s>", (c, a) => Pad(a[0] as string, Num(a[1]), a.Length > 2 ? a[2] as string : null));
        Def("match", "<s-f<s:o>n?:a<o>>", (c, a) => RegexSupport.Match(c, a[0] as string, a[1], a.Length > 2 ? a[2] : null));
        Def("contains", "<s-(sf):b>", (c, a) => RegexSupport.Contains(c, a[0] as string, a[1]));
        Def("replace", "<s-(sf)(sf)n?:s>", (c, a) => RegexSupport.Replace(c, a[0] as string, a[1], a[2], a.Length > 3 ? a[3] : null));
        Def("split", "<s-(sf)n?:a<s>>", (c, a) => RegexSupport.Split(c, a[0] as string, a[1], a.Length > 2 ? a[2] : null));
        Def("join", "<a<s>s?:s>", (c, a) => a[0] is JArray arr ? string.Join(a.Length > 1 && a[1] is string sep ? sep : string.Empty, arr.Select(x => (string)x!)) : null);
        Def("formatNumber", "<n-so?:s>", (c, a) => a[0] is double d ? NumberFormatter.FormatNumber(d, (string)a[1]!, a.Length > 2 ? a[2] as JObject : null) : null);
        Def("formatBase", "<n-n?:s>", (c, a) => FormatBase(a[0], a.Length > 1 ? a[1] : null));
        Def("formatInteger", "<n-s:s>", (c, a) => a[0] is double d ? Temporal.IntegerFormatter.FormatInteger(d, (string)a[1]!) : null);
        Def("parseInteger", "<s-s:n>", (c, a) => a[0] is string s ? Temporal.IntegerFormatter.ParseInteger(s, (string)a[1]!) : null);
        Def("base64encode", "<s-:s>", (c, a) => a[0] is string s ? Base64Encode(s) : null);
        Def("base64decode", "<s-:s>", (c, a) => a[0] is string s ? Base64Decode(s) : null);
        Def("encodeUrlComponent", "<s-:s>", (c, a) => UrlCodec.Encode(a[0] as string, true, "encodeUrlComponent"));
        Def("encodeUrl", "<s-:s>", (c, a) => UrlCodec.Encode(a[0] as string, false, "encodeUrl"));
        Def("decodeUrlComponent", "<s-:s>", (c, a) => UrlCodec.Decode(a[0] as string, true, "decodeUrlComponent"));
        Def("decodeUrl", "<s-:s>", (c, a) => UrlCodec.Decode(a[0] as string, false, "decodeUrl"));

        // numeric
        Def("number", "<(nsb)-:n>", (c, a) => ToNumber(a[0]));
        Def("floor", "<n-:n>", (c, a) => a[0] is double d ? Math.Floor(d) : null);
        Def("ceil", "<n-:n>", (c, a) => a[0] is double d ? Math.Ceiling(d) : null);
        Def("round", "<n-n?:n>", (c, a) => a[0] is double d ? Round(d, a.Length > 1 && a[1] is double p ? p : 0) : null);
        Def("abs", "<n-:n>", (c, a) => a[0] is double d ? Math.Abs(d) : null);
        Def("sqrt", "<n-:n>", (c, a) => Sqrt(a[0]));
        Def("power", "<n-n:n>", (c, a) => Power(a[0], a[1]));
        Def("random", "<:n>", (c, a) => Random.Shared.NextDouble());

        // boolean
        Def("boolean", "<x-:b>", (c, a) => Helpers.ToBoolean(a[0]) is { } b ? Helpers.Box(b) : null);
        Def("not", "<x-:b>", (c, a) => a[0] is null ? null : Helpers.Box(!Helpers.Truthy(a[0])));

        // higher order
        Def("map", "<af>", (c, a) => Map(c, a[0], a[1]));
        Def("zip", "<a+>", (c, a) => Zip(a));
        Def("filter", "<af>", (c, a) => Filter(c, a[0], a[1]));
        Def("single", "<af?>", (c, a) => Single(c, a[0], a.Length > 1 ? a[1] : null));
        Def("reduce", "<afj?:j>", (c, a) => FoldLeft(c, a[0], a[1], a.Length > 2 ? a[2] : null));
        Def("sift", "<o-f?:o>", (c, a) => Sift(c, a[0], a[1]));
        Def("each", "<o-f:a>", (c, a) => Each(c, a[0], a[1]));

        // objects and arrays
        Def("keys", "<x-:a<s>>", (c, a) => Keys(a[0]));
        Def("lookup", "<x-s:x>", (c, a) => Evaluator.Lookup(a[0], (string)a[1]!));
        Def("append", "<xx:a>", (c, a) => Helpers.AppendValues(a[0], a[1]));
        Def("exists", "<x:b>", (c, a) => Helpers.Box(a[0] is not null));
        Def("spread", "<x-:a<o>>", (c, a) => Spread(a[0]));
        Def("merge", "<a<o>:o>", (c, a) => Merge(a[0]));
        Def("reverse", "<a:a>", (c, a) => Reverse(a[0]));
        Def("error", "<s?:x>", (c, a) => throw new JsonataException("D3137") { CustomMessage = a.Length > 0 && a[0] is string m ? m : "$error() function evaluated" });
        Def("assert", "<bs?:x>", (c, a) => Assert(a));
        Def("type", "<x:s>", (c, a) => TypeOf(a[0]));
        Def("sort", "<af?:a>", (c, a) => Sort(c, a[0], a.Length > 1 ? a[1] : null));
        Def("shuffle", "<a:a>", (c, a) => Shuffle(a[0]));
        Def("distinct", "<x:x>", (c, a) => Distinct(a[0]));
        Def("clone", "<(oa)-:o>", (c, a) => Clone(a[0]));

        // evaluation and date/time
        Def("eval", "<sx?:x>", (c, a) => EvalFunction(c, a[0] as string, a.Length > 1 ? a[1] : null, a.Length > 1));
        Def("now", "<s?s?:s>", (c, a) => Temporal.DateTimeFormatter.FromMillis(c.Evaluator.TimestampMillis, a.Length > 0 ? a[0] as string : null, a.Length > 1 ? a[1] as string : null));
        Def("millis", "<:n>", (c, a) => c.Evaluator.TimestampMillis);
        Def("fromMillis", "<n-s?s?:s>", (c, a) => a[0] is double d ? Temporal.DateTimeFormatter.FromMillis(d, a.Length > 1 ? a[1] as string : null, a.Length > 2 ? a[2] as string : null) : null);
        Def("toMillis", "<s-s?:n>", (c, a) => a[0] is string s ? Temporal.DateTimeParser.ToMillis(s, a.Length > 1 ? a[1] as string : null, c.Evaluator.TimestampMillis) : null);
        return frame;
    }

    private static double Num(object? v) => v is double d ? d : 0;

    /// <summary>Arity used by the higher-order functions to decide how many arguments to pass.</summary>
    public static int Arity(object? func) => func is JFunction f ? f.Arity : 0;

    public static object?[] HofArgs(object? func, object? arg1, object? arg2, object? arg3)
    {
        var length = Arity(func);
        if (length >= 3)
        {
            return [arg1, arg2, arg3];
        }

        if (length >= 2)
        {
            return [arg1, arg2];
        }

        return [arg1];
    }

    public static string StringOf(object? arg, bool prettify)
    {
        switch (arg)
        {
            case string s:
                return s;
            case JFunction:
                return string.Empty;
            case double d when double.IsNaN(d) || double.IsInfinity(d):
                throw JsonataException.WithValue("D3001", d);
            case JArray { OuterWrapper: true } wrapped:
                return Stringifier.Stringify(wrapped.Count > 0 ? wrapped[0] : null, prettify);
            default:
                return Stringifier.Stringify(arg, prettify);
        }
    }

    public static string? TypeOf(object? value) => value switch
    {
        null => null,
        JNull => "null",
        double => "number",
        string => "string",
        bool => "boolean",
        JArray => "array",
        JFunction => "function",
        _ => "object",
    };

    private static object? Assert(object?[] a)
    {
        if (a[0] is not true)
        {
            throw new JsonataException("D3141") { CustomMessage = a.Length > 1 && a[1] is string m ? m : "$assert() statement failed" };
        }

        return null;
    }

    private static object? EvalFunction(FunctionContext c, string? expr, object? focus, bool hasFocus)
    {
        if (expr is null)
        {
            return null;
        }

        var input = c.Input;
        if (hasFocus && focus is not null)
        {
            input = focus;
            if (input is JArray arr && !arr.Sequence)
            {
                input = new JArray { arr };
                ((JArray)input).Sequence = true;
                ((JArray)input).OuterWrapper = true;
            }
        }

        Node ast;
        try
        {
            ast = Parser.Parse(expr);
        }
        catch (JsonataException ex)
        {
            throw new JsonataException("D3120") { RawValue = ex.Message, HasValue = true, CustomMessage = ex.Message };
        }

        try
        {
            return c.Evaluator.Evaluate(ast, input, c.Environment);
        }
        catch (JsonataException ex)
        {
            throw new JsonataException("D3121") { RawValue = ex.Message, HasValue = true, CustomMessage = ex.Message };
        }
    }

    public static object? Clone(object? value) => value switch
    {
        JArray a => CloneArray(a),
        JObject o => CloneObject(o),
        _ => value,
    };

    private static JArray CloneArray(JArray a)
    {
        var r = new JArray(a.Count);
        foreach (var item in a)
        {
            r.Add(Clone(item));
        }

        return r;
    }

    private static JObject CloneObject(JObject o)
    {
        var r = new JObject(o.Count);
        foreach (var kv in o)
        {
            r[kv.Key] = Clone(kv.Value);
        }

        return r;
    }
}
