using System.Collections.Immutable;
using System.Text.Json.Nodes;
using Nimbus.Jsonata.Evaluation;
using Nimbus.Jsonata.Functions;
using Nimbus.Jsonata.Parsing;
using Nimbus.Jsonata.Values;

namespace Nimbus.Jsonata;

/// <summary>
/// A compiled JSONata 2.x expression. Instances are immutable and thread-safe: compile once, cache, evaluate concurrently.
/// </summary>
/// <remarks>
/// Undefined vs null: <see cref="Evaluate(JsonNode?, IReadOnlyDictionary{string, JsonNode?}?)"/> returns C# <c>null</c> when the
/// result is <c>undefined</c> (no match), and a <see cref="JsonValue"/> of kind <see cref="System.Text.Json.JsonValueKind.Null"/>
/// when the result is JSON <c>null</c> (see <see cref="IsJsonNull"/> / <see cref="CreateJsonNull"/>). The same convention
/// applies to the input: C# <c>null</c> input means "no input" (undefined).
/// </remarks>
public sealed class JsonataExpression
{
    private readonly Node _ast;
    private readonly ImmutableDictionary<string, NativeFunction> _functions;

    private JsonataExpression(string source, Node ast, ImmutableDictionary<string, NativeFunction> functions)
    {
        Source = source;
        _ast = ast;
        _functions = functions;
    }

    /// <summary>The expression text.</summary>
    public string Source { get; }

    /// <summary>Parses an expression. Throws <see cref="JsonataException"/> (S0xxx) on syntax errors.</summary>
    public static JsonataExpression Compile(string expression)
    {
        ArgumentNullException.ThrowIfNull(expression);
        var ast = Parser.Parse(expression);
        return new JsonataExpression(expression, ast, ImmutableDictionary<string, NativeFunction>.Empty);
    }

    /// <summary>
    /// Returns a copy of this expression with an extra native function <c>$name</c>. The optional <paramref name="signature"/>
    /// uses JSONata signature syntax (for example <c>&lt;a&lt;n&gt;n:a&gt;</c>) and validates/coerces arguments.
    /// </summary>
    public JsonataExpression WithFunction(string name, JsonataFunction implementation, string? signature = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(implementation);
        var sig = signature is null ? null : Signature.Parse(signature);
        var arity = sig?.ParamCount ?? 1;
        var native = new NativeFunction(name, arity, (ctx, args) =>
        {
            var converted = new JsonNode?[args.Length];
            for (var i = 0; i < args.Length; i++)
            {
                converted[i] = ValueConverter.ToJsonNode(args[i]);
            }

            return ValueConverter.FromJsonNode(implementation(converted));
        })
        { Signature = sig };
        return new JsonataExpression(Source, _ast, _functions.SetItem(name, native));
    }

    /// <summary>Evaluates the expression. Returns C# <c>null</c> for undefined. Throws <see cref="JsonataException"/>.</summary>
    public JsonNode? Evaluate(JsonNode? input, IReadOnlyDictionary<string, JsonNode?>? bindings = null) =>
        Evaluate(input, bindings, null);

    /// <summary>Evaluates the expression with runaway guards (depth and time limits).</summary>
    public JsonNode? Evaluate(JsonNode? input, IReadOnlyDictionary<string, JsonNode?>? bindings, JsonataEvaluationOptions? options)
    {
        var result = EvaluateInternal(ValueConverter.FromJsonNode(input), bindings?.ToDictionary(kv => kv.Key, kv => (object?)(ValueConverter.FromJsonNode(kv.Value) ?? JNull.Value)), options);
        return ValueConverter.ToJsonNode(result);
    }

    /// <summary>True when <paramref name="node"/> represents JSON <c>null</c> (as opposed to C# <c>null</c> = undefined).</summary>
    public static bool IsJsonNull(JsonNode? node) => ValueConverter.IsJsonNull(node);

    /// <summary>Creates a node representing JSON <c>null</c>.</summary>
    public static JsonNode CreateJsonNull() => ValueConverter.CreateJsonNull();

    internal object? EvaluateInternal(object? input, IReadOnlyDictionary<string, object?>? bindings, JsonataEvaluationOptions? options)
    {
        var evaluator = new Evaluator(options, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
        var environment = new Frame(BuiltIns.StaticFrame);
        foreach (var kv in _functions)
        {
            environment.Bind(kv.Key, kv.Value);
        }

        var execEnv = new Frame(environment);
        if (bindings is not null)
        {
            foreach (var kv in bindings)
            {
                execEnv.Bind(kv.Key, kv.Value);
            }
        }

        execEnv.Bind("$", input);
        if (input is JArray arr && !arr.Sequence)
        {
            var wrapped = JArray.CreateSequence(arr);
            wrapped.OuterWrapper = true;
            input = wrapped;
        }

        try
        {
            return evaluator.Evaluate(_ast, input, execEnv);
        }
        catch (Exception ex) when (ex is not JsonataException and not OutOfMemoryException)
        {
            // safety net: engine bugs or resource limits surface as a JSONata error rather than an arbitrary exception
            throw new JsonataException("U1002", "Internal error evaluating expression: " + ex.Message, ex);
        }
    }
}
