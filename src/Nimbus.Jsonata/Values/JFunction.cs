using Nimbus.Jsonata.Evaluation;
using Nimbus.Jsonata.Parsing;

namespace Nimbus.Jsonata.Values;

/// <summary>Base type of every callable JSONata value (lambdas, built-ins, partial applications, regexes).</summary>
internal abstract class JFunction
{
    public abstract int Arity { get; }

    public Signature? Signature { get; init; }
}

/// <summary>The implementation of a native function.</summary>
internal delegate object? NativeImpl(FunctionContext context, object?[] args);

internal sealed class NativeFunction : JFunction
{
    public NativeFunction(string name, int arity, NativeImpl implementation)
    {
        Name = name;
        DeclaredArity = arity;
        Implementation = implementation;
    }

    public string Name { get; }

    public int DeclaredArity { get; }

    public NativeImpl Implementation { get; }

    public override int Arity => DeclaredArity;
}

internal sealed class Lambda : JFunction
{
    public Lambda(Node node, object? input, Frame environment)
    {
        Node = node;
        Input = input;
        Environment = environment;
    }

    public Node Node { get; }

    public object? Input { get; }

    public Frame Environment { get; }

    public bool IsThunk => Node.Thunk;

    public override int Arity => Node.Arguments!.Count;
}

/// <summary>A function with some arguments bound; <c>null</c> slots in <see cref="Placeholders"/> are supplied at call time.</summary>
internal sealed class PartialFunction : JFunction
{
    public PartialFunction(JFunction target, object?[] boundArgs, bool[] placeholders)
    {
        Target = target;
        BoundArgs = boundArgs;
        Placeholders = placeholders;
        Arity = placeholders.Count(p => p);
    }

    public JFunction Target { get; }

    public object?[] BoundArgs { get; }

    public bool[] Placeholders { get; }

    public override int Arity { get; }
}

/// <summary>A regular expression literal; it is a function of (string, fromIndex?) returning a match structure.</summary>
internal sealed class RegexFunction : JFunction
{
    public RegexFunction(System.Text.RegularExpressions.Regex regex, string source)
    {
        Regex = regex;
        Source = source;
    }

    public System.Text.RegularExpressions.Regex Regex { get; }

    public string Source { get; }

    public override int Arity => 1;
}
