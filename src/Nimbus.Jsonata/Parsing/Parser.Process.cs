namespace Nimbus.Jsonata.Parsing;

/// <summary>Post-parse processing: flattens paths into steps, resolves predicates, parent slots and tail calls.</summary>
internal sealed partial class Parser
{
    private static Node TailCallOptimize(Node expr)
    {
        if (expr.Type == "function" && expr.Predicate is null)
        {
            return new Node { Type = "lambda", Thunk = true, Arguments = [], Position = expr.Position, Body = expr };
        }

        if (expr.Type == "condition")
        {
            expr.Then = TailCallOptimize(expr.Then!);
            if (expr.Else is not null)
            {
                expr.Else = TailCallOptimize(expr.Else);
            }

            return expr;
        }

        if (expr.Type == "block")
        {
            var length = expr.Expressions!.Count;
            if (length > 0)
            {
                expr.Expressions[length - 1] = TailCallOptimize(expr.Expressions[length - 1]);
            }

            return expr;
        }

        return expr;
    }

    private readonly List<Node> _ancestry = [];

    private AncestorSlot SeekParent(Node node, AncestorSlot slot)
    {
        switch (node.Type)
        {
            case "name":
            case "wildcard":
                slot.Level--;
                if (slot.Level == 0)
                {
                    if (node.Ancestor is null)
                    {
                        node.Ancestor = slot;
                    }
                    else
                    {
                        _ancestry[slot.Index].Slot!.Label = node.Ancestor.Label;
                        node.Ancestor = slot;
                    }

                    node.Tuple = true;
                }

                break;
            case "parent":
                slot.Level++;
                break;
            case "block":
                if (node.Expressions!.Count > 0)
                {
                    node.Tuple = true;
                    slot = SeekParent(node.Expressions[^1], slot);
                }

                break;
            case "path":
                {
                    node.Tuple = true;
                    var index = node.Steps!.Count - 1;
                    slot = SeekParent(node.Steps[index--], slot);
                    while (slot.Level > 0 && index >= 0)
                    {
                        slot = SeekParent(node.Steps[index--], slot);
                    }

                    break;
                }

            default:
                throw JsonataException.Create("S0217", node.Position, node.Type);
        }

        return slot;
    }

    private static void PushAncestry(Node result, Node value)
    {
        if (value.SeekingParent is not null || value.Type == "parent")
        {
            var slots = value.SeekingParent ?? [];
            if (value.Type == "parent")
            {
                slots.Add(value.Slot!);
            }

            if (result.SeekingParent is null)
            {
                result.SeekingParent = slots;
            }
            else
            {
                result.SeekingParent.AddRange(slots);
            }
        }
    }

    private void ResolveAncestry(Node path)
    {
        var index = path.Steps!.Count - 1;
        var laststep = path.Steps[index];
        var slots = laststep.SeekingParent ?? [];
        if (laststep.Type == "parent")
        {
            slots.Add(laststep.Slot!);
        }

        for (var isl = 0; isl < slots.Count; isl++)
        {
            var slot = slots[isl];
            index = path.Steps.Count - 2;
            while (slot.Level > 0)
            {
                if (index < 0)
                {
                    path.SeekingParent ??= [];
                    path.SeekingParent.Add(slot);
                    break;
                }

                var step = path.Steps[index--];
                while (index >= 0 && step.Focus is not null && path.Steps[index].Focus is not null)
                {
                    step = path.Steps[index--];
                }

                slot = SeekParent(step, slot);
            }
        }
    }

    private Node ProcessAst(Node expr)
    {
        Node result;
        switch (expr.Type)
        {
            case "binary":
                result = ProcessBinary(expr);
                break;
            case "unary":
                result = new Node { Type = expr.Type, Value = expr.Value, Position = expr.Position };
                if ((expr.Value as string) == "[")
                {
                    result.Expressions = [];
                    foreach (var item in expr.Expressions!)
                    {
                        var value = ProcessAst(item);
                        PushAncestry(result, value);
                        result.Expressions.Add(value);
                    }
                }
                else if ((expr.Value as string) == "{")
                {
                    result.Pairs = [];
                    foreach (var pair in expr.Pairs!)
                    {
                        var key = ProcessAst(pair.Key);
                        PushAncestry(result, key);
                        var value = ProcessAst(pair.Value);
                        PushAncestry(result, value);
                        result.Pairs.Add((key, value));
                    }
                }
                else
                {
                    result.Expression = ProcessAst(expr.Expression!);
                    if ((expr.Value as string) == "-" && result.Expression.Type == "number")
                    {
                        result = result.Expression;
                        result.Value = -(double)result.Value!;
                    }
                    else
                    {
                        PushAncestry(result, result.Expression);
                    }
                }

                break;
            case "function":
            case "partial":
                result = new Node { Type = expr.Type, Value = expr.Value, Position = expr.Position, Arguments = [] };
                foreach (var arg in expr.Arguments!)
                {
                    var argAst = ProcessAst(arg);
                    PushAncestry(result, argAst);
                    result.Arguments.Add(argAst);
                }

                result.Procedure = ProcessAst(expr.Procedure!);
                break;
            case "lambda":
                result = new Node
                {
                    Type = expr.Type,
                    Arguments = expr.Arguments,
                    Signature = expr.Signature,
                    Position = expr.Position,
                };
                result.Body = TailCallOptimize(ProcessAst(expr.Body!));
                break;
            case "condition":
                result = new Node { Type = expr.Type, Position = expr.Position };
                result.Condition = ProcessAst(expr.Condition!);
                PushAncestry(result, result.Condition);
                result.Then = ProcessAst(expr.Then!);
                PushAncestry(result, result.Then);
                if (expr.Else is not null)
                {
                    result.Else = ProcessAst(expr.Else);
                    PushAncestry(result, result.Else);
                }

                break;
            case "elvis":
            case "coalesce":
                result = new Node { Type = expr.Type, Position = expr.Position };
                result.Condition = ProcessAst(expr.Condition!);
                PushAncestry(result, result.Condition);
                result.Else = ProcessAst(expr.Else!);
                PushAncestry(result, result.Else);
                break;
            case "transform":
                result = new Node { Type = expr.Type, Position = expr.Position };
                result.Pattern = ProcessAst(expr.Pattern!);
                result.Update = ProcessAst(expr.Update!);
                if (expr.Delete is not null)
                {
                    result.Delete = ProcessAst(expr.Delete);
                }

                break;
            case "block":
                result = new Node { Type = expr.Type, Position = expr.Position, Expressions = [] };
                foreach (var item in expr.Expressions!)
                {
                    var part = ProcessAst(item);
                    PushAncestry(result, part);
                    if (part.ConsArray || (part.Type == "path" && part.Steps![0].ConsArray))
                    {
                        result.ConsArray = true;
                    }

                    result.Expressions.Add(part);
                }

                break;
            case "name":
                result = new Node { Type = "path", Steps = [expr], Position = expr.Position };
                if (expr.KeepArray)
                {
                    result.KeepSingletonArray = true;
                }

                break;
            case "parent":
                result = new Node
                {
                    Type = "parent",
                    Position = expr.Position,
                    Slot = new AncestorSlot { Label = "!" + _ancestorLabel++, Level = 1, Index = _ancestorIndex++ },
                };
                _ancestry.Add(result);
                break;
            case "string":
            case "number":
            case "value":
            case "wildcard":
            case "descendant":
            case "variable":
            case "regex":
                result = expr;
                break;
            case "operator":
                if (expr.Value is "and" or "or" or "in")
                {
                    expr.Type = "name";
                    result = ProcessAst(expr);
                }
                else if ((expr.Value as string) == "?")
                {
                    result = expr;
                }
                else
                {
                    throw JsonataException.Create("S0201", expr.Position, expr.Value as string);
                }

                break;
            default:
                {
                    var code = expr.Id == "(end)" ? "S0207" : "S0206";
                    throw JsonataException.Create(code, expr.Position, expr.Value as string);
                }
        }

        if (expr.KeepArray)
        {
            result.KeepArray = true;
        }

        return result;
    }

    private Node ProcessBinary(Node expr)
    {
        Node result;
        switch (expr.Value as string)
        {
            case ".":
                {
                    var lstep = ProcessAst(expr.Lhs!);
                    if (lstep.Type == "path")
                    {
                        result = lstep;
                    }
                    else
                    {
                        result = new Node { Type = "path", Steps = [lstep], Position = lstep.Position };
                    }

                    if (lstep.Type == "parent")
                    {
                        result.SeekingParent = [lstep.Slot!];
                    }

                    var rest = ProcessAst(expr.Rhs!);
                    if (rest.Type == "path")
                    {
                        result.Steps!.AddRange(rest.Steps!);
                    }
                    else
                    {
                        if (rest.Predicate is not null)
                        {
                            rest.Stages = rest.Predicate;
                            rest.Predicate = null;
                        }

                        result.Steps!.Add(rest);
                    }

                    foreach (var step in result.Steps)
                    {
                        if (step.Type is "number" or "value")
                        {
                            throw new JsonataException("S0213") { Position = step.Position, RawValue = step.Value, HasValue = true };
                        }

                        if (step.Type == "string")
                        {
                            step.Type = "name";
                        }
                    }

                    if (result.Steps.Any(s => s.KeepArray))
                    {
                        result.KeepSingletonArray = true;
                    }

                    var firststep = result.Steps[0];
                    if (firststep.Type == "unary" && (firststep.Value as string) == "[")
                    {
                        firststep.ConsArray = true;
                    }

                    var laststep = result.Steps[^1];
                    if (laststep.Type == "unary" && (laststep.Value as string) == "[")
                    {
                        laststep.ConsArray = true;
                    }

                    ResolveAncestry(result);
                    break;
                }

            case "[":
                {
                    result = ProcessAst(expr.Lhs!);
                    var step = result;
                    var isStages = false;
                    if (result.Type == "path")
                    {
                        step = result.Steps![^1];
                        isStages = true;
                    }

                    if (step.Group is not null)
                    {
                        throw JsonataException.Create("S0209", expr.Position);
                    }

                    var predicate = ProcessAst(expr.Rhs!);
                    if (predicate.SeekingParent is not null)
                    {
                        foreach (var slot in predicate.SeekingParent)
                        {
                            if (slot.Level == 1)
                            {
                                SeekParent(step, slot);
                            }
                            else
                            {
                                slot.Level--;
                            }
                        }

                        PushAncestry(step, predicate);
                    }

                    var filter = new Node { Type = "filter", Expression = predicate, Position = expr.Position };
                    if (isStages)
                    {
                        step.Stages ??= [];
                        step.Stages.Add(filter);
                    }
                    else
                    {
                        step.Predicate ??= [];
                        step.Predicate.Add(filter);
                    }

                    break;
                }

            case "{":
                result = ProcessAst(expr.Lhs!);
                if (result.Group is not null)
                {
                    throw JsonataException.Create("S0210", expr.Position);
                }

                result.Group = new GroupSpec
                {
                    Pairs = expr.Pairs!.Select(p => (ProcessAst(p.Key), ProcessAst(p.Value))).ToList(),
                    Position = expr.Position,
                };
                break;
            case "^":
                {
                    result = ProcessAst(expr.Lhs!);
                    if (result.Type != "path")
                    {
                        result = new Node { Type = "path", Steps = [result], Position = result.Position };
                    }

                    var sortStep = new Node { Type = "sort", Position = expr.Position, Terms = [] };
                    foreach (var term in expr.Terms!)
                    {
                        var expression = ProcessAst(term.Expression);
                        PushAncestry(sortStep, expression);
                        sortStep.Terms.Add(new SortTerm { Descending = term.Descending, Expression = expression });
                    }

                    result.Steps!.Add(sortStep);
                    ResolveAncestry(result);
                    break;
                }

            case ":=":
                result = new Node { Type = "bind", Value = expr.Value, Position = expr.Position };
                result.Lhs = ProcessAst(expr.Lhs!);
                result.Rhs = ProcessAst(expr.Rhs!);
                PushAncestry(result, result.Rhs);
                break;
            case "@":
                {
                    result = ProcessAst(expr.Lhs!);
                    var step = result;
                    if (result.Type == "path")
                    {
                        step = result.Steps![^1];
                    }

                    if (step.Stages is not null || step.Predicate is not null)
                    {
                        throw JsonataException.Create("S0215", expr.Position);
                    }

                    if (step.Type == "sort")
                    {
                        throw JsonataException.Create("S0216", expr.Position);
                    }

                    if (expr.KeepArray)
                    {
                        step.KeepArray = true;
                    }

                    step.Focus = expr.Rhs!.StrValue;
                    step.Tuple = true;
                    break;
                }

            case "#":
                {
                    result = ProcessAst(expr.Lhs!);
                    var step = result;
                    if (result.Type == "path")
                    {
                        step = result.Steps![^1];
                    }
                    else
                    {
                        result = new Node { Type = "path", Steps = [result], Position = result.Position };
                        if (step.Predicate is not null)
                        {
                            step.Stages = step.Predicate;
                            step.Predicate = null;
                        }
                    }

                    if (step.Stages is null)
                    {
                        step.Index = expr.Rhs!.StrValue;
                    }
                    else
                    {
                        step.Stages.Add(new Node { Type = "index", Value = expr.Rhs!.StrValue, Position = expr.Position });
                    }

                    step.Tuple = true;
                    break;
                }

            case "~>":
                result = new Node { Type = "apply", Value = expr.Value, Position = expr.Position };
                result.Lhs = ProcessAst(expr.Lhs!);
                result.Rhs = ProcessAst(expr.Rhs!);
                PushAncestry(result, result.Lhs);
                PushAncestry(result, result.Rhs);
                break;
            default:
                result = new Node { Type = expr.Type, Value = expr.Value, Position = expr.Position };
                result.Lhs = ProcessAst(expr.Lhs!);
                result.Rhs = ProcessAst(expr.Rhs!);
                PushAncestry(result, result.Lhs);
                PushAncestry(result, result.Rhs);
                break;
        }

        return result;
    }
}
