using System.Diagnostics;
using System.Runtime.CompilerServices;
using Nimbus.Jsonata.Parsing;
using Nimbus.Jsonata.Values;

namespace Nimbus.Jsonata.Evaluation;

/// <summary>Tree-walking evaluator (a port of jsonata.js). One instance per evaluation; not thread-safe.</summary>
internal sealed partial class Evaluator
{
    private readonly int _maxDepth;
    private readonly long _deadline;
    private int _depth;

    public Evaluator(JsonataEvaluationOptions? options, double timestampMillis)
    {
        TimestampMillis = timestampMillis;
        _maxDepth = options?.MaxDepth ?? 0;
        _deadline = options?.TimeLimit is { } limit
            ? Stopwatch.GetTimestamp() + (long)(limit.TotalSeconds * Stopwatch.Frequency)
            : long.MaxValue;
    }

    /// <summary>The fixed "now" of this evaluation, in epoch milliseconds.</summary>
    public double TimestampMillis { get; }

    public object? Evaluate(Node expr, object? input, Frame environment)
    {
        _depth++;
        try
        {
            if (_maxDepth > 0 && _depth > _maxDepth)
            {
                throw JsonataException.Create("U1001");
            }

            if (_deadline != long.MaxValue && Stopwatch.GetTimestamp() > _deadline)
            {
                throw JsonataException.Create("U1001");
            }

            if (!RuntimeHelpers.TryEnsureSufficientExecutionStack())
            {
                throw JsonataException.Create("U1001");
            }

            return EvaluateCore(expr, input, environment);
        }
        finally
        {
            _depth--;
        }
    }

    private object? EvaluateCore(Node expr, object? input, Frame environment)
    {
        object? result;
        switch (expr.Type)
        {
            case "path":
                result = EvaluatePath(expr, input, environment);
                break;
            case "binary":
                result = EvaluateBinary(expr, input, environment);
                break;
            case "unary":
                result = EvaluateUnary(expr, input, environment);
                break;
            case "name":
                result = Lookup(input, expr.StrValue);
                break;
            case "string":
            case "number":
            case "value":
                result = expr.Value;
                break;
            case "wildcard":
                result = EvaluateWildcard(input);
                break;
            case "descendant":
                result = EvaluateDescendants(input);
                break;
            case "parent":
                result = environment.Lookup(expr.Slot!.Label);
                break;
            case "condition":
                {
                    var condition = Evaluate(expr.Condition!, input, environment);
                    if (Helpers.Truthy(condition))
                    {
                        result = Evaluate(expr.Then!, input, environment);
                    }
                    else if (expr.Else is not null)
                    {
                        result = Evaluate(expr.Else, input, environment);
                    }
                    else
                    {
                        result = null;
                    }

                    break;
                }

            case "coalesce":
                result = Evaluate(expr.Condition!, input, environment) ?? Evaluate(expr.Else!, input, environment);
                break;
            case "elvis":
                {
                    var condition = Evaluate(expr.Condition!, input, environment);
                    result = Helpers.Truthy(condition) ? condition : Evaluate(expr.Else!, input, environment);
                    break;
                }

            case "block":
                {
                    var frame = new Frame(environment);
                    result = null;
                    foreach (var e in expr.Expressions!)
                    {
                        result = Evaluate(e, input, frame);
                    }

                    break;
                }

            case "bind":
                result = Evaluate(expr.Rhs!, input, environment);
                environment.Bind(expr.Lhs!.StrValue, result);
                break;
            case "regex":
                result = expr.Regex;
                break;
            case "function":
                result = EvaluateFunction(expr, input, environment, false, null);
                break;
            case "variable":
                if (expr.StrValue.Length == 0)
                {
                    result = input is JArray { OuterWrapper: true } wrapped ? wrapped[0] : input;
                }
                else
                {
                    result = environment.Lookup(expr.StrValue);
                }

                break;
            case "lambda":
                result = new Lambda(expr, input, environment) { Signature = expr.Signature };
                break;
            case "partial":
                result = EvaluatePartialApplication(expr, input, environment);
                break;
            case "apply":
                result = EvaluateApplyExpression(expr, input, environment);
                break;
            case "transform":
                result = CreateTransformer(expr, environment);
                break;
            default:
                throw JsonataException.Create("S0206", expr.Position, expr.Type);
        }

        if (expr.Predicate is not null)
        {
            foreach (var p in expr.Predicate)
            {
                result = EvaluateFilter(p.Expression!, result, environment);
            }
        }

        if (expr.Type != "path" && expr.Group is not null)
        {
            result = EvaluateGroupExpression(expr.Group, result, environment);
        }

        if (result is JArray { Sequence: true, TupleStream: false } seq)
        {
            if (expr.KeepArray)
            {
                seq.KeepSingleton = true;
            }

            if (seq.Count == 0)
            {
                result = null;
            }
            else if (seq.Count == 1)
            {
                result = seq.KeepSingleton ? seq : seq[0];
            }
        }

        return result;
    }

    private object? EvaluatePath(Node expr, object? input, Frame environment)
    {
        var steps = expr.Steps!;
        if (expr.Group is null && !expr.KeepSingletonArray && !expr.KeepArray && TrySimplePath(steps, input, environment, out var simple))
        {
            return simple;
        }

        JArray inputSequence;
        if (input is JArray arr && expr.Steps![0].Type != "variable")
        {
            inputSequence = arr;
        }
        else
        {
            inputSequence = JArray.CreateSequence(input);
        }

        object? resultSequence = null;
        var isTupleStream = false;
        JArray? tupleBindings = null;
        for (var ii = 0; ii < steps.Count; ii++)
        {
            var step = steps[ii];
            if (step.Tuple)
            {
                isTupleStream = true;
            }

            if (ii == 0 && step.ConsArray)
            {
                resultSequence = Evaluate(step, inputSequence, environment);
            }
            else if (isTupleStream)
            {
                tupleBindings = EvaluateTupleStep(step, inputSequence, tupleBindings, environment);
            }
            else
            {
                resultSequence = EvaluateStep(step, inputSequence, environment, ii == steps.Count - 1);
            }

            if (!isTupleStream && (resultSequence is null || resultSequence is JArray { Count: 0 }))
            {
                break;
            }

            if (step.Focus is null)
            {
                inputSequence = resultSequence as JArray ?? JArray.CreateSequence(resultSequence);
            }
        }

        if (isTupleStream)
        {
            if (expr.Tuple)
            {
                resultSequence = tupleBindings;
            }
            else
            {
                var rs = JArray.CreateSequence();
                if (tupleBindings is not null)
                {
                    foreach (var t in tupleBindings)
                    {
                        rs.Add(((TupleBinding)t!).GetValueOrDefault("@"));
                    }
                }

                resultSequence = rs;
            }
        }

        if (expr.KeepSingletonArray)
        {
            if (resultSequence is JArray { Cons: true, Sequence: false } consArr)
            {
                resultSequence = JArray.CreateSequence(consArr);
            }

            if (resultSequence is JArray ks)
            {
                ks.KeepSingleton = true;
            }
        }

        if (expr.Group is not null)
        {
            resultSequence = EvaluateGroupExpression(expr.Group, isTupleStream ? tupleBindings : resultSequence, environment);
        }

        return resultSequence;
    }

    /// <summary>
    /// Fast path for paths made of plain field names (optionally starting with a variable) that only traverse objects.
    /// Returns false (and the general algorithm runs) as soon as an array or sequence is met.
    /// </summary>
    private static bool TrySimplePath(List<Node> steps, object? input, Frame environment, out object? result)
    {
        result = null;
        var i = 0;
        object? current = input;
        var first = steps[0];
        if (first.Type == "variable" && first.Predicate is null && first.Stages is null && first.Group is null && !first.Tuple &&
            first.Focus is null && first.Index is null && !first.KeepArray)
        {
            if (steps.Count == 1)
            {
                return false;
            }

            current = first.StrValue.Length == 0
                ? (input is JArray { OuterWrapper: true } wrapped ? wrapped[0] : input)
                : environment.Lookup(first.StrValue);
            i = 1;
        }

        for (; i < steps.Count; i++)
        {
            if (!IsPlainName(steps[i]))
            {
                return false;
            }

            switch (current)
            {
                case JObject obj:
                    current = obj.TryGetValue(steps[i].StrValue, out var v) ? v : null;
                    break;
                case JArray:
                    return false;
                default:
                    // undefined or a primitive: the path yields nothing
                    return true;
            }
        }

        if (current is JArray { Sequence: true })
        {
            return false;
        }

        result = current;
        return true;
    }

    private static bool IsPlainName(Node step) =>
        step.Type == "name" && step.Stages is null && step.Predicate is null && step.Group is null && !step.Tuple &&
        step.Focus is null && step.Index is null && !step.KeepArray && !step.ConsArray;

    private static Frame CreateFrameFromTuple(Frame environment, TupleBinding tuple)
    {
        var frame = new Frame(environment);
        foreach (var kv in tuple)
        {
            frame.Bind(kv.Key, kv.Value);
        }

        return frame;
    }

    private object? EvaluateStep(Node expr, JArray input, Frame environment, bool lastStep)
    {
        if (expr.Type == "sort")
        {
            var sorted = EvaluateSortExpression(expr, input, environment);
            if (expr.Stages is not null)
            {
                sorted = EvaluateStages(expr.Stages, sorted, environment);
            }

            return sorted;
        }

        var result = JArray.CreateSequence();
        for (var ii = 0; ii < input.Count; ii++)
        {
            var res = Evaluate(expr, input[ii], environment);
            if (expr.Stages is not null)
            {
                foreach (var stage in expr.Stages)
                {
                    res = EvaluateFilter(stage.Expression!, res, environment);
                }
            }

            if (res is not null)
            {
                result.Add(res);
            }
        }

        var resultSequence = JArray.CreateSequence();
        if (lastStep && result.Count == 1 && result[0] is JArray { Sequence: false } only)
        {
            return only;
        }

        foreach (var res in result)
        {
            if (res is not JArray ra || ra.Cons)
            {
                resultSequence.Add(res);
            }
            else
            {
                resultSequence.AddRange(ra);
            }
        }

        return resultSequence;
    }
}
