using System.Globalization;
using System.Text.Json.Nodes;
using Nimbus.Core.Errors;

namespace Nimbus.Data.DynamoDb.Expressions;

/// <summary>Parses DynamoDB's condition, key condition, update and projection expressions with AWS's error messages.</summary>
/// <remarks>
/// <paramref name="kind"/> names the request member (<c>ConditionExpression</c>, <c>UpdateExpression</c>…) as AWS's messages
/// do: <c>Invalid UpdateExpression: Syntax error; token: "x", near: "SET x"</c>.
/// </remarks>
internal sealed class ExpressionParser
{
    private enum T
    {
        Identifier,
        Name,
        Value,
        Number,
        Symbol,
        Invalid,
        End,
    }

    private readonly record struct Token(T Kind, string Text, int Start, int End);

    /// <summary>AWS's limit on the length of any expression string.</summary>
    public const int MaxExpressionBytes = 4096;

    private readonly string _source;
    private readonly string _kind;
    private readonly ExpressionContext _context;
    private readonly List<Token> _tokens;
    private int _pos;

    private ExpressionParser(string source, string kind, ExpressionContext context)
    {
        _source = source;
        _kind = kind;
        _context = context;
        if (string.IsNullOrWhiteSpace(source))
        {
            throw Error("The expression can not be empty;");
        }

        if (System.Text.Encoding.UTF8.GetByteCount(source) > MaxExpressionBytes)
        {
            throw Error($"Expression size has exceeded the maximum allowed size; expression size: {System.Text.Encoding.UTF8.GetByteCount(source)}");
        }

        _tokens = Tokenize(source);
    }

    public static Condition ParseCondition(string source, string kind, ExpressionContext context)
    {
        var p = new ExpressionParser(source, kind, context);
        var c = p.Or();
        p.ExpectEnd();
        return c;
    }

    public static List<DocPath> ParseProjection(string source, ExpressionContext context)
    {
        var p = new ExpressionParser(source, "ProjectionExpression", context);
        var paths = new List<DocPath> { p.Path() };
        while (p.TryTake(","))
        {
            paths.Add(p.Path());
        }

        p.ExpectEnd();
        CheckOverlaps(paths, "ProjectionExpression");
        return paths;
    }

    public static UpdateExpression ParseUpdate(string source, ExpressionContext context)
    {
        var p = new ExpressionParser(source, "UpdateExpression", context);
        var actions = new List<UpdateAction>();
        var seen = new HashSet<UpdateKind>();
        do
        {
            var t = p.Peek();
            UpdateKind kind = t.Kind == T.Identifier ? t.Text.ToUpperInvariant() switch
            {
                "SET" => UpdateKind.Set,
                "REMOVE" => UpdateKind.Remove,
                "ADD" => UpdateKind.Add,
                "DELETE" => UpdateKind.Delete,
                _ => throw p.Syntax(),
            } : throw p.Syntax();
            p._pos++;
            if (!seen.Add(kind))
            {
                throw p.Error($"The \"{kind.ToString().ToUpperInvariant()}\" section can only be used once in an update expression;");
            }

            do
            {
                var path = p.Path();
                switch (kind)
                {
                    case UpdateKind.Set:
                        p.Expect("=");
                        actions.Add(new UpdateAction(kind, path, p.SetValue()));
                        break;
                    case UpdateKind.Remove:
                        actions.Add(new UpdateAction(kind, path, null));
                        break;
                    default:
                        var value = p.ValueOnly();
                        var type = value.Value.First().Key;
                        var ok = kind == UpdateKind.Add ? type is "N" or "SS" or "NS" or "BS" : type is "SS" or "NS" or "BS";
                        if (!ok)
                        {
                            var op = kind.ToString().ToUpperInvariant();
                            throw p.Error($"Incorrect operand type for operator or function; operator: {op}, operand type: {TypeName(type)}, typeSet: ALLOWED_FOR_{op}_OPERAND");
                        }

                        actions.Add(new UpdateAction(kind, path, value));
                        break;
                }
            }
            while (p.TryTake(","));
        }
        while (p.Peek().Kind != T.End);

        CheckOverlaps(actions.Select(a => a.Path).ToList(), "UpdateExpression");
        return new UpdateExpression(actions);
    }

    /// <summary>AWS's names for attribute types in operand-type messages.</summary>
    public static string TypeName(string type) => type switch
    {
        "S" => "STRING",
        "N" => "NUMBER",
        "B" => "BINARY",
        "BOOL" => "BOOLEAN",
        "NULL" => "NULL",
        "L" => "LIST",
        "M" => "MAP",
        "SS" => "STRING SET",
        "NS" => "NUMBER SET",
        "BS" => "BINARY SET",
        _ => type,
    };

    /// <summary>Paths may not overlap (one a prefix of another) or conflict (one indexes a list where the other names a map key).</summary>
    private static void CheckOverlaps(List<DocPath> paths, string kind)
    {
        for (var i = 0; i < paths.Count; i++)
        {
            for (var j = 0; j < i; j++)
            {
                var a = paths[j].Elements;
                var b = paths[i].Elements;
                var n = Math.Min(a.Count, b.Count);
                var k = 0;
                while (k < n && a[k] == b[k])
                {
                    k++;
                }

                if (k == n)
                {
                    throw AttributeValues.Validation($"Invalid {kind}: Two document paths overlap with each other; must remove or rewrite one of these paths; path one: {paths[j]}, path two: {paths[i]}");
                }

                if (a[k].IsIndex != b[k].IsIndex)
                {
                    throw AttributeValues.Validation($"Invalid {kind}: Two document paths conflict with each other; must remove or rewrite one of these paths; path one: {paths[j]}, path two: {paths[i]}");
                }
            }
        }
    }

    // ---- conditions ----
    private Condition Or()
    {
        var left = And();
        while (TryKeyword("OR"))
        {
            left = new OrCondition(left, And());
        }

        return left;
    }

    private Condition And()
    {
        var left = Not();
        while (TryKeyword("AND"))
        {
            left = new AndCondition(left, Not());
        }

        return left;
    }

    private Condition Not()
    {
        if (TryKeyword("NOT"))
        {
            return new NotCondition(Not());
        }

        return Primary();
    }

    private static readonly string[] ConditionFunctions = ["attribute_exists", "attribute_not_exists", "attribute_type", "begins_with", "contains"];

    private Condition Primary()
    {
        if (TryTake("("))
        {
            var inner = Or();
            Expect(")");
            return inner;
        }

        var t = Peek();
        if (t.Kind == T.Identifier && PeekAt(1).Text == "(" && PeekAt(1).Kind == T.Symbol && t.Text != "size")
        {
            if (!ConditionFunctions.Contains(t.Text))
            {
                throw Error($"Invalid function name; function: {t.Text}");
            }

            _pos += 2;
            var args = new List<Operand>();
            if (Peek().Text != ")")
            {
                do
                {
                    args.Add(ConditionOperand());
                }
                while (TryTake(","));
            }

            Expect(")");
            var expected = t.Text is "attribute_exists" or "attribute_not_exists" ? 1 : 2;
            if (args.Count != expected)
            {
                throw Error($"Incorrect number of operands for operator or function; operator or function: {t.Text}, number of operands: {args.Count}");
            }

            if (args[0] is not PathOperand)
            {
                throw Error($"Operator or function requires a document path; operator or function: {t.Text}");
            }

            if (t.Text == "attribute_type")
            {
                var type = args[1] is ValueOperand v && v.Value.First().Key == "S" ? v.Value["S"]!.GetValue<string>() : null;
                if (type is null)
                {
                    throw Error($"Incorrect operand type for operator or function; operator or function: attribute_type, operand type: {(args[1] is ValueOperand vv ? vv.Value.First().Key : "PATH")}");
                }

                if (type is not ("S" or "N" or "B" or "SS" or "NS" or "BS" or "BOOL" or "NULL" or "L" or "M"))
                {
                    throw Error($"Invalid attribute type name found; type: {type}, valid types: {{B,NULL,SS,BOOL,L,BS,N,NS,S,M}}");
                }
            }

            if (t.Text == "begins_with" && args[1] is ValueOperand bv && bv.Value.First().Key is not ("S" or "B"))
            {
                throw Error($"Incorrect operand type for operator or function; operator or function: begins_with, operand type: {bv.Value.First().Key}");
            }

            return new FunctionCondition(t.Text, args);
        }

        var left = ConditionOperand();
        var op = Peek();
        if (op.Kind == T.Symbol && op.Text is "=" or "<>" or "<" or "<=" or ">" or ">=")
        {
            _pos++;
            var right = ConditionOperand();
            if (op.Text is not ("=" or "<>"))
            {
                foreach (var side in new[] { left, right })
                {
                    if (side is ValueOperand v && v.Value.First().Key is not ("S" or "N" or "B"))
                    {
                        throw Error($"Incorrect operand type for operator or function; operator or function: {op.Text}, operand type: {v.Value.First().Key}");
                    }
                }
            }

            return new CompareCondition(op.Text, left, right);
        }

        if (TryKeyword("BETWEEN"))
        {
            var low = ConditionOperand();
            if (!TryKeyword("AND"))
            {
                throw Syntax();
            }

            var high = ConditionOperand();
            if (low is ValueOperand lv && high is ValueOperand hv)
            {
                var cmp = Evaluator.CompareValues(lv.Value, hv.Value);
                if (cmp is null)
                {
                    throw Error($"Incorrect operand type for operator or function; operator or function: BETWEEN, operand type: {hv.Value.First().Key}");
                }

                if (cmp > 0)
                {
                    throw Error($"The BETWEEN operator requires upper bound to be greater than or equal to lower bound; lower operand: AttributeValue: {{{Describe(lv.Value)}}}, upper operand: AttributeValue: {{{Describe(hv.Value)}}}");
                }
            }

            return new BetweenCondition(left, low, high);
        }

        if (TryKeyword("IN"))
        {
            Expect("(");
            var options = new List<Operand>();
            do
            {
                options.Add(ConditionOperand());
            }
            while (TryTake(","));
            Expect(")");
            if (options.Count > 100)
            {
                throw Error($"The IN operator is provided with too many operands; number of operands: {options.Count}");
            }

            return new InCondition(left, options);
        }

        throw Syntax();
    }

    private static string Describe(JsonObject value)
    {
        var (type, v) = value.First();
        return $"{type}:{(v is JsonValue jv && jv.TryGetValue<string>(out var s) ? s : v!.ToJsonString())}";
    }

    private Operand ConditionOperand()
    {
        var t = Peek();
        if (t.Kind == T.Value)
        {
            _pos++;
            return new ValueOperand(t.Text, _context.Value(t.Text, _kind));
        }

        if (t.Kind == T.Identifier && t.Text == "size" && PeekAt(1).Text == "(")
        {
            _pos += 2;
            var inner = ConditionOperand();
            Expect(")");
            return inner is PathOperand p ? new SizeOperand(p.Path) : throw Error("Operator or function requires a document path; operator or function: size");
        }

        if (t.Kind == T.Identifier && PeekAt(1).Text == "(" && PeekAt(1).Kind == T.Symbol)
        {
            throw ConditionFunctions.Contains(t.Text)
                ? Error($"The function is not allowed to be used this way in an expression; function: {t.Text}")
                : Error($"Invalid function name; function: {t.Text}");
        }

        return new PathOperand(Path());
    }

    // ---- update values ----
    private Operand SetValue()
    {
        var left = SetOperand();
        var t = Peek();
        if (t.Kind == T.Symbol && t.Text is "+" or "-")
        {
            _pos++;
            return new ArithmeticOperand(t.Text[0], left, SetOperand());
        }

        return left;
    }

    private Operand SetOperand()
    {
        var t = Peek();
        if (t.Kind == T.Value)
        {
            _pos++;
            return new ValueOperand(t.Text, _context.Value(t.Text, _kind));
        }

        if (t.Kind == T.Identifier && PeekAt(1).Text == "(" && PeekAt(1).Kind == T.Symbol)
        {
            switch (t.Text)
            {
                case "if_not_exists":
                {
                    _pos += 2;
                    var first = SetOperand();
                    Expect(",");
                    var fallback = SetOperand();
                    Expect(")");
                    return first is PathOperand p ? new IfNotExistsOperand(p.Path, fallback) : throw Error("Operator or function requires a document path; operator or function: if_not_exists");
                }

                case "list_append":
                {
                    _pos += 2;
                    var first = SetOperand();
                    Expect(",");
                    var second = SetOperand();
                    Expect(")");
                    foreach (var side in new[] { first, second })
                    {
                        if (side is ValueOperand v && v.Value.First().Key != "L")
                        {
                            throw Error($"Incorrect operand type for operator or function; operator or function: list_append, operand type: {v.Value.First().Key}");
                        }
                    }

                    return new ListAppendOperand(first, second);
                }

                case "attribute_exists" or "attribute_not_exists" or "attribute_type" or "begins_with" or "contains" or "size":
                    throw Error($"The function is not allowed in an update expression; function: {t.Text}");
                default:
                    throw Error($"Invalid function name; function: {t.Text}");
            }
        }

        return new PathOperand(Path());
    }

    private ValueOperand ValueOnly()
    {
        var t = Peek();
        if (t.Kind != T.Value)
        {
            throw Syntax();
        }

        _pos++;
        return new ValueOperand(t.Text, _context.Value(t.Text, _kind));
    }

    // ---- paths ----
    private DocPath Path()
    {
        var elements = new List<PathElement> { new(NameElement(), 0) };
        while (true)
        {
            var t = Peek();
            if (t.Kind == T.Symbol && t.Text == ".")
            {
                _pos++;
                elements.Add(new PathElement(NameElement(), 0));
            }
            else if (t.Kind == T.Symbol && t.Text == "[")
            {
                _pos++;
                var n = Peek();
                if (n.Kind != T.Number)
                {
                    throw Syntax();
                }

                _pos++;
                if (!int.TryParse(n.Text, NumberStyles.None, CultureInfo.InvariantCulture, out var index))
                {
                    throw Error($"List index is not within the allowable range; index: [{n.Text}]");
                }

                Expect("]");
                elements.Add(new PathElement(null, index));
            }
            else
            {
                return new DocPath(elements);
            }
        }
    }

    private string NameElement()
    {
        var t = Peek();
        switch (t.Kind)
        {
            case T.Name:
                _pos++;
                return _context.Name(t.Text, _kind);
            case T.Identifier:
                if (ReservedWords.Contains(t.Text))
                {
                    throw Error($"Attribute name is a reserved keyword; reserved keyword: {t.Text}");
                }

                _pos++;
                return t.Text;
            default:
                throw Syntax();
        }
    }

    // ---- tokens ----
    private Token Peek() => _tokens[Math.Min(_pos, _tokens.Count - 1)];

    private Token PeekAt(int offset) => _tokens[Math.Min(_pos + offset, _tokens.Count - 1)];

    private bool TryTake(string symbol)
    {
        var t = Peek();
        if (t.Kind == T.Symbol && t.Text == symbol)
        {
            _pos++;
            return true;
        }

        return false;
    }

    private bool TryKeyword(string keyword)
    {
        var t = Peek();
        if (t.Kind == T.Identifier && string.Equals(t.Text, keyword, StringComparison.OrdinalIgnoreCase))
        {
            _pos++;
            return true;
        }

        return false;
    }

    private void Expect(string symbol)
    {
        if (!TryTake(symbol))
        {
            throw Syntax();
        }
    }

    private void ExpectEnd()
    {
        if (Peek().Kind != T.End)
        {
            throw Syntax();
        }
    }

    private AwsServiceException Error(string message) => AttributeValues.Validation($"Invalid {_kind}: {message}");

    /// <summary>AWS's syntax error: the offending token and the text from the token before it to the token after it.</summary>
    private AwsServiceException Syntax()
    {
        var i = Math.Min(_pos, _tokens.Count - 1);
        var t = _tokens[i];
        var start = i > 0 ? _tokens[i - 1].Start : t.Start;
        var end = t.Kind == T.End ? _source.Length : (i + 1 < _tokens.Count && _tokens[i + 1].Kind != T.End ? _tokens[i + 1].End : t.End);
        var token = t.Kind == T.End ? "<EOF>" : t.Text;
        return Error($"Syntax error; token: \"{token}\", near: \"{_source[start..end].Trim()}\"");
    }

    private List<Token> Tokenize(string s)
    {
        var tokens = new List<Token>();
        var i = 0;
        while (i < s.Length)
        {
            var c = s[i];
            if (char.IsWhiteSpace(c))
            {
                i++;
                continue;
            }

            var start = i;
            if (c is '#' or ':')
            {
                i++;
                while (i < s.Length && ExpressionContext.IsNameChar(s[i]))
                {
                    i++;
                }

                tokens.Add(new Token(i - start == 1 ? T.Invalid : c == '#' ? T.Name : T.Value, s[start..i], start, i));
            }
            else if (char.IsAsciiDigit(c))
            {
                while (i < s.Length && char.IsAsciiDigit(s[i]))
                {
                    i++;
                }

                var kind = T.Number;
                while (i < s.Length && ExpressionContext.IsNameChar(s[i]))
                {
                    i++;
                    kind = T.Identifier;
                }

                tokens.Add(new Token(kind, s[start..i], start, i));
            }
            else if (ExpressionContext.IsNameChar(c))
            {
                while (i < s.Length && ExpressionContext.IsNameChar(s[i]))
                {
                    i++;
                }

                tokens.Add(new Token(T.Identifier, s[start..i], start, i));
            }
            else if (i + 1 < s.Length && s.Substring(i, 2) is "<=" or ">=" or "<>")
            {
                tokens.Add(new Token(T.Symbol, s.Substring(i, 2), start, i + 2));
                i += 2;
            }
            else if (c is '=' or '<' or '>' or '(' or ')' or ',' or '.' or '[' or ']' or '+' or '-')
            {
                tokens.Add(new Token(T.Symbol, c.ToString(), start, i + 1));
                i++;
            }
            else
            {
                tokens.Add(new Token(T.Invalid, c.ToString(), start, i + 1));
                i++;
            }
        }

        tokens.Add(new Token(T.End, "", s.Length, s.Length));
        var invalid = tokens.FindIndex(t => t.Kind == T.Invalid);
        if (invalid >= 0)
        {
            throw SyntaxIn(tokens, invalid);
        }

        return tokens;
    }

    private AwsServiceException SyntaxIn(List<Token> tokens, int i)
    {
        var t = tokens[i];
        var start = i > 0 ? tokens[i - 1].Start : t.Start;
        var end = i + 1 < tokens.Count && tokens[i + 1].Kind != T.End ? tokens[i + 1].End : t.End;
        return Error($"Syntax error; token: \"{t.Text}\", near: \"{_source[start..end].Trim()}\"");
    }
}
