using Nimbus.Jsonata.Values;

namespace Nimbus.Jsonata.Evaluation;

/// <summary>Field lookup, wildcards and descendants.</summary>
internal sealed partial class Evaluator
{
    public static object? Lookup(object? input, string key)
    {
        if (input is JArray arr)
        {
            var result = JArray.CreateSequence();
            foreach (var item in arr)
            {
                var res = Lookup(item, key);
                if (res is not null)
                {
                    if (res is JArray ra)
                    {
                        result.AddRange(ra);
                    }
                    else
                    {
                        result.Add(res);
                    }
                }
            }

            return result;
        }

        if (input is JObject obj)
        {
            return obj.TryGetValue(key, out var v) ? v : null;
        }

        return null;
    }

    private static JArray EvaluateWildcard(object? input)
    {
        var results = JArray.CreateSequence();
        if (input is JArray { OuterWrapper: true, Count: > 0 } wrapped)
        {
            input = wrapped[0];
        }

        if (input is JArray inputArr)
        {
            foreach (var value in inputArr)
            {
                if (value is JArray va)
                {
                    var flat = new JArray();
                    Flatten(va, flat);
                    results.AddRange(flat);
                }
                else
                {
                    results.Add(value);
                }
            }
        }
        else if (input is JObject obj)
        {
            foreach (var kv in obj)
            {
                if (kv.Value is JArray va)
                {
                    var flat = new JArray();
                    Flatten(va, flat);
                    results.AddRange(flat);
                }
                else
                {
                    results.Add(kv.Value);
                }
            }
        }

        return results;
    }

    private static void Flatten(object? arg, JArray flattened)
    {
        if (arg is JArray a)
        {
            foreach (var item in a)
            {
                Flatten(item, flattened);
            }
        }
        else
        {
            flattened.Add(arg);
        }
    }

    private static object? EvaluateDescendants(object? input)
    {
        if (input is null)
        {
            return null;
        }

        var resultSequence = JArray.CreateSequence();
        RecurseDescendants(input, resultSequence);
        return resultSequence.Count == 1 ? resultSequence[0] : resultSequence;
    }

    private static void RecurseDescendants(object? input, JArray results)
    {
        if (input is JArray arr)
        {
            foreach (var member in arr)
            {
                RecurseDescendants(member, results);
            }
        }
        else
        {
            results.Add(input);
            if (input is JObject obj)
            {
                foreach (var kv in obj)
                {
                    RecurseDescendants(kv.Value, results);
                }
            }
        }
    }
}
