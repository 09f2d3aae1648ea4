using Nimbus.Jsonata.Values;

namespace Nimbus.Jsonata.Parsing;

/// <summary>Pratt (top-down operator precedence) parser, a port of parser.js.</summary>
internal sealed partial class Parser
{
    private static readonly Dictionary<string, int> SymbolLbp = new(StringComparer.Ordinal)
    {
        ["."] = 75, ["+"] = 50, ["-"] = 50, ["*"] = 60, ["/"] = 60, ["%"] = 60, ["="] = 40, ["<"] = 40,
        [">"] = 40, ["!="] = 40, ["<="] = 40, [">="] = 40, ["&"] = 50, ["and"] = 30, ["or"] = 25, ["in"] = 40,
        ["~>"] = 40, ["("] = 80, ["["] = 80, ["^"] = 40, ["{"] = 70, [":="] = 10, ["@"] = 80, ["#"] = 80,
        ["?"] = 20, ["?:"] = 40, ["??"] = 40,
        [":"] = 0, [";"] = 0, [","] = 0, [")"] = 0, ["]"] = 0, ["}"] = 0, [".."] = 0, ["|"] = 0, ["**"] = 0,
        ["(end)"] = 0,
    };

    private readonly string _source;
    private readonly Tokenizer _lexer;
    private Node _node = null!;
    private int _ancestorLabel;
    private int _ancestorIndex;

    private Parser(string source)
    {
        _source = source;
        _lexer = new Tokenizer(source);
    }

    public static Node Parse(string source)
    {
        var parser = new Parser(source);
        parser.Advance();
        var expr = parser.Expression(0);
        if (parser._node.Id != "(end)")
        {
            throw JsonataException.Create("S0201", parser._node.Position, TokenText(parser._node));
        }

        expr = parser.ProcessAst(expr);
        if (expr.Type == "parent" || expr.SeekingParent is not null)
        {
            throw JsonataException.Create("S0217", expr.Position, expr.Type);
        }

        return expr;
    }

    private static string? TokenText(Node n) => n.Value switch
    {
        null => null,
        string s => s,
        double d => JsNumber.ToString(d),
        bool b => b ? "true" : "false",
        JNull => "null",
        _ => n.Value.ToString(),
    };

    private Node Advance(string? id = null, bool infix = false)
    {
        if (id is not null && _node.Id != id)
        {
            var code = _node.Id == "(end)" ? "S0203" : "S0202";
            throw new JsonataException(code) { Position = _node.Position, Token = TokenText(_node), RawValue = id, HasValue = true };
        }

        var nextToken = _lexer.Next(infix);
        if (nextToken is null)
        {
            _node = new Node { Id = "(end)", Type = "(end)", Value = "(end)", Position = _source.Length, Lbp = 0 };
            return _node;
        }

        var value = nextToken.Value;
        var type = nextToken.Type;
        string symbolId;
        switch (type)
        {
            case "name":
            case "variable":
                symbolId = "(name)";
                break;
            case "operator":
                symbolId = (string)value!;
                if (!SymbolLbp.ContainsKey(symbolId))
                {
                    throw JsonataException.Create("S0204", nextToken.Position, symbolId);
                }

                break;
            case "string":
            case "number":
            case "value":
                symbolId = "(literal)";
                break;
            case "regex":
                symbolId = "(regex)";
                break;
            default:
                throw JsonataException.Create("S0205", nextToken.Position, value?.ToString());
        }

        _node = new Node
        {
            Id = symbolId,
            Value = value,
            Type = type,
            Position = nextToken.Position,
            Lbp = SymbolLbp.GetValueOrDefault(symbolId),
        };
        if (type == "regex")
        {
            _node.Regex = (RegexFunction)value!;
        }

        return _node;
    }

    private Node Expression(int rbp)
    {
        var t = _node;
        Advance(null, true);
        var left = Nud(t);
        while (rbp < _node.Lbp)
        {
            t = _node;
            Advance();
            left = Led(t, left);
        }

        return left;
    }

    private Node Nud(Node t)
    {
        switch (t.Id)
        {
            case "(end)":
            case "(name)":
            case "(literal)":
            case "(regex)":
                return t;
            case "and":
            case "or":
            case "in":
                return t;
            case "-":
                t.Expression = Expression(70);
                t.Type = "unary";
                return t;
            case "*":
                t.Type = "wildcard";
                return t;
            case "**":
                t.Type = "descendant";
                return t;
            case "%":
                t.Type = "parent";
                return t;
            case "(":
                {
                    var expressions = new List<Node>();
                    while (_node.Id != ")")
                    {
                        expressions.Add(Expression(0));
                        if (_node.Id != ";")
                        {
                            break;
                        }

                        Advance(";");
                    }

                    Advance(")", true);
                    t.Type = "block";
                    t.Expressions = expressions;
                    return t;
                }

            case "[":
                {
                    var a = new List<Node>();
                    if (_node.Id != "]")
                    {
                        while (true)
                        {
                            var item = Expression(0);
                            if (_node.Id == "..")
                            {
                                var range = new Node { Id = "..", Type = "binary", Value = "..", Position = _node.Position, Lhs = item };
                                Advance("..");
                                range.Rhs = Expression(0);
                                item = range;
                            }

                            a.Add(item);
                            if (_node.Id != ",")
                            {
                                break;
                            }

                            Advance(",");
                        }
                    }

                    Advance("]", true);
                    t.Expressions = a;
                    t.Type = "unary";
                    return t;
                }

            case "{":
                return ObjectParser(t, null);
            case "|":
                t.Type = "transform";
                t.Pattern = Expression(0);
                Advance("|");
                t.Update = Expression(0);
                if (_node.Id == ",")
                {
                    Advance(",");
                    t.Delete = Expression(0);
                }

                Advance("|");
                return t;
            default:
                throw JsonataException.Create("S0211", t.Position, TokenText(t));
        }
    }

    private Node Led(Node t, Node left)
    {
        switch (t.Id)
        {
            case "(":
                return LedFunction(t, left);
            case "[":
                {
                    if (_node.Id == "]")
                    {
                        var step = left;
                        while (step.Type == "binary" && (step.Value as string) == "[")
                        {
                            step = step.Lhs!;
                        }

                        step.KeepArray = true;
                        Advance("]");
                        return left;
                    }

                    t.Lhs = left;
                    t.Rhs = Expression(0);
                    t.Type = "binary";
                    Advance("]", true);
                    return t;
                }

            case "^":
                {
                    Advance("(");
                    var terms = new List<SortTerm>();
                    while (true)
                    {
                        var term = new SortTerm();
                        if (_node.Id == "<")
                        {
                            Advance("<");
                        }
                        else if (_node.Id == ">")
                        {
                            term.Descending = true;
                            Advance(">");
                        }

                        term.Expression = Expression(0);
                        terms.Add(term);
                        if (_node.Id != ",")
                        {
                            break;
                        }

                        Advance(",");
                    }

                    Advance(")");
                    t.Lhs = left;
                    t.Terms = terms;
                    t.Type = "binary";
                    return t;
                }

            case "{":
                return ObjectParser(t, left);
            case ":=":
                if (left.Type != "variable")
                {
                    throw JsonataException.Create("S0212", left.Position, TokenText(left));
                }

                t.Lhs = left;
                t.Rhs = Expression(Tokenizer.Operators[":="] - 1);
                t.Type = "binary";
                return t;
            case "@":
            case "#":
                t.Lhs = left;
                t.Rhs = Expression(Tokenizer.Operators[t.Id]);
                if (t.Rhs.Type != "variable")
                {
                    throw JsonataException.Create("S0214", t.Rhs.Position, t.Id);
                }

                t.Type = "binary";
                return t;
            case "?":
                t.Type = "condition";
                t.Condition = left;
                t.Then = Expression(0);
                if (_node.Id == ":")
                {
                    Advance(":");
                    t.Else = Expression(0);
                }

                return t;
            case "?:":
                t.Type = "elvis";
                t.Condition = left;
                t.Else = Expression(0);
                return t;
            case "??":
                t.Type = "coalesce";
                t.Condition = left;
                t.Else = Expression(0);
                return t;
            case "(end)":
            case "(name)":
            case "(literal)":
            case "(regex)":
            case ":":
            case ";":
            case ",":
            case ")":
            case "]":
            case "}":
            case "..":
            case "|":
            case "**":
                throw JsonataException.Create("S0201", t.Position, TokenText(t));
            default:
                {
                    var bp = Tokenizer.Operators[t.Id];
                    t.Lhs = left;
                    t.Rhs = Expression(bp);
                    t.Type = "binary";
                    return t;
                }
        }
    }

    private Node LedFunction(Node t, Node left)
    {
        t.Procedure = left;
        t.Type = "function";
        t.Arguments = [];
        if (_node.Id != ")")
        {
            while (true)
            {
                if (_node.Type == "operator" && _node.Id == "?")
                {
                    t.Type = "partial";
                    t.Arguments.Add(_node);
                    Advance("?");
                }
                else
                {
                    t.Arguments.Add(Expression(0));
                }

                if (_node.Id != ",")
                {
                    break;
                }

                Advance(",");
            }
        }

        Advance(")", true);
        if (left.Type == "name" && (left.StrValue == "function" || left.StrValue == "\u03BB"))
        {
            for (var index = 0; index < t.Arguments.Count; index++)
            {
                var arg = t.Arguments[index];
                if (arg.Type != "variable")
                {
                    throw new JsonataException("S0208") { Position = arg.Position, Token = TokenText(arg), RawValue = (double)(index + 1), HasValue = true };
                }
            }

            t.Type = "lambda";
            if (_node.Id == "<")
            {
                var sigPos = _node.Position;
                var depth = 1;
                var sig = "<";
                while (depth > 0 && _node.Id != "{" && _node.Id != "(end)")
                {
                    var tok = Advance();
                    if (tok.Id == ">")
                    {
                        depth--;
                    }
                    else if (tok.Id == "<")
                    {
                        depth++;
                    }

                    sig += TokenText(tok);
                }

                Advance(">");
                try
                {
                    t.Signature = Signature.Parse(sig);
                }
                catch (JsonataException ex)
                {
                    ex.Position = sigPos + (ex.Position ?? 0);
                    throw;
                }
            }

            Advance("{");
            t.Body = Expression(0);
            Advance("}");
        }

        return t;
    }

    private Node ObjectParser(Node t, Node? left)
    {
        var a = new List<(Node, Node)>();
        if (_node.Id != "}")
        {
            while (true)
            {
                var n = Expression(0);
                Advance(":");
                var v = Expression(0);
                a.Add((n, v));
                if (_node.Id != ",")
                {
                    break;
                }

                Advance(",");
            }
        }

        Advance("}", true);
        if (left is null)
        {
            t.Pairs = a;
            t.Type = "unary";
        }
        else
        {
            t.Lhs = left;
            t.Pairs = a;
            t.Type = "binary";
        }

        return t;
    }
}
