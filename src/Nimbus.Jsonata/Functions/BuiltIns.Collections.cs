using Nimbus.Jsonata.Evaluation;
using Nimbus.Jsonata.Values;

namespace Nimbus.Jsonata.Functions;

/// <summary>Array, object and higher-order functions.</summary>
internal static partial class BuiltIns
{
    private static object? Call(FunctionContext c, object? func, object?[] args) =>
        c.Evaluator.Apply(func, args, null, c.Environment);

    private static object? Map(FunctionContext c, object? arr, object? func)
    {
        if (arr is not JArray a)
        {
            return null;
        }

        var result = JArray.CreateSequence();
        for (var i = 0; i < a.Count; i++)
        {
            var res = Call(c, func, HofArgs(func, a[i], (double)i, a));
            if (res is not null)
            {
                result.Add(res);
            }
        }

        return result;
    }

    private static object? Filter(FunctionContext c, object? arr, object? func)
    {
        if (arr is not JArray a)
        {
            return null;
        }

        var result = JArray.CreateSequence();
        for (var i = 0; i < a.Count; i++)
        {
            var res = Call(c, func, HofArgs(func, a[i], (double)i, a));
            if (Helpers.Truthy(res))
            {
                result.Add(a[i]);
            }
        }

        return result;
    }

    private static object? Single(FunctionContext c, object? arr, object? func)
    {
        if (arr is not JArray a)
        {
            return null;
        }

        var found = false;
        object? result = null;
        for (var i = 0; i < a.Count; i++)
        {
            var positive = true;
            if (func is not null)
            {
                positive = Helpers.Truthy(Call(c, func, HofArgs(func, a[i], (double)i, a)));
            }

            if (positive)
            {
                if (!found)
                {
                    result = a[i];
                    found = true;
                }
                else
                {
                    throw new JsonataException("D3138") { Index = i };
                }
            }
        }

        if (!found)
        {
            throw new JsonataException("D3139");
        }

        return result;
    }

    private static object? Zip(object?[] args)
    {
        var result = new JArray();
        if (args.Length == 0)
        {
            return result;
        }

        var length = int.MaxValue;
        foreach (var arg in args)
        {
            length = Math.Min(length, arg is JArray a ? a.Count : 0);
        }

        for (var i = 0; i < length; i++)
        {
            var tuple = new JArray(args.Length);
            foreach (var arg in args)
            {
                tuple.Add(((JArray)arg!)[i]);
            }

            result.Add(tuple);
        }

        return result;
    }

    private static object? FoldLeft(FunctionContext c, object? sequence, object? func, object? init)
    {
        if (sequence is not JArray seq)
        {
            return null;
        }

        var arity = Arity(func);
        if (arity < 2)
        {
            throw new JsonataException("D3050") { Index = 1 };
        }

        object? result;
        int index;
        if (init is null && seq.Count > 0)
        {
            result = seq[0];
            index = 1;
        }
        else
        {
            result = init;
            index = 0;
        }

        while (index < seq.Count)
        {
            object?[] args = arity >= 4
                ? [result, seq[index], (double)index, seq]
                : arity >= 3 ? [result, seq[index], (double)index] : [result, seq[index]];
            result = Call(c, func, args);
            index++;
        }

        return result;
    }

    private static object? Sift(FunctionContext c, object? arg, object? func)
    {
        if (arg is not JObject obj)
        {
            return null;
        }

        var result = new JObject();
        foreach (var kv in obj)
        {
            var res = Call(c, func, HofArgs(func, kv.Value, kv.Key, obj));
            if (Helpers.Truthy(res))
            {
                result[kv.Key] = kv.Value;
            }
        }

        return result.Count == 0 ? null : result;
    }

    private static object? Each(FunctionContext c, object? arg, object? func)
    {
        if (arg is not JObject obj)
        {
            return null;
        }

        var result = JArray.CreateSequence();
        foreach (var kv in obj)
        {
            var val = Call(c, func, HofArgs(func, kv.Value, kv.Key, obj));
            if (val is not null)
            {
                result.Add(val);
            }
        }

        return result;
    }

    private static JArray Keys(object? arg)
    {
        var result = JArray.CreateSequence();
        if (arg is JArray arr)
        {
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var item in arr)
            {
                foreach (var key in Keys(item))
                {
                    if (seen.Add((string)key!))
                    {
                        result.Add(key);
                    }
                }
            }
        }
        else if (arg is JObject obj)
        {
            foreach (var key in obj.Keys)
            {
                result.Add(key);
            }
        }

        return result;
    }

    private static object? Spread(object? arg)
    {
        if (arg is JArray arr)
        {
            object? result = JArray.CreateSequence();
            foreach (var item in arr)
            {
                result = Helpers.AppendValues(result, Spread(item));
            }

            return result;
        }

        if (arg is JObject obj)
        {
            var result = JArray.CreateSequence();
            foreach (var kv in obj)
            {
                result.Add(new JObject { [kv.Key] = kv.Value });
            }

            return result;
        }

        return arg;
    }

    private static object? Merge(object? arg)
    {
        if (arg is not JArray arr)
        {
            return null;
        }

        var result = new JObject();
        foreach (var item in arr)
        {
            if (item is JObject obj)
            {
                foreach (var kv in obj)
                {
                    result[kv.Key] = kv.Value;
                }
            }
        }

        return result;
    }

    private static object? Reverse(object? arg)
    {
        if (arg is not JArray arr)
        {
            return null;
        }

        if (arr.Count <= 1)
        {
            return arr;
        }

        var result = new JArray(arr);
        result.Reverse();
        return result;
    }

    private static object? Sort(FunctionContext c, object? arg, object? comparator)
    {
        if (arg is not JArray arr)
        {
            return null;
        }

        if (arr.Count <= 1)
        {
            return arr;
        }

        Func<object?, object?, bool> comp;
        if (comparator is null)
        {
            if (Helpers.IsArrayOfNumbers(arr))
            {
                comp = (a, b) => (double)a! > (double)b!;
            }
            else if (Helpers.IsArrayOfStrings(arr))
            {
                comp = (a, b) => string.CompareOrdinal((string)a!, (string)b!) > 0;
            }
            else
            {
                throw new JsonataException("D3070") { Index = 1 };
            }
        }
        else
        {
            comp = (a, b) => Helpers.Truthy(Call(c, comparator, [a, b]));
        }

        return Evaluator.MergeSort(arr, comp);
    }

    private static object? Shuffle(object? arg)
    {
        if (arg is not JArray arr)
        {
            return null;
        }

        if (arr.Count <= 1)
        {
            return arr;
        }

        var result = new JArray(arr);
        for (var i = result.Count - 1; i > 0; i--)
        {
            var j = Random.Shared.Next(i + 1);
            (result[i], result[j]) = (result[j], result[i]);
        }

        return result;
    }

    private static object? Distinct(object? arg)
    {
        if (arg is not JArray arr || arr.Count <= 1)
        {
            return arg;
        }

        var results = arr.Sequence ? JArray.CreateSequence() : new JArray();
        foreach (var value in arr)
        {
            var includes = false;
            foreach (var existing in results)
            {
                if (Helpers.DeepEquals(value, existing))
                {
                    includes = true;
                    break;
                }
            }

            if (!includes)
            {
                results.Add(value);
            }
        }

        return results;
    }
}
