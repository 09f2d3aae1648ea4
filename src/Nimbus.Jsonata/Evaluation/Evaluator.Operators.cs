using Nimbus.Jsonata.Parsing;
using Nimbus.Jsonata.Values;

namespace Nimbus.Jsonata.Evaluation;

/// <summary>Operators: arithmetic, comparison, boolean, string concatenation, range, inclusion, constructors.</summary>
internal sealed partial class Evaluator
{
    private object? EvaluateBinary(Node expr, object? input, Frame environment)
    {
        var op = expr.StrValue;
        var lhs = Evaluate(expr.Lhs!, input, environment);
        if (op is "and" or "or")
        {
            try
            {
                var lBool = BoolizeOperand(lhs);
                if (op == "and")
                {
                    return Helpers.Box(lBool && BoolizeOperand(Evaluate(expr.Rhs!, input, environment)));
                }

                return Helpers.Box(lBool || BoolizeOperand(Evaluate(expr.Rhs!, input, environment)));
            }
            catch (JsonataException ex) when (Annotate(ex, expr.Position, op))
            {
                throw;
            }
        }

        var rhs = Evaluate(expr.Rhs!, input, environment);
        try
        {
            switch (op)
            {
                case "+":
                case "-":
                case "*":
                case "/":
                case "%":
                    return EvaluateNumeric(lhs, rhs, op);
                case "=":
                    return lhs is null || rhs is null ? Helpers.False : Helpers.Box(Helpers.DeepEquals(lhs, rhs));
                case "!=":
                    return lhs is null || rhs is null ? Helpers.False : Helpers.Box(!Helpers.DeepEquals(lhs, rhs));
                case "<":
                case "<=":
                case ">":
                case ">=":
                    return EvaluateComparison(lhs, rhs, op);
                case "&":
                    return (lhs is null ? string.Empty : Functions.BuiltIns.StringOf(lhs, false)) +
                           (rhs is null ? string.Empty : Functions.BuiltIns.StringOf(rhs, false));
                case "..":
                    return EvaluateRange(lhs, rhs);
                case "in":
                    return EvaluateIncludes(lhs, rhs);
                default:
                    throw JsonataException.Create("S0204", expr.Position, op);
            }
        }
        catch (JsonataException ex) when (Annotate(ex, expr.Position, op))
        {
            throw;
        }
    }

    /// <summary>Sets position and token on an error; used as an exception filter (returns false) to avoid rethrows.</summary>
    private static bool Annotate(JsonataException ex, int position, string token)
    {
        ex.Position = position;
        ex.Token = token;
        return false;
    }

    private static bool BoolizeOperand(object? value) => Helpers.Truthy(value);

    private static object? EvaluateNumeric(object? lhs, object? rhs, string op)
    {
        if (lhs is not null && !Helpers.IsNumeric(lhs))
        {
            throw JsonataException.WithValue("T2001", lhs);
        }

        if (rhs is not null && !Helpers.IsNumeric(rhs))
        {
            throw JsonataException.WithValue("T2002", rhs);
        }

        if (lhs is null || rhs is null)
        {
            return null;
        }

        var l = (double)lhs;
        var r = (double)rhs;
        return op switch
        {
            "+" => l + r,
            "-" => l - r,
            "*" => l * r,
            "/" => l / r,
            _ => l % r,
        };
    }

    private static object? EvaluateComparison(object? lhs, object? rhs, string op)
    {
        var lcomparable = lhs is null or string || (lhs is double);
        var rcomparable = rhs is null or string || (rhs is double);
        if (!lcomparable || !rcomparable)
        {
            throw new JsonataException("T2010") { RawValue = lhs is string or double ? rhs : lhs, HasValue = true };
        }

        if (lhs is null || rhs is null)
        {
            return null;
        }

        if (lhs.GetType() != rhs.GetType())
        {
            throw new JsonataException("T2009") { RawValue = lhs, HasValue = true, RawValue2 = rhs };
        }

        int cmp;
        if (lhs is double dl)
        {
            var dr = (double)rhs;
            if (double.IsNaN(dl) || double.IsNaN(dr))
            {
                return Helpers.False;
            }

            cmp = dl.CompareTo(dr);
        }
        else
        {
            cmp = string.CompareOrdinal((string)lhs, (string)rhs);
        }

        return Helpers.Box(op switch
        {
            "<" => cmp < 0,
            "<=" => cmp <= 0,
            ">" => cmp > 0,
            _ => cmp >= 0,
        });
    }

    private static object EvaluateIncludes(object? lhs, object? rhs)
    {
        if (lhs is null || rhs is null)
        {
            return Helpers.False;
        }

        if (rhs is JArray arr)
        {
            foreach (var item in arr)
            {
                if (Helpers.StrictEquals(item, lhs))
                {
                    return Helpers.True;
                }
            }

            return Helpers.False;
        }

        return Helpers.Box(Helpers.StrictEquals(rhs, lhs));
    }

    private static object? EvaluateRange(object? lhs, object? rhs)
    {
        if (lhs is not null && !(lhs is double dl && JsNumber.IsInteger(dl)))
        {
            throw JsonataException.WithValue("T2003", lhs);
        }

        if (rhs is not null && !(rhs is double dr && JsNumber.IsInteger(dr)))
        {
            throw JsonataException.WithValue("T2004", rhs);
        }

        if (lhs is null || rhs is null)
        {
            return null;
        }

        var from = (double)lhs;
        var to = (double)rhs;
        if (from > to)
        {
            return null;
        }

        var size = to - from + 1;
        if (size > 1e7)
        {
            throw JsonataException.WithValue("D2014", size);
        }

        var count = (int)size;
        var result = new JArray(count) { Sequence = true };
        for (var i = 0; i < count; i++)
        {
            result.Add(from + i);
        }

        return result;
    }

    private object? EvaluateUnary(Node expr, object? input, Frame environment)
    {
        switch (expr.StrValue)
        {
            case "-":
                {
                    var result = Evaluate(expr.Expression!, input, environment);
                    if (result is null)
                    {
                        return null;
                    }

                    if (Helpers.IsNumeric(result))
                    {
                        return -(double)result;
                    }

                    throw JsonataException.WithValue("D1002", result, expr.Position, expr.StrValue);
                }

            case "[":
                {
                    var result = new JArray();
                    foreach (var item in expr.Expressions!)
                    {
                        var value = Evaluate(item, input, environment);
                        if (value is not null)
                        {
                            if (item.StrValue == "[" && item.Type == "unary")
                            {
                                result.Add(value);
                            }
                            else if (value is JArray va)
                            {
                                result.AddRange(va);
                            }
                            else
                            {
                                result.Add(value);
                            }
                        }
                    }

                    if (expr.ConsArray)
                    {
                        result.Cons = true;
                    }

                    return result;
                }

            case "{":
                return EvaluateGroupExpression(new GroupSpec { Pairs = expr.Pairs!, Position = expr.Position }, input, environment);
            default:
                throw JsonataException.Create("S0206", expr.Position, expr.StrValue);
        }
    }

    private JObject EvaluateGroupExpression(GroupSpec expr, object? input, Frame environment)
    {
        var result = new JObject();
        var groups = new OrderedDictionary<string, (object? Data, int ExprIndex)>(StringComparer.Ordinal);
        var owned = new HashSet<JArray>(ReferenceEqualityComparer.Instance);
        var reduce = input is JArray { TupleStream: true };
        JArray inputArr;
        if (input is JArray ia)
        {
            inputArr = ia;
        }
        else
        {
            inputArr = JArray.CreateSequence(input);
        }

        if (inputArr.Count == 0)
        {
            inputArr = JArray.CreateSequence(null);
        }

        foreach (var item in inputArr)
        {
            var env = reduce && item is TupleBinding tb ? CreateFrameFromTuple(environment, tb) : environment;
            for (var pairIndex = 0; pairIndex < expr.Pairs.Count; pairIndex++)
            {
                var pair = expr.Pairs[pairIndex];
                var key = Evaluate(pair.Key, reduce ? (item as TupleBinding)?.GetValueOrDefault("@") : item, env);
                if (key is not string && key is not null)
                {
                    throw JsonataException.WithValue("T1003", key, expr.Position);
                }

                if (key is string k)
                {
                    if (groups.TryGetValue(k, out var existing))
                    {
                        if (existing.ExprIndex != pairIndex)
                        {
                            throw JsonataException.WithValue("D1009", k, expr.Position);
                        }

                        groups[k] = (AppendOwned(existing.Data, item, owned), pairIndex);
                    }
                    else
                    {
                        groups[k] = (item, pairIndex);
                    }
                }
            }
        }

        foreach (var kv in groups)
        {
            var context = kv.Value.Data;
            var env = environment;
            if (reduce && kv.Value.Data is not null)
            {
                var tuple = ReduceTupleStream(kv.Value.Data);
                context = tuple.GetValueOrDefault("@");
                tuple.Remove("@");
                env = CreateFrameFromTuple(environment, tuple);
            }

            var value = Evaluate(expr.Pairs[kv.Value.ExprIndex].Value, context, env);
            if (value is not null)
            {
                result[kv.Key] = value;
            }
        }

        return result;
    }

    /// <summary>fn.append semantics, but appends in place to arrays this grouping created (avoids quadratic copying).</summary>
    private static object? AppendOwned(object? data, object? item, HashSet<JArray> owned)
    {
        if (data is null)
        {
            return item;
        }

        if (item is null)
        {
            return data;
        }

        if (data is not JArray list || !owned.Contains(list))
        {
            list = [];
            owned.Add(list);
            if (data is JArray existing)
            {
                list.AddRange(existing);
            }
            else
            {
                list.Add(data);
            }
        }

        if (item is JArray items)
        {
            list.AddRange(items);
        }
        else
        {
            list.Add(item);
        }

        return list;
    }

    private static TupleBinding ReduceTupleStream(object? tupleStream)
    {
        if (tupleStream is not JArray arr)
        {
            return new TupleBinding((TupleBinding)tupleStream!);
        }

        var result = new TupleBinding((TupleBinding)arr[0]!);
        var owned = new HashSet<JArray>(ReferenceEqualityComparer.Instance);
        for (var ii = 1; ii < arr.Count; ii++)
        {
            foreach (var kv in (TupleBinding)arr[ii]!)
            {
                result[kv.Key] = AppendOwned(result.GetValueOrDefault(kv.Key), kv.Value, owned);
            }
        }

        return result;
    }
}
