using Nimbus.Jsonata.Values;

namespace Nimbus.Jsonata.Parsing;

/// <summary>Ancestor slot used by the parent operator (%).</summary>
internal sealed class AncestorSlot
{
    public string Label { get; set; } = string.Empty;

    public int Level { get; set; }

    public int Index { get; set; }
}

internal sealed class SortTerm
{
    public bool Descending { get; set; }

    public Node Expression { get; set; } = null!;
}

internal sealed class GroupSpec
{
    public List<(Node Key, Node Value)> Pairs { get; set; } = [];

    public int Position { get; set; }
}

/// <summary>Parse-tree and AST node (mutable during compilation only; read-only afterwards).</summary>
internal sealed class Node
{
    public string Id { get; set; } = string.Empty;

    public string Type { get; set; } = string.Empty;

    public object? Value { get; set; }

    public int Position { get; set; }

    public int Lbp { get; set; }

    public Node? Lhs { get; set; }

    public Node? Rhs { get; set; }

    public Node? Expression { get; set; }

    public Node? Condition { get; set; }

    public Node? Then { get; set; }

    public Node? Else { get; set; }

    public Node? Pattern { get; set; }

    public Node? Update { get; set; }

    public Node? Delete { get; set; }

    public Node? Body { get; set; }

    public Node? Procedure { get; set; }

    public List<Node>? Expressions { get; set; }

    public List<Node>? Arguments { get; set; }

    public List<Node>? Steps { get; set; }

    public List<(Node Key, Node Value)>? Pairs { get; set; }

    public List<SortTerm>? Terms { get; set; }

    public List<Node>? Predicate { get; set; }

    public List<Node>? Stages { get; set; }

    public GroupSpec? Group { get; set; }

    public string? Focus { get; set; }

    public string? Index { get; set; }

    public bool Tuple { get; set; }

    public AncestorSlot? Ancestor { get; set; }

    public AncestorSlot? Slot { get; set; }

    public List<AncestorSlot>? SeekingParent { get; set; }

    public bool KeepArray { get; set; }

    public bool ConsArray { get; set; }

    public bool KeepSingletonArray { get; set; }

    public bool Thunk { get; set; }

    public Signature? Signature { get; set; }

    /// <summary>Pre-built regex for regex literals.</summary>
    public RegexFunction? Regex { get; set; }

    public string StrValue => Value as string ?? string.Empty;
}
