using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Nimbus.Data.DynamoDb;

/// <summary>A parsed <c>KeyConditionExpression</c>: equality on the hash key and an optional sort-key condition.</summary>
internal sealed partial record KeyCondition(byte[] Hash, string? SortOp, byte[]? Low, byte[]? High)
{
    public static KeyCondition Parse(DynamoTable table, string expression, JsonObject? names, JsonObject? values)
    {
        var usedNames = new HashSet<string>(StringComparer.Ordinal);
        var usedValues = new HashSet<string>(StringComparer.Ordinal);
        var parts = Split(expression);
        if (parts is null || parts.Count is 0 or > 2)
        {
            throw AttributeValues.Validation($"Invalid KeyConditionExpression: Syntax error; token: \"{expression}\"");
        }

        var conditions = parts.Select(p => Condition(p)!.Value).ToList();
        string Resolve(string n)
        {
            if (!n.StartsWith('#'))
            {
                if (ReservedWords.Contains(n))
                {
                    throw AttributeValues.Validation($"Invalid KeyConditionExpression: Attribute name is a reserved keyword; reserved keyword: {n}");
                }

                return n;
            }

            usedNames.Add(n);
            return names?[n]?.GetValue<string>() ?? throw AttributeValues.Validation($"Invalid KeyConditionExpression: An expression attribute name used in the document path is not defined; attribute name: {n}");
        }

        JsonObject Value(string v)
        {
            usedValues.Add(v);
            return values?[v] as JsonObject ?? throw AttributeValues.Validation($"Invalid KeyConditionExpression: An expression attribute value used in expression is not defined; attribute value: {v}");
        }

        byte[]? hash = null;
        string? op = null;
        byte[]? low = null, high = null;
        foreach (var (attr, o, args) in conditions)
        {
            var name = Resolve(attr);
            if (name == table.Hash.Name)
            {
                if (o != "=")
                {
                    throw AttributeValues.Validation("Query key condition not supported");
                }

                hash = Encode(table.Hash, Value(args[0]));
            }
            else if (table.Range is not null && name == table.Range.Name)
            {
                op = o;
                low = Encode(table.Range, Value(args[0]));
                if (o == "BETWEEN")
                {
                    high = Encode(table.Range, Value(args[1]));
                    if (low.AsSpan().SequenceCompareTo(high) > 0)
                    {
                        throw AttributeValues.Validation("Invalid KeyConditionExpression: The BETWEEN operator requires upper bound to be greater than or equal to lower bound");
                    }
                }
                else if (o == "begins_with" && table.Range.Type == "N")
                {
                    throw AttributeValues.Validation($"Invalid KeyConditionExpression: Incorrect operand type for operator or function; operator or function: begins_with, operand type: N");
                }
            }
            else
            {
                throw AttributeValues.Validation($"Query condition missed key schema element: {table.Hash.Name}");
            }
        }

        if (hash is null)
        {
            throw AttributeValues.Validation($"Query condition missed key schema element: {table.Hash.Name}");
        }

        foreach (var n in names?.Select(p => p.Key).Where(k => !usedNames.Contains(k)) ?? [])
        {
            throw AttributeValues.Validation($"Value provided in ExpressionAttributeNames unused in expressions: keys: {{{n}}}");
        }

        foreach (var v in values?.Select(p => p.Key).Where(k => !usedValues.Contains(k)) ?? [])
        {
            throw AttributeValues.Validation($"Value provided in ExpressionAttributeValues unused in expressions: keys: {{{v}}}");
        }

        return new KeyCondition(hash, op, low, high);
    }

    private static byte[] Encode(KeyAttribute key, JsonObject value)
    {
        var normal = AttributeValues.Normalise(value);
        var type = normal.First().Key;
        if (type != key.Type)
        {
            throw AttributeValues.Validation($"One or more parameter values were invalid: Condition parameter type does not match schema type");
        }

        return AttributeValues.EncodeKey(key, normal, false);
    }

    private static List<string>? Split(string expression)
    {
        var e = expression.Trim();
        while (e.StartsWith('(') && e.EndsWith(')') && Condition(e) is null && Condition(e[1..^1]) is not null)
        {
            e = e[1..^1].Trim();
        }

        if (Condition(e) is not null)
        {
            return [e];
        }

        foreach (Match m in AndPattern().Matches(e))
        {
            var left = Strip(e[..m.Index]);
            var right = Strip(e[(m.Index + m.Length)..]);
            if (Condition(left) is not null && Condition(right) is not null)
            {
                return [left, right];
            }
        }

        return null;
    }

    private static string Strip(string s)
    {
        s = s.Trim();
        while (s.StartsWith('(') && s.EndsWith(')'))
        {
            s = s[1..^1].Trim();
        }

        return s;
    }

    private static (string Attr, string Op, string[] Args)? Condition(string s)
    {
        var m = ComparisonPattern().Match(s);
        if (m.Success)
        {
            return (m.Groups[1].Value, m.Groups[2].Value, [m.Groups[3].Value]);
        }

        m = BetweenPattern().Match(s);
        if (m.Success)
        {
            return (m.Groups[1].Value, "BETWEEN", [m.Groups[2].Value, m.Groups[3].Value]);
        }

        m = BeginsWithPattern().Match(s);
        return m.Success ? (m.Groups[1].Value, "begins_with", [m.Groups[2].Value]) : null;
    }

    [GeneratedRegex(@"\s+AND\s+", RegexOptions.IgnoreCase)]
    private static partial Regex AndPattern();

    [GeneratedRegex(@"^\s*([#\w]+)\s*(=|<=|>=|<|>)\s*(:\w+)\s*$")]
    private static partial Regex ComparisonPattern();

    [GeneratedRegex(@"^\s*([#\w]+)\s+BETWEEN\s+(:\w+)\s+AND\s+(:\w+)\s*$", RegexOptions.IgnoreCase)]
    private static partial Regex BetweenPattern();

    [GeneratedRegex(@"^\s*begins_with\s*\(\s*([#\w]+)\s*,\s*(:\w+)\s*\)\s*$")]
    private static partial Regex BeginsWithPattern();

    /// <summary>A subset of DynamoDB's reserved words (the full list has 573); used unescaped they are a ValidationException.</summary>
    private static readonly HashSet<string> ReservedWords = new(
        ["ABORT", "ALL", "AND", "ANY", "AS", "ASC", "BETWEEN", "BY", "CASE", "COUNT", "DATA", "DATE", "DELETE", "DESC", "EXISTS",
         "FROM", "GROUP", "IN", "INDEX", "KEY", "LIMIT", "NAME", "NOT", "NULL", "OR", "ORDER", "SELECT", "SET", "SIZE", "STATUS",
         "TABLE", "TIMESTAMP", "TYPE", "UPDATE", "USER", "VALUE", "VALUES", "WHERE", "YEAR", "ID", "TIME", "HASH", "RANGE", "ITEMS"],
        StringComparer.OrdinalIgnoreCase);
}
