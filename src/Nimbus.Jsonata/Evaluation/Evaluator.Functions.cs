using Nimbus.Jsonata.Parsing;
using Nimbus.Jsonata.Values;

namespace Nimbus.Jsonata.Evaluation;

/// <summary>Function invocation, lambdas, partial application, chaining, sorting and transforms.</summary>
internal sealed partial class Evaluator
{
    private object? EvaluateFunction(Node expr, object? input, Frame environment, bool hasApplyTo, object? applyTo)
    {
        var proc = Evaluate(expr.Procedure!, input, environment);
        if (proc is null && expr.Procedure!.Type == "path" && environment.Lookup(expr.Procedure.Steps![0].StrValue) is not null)
        {
            throw JsonataException.Create("T1005", expr.Position, expr.Procedure.Steps[0].StrValue);
        }

        var args = new object?[expr.Arguments!.Count + (hasApplyTo ? 1 : 0)];
        var offset = 0;
        if (hasApplyTo)
        {
            args[0] = applyTo;
            offset = 1;
        }

        for (var jj = 0; jj < expr.Arguments.Count; jj++)
        {
            args[jj + offset] = Evaluate(expr.Arguments[jj], input, environment);
        }

        var procName = expr.Procedure!.Type == "path" ? expr.Procedure.Steps![0].StrValue : expr.Procedure.Value as string;
        try
        {
            return Apply(proc, args, input, environment, procName, expr.Position);
        }
        catch (JsonataException ex) when (AnnotateIfMissing(ex, expr.Position, procName))
        {
            throw;
        }
    }

    public object? Apply(object? proc, object?[] args, object? input, Frame environment, string? token = null, int? position = null)
    {
        var result = ApplyInner(proc, args, input, environment, token, position);
        while (result is Lambda { IsThunk: true } thunk)
        {
            var body = thunk.Node.Body!;
            var next = Evaluate(body.Procedure!, thunk.Input, thunk.Environment);
            var nextToken = body.Procedure!.Type == "variable" ? body.Procedure.StrValue : null;
            var evaluatedArgs = new object?[body.Arguments!.Count];
            for (var ii = 0; ii < body.Arguments.Count; ii++)
            {
                evaluatedArgs[ii] = Evaluate(body.Arguments[ii], thunk.Input, thunk.Environment);
            }

            result = ApplyInner(next, evaluatedArgs, input, environment, nextToken, body.Procedure.Position);
        }

        return result;
    }

    private object? ApplyInner(object? proc, object?[] args, object? input, Frame environment, string? token, int? position)
    {
        try
        {
            var validatedArgs = args;
            if (proc is JFunction { Signature: { } signature })
            {
                validatedArgs = signature.Validate(args, input);
            }

            switch (proc)
            {
                case Lambda lambda:
                    return ApplyProcedure(lambda, validatedArgs);
                case NativeFunction native:
                    return native.Implementation(new FunctionContext(this, input, environment), validatedArgs);
                case PartialFunction partial:
                    return ApplyPartial(partial, validatedArgs, input, environment);
                case RegexFunction regex:
                    return Functions.RegexSupport.InvokeAsFunction(regex, validatedArgs);
                default:
                    throw JsonataException.Create("T1006");
            }
        }
        catch (JsonataException ex) when (proc is not null && AnnotateProc(ex, token, position))
        {
            throw;
        }
    }

    private static bool AnnotateIfMissing(JsonataException ex, int position, string? token)
    {
        ex.Position ??= position;
        ex.Token ??= token;
        return false;
    }

    private static bool AnnotateProc(JsonataException ex, string? token, int? position)
    {
        ex.Token ??= token;
        if (position is not null)
        {
            ex.Position = position;
        }

        return false;
    }

    private object? ApplyProcedure(Lambda proc, object?[] args)
    {
        var env = new Frame(proc.Environment);
        var parameters = proc.Node.Arguments!;
        for (var i = 0; i < parameters.Count; i++)
        {
            env.Bind(parameters[i].StrValue, i < args.Length ? args[i] : null);
        }

        return Evaluate(proc.Node.Body!, proc.Input, env);
    }

    private object? ApplyPartial(PartialFunction partial, object?[] args, object? input, Frame environment)
    {
        var full = new object?[partial.BoundArgs.Length];
        var next = 0;
        for (var i = 0; i < full.Length; i++)
        {
            if (partial.Placeholders[i])
            {
                full[i] = next < args.Length ? args[next] : null;
                next++;
            }
            else
            {
                full[i] = partial.BoundArgs[i];
            }
        }

        if (partial.Target is Lambda lambda)
        {
            return ApplyProcedure(lambda, full);
        }

        return ApplyInner(partial.Target, full, input, environment, null, null);
    }

    private object? EvaluatePartialApplication(Node expr, object? input, Frame environment)
    {
        var args = new object?[expr.Arguments!.Count];
        var placeholders = new bool[args.Length];
        for (var ii = 0; ii < args.Length; ii++)
        {
            var arg = expr.Arguments[ii];
            if (arg.Type == "operator" && arg.StrValue == "?")
            {
                placeholders[ii] = true;
            }
            else
            {
                args[ii] = Evaluate(arg, input, environment);
            }
        }

        var proc = Evaluate(expr.Procedure!, input, environment);
        if (proc is null && expr.Procedure!.Type == "path" && environment.Lookup(expr.Procedure.Steps![0].StrValue) is not null)
        {
            throw JsonataException.Create("T1007", expr.Position, expr.Procedure.Steps[0].StrValue);
        }

        if (proc is JFunction func)
        {
            return new PartialFunction(func, args, placeholders);
        }

        var procName = expr.Procedure!.Type == "path" ? expr.Procedure.Steps![0].StrValue : expr.Procedure.Value as string;
        throw JsonataException.Create("T1008", expr.Position, procName);
    }

    private object? EvaluateApplyExpression(Node expr, object? input, Frame environment)
    {
        var lhs = Evaluate(expr.Lhs!, input, environment);
        if (expr.Rhs!.Type == "function")
        {
            var applied = EvaluateFunction(expr.Rhs, input, environment, true, lhs);
            if (expr.Rhs.KeepArray && applied is JArray { Sequence: true } keep)
            {
                keep.KeepSingleton = true;
            }

            return applied;
        }

        var func = Evaluate(expr.Rhs, input, environment);
        if (func is not JFunction)
        {
            throw JsonataException.WithValue("T2006", func, expr.Position);
        }

        if (lhs is JFunction first)
        {
            var second = func;
            return new NativeFunction("chain", 1, (ctx, a) =>
            {
                var intermediate = ctx.Evaluator.Apply(first, [a.Length > 0 ? a[0] : null], null, ctx.Environment);
                return ctx.Evaluator.Apply(second, [intermediate], null, ctx.Environment);
            });
        }

        return Apply(func, [lhs], null, environment);
    }

    /// <summary>Stable merge sort; comparator returns true when the pair must be swapped (functions.js sort).</summary>
    public static JArray MergeSort(JArray arr, Func<object?, object?, bool> swap)
    {
        if (arr.Count <= 1)
        {
            return arr;
        }

        var items = arr.ToArray();
        var buffer = new object?[items.Length];
        MergeSortRange(items, buffer, 0, items.Length, swap);
        return new JArray(items);
    }

    private static void MergeSortRange(object?[] items, object?[] buffer, int start, int end, Func<object?, object?, bool> swap)
    {
        if (end - start <= 1)
        {
            return;
        }

        var middle = start + ((end - start) / 2);
        MergeSortRange(items, buffer, start, middle, swap);
        MergeSortRange(items, buffer, middle, end, swap);
        int l = start, r = middle, o = start;
        while (l < middle && r < end)
        {
            if (swap(items[l], items[r]))
            {
                buffer[o++] = items[r++];
            }
            else
            {
                buffer[o++] = items[l++];
            }
        }

        while (l < middle)
        {
            buffer[o++] = items[l++];
        }

        while (r < end)
        {
            buffer[o++] = items[r++];
        }

        Array.Copy(buffer, start, items, start, end - start);
    }

    private JArray EvaluateSortExpression(Node expr, JArray input, Frame environment)
    {
        var isTupleSort = input.TupleStream;
        bool Comparator(object? a, object? b)
        {
            var comp = 0;
            for (var index = 0; comp == 0 && index < expr.Terms!.Count; index++)
            {
                var term = expr.Terms[index];
                var context = a;
                var env = environment;
                if (isTupleSort)
                {
                    context = ((TupleBinding)a!).GetValueOrDefault("@");
                    env = CreateFrameFromTuple(environment, (TupleBinding)a!);
                }

                var aa = Evaluate(term.Expression, context, env);
                context = b;
                env = environment;
                if (isTupleSort)
                {
                    context = ((TupleBinding)b!).GetValueOrDefault("@");
                    env = CreateFrameFromTuple(environment, (TupleBinding)b!);
                }

                var bb = Evaluate(term.Expression, context, env);
                if (aa is null)
                {
                    comp = bb is null ? 0 : 1;
                    continue;
                }

                if (bb is null)
                {
                    comp = -1;
                    continue;
                }

                if (aa is not (string or double) || bb is not (string or double))
                {
                    throw JsonataException.WithValue("T2008", aa is string or double ? bb : aa, expr.Position);
                }

                if (aa.GetType() != bb.GetType())
                {
                    throw new JsonataException("T2007") { RawValue = aa, HasValue = true, RawValue2 = bb, Position = expr.Position };
                }

                int c = aa is double da ? da.CompareTo((double)bb) : string.CompareOrdinal((string)aa, (string)bb);
                if (c == 0)
                {
                    continue;
                }

                comp = c < 0 ? -1 : 1;
                if (term.Descending)
                {
                    comp = -comp;
                }
            }

            return comp == 1;
        }

        var sorted = MergeSort(input, Comparator);
        sorted.Sequence = input.Sequence;
        sorted.TupleStream = input.TupleStream;
        return sorted;
    }

    private NativeFunction CreateTransformer(Node expr, Frame environment)
    {
        return new NativeFunction("transform", 1, (ctx, args) =>
        {
            var obj = args.Length > 0 ? args[0] : null;
            if (obj is null)
            {
                return null;
            }

            var cloneFunction = environment.Lookup("clone");
            if (cloneFunction is not JFunction)
            {
                throw JsonataException.Create("T2013", expr.Position);
            }

            var result = Apply(cloneFunction, [obj], null, environment);
            var matches = Evaluate(expr.Pattern!, result, environment);
            if (matches is not null)
            {
                var matchList = matches as JArray ?? [matches];
                foreach (var match in matchList)
                {
                    var update = Evaluate(expr.Update!, match, environment);
                    if (update is not null)
                    {
                        if (update is not JObject updateObj)
                        {
                            throw JsonataException.WithValue("T2011", update, expr.Update!.Position);
                        }

                        if (match is JObject target)
                        {
                            foreach (var kv in updateObj)
                            {
                                target[kv.Key] = kv.Value;
                            }
                        }
                    }

                    if (expr.Delete is not null)
                    {
                        var deletions = Evaluate(expr.Delete, match, environment);
                        if (deletions is not null)
                        {
                            var val = deletions;
                            var list = deletions as JArray ?? [deletions];
                            if (!Helpers.IsArrayOfStrings(list))
                            {
                                throw JsonataException.WithValue("T2012", val, expr.Delete.Position);
                            }

                            if (match is JObject target)
                            {
                                foreach (var d in list)
                                {
                                    target.Remove((string)d!);
                                }
                            }
                        }
                    }
                }
            }

            return result;
        })
        { Signature = TransformSignature };
    }

    private static readonly Signature TransformSignature = Signature.Parse("<(oa):o>");
}
