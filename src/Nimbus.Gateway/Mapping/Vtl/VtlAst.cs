namespace Nimbus.Gateway.Mapping.Vtl;

/// <summary>A node of a parsed Velocity template.</summary>
internal abstract record VtlNode;

internal sealed record TextNode(string Text) : VtlNode;

/// <summary>A reference rendered into the output (<c>$x.y</c>, <c>$!x</c>, <c>${x}</c>).</summary>
internal sealed record RefNode(RefExpr Ref) : VtlNode;

internal sealed record SetNode(RefExpr Target, VtlExpr Value) : VtlNode;

internal sealed record IfNode(IReadOnlyList<(VtlExpr Condition, IReadOnlyList<VtlNode> Body)> Branches, IReadOnlyList<VtlNode>? Else) : VtlNode;

internal sealed record ForeachNode(string Variable, VtlExpr Source, IReadOnlyList<VtlNode> Body) : VtlNode;

internal sealed record BreakNode : VtlNode;

internal sealed record StopNode : VtlNode;

/// <summary>An expression inside a directive or a method argument.</summary>
internal abstract record VtlExpr;

internal sealed record LiteralExpr(object? Value) : VtlExpr;

/// <summary>A double-quoted string: its content is itself a template.</summary>
internal sealed record InterpolatedExpr(IReadOnlyList<VtlNode> Parts) : VtlExpr;

internal sealed record ListExpr(IReadOnlyList<VtlExpr> Items) : VtlExpr;

internal sealed record RangeExpr(VtlExpr From, VtlExpr To) : VtlExpr;

internal sealed record MapExpr(IReadOnlyList<(VtlExpr Key, VtlExpr Value)> Entries) : VtlExpr;

internal sealed record UnaryExpr(string Op, VtlExpr Operand) : VtlExpr;

internal sealed record BinaryExpr(string Op, VtlExpr Left, VtlExpr Right) : VtlExpr;

/// <summary><c>$root</c> followed by property, method and index accessors.</summary>
internal sealed record RefExpr(string Root, bool Quiet, IReadOnlyList<Accessor> Chain, string Source) : VtlExpr;

internal abstract record Accessor;

internal sealed record PropertyAccessor(string Name) : Accessor;

internal sealed record MethodAccessor(string Name, IReadOnlyList<VtlExpr> Arguments) : Accessor;

internal sealed record IndexAccessor(VtlExpr Index) : Accessor;

/// <summary>A template that cannot be parsed or evaluated; API Gateway answers such requests with a 500.</summary>
internal sealed class VtlException(string message) : Exception(message);
