using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Nimbus.StepFunctions.Asl.Model;
using Nimbus.StepFunctions.Asl.Paths;
using Nimbus.StepFunctions.Json;

namespace Nimbus.StepFunctions.Execution;

/// <summary>Choice state: comparison operators, And/Or/Not, Default, States.NoChoiceMatched.</summary>
public sealed partial class AslInterpreter
{
    private (JsonNode? Output, string? Next) RunChoice(ChoiceState state, JsonNode? input, Frame frame)
    {
        var jsonata = state.QueryLanguage == QueryLanguageKind.Jsonata;
        var effective = jsonata ? input : ApplyInputPath(state.InputPath, input, frame);
        if (!jsonata)
        {
            Inspect(frame, "afterInputPath", effective);
        }

        var states = jsonata ? StatesBinding(input, frame) : null;
        for (var i = 0; i < state.Choices.Count; i++)
        {
            var branch = state.Choices[i];
            var matched = jsonata
                ? EvaluateCondition(((ConditionRule)branch.Rule).Condition, states!, frame, $"Choices[{i}]/Condition")
                : Evaluate(branch.Rule, frame.Scope(effective));
            if (matched)
            {
                if (jsonata)
                {
                    var assignedJ = branch.RawAssign is not null
                        ? EvaluateJsonataAssign(branch.RawAssign, states!, frame, $"Choices[{i}]/Assign")
                        : EvaluateJsonataAssign(state.RawAssign, states!, frame);
                    var outJ = branch.Output is not null
                        ? EvaluateJsonataTemplate(branch.Output, states!, frame, $"Choices[{i}]/Output")
                        : state.Output is not null ? EvaluateJsonataTemplate(state.Output, states!, frame, "Output") : input;
                    return Exit(state, outJ, frame, assignedJ, branch.Next);
                }

                var assigned = EvaluateAssign(branch.Assign ?? state.Assign, effective, frame);
                return Exit(state, ApplyOutputPath(state.OutputPath, effective, frame), frame, assigned, branch.Next);
            }
        }

        if (state.Default is null)
        {
            throw new StatesException(StatesErrors.NoChoiceMatched, "No Matches!");
        }

        if (jsonata)
        {
            var assignedJ = EvaluateJsonataAssign(state.RawAssign, states!, frame);
            return Exit(state, state.Output is null ? input : EvaluateJsonataTemplate(state.Output, states!, frame, "Output"), frame, assignedJ, state.Default);
        }

        var assignedDefault = EvaluateAssign(state.Assign, effective, frame);
        return Exit(state, ApplyOutputPath(state.OutputPath, effective, frame), frame, assignedDefault, state.Default);
    }

    /// <summary>A JSONata <c>Condition</c>: must evaluate to a boolean.</summary>
    private bool EvaluateCondition(JsonNode? condition, JsonObject states, Frame frame, string field)
    {
        var value = EvaluateJsonataTemplate(condition, states, frame, field);
        if (JsonText.IsBoolean(value))
        {
            return value!.GetValue<bool>();
        }

        var expression = IsJsonataExpression(JsonText.AsString(condition), out var e) ? e : JsonText.Serialize(condition);
        throw EvaluationFailure(
            frame,
            $"The JSONata expression '{expression}' specified for the field '{field}' returned an unexpected data type. Expected 'boolean' but was '{JsonText.Serialize(value)}'.",
            field);
    }

    /// <summary>Evaluates a JSONPath choice rule against the effective input.</summary>
    internal static bool Evaluate(ChoiceRule rule, in PathScope scope)
    {
        switch (rule)
        {
            case AndRule and:
                foreach (var r in and.Rules)
                {
                    if (!Evaluate(r, scope))
                    {
                        return false;
                    }
                }

                return true;
            case OrRule or:
                foreach (var r in or.Rules)
                {
                    if (Evaluate(r, scope))
                    {
                        return true;
                    }
                }

                return false;
            case NotRule not:
                return !Evaluate(not.Rule, scope);
            case ComparisonRule c:
                return Compare(c, scope);
            default:
                return false;
        }
    }

    private static bool Compare(ComparisonRule rule, in PathScope scope)
    {
        var present = scope.TryResolve(rule.VariablePath!, out var value);
        if (rule.Operator == ComparisonOperator.IsPresent)
        {
            return present == rule.Value!.GetValue<bool>();
        }

        if (!present)
        {
            throw new StatesException(
                StatesErrors.Runtime,
                $"Invalid path '{rule.Variable}' : No results for path: {rule.VariablePath!.Normalized}");
        }

        JsonNode? expected = rule.Value;
        if (rule.CompiledValuePath is not null)
        {
            if (!scope.TryResolve(rule.CompiledValuePath, out expected))
            {
                throw new StatesException(
                    StatesErrors.Runtime,
                    $"Invalid path '{rule.ValuePath}' : No results for path: {rule.CompiledValuePath.Normalized}");
            }
        }

        switch (rule.Operator)
        {
            case ComparisonOperator.IsNull:
                return (value is null) == expected!.GetValue<bool>();
            case ComparisonOperator.IsNumeric:
                return JsonText.IsNumber(value) == expected!.GetValue<bool>();
            case ComparisonOperator.IsString:
                return JsonText.IsString(value) == expected!.GetValue<bool>();
            case ComparisonOperator.IsBoolean:
                return JsonText.IsBoolean(value) == expected!.GetValue<bool>();
            case ComparisonOperator.IsTimestamp:
                return (JsonText.IsString(value) && Timestamps.TryParse(value!.GetValue<string>(), out _)) == expected!.GetValue<bool>();
            case ComparisonOperator.BooleanEquals:
                return JsonText.IsBoolean(value) && JsonText.IsBoolean(expected) && value!.GetValue<bool>() == expected!.GetValue<bool>();
            case ComparisonOperator.StringMatches:
                return JsonText.IsString(value) && JsonText.IsString(expected) && StringMatches(value!.GetValue<string>(), expected!.GetValue<string>());
        }

        var name = rule.Operator.ToString();
        if (name.StartsWith("String", StringComparison.Ordinal))
        {
            if (!JsonText.IsString(value) || !JsonText.IsString(expected))
            {
                return false;
            }

            return Holds(name, string.CompareOrdinal(value!.GetValue<string>(), expected!.GetValue<string>()));
        }

        if (name.StartsWith("Numeric", StringComparison.Ordinal))
        {
            if (!JsonText.IsNumber(value) || !JsonText.IsNumber(expected))
            {
                return false;
            }

            return Holds(name, JsonText.CompareNumbers(value!, expected!));
        }

        // Timestamp comparisons.
        if (!JsonText.IsString(value) || !JsonText.IsString(expected)
            || !Timestamps.TryParse(value!.GetValue<string>(), out var a) || !Timestamps.TryParse(expected!.GetValue<string>(), out var b))
        {
            return false;
        }

        return Holds(name, a.CompareTo(b));
    }

    private static bool Holds(string operatorName, int comparison)
    {
        if (operatorName.EndsWith("LessThanEquals", StringComparison.Ordinal))
        {
            return comparison <= 0;
        }

        if (operatorName.EndsWith("GreaterThanEquals", StringComparison.Ordinal))
        {
            return comparison >= 0;
        }

        if (operatorName.EndsWith("LessThan", StringComparison.Ordinal))
        {
            return comparison < 0;
        }

        if (operatorName.EndsWith("GreaterThan", StringComparison.Ordinal))
        {
            return comparison > 0;
        }

        return comparison == 0;
    }

    /// <summary>StringMatches: <c>*</c> matches any run of characters; <c>\*</c> and <c>\\</c> are literal.</summary>
    internal static bool StringMatches(string value, string pattern)
    {
        var sb = new System.Text.StringBuilder("^");
        for (var i = 0; i < pattern.Length; i++)
        {
            var c = pattern[i];
            if (c == '\\' && i + 1 < pattern.Length)
            {
                sb.Append(Regex.Escape(pattern[++i].ToString()));
            }
            else if (c == '*')
            {
                sb.Append(".*");
            }
            else
            {
                sb.Append(Regex.Escape(c.ToString()));
            }
        }

        sb.Append('$');
        return Regex.IsMatch(value, sb.ToString(), RegexOptions.Singleline | RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
    }
}
