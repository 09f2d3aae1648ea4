using System.Text.Json.Nodes;
using Nimbus.StepFunctions.Asl.Paths;

namespace Nimbus.StepFunctions.Asl.Model;

/// <summary>A top-level Choice rule: a condition plus the transition and optional Assign/Output.</summary>
public sealed record ChoiceBranch(ChoiceRule Rule, string Next)
{
    internal Payload.PayloadTemplate? Assign { get; init; }

    public JsonNode? RawAssign { get; init; }

    public JsonNode? Output { get; init; }
}

/// <summary>A boolean condition of a Choice state.</summary>
public abstract record ChoiceRule;

public sealed record AndRule(IReadOnlyList<ChoiceRule> Rules) : ChoiceRule;

public sealed record OrRule(IReadOnlyList<ChoiceRule> Rules) : ChoiceRule;

public sealed record NotRule(ChoiceRule Rule) : ChoiceRule;

/// <summary>JSONata <c>Condition</c> (evaluated through the query-language seam).</summary>
public sealed record ConditionRule(JsonNode? Condition) : ChoiceRule;

/// <summary>Comparison operators (the <c>…Path</c> forms are the same operator with <see cref="ComparisonRule.ValuePath"/>).</summary>
public enum ComparisonOperator
{
    StringEquals,
    StringLessThan,
    StringGreaterThan,
    StringLessThanEquals,
    StringGreaterThanEquals,
    StringMatches,
    NumericEquals,
    NumericLessThan,
    NumericGreaterThan,
    NumericLessThanEquals,
    NumericGreaterThanEquals,
    BooleanEquals,
    TimestampEquals,
    TimestampLessThan,
    TimestampGreaterThan,
    TimestampLessThanEquals,
    TimestampGreaterThanEquals,
    IsNull,
    IsPresent,
    IsNumeric,
    IsString,
    IsBoolean,
    IsTimestamp,
}

public sealed record ComparisonRule(string Variable, ComparisonOperator Operator, JsonNode? Value, string? ValuePath) : ChoiceRule
{
    internal JsonPath? VariablePath { get; init; }

    internal JsonPath? CompiledValuePath { get; init; }
}
