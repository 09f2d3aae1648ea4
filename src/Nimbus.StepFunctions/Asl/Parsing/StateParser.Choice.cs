using System.Text.Json.Nodes;
using Nimbus.StepFunctions.Asl.Model;
using Nimbus.StepFunctions.Json;

namespace Nimbus.StepFunctions.Asl.Parsing;

internal static partial class StateParser
{
    private static readonly Dictionary<string, ComparisonOperator> Operators =
        Enum.GetValues<ComparisonOperator>().ToDictionary(o => o.ToString(), o => o, StringComparer.Ordinal);

    private static StateDefinition ParseChoice(ParseContext ctx, JsonObject obj, string loc, CommonFields c)
    {
        var branches = new List<ChoiceBranch>();
        if (!obj.TryGetPropertyValue("Choices", out var ch) || ch is not JsonArray arr || arr.Count == 0)
        {
            ctx.Error(loc, "A Choice state MUST have a non-empty array field named \"Choices\"");
        }
        else
        {
            for (var i = 0; i < arr.Count; i++)
            {
                var rloc = $"{loc}/Choices/{i}";
                if (arr[i] is not JsonObject ro)
                {
                    ctx.Error(rloc, "A Choice Rule must be an object");
                    continue;
                }

                var next = ctx.RequiredString(ro, "Next", rloc);
                var rule = ParseRule(ctx, ro, rloc, c.QueryLanguage, top: true);
                if (rule is not null && next is not null)
                {
                    branches.Add(new ChoiceBranch(rule, next)
                    {
                        Assign = c.QueryLanguage == QueryLanguageKind.JsonPath ? ctx.Template(ro, "Assign", rloc) : null,
                        RawAssign = ro.TryGetPropertyValue("Assign", out var a) ? a?.DeepClone() : null,
                        Output = ro.TryGetPropertyValue("Output", out var o) ? o?.DeepClone() : null,
                    });
                }
            }
        }

        return Apply(new ChoiceState { Name = c.Name, Choices = branches, Default = ctx.OptString(obj, "Default", loc) }, c);
    }

    private static ChoiceRule? ParseRule(ParseContext ctx, JsonObject ro, string loc, QueryLanguageKind ql, bool top)
    {
        if (!top && ro.ContainsKey("Next"))
        {
            ctx.Error(loc + "/Next", "Nested Choice Rules MUST NOT have a \"Next\" field");
        }

        if (ql == QueryLanguageKind.Jsonata)
        {
            if (!ro.TryGetPropertyValue("Condition", out var cond))
            {
                ctx.Error(loc, "A JSONata Choice Rule MUST have a \"Condition\" field");
                return null;
            }

            foreach (var (k, _) in ro)
            {
                if (k is not ("Condition" or "Next" or "Comment" or "Assign" or "Output"))
                {
                    ctx.Error(loc + "/" + k, $"Field \"{k}\" is not supported by JSONata Choice Rules");
                }
            }

            return new ConditionRule(cond?.DeepClone());
        }

        var ops = new List<string>();
        foreach (var (k, _) in ro)
        {
            if (k is "Next" && top)
            {
                continue;
            }

            if (k is "Comment" or "Variable" || (top && k is "Assign"))
            {
                continue;
            }

            if (k is "Condition" || (top && k is "Output"))
            {
                ctx.Error(loc, $"The QueryLanguage is set to 'JSONPath', but field '{k}' is only supported for the 'JSONata' QueryLanguage");
                continue;
            }

            if (k is "And" or "Or" or "Not" || Operators.ContainsKey(k) || (k.EndsWith("Path", StringComparison.Ordinal) && Operators.ContainsKey(k[..^4])))
            {
                ops.Add(k);
                continue;
            }

            ctx.Error(loc + "/" + k, $"Field \"{k}\" is not supported by Choice Rules");
        }

        if (ops.Count != 1)
        {
            ctx.Error(loc, ops.Count == 0
                ? "A Choice Rule MUST have exactly one comparison operator or \"And\"/\"Or\"/\"Not\""
                : $"A Choice Rule may have only one of [{string.Join(", ", ops.Select(o => "\"" + o + "\""))}]");
            return null;
        }

        var op = ops[0];
        var value = ro[op];
        if (op is "And" or "Or")
        {
            if (value is not JsonArray list || list.Count == 0)
            {
                ctx.Error(loc + "/" + op, $"Field \"{op}\" must be a non-empty array of Choice Rules");
                return null;
            }

            var rules = new List<ChoiceRule>();
            for (var i = 0; i < list.Count; i++)
            {
                if (list[i] is JsonObject sub && ParseRule(ctx, sub, $"{loc}/{op}/{i}", ql, top: false) is { } r)
                {
                    rules.Add(r);
                }
                else if (list[i] is not JsonObject)
                {
                    ctx.Error($"{loc}/{op}/{i}", "A Choice Rule must be an object");
                }
            }

            if (ro.ContainsKey("Variable"))
            {
                ctx.Error(loc + "/Variable", $"A Choice Rule with \"{op}\" MUST NOT have a \"Variable\" field");
            }

            return op == "And" ? new AndRule(rules) : new OrRule(rules);
        }

        if (op == "Not")
        {
            if (value is not JsonObject sub)
            {
                ctx.Error(loc + "/Not", "Field \"Not\" must be a Choice Rule object");
                return null;
            }

            var inner = ParseRule(ctx, sub, loc + "/Not", ql, top: false);
            return inner is null ? null : new NotRule(inner);
        }

        var variable = ctx.RequiredString(ro, "Variable", loc);
        var isPath = !Operators.ContainsKey(op);
        var opEnum = Operators[isPath ? op[..^4] : op];
        if (isPath && opEnum is ComparisonOperator.IsNull or ComparisonOperator.IsPresent or ComparisonOperator.IsNumeric
                or ComparisonOperator.IsString or ComparisonOperator.IsBoolean or ComparisonOperator.IsTimestamp)
        {
            ctx.Error(loc + "/" + op, $"Field \"{op}\" is not supported by Choice Rules");
            return null;
        }

        var variablePath = variable is null ? null : ctx.PathField(variable, loc + "/Variable", "Variable");
        if (isPath)
        {
            var text = ctx.String(value, loc + "/" + op, op);
            var valuePath = text is null ? null : ctx.PathField(text, loc + "/" + op, op);
            return variable is null || valuePath is null
                ? null
                : new ComparisonRule(variable, opEnum, null, text) { VariablePath = variablePath, CompiledValuePath = valuePath };
        }

        var ok = opEnum switch
        {
            ComparisonOperator.StringEquals or ComparisonOperator.StringLessThan or ComparisonOperator.StringGreaterThan
                or ComparisonOperator.StringLessThanEquals or ComparisonOperator.StringGreaterThanEquals
                or ComparisonOperator.StringMatches => JsonText.IsString(value),
            ComparisonOperator.NumericEquals or ComparisonOperator.NumericLessThan or ComparisonOperator.NumericGreaterThan
                or ComparisonOperator.NumericLessThanEquals or ComparisonOperator.NumericGreaterThanEquals => JsonText.IsNumber(value),
            ComparisonOperator.TimestampEquals or ComparisonOperator.TimestampLessThan or ComparisonOperator.TimestampGreaterThan
                or ComparisonOperator.TimestampLessThanEquals or ComparisonOperator.TimestampGreaterThanEquals =>
                JsonText.IsString(value) && Execution.Timestamps.TryParse(value!.GetValue<string>(), out _),
            _ => JsonText.IsBoolean(value),
        };
        if (!ok)
        {
            var expected = opEnum.ToString() switch
            {
                var s when s.StartsWith("String", StringComparison.Ordinal) => "a String",
                var s when s.StartsWith("Numeric", StringComparison.Ordinal) => "a Number",
                var s when s.StartsWith("Timestamp", StringComparison.Ordinal) => "a Timestamp",
                _ => "a Boolean",
            };
            ctx.Error(loc + "/" + op, $"Field \"{op}\" should be {expected}");
            return null;
        }

        return variable is null ? null : new ComparisonRule(variable, opEnum, value?.DeepClone(), null) { VariablePath = variablePath };
    }
}
