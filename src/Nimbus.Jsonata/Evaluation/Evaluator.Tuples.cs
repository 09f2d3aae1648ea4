using Nimbus.Jsonata.Parsing;
using Nimbus.Jsonata.Values;

namespace Nimbus.Jsonata.Evaluation;

/// <summary>Predicate stages, filters and tuple streams (focus @, index # and parent % bindings).</summary>
internal sealed partial class Evaluator
{
    private JArray EvaluateStages(List<Node> stages, object? input, Frame environment)
    {
        var result = input as JArray ?? JArray.CreateSequence(input);
        foreach (var stage in stages)
        {
            switch (stage.Type)
            {
                case "filter":
                    result = EvaluateFilter(stage.Expression!, result, environment);
                    break;
                case "index":
                    for (var ee = 0; ee < result.Count; ee++)
                    {
                        ((TupleBinding)result[ee]!)[stage.StrValue] = (double)ee;
                    }

                    break;
            }
        }

        return result;
    }

    private JArray EvaluateTupleStep(Node expr, JArray input, JArray? tupleBindings, Frame environment)
    {
        JArray result;
        if (expr.Type == "sort")
        {
            if (tupleBindings is not null)
            {
                result = EvaluateSortExpression(expr, tupleBindings, environment);
            }
            else
            {
                var sorted = EvaluateSortExpression(expr, input, environment);
                result = JArray.CreateSequence();
                result.TupleStream = true;
                for (var ss = 0; ss < sorted.Count; ss++)
                {
                    var tuple = new TupleBinding { ["@"] = sorted[ss] };
                    if (expr.Index is not null)
                    {
                        tuple[expr.Index] = (double)ss;
                    }

                    result.Add(tuple);
                }
            }

            if (expr.Stages is not null)
            {
                result = EvaluateStages(expr.Stages, result, environment);
            }

            return result;
        }

        result = JArray.CreateSequence();
        result.TupleStream = true;
        if (tupleBindings is null)
        {
            tupleBindings = new JArray(input.Count);
            foreach (var item in input)
            {
                tupleBindings.Add(new TupleBinding { ["@"] = item });
            }
        }

        foreach (var tb in tupleBindings)
        {
            var binding = (TupleBinding)tb!;
            var stepEnv = CreateFrameFromTuple(environment, binding);
            var res = Evaluate(expr, binding.GetValueOrDefault("@"), stepEnv);
            if (res is null)
            {
                continue;
            }

            var resArr = res as JArray;
            var count = resArr?.Count ?? 1;
            for (var bb = 0; bb < count; bb++)
            {
                var item = resArr is not null ? resArr[bb] : res;
                var tuple = new TupleBinding(binding);
                if (resArr is { TupleStream: true })
                {
                    foreach (var kv in (TupleBinding)item!)
                    {
                        tuple[kv.Key] = kv.Value;
                    }
                }
                else
                {
                    if (expr.Focus is not null)
                    {
                        tuple[expr.Focus] = item;
                        tuple["@"] = binding.GetValueOrDefault("@");
                    }
                    else
                    {
                        tuple["@"] = item;
                    }

                    if (expr.Index is not null)
                    {
                        tuple[expr.Index] = (double)bb;
                    }

                    if (expr.Ancestor is not null)
                    {
                        tuple[expr.Ancestor.Label] = binding.GetValueOrDefault("@");
                    }
                }

                result.Add(tuple);
            }
        }

        if (expr.Stages is not null)
        {
            result = EvaluateStages(expr.Stages, result, environment);
        }

        return result;
    }

    private JArray EvaluateFilter(Node predicate, object? input, Frame environment)
    {
        var results = JArray.CreateSequence();
        if (input is JArray { TupleStream: true })
        {
            results.TupleStream = true;
        }

        var inputArr = input as JArray ?? JArray.CreateSequence(input);
        if (predicate.Type == "number")
        {
            var index = (int)Math.Floor((double)predicate.Value!);
            if (index < 0)
            {
                index = inputArr.Count + index;
            }

            var item = index >= 0 && index < inputArr.Count ? inputArr[index] : null;
            if (item is not null)
            {
                if (item is JArray itemArr)
                {
                    return itemArr;
                }

                results.Add(item);
            }

            return results;
        }

        for (var index = 0; index < inputArr.Count; index++)
        {
            var item = inputArr[index];
            var context = item;
            var env = environment;
            if (inputArr.TupleStream)
            {
                var tuple = (TupleBinding)item!;
                context = tuple.GetValueOrDefault("@");
                env = CreateFrameFromTuple(environment, tuple);
            }

            var res = Evaluate(predicate, context, env);
            if (Helpers.IsNumeric(res))
            {
                res = new JArray { res };
            }

            if (Helpers.IsArrayOfNumbers(res))
            {
                foreach (var ires in (JArray)res!)
                {
                    var ii = (int)Math.Floor((double)ires!);
                    if (ii < 0)
                    {
                        ii = inputArr.Count + ii;
                    }

                    if (ii == index)
                    {
                        results.Add(item);
                    }
                }
            }
            else if (Helpers.Truthy(res))
            {
                results.Add(item);
            }
        }

        return results;
    }
}
