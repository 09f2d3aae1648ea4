using System.Text.Json.Nodes;
using Nimbus.Data.DynamoDb.Expressions;

namespace Nimbus.Data.DynamoDb;

/// <summary>A parsed <c>KeyConditionExpression</c>: equality on the hash key and an optional sort-key condition.</summary>
internal sealed record KeyCondition(byte[] Hash, string? SortOp, byte[]? Low, byte[]? High)
{
    private const string Kind = "KeyConditionExpression";

    /// <summary>Parses a key condition on the table's own key, checking that every name and value is used.</summary>
    public static KeyCondition Parse(DynamoTable table, string expression, JsonObject? names, JsonObject? values)
    {
        var context = new ExpressionContext(names, values);
        var condition = Parse(table.Hash, table.Range, expression, context);
        context.CheckUnused();
        return condition;
    }

    /// <summary>Parses a key condition on the key (<paramref name="hashKey"/>, <paramref name="rangeKey"/>) of a table or index.</summary>
    public static KeyCondition Parse(KeyAttribute hashKey, KeyAttribute? rangeKey, string expression, ExpressionContext context)
    {
        return FromCondition(hashKey, rangeKey, ExpressionParser.ParseCondition(expression, Kind, context));
    }

    /// <summary>The key condition a parsed condition (an expression or legacy KeyConditions) describes.</summary>
    public static KeyCondition FromCondition(KeyAttribute hashKey, KeyAttribute? rangeKey, Condition parsed)
    {
        var parts = new List<Condition>();
        Flatten(parsed, parts);
        if (parts.Count > 2)
        {
            throw AttributeValues.Validation("KeyConditionExpressions must only contain one condition per key");
        }

        byte[]? hash = null;
        string? op = null;
        byte[]? low = null, high = null;
        foreach (var part in parts)
        {
            var (path, o, args) = part switch
            {
                CompareCondition c when c.Left is PathOperand p && c.Right is ValueOperand v => (p.Path, c.Op, new[] { v }),
                CompareCondition c when c.Right is PathOperand p && c.Left is ValueOperand v => (p.Path, Flip(c.Op), new[] { v }),
                BetweenCondition b when b.Value is PathOperand p && b.Low is ValueOperand lo && b.High is ValueOperand hi => (p.Path, "BETWEEN", new[] { lo, hi }),
                FunctionCondition { Name: "begins_with" } f when f.Args[1] is ValueOperand v => (((PathOperand)f.Args[0]).Path, "begins_with", new[] { v }),
                FunctionCondition f => throw AttributeValues.Validation($"Invalid {Kind}: Invalid function name; function: {f.Name}"),
                InCondition => throw AttributeValues.Validation($"Invalid operator used in {Kind}: IN"),
                CompareCondition { Op: "<>" } => throw AttributeValues.Validation($"Invalid operator used in {Kind}: <>"),
                _ => throw AttributeValues.Validation("Query key condition not supported"),
            };
            if (path.Elements.Count != 1)
            {
                throw AttributeValues.Validation($"Invalid {Kind}: Key conditions must only refer to top-level key attributes; path: {path}");
            }

            var name = path.Top;
            if (name == hashKey.Name)
            {
                if (o != "=")
                {
                    throw AttributeValues.Validation("Query key condition not supported");
                }

                if (hash is not null)
                {
                    throw AttributeValues.Validation("KeyConditionExpressions must only contain one condition per key");
                }

                hash = Encode(hashKey, args[0].Value);
            }
            else if (rangeKey is not null && name == rangeKey.Name)
            {
                if (op is not null)
                {
                    throw AttributeValues.Validation("KeyConditionExpressions must only contain one condition per key");
                }

                if (o == "<>")
                {
                    throw AttributeValues.Validation($"Invalid operator used in {Kind}: <>");
                }

                op = o;
                if (o == "begins_with" && rangeKey.Type == "N")
                {
                    throw AttributeValues.Validation($"Invalid {Kind}: Incorrect operand type for operator or function; operator or function: begins_with, operand type: N");
                }

                low = Encode(rangeKey, args[0].Value);
                if (o == "BETWEEN")
                {
                    high = Encode(rangeKey, args[1].Value);
                }
            }
            else
            {
                throw AttributeValues.Validation($"Query condition missed key schema element: {hashKey.Name}");
            }
        }

        if (hash is null)
        {
            throw AttributeValues.Validation($"Query condition missed key schema element: {hashKey.Name}");
        }

        return new KeyCondition(hash, op, low, high);
    }

    private static string Flip(string op) => op switch
    {
        "<" => ">",
        "<=" => ">=",
        ">" => "<",
        ">=" => "<=",
        _ => op,
    };

    private static void Flatten(Condition c, List<Condition> parts)
    {
        switch (c)
        {
            case AndCondition a:
                Flatten(a.Left, parts);
                Flatten(a.Right, parts);
                break;
            case OrCondition:
                throw AttributeValues.Validation($"Invalid operator used in {Kind}: OR");
            case NotCondition:
                throw AttributeValues.Validation($"Invalid operator used in {Kind}: NOT");
            default:
                parts.Add(c);
                break;
        }
    }

    private static byte[] Encode(KeyAttribute key, JsonObject value)
    {
        if (value.First().Key != key.Type)
        {
            throw AttributeValues.Validation("One or more parameter values were invalid: Condition parameter type does not match schema type");
        }

        return AttributeValues.EncodeKey(key, value, false);
    }
}
