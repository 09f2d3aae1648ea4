using System.Text.Json.Nodes;

namespace Nimbus.Data.DynamoDb.Expressions;

/// <summary>One step of a document path: an attribute/map key name or a list index.</summary>
internal readonly record struct PathElement(string? Name, int Index)
{
    public bool IsIndex => Name is null;

    public override string ToString() => Name ?? $"[{Index}]";
}

/// <summary>A document path such as <c>a.b[2].c</c> with placeholders already resolved.</summary>
internal sealed record DocPath(IReadOnlyList<PathElement> Elements)
{
    /// <summary>The form AWS's messages use: <c>[a, b, [2]]</c>.</summary>
    public override string ToString() => "[" + string.Join(", ", Elements) + "]";

    public string Top => Elements[0].Name!;
}

internal abstract record Operand;

internal sealed record PathOperand(DocPath Path) : Operand;

internal sealed record ValueOperand(string Placeholder, JsonObject Value) : Operand;

internal sealed record SizeOperand(DocPath Path) : Operand;

internal sealed record IfNotExistsOperand(DocPath Path, Operand Fallback) : Operand;

internal sealed record ListAppendOperand(Operand First, Operand Second) : Operand;

internal sealed record ArithmeticOperand(char Op, Operand Left, Operand Right) : Operand;

internal abstract record Condition;

internal sealed record CompareCondition(string Op, Operand Left, Operand Right) : Condition;

internal sealed record BetweenCondition(Operand Value, Operand Low, Operand High) : Condition;

internal sealed record InCondition(Operand Value, IReadOnlyList<Operand> Options) : Condition;

internal sealed record AndCondition(Condition Left, Condition Right) : Condition;

internal sealed record OrCondition(Condition Left, Condition Right) : Condition;

internal sealed record NotCondition(Condition Inner) : Condition;

/// <summary>attribute_exists, attribute_not_exists, attribute_type, begins_with, contains.</summary>
internal sealed record FunctionCondition(string Name, IReadOnlyList<Operand> Args) : Condition;

internal enum UpdateKind
{
    Set,
    Remove,
    Add,
    Delete,
}

internal sealed record UpdateAction(UpdateKind Kind, DocPath Path, Operand? Value);

internal sealed record UpdateExpression(IReadOnlyList<UpdateAction> Actions)
{
    public IEnumerable<DocPath> Paths => Actions.Select(a => a.Path);
}
