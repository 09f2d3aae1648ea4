using System.Globalization;
using System.Text;

namespace Nimbus.Gateway.Mapping.Vtl;

/// <summary>Parses the Velocity Template Language subset API Gateway mapping templates use.</summary>
/// <remarks>
/// Text, references (<c>$a.b.c('x')[0]</c>, <c>$!a</c>, <c>${a}</c>), <c>#set</c>, <c>#if/#elseif/#else/#end</c>,
/// <c>#foreach … #end</c>, <c>#break</c>, <c>#stop</c>, comments (<c>##</c>, <c>#* *#</c>), unparsed blocks
/// (<c>#[[ ]]#</c>) and <c>\$</c>/<c>\#</c> escapes. Directives may be written <c>#{if}</c>. A line holding only a
/// directive (and whitespace) leaves no trace in the output: its indentation and newline are dropped, as Velocity does.
/// String literals keep backslashes as written (Velocity does not unescape them); <c>""</c> inside a double-quoted
/// string is one quote.
/// </remarks>
internal sealed class VtlParser
{
    private readonly string _s;
    private int _pos;

    private VtlParser(string source) => _s = source;

    public static IReadOnlyList<VtlNode> Parse(string source)
    {
        var parser = new VtlParser(source);
        var nodes = parser.Block(out var terminator);
        if (terminator is not null)
        {
            throw new VtlException($"Unexpected #{terminator} at {parser._pos}");
        }

        return nodes;
    }

    /// <summary>Parses nodes until EOF or one of <c>#end/#else/#elseif</c>, which is returned in <paramref name="terminator"/>.</summary>
    private List<VtlNode> Block(out string? terminator)
    {
        var nodes = new List<VtlNode>();
        var text = new StringBuilder();
        void Flush()
        {
            if (text.Length > 0)
            {
                nodes.Add(new TextNode(text.ToString()));
                text.Clear();
            }
        }

        while (_pos < _s.Length)
        {
            var c = _s[_pos];
            if (c == '\\' && _pos + 1 < _s.Length && _s[_pos + 1] is '$' or '#')
            {
                text.Append(_s[_pos + 1]);
                _pos += 2;
                continue;
            }

            if (c == '#' && _pos + 1 < _s.Length)
            {
                var start = _pos;
                var next = _s[_pos + 1];
                if (next == '#')
                {
                    var lineOnly = AloneBefore(start);
                    var nl = _s.IndexOf('\n', _pos);
                    _pos = nl < 0 ? _s.Length : nl + 1;
                    if (lineOnly)
                    {
                        TrimLineIndent(text);
                    }
                    else if (nl >= 0)
                    {
                        // A trailing comment keeps the line's newline.
                        text.Append('\n');
                    }

                    continue;
                }

                if (next == '*')
                {
                    var close = _s.IndexOf("*#", _pos + 2, StringComparison.Ordinal);
                    _pos = close < 0 ? _s.Length : close + 2;
                    GobbleLine(start, text);
                    continue;
                }

                if (next == '[' && _pos + 2 < _s.Length && _s[_pos + 2] == '[')
                {
                    var close = _s.IndexOf("]]#", _pos + 3, StringComparison.Ordinal);
                    var end = close < 0 ? _s.Length : close;
                    text.Append(_s, _pos + 3, end - _pos - 3);
                    _pos = close < 0 ? _s.Length : close + 3;
                    continue;
                }

                var name = DirectiveName(out var afterName);
                switch (name)
                {
                    case "set":
                        {
                            _pos = afterName;
                            Expect('(');
                            SkipSpace();
                            var target = Reference() ?? throw Error("#set needs a reference");
                            SkipSpace();
                            Expect('=');
                            var value = Expression();
                            SkipSpace();
                            Expect(')');
                            GobbleLine(start, text);
                            Flush();
                            nodes.Add(new SetNode(target, value));
                            continue;
                        }

                    case "if":
                        {
                            _pos = afterName;
                            var branches = new List<(VtlExpr, IReadOnlyList<VtlNode>)>();
                            var condition = Condition();
                            GobbleLine(start, text);
                            Flush();
                            IReadOnlyList<VtlNode>? elseBody = null;
                            while (true)
                            {
                                var body = Block(out var t);
                                if (t == "elseif")
                                {
                                    branches.Add((condition, body));
                                    condition = Condition();
                                    GobbleAfterDirective();
                                    continue;
                                }

                                if (t == "else")
                                {
                                    branches.Add((condition, body));
                                    elseBody = Block(out var t2);
                                    if (t2 != "end")
                                    {
                                        throw Error("#else without #end");
                                    }

                                    break;
                                }

                                if (t != "end")
                                {
                                    throw Error("#if without #end");
                                }

                                branches.Add((condition, body));
                                break;
                            }

                            nodes.Add(new IfNode(branches, elseBody));
                            continue;
                        }

                    case "foreach":
                        {
                            _pos = afterName;
                            SkipSpace();
                            Expect('(');
                            SkipSpace();
                            var variable = Reference() ?? throw Error("#foreach needs a loop variable");
                            SkipSpace();
                            if (!Word("in"))
                            {
                                throw Error("#foreach needs 'in'");
                            }

                            var source = Expression();
                            SkipSpace();
                            Expect(')');
                            GobbleLine(start, text);
                            Flush();
                            var body = Block(out var t);
                            if (t != "end")
                            {
                                throw Error("#foreach without #end");
                            }

                            nodes.Add(new ForeachNode(variable.Root, source, body));
                            continue;
                        }

                    case "else" or "end" or "elseif":
                        _pos = afterName;
                        if (name != "elseif")
                        {
                            GobbleLine(start, text);
                        }
                        else
                        {
                            // #elseif's condition follows; the caller gobbles after it.
                            TrimIfAlone(start, text);
                        }

                        Flush();
                        terminator = name;
                        return nodes;
                    case "break" or "stop":
                        _pos = afterName;
                        GobbleLine(start, text);
                        Flush();
                        nodes.Add(name == "break" ? new BreakNode() : new StopNode());
                        continue;
                    default:
                        text.Append('#');
                        _pos++;
                        continue;
                }
            }

            if (c == '$')
            {
                var save = _pos;
                var reference = Reference();
                if (reference is not null)
                {
                    Flush();
                    nodes.Add(new RefNode(reference));
                    continue;
                }

                _pos = save + 1;
                text.Append('$');
                continue;
            }

            text.Append(c);
            _pos++;
        }

        Flush();
        terminator = null;
        return nodes;
    }

    private string? DirectiveName(out int after)
    {
        var p = _pos + 1;
        var braced = p < _s.Length && _s[p] == '{';
        if (braced)
        {
            p++;
        }

        var start = p;
        while (p < _s.Length && char.IsAsciiLetter(_s[p]))
        {
            p++;
        }

        var name = _s[start..p];
        if (braced)
        {
            if (p >= _s.Length || _s[p] != '}')
            {
                after = _pos;
                return null;
            }

            p++;
        }

        after = p;
        return name is "set" or "if" or "elseif" or "else" or "end" or "foreach" or "break" or "stop" ? name : null;
    }

    private VtlExpr Condition()
    {
        SkipSpace();
        Expect('(');
        var e = Expression();
        SkipSpace();
        Expect(')');
        return e;
    }

    private bool AloneBefore(int directiveStart)
    {
        for (var i = directiveStart - 1; i >= 0; i--)
        {
            if (_s[i] == '\n')
            {
                return true;
            }

            if (_s[i] is not (' ' or '\t' or '\r'))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Index just past the rest of the line when it is only whitespace, else -1.</summary>
    private int AloneAfter()
    {
        for (var i = _pos; i < _s.Length; i++)
        {
            if (_s[i] == '\n')
            {
                return i + 1;
            }

            if (_s[i] is not (' ' or '\t' or '\r'))
            {
                return -1;
            }
        }

        return _s.Length;
    }

    /// <summary>Drops the indentation and newline of a line that holds only the directive just parsed.</summary>
    private void GobbleLine(int directiveStart, StringBuilder text)
    {
        if (!AloneBefore(directiveStart))
        {
            return;
        }

        var after = AloneAfter();
        if (after < 0)
        {
            return;
        }

        TrimLineIndent(text);
        _pos = after;
    }

    private void TrimIfAlone(int directiveStart, StringBuilder text)
    {
        if (AloneBefore(directiveStart))
        {
            TrimLineIndent(text);
            _gobblePending = true;
        }
    }

    private bool _gobblePending;

    private void GobbleAfterDirective()
    {
        if (_gobblePending)
        {
            _gobblePending = false;
            var after = AloneAfter();
            if (after >= 0)
            {
                _pos = after;
            }
        }
    }

    private static void TrimLineIndent(StringBuilder text)
    {
        var n = text.Length;
        while (n > 0 && text[n - 1] is ' ' or '\t')
        {
            n--;
        }

        text.Length = n;
    }

    // ---- references ----

    /// <summary>Parses <c>$[!][{]name(.prop|.method(args)|[index])*[}]</c> at the current position, or returns null (position unchanged).</summary>
    private RefExpr? Reference()
    {
        var start = _pos;
        if (_pos >= _s.Length || _s[_pos] != '$')
        {
            return null;
        }

        var p = _pos + 1;
        var quiet = p < _s.Length && _s[p] == '!';
        if (quiet)
        {
            p++;
        }

        var braced = p < _s.Length && _s[p] == '{';
        if (braced)
        {
            p++;
        }

        if (p >= _s.Length || !(char.IsAsciiLetter(_s[p]) || _s[p] == '_'))
        {
            return null;
        }

        _pos = p;
        var root = Identifier();
        var chain = new List<Accessor>();
        while (_pos < _s.Length)
        {
            if (_s[_pos] == '.' && _pos + 1 < _s.Length && (char.IsAsciiLetter(_s[_pos + 1]) || _s[_pos + 1] == '_'))
            {
                _pos++;
                var name = Identifier();
                if (_pos < _s.Length && _s[_pos] == '(')
                {
                    _pos++;
                    chain.Add(new MethodAccessor(name, Arguments(')')));
                }
                else
                {
                    chain.Add(new PropertyAccessor(name));
                }

                continue;
            }

            if (_s[_pos] == '[')
            {
                _pos++;
                var index = Expression();
                SkipSpace();
                Expect(']');
                chain.Add(new IndexAccessor(index));
                continue;
            }

            break;
        }

        if (braced)
        {
            if (_pos >= _s.Length || _s[_pos] != '}')
            {
                _pos = start;
                return null;
            }

            _pos++;
        }

        return new RefExpr(root, quiet, chain, _s[start.._pos]);
    }

    private string Identifier()
    {
        var start = _pos;
        // Velocity 1.7 identifiers may contain '-' after the first character ($context.responseOverride.header.X-Id).
        while (_pos < _s.Length && (char.IsAsciiLetterOrDigit(_s[_pos]) || _s[_pos] == '_'
            || (_s[_pos] == '-' && _pos > start && _pos + 1 < _s.Length && (char.IsAsciiLetterOrDigit(_s[_pos + 1]) || _s[_pos + 1] == '_'))))
        {
            _pos++;
        }

        return _s[start.._pos];
    }

    private List<VtlExpr> Arguments(char close)
    {
        var args = new List<VtlExpr>();
        SkipSpace();
        if (Peek() == close)
        {
            _pos++;
            return args;
        }

        while (true)
        {
            args.Add(Expression());
            SkipSpace();
            if (Peek() == ',')
            {
                _pos++;
                continue;
            }

            Expect(close);
            return args;
        }
    }

    // ---- expressions ----

    private VtlExpr Expression() => Or();

    private VtlExpr Or()
    {
        var left = And();
        while (true)
        {
            SkipSpace();
            if (Symbol("||") || Word("or"))
            {
                left = new BinaryExpr("||", left, And());
            }
            else
            {
                return left;
            }
        }
    }

    private VtlExpr And()
    {
        var left = Comparison();
        while (true)
        {
            SkipSpace();
            if (Symbol("&&") || Word("and"))
            {
                left = new BinaryExpr("&&", left, Comparison());
            }
            else
            {
                return left;
            }
        }
    }

    private VtlExpr Comparison()
    {
        var left = Additive();
        SkipSpace();
        string? op = Symbol("==") || Word("eq") ? "==" : Symbol("!=") || Word("ne") ? "!="
            : Symbol("<=") || Word("le") ? "<=" : Symbol(">=") || Word("ge") ? ">="
            : Symbol("<") || Word("lt") ? "<" : Symbol(">") || Word("gt") ? ">" : null;
        return op is null ? left : new BinaryExpr(op, left, Additive());
    }

    private VtlExpr Additive()
    {
        var left = Multiplicative();
        while (true)
        {
            SkipSpace();
            if (Peek() is '+' or '-' && !(Peek() == '-' && Peek(1) == '-'))
            {
                var op = _s[_pos++].ToString();
                left = new BinaryExpr(op, left, Multiplicative());
            }
            else
            {
                return left;
            }
        }
    }

    private VtlExpr Multiplicative()
    {
        var left = Unary();
        while (true)
        {
            SkipSpace();
            if (Peek() is '*' or '/' or '%')
            {
                var op = _s[_pos++].ToString();
                left = new BinaryExpr(op, left, Unary());
            }
            else
            {
                return left;
            }
        }
    }

    private VtlExpr Unary()
    {
        SkipSpace();
        if (Peek() == '!' && Peek(1) != '=')
        {
            _pos++;
            return new UnaryExpr("!", Unary());
        }

        if (Word("not"))
        {
            return new UnaryExpr("!", Unary());
        }

        if (Peek() == '-' && !char.IsAsciiDigit(Peek(1)))
        {
            _pos++;
            return new UnaryExpr("-", Unary());
        }

        return Primary();
    }

    private VtlExpr Primary()
    {
        SkipSpace();
        var c = Peek();
        switch (c)
        {
            case '$':
                return Reference() ?? throw Error("Invalid reference");
            case '\'':
                return new LiteralExpr(QuotedString('\''));
            case '"':
                {
                    var raw = QuotedString('"');
                    if (!raw.Contains('$', StringComparison.Ordinal) && !raw.Contains('#', StringComparison.Ordinal))
                    {
                        return new LiteralExpr(raw);
                    }

                    return new InterpolatedExpr(Parse(raw));
                }

            case '(':
                {
                    _pos++;
                    var e = Expression();
                    SkipSpace();
                    Expect(')');
                    return e;
                }

            case '[':
                {
                    _pos++;
                    SkipSpace();
                    if (Peek() == ']')
                    {
                        _pos++;
                        return new ListExpr([]);
                    }

                    var first = Expression();
                    SkipSpace();
                    if (Symbol(".."))
                    {
                        var to = Expression();
                        SkipSpace();
                        Expect(']');
                        return new RangeExpr(first, to);
                    }

                    var items = new List<VtlExpr> { first };
                    while (Peek() == ',')
                    {
                        _pos++;
                        items.Add(Expression());
                        SkipSpace();
                    }

                    Expect(']');
                    return new ListExpr(items);
                }

            case '{':
                {
                    _pos++;
                    var entries = new List<(VtlExpr, VtlExpr)>();
                    SkipSpace();
                    if (Peek() == '}')
                    {
                        _pos++;
                        return new MapExpr(entries);
                    }

                    while (true)
                    {
                        var key = Expression();
                        SkipSpace();
                        Expect(':');
                        var value = Expression();
                        entries.Add((key, value));
                        SkipSpace();
                        if (Peek() == ',')
                        {
                            _pos++;
                            continue;
                        }

                        Expect('}');
                        return new MapExpr(entries);
                    }
                }
        }

        if (char.IsAsciiDigit(c) || (c == '-' && char.IsAsciiDigit(Peek(1))))
        {
            var start = _pos;
            _pos++;
            while (char.IsAsciiDigit(Peek()))
            {
                _pos++;
            }

            var isFloat = false;
            if (Peek() == '.' && char.IsAsciiDigit(Peek(1)))
            {
                isFloat = true;
                _pos++;
                while (char.IsAsciiDigit(Peek()))
                {
                    _pos++;
                }
            }

            var number = _s[start.._pos];
            return isFloat
                ? new LiteralExpr(double.Parse(number, CultureInfo.InvariantCulture))
                : new LiteralExpr(long.Parse(number, CultureInfo.InvariantCulture));
        }

        if (Word("true"))
        {
            return new LiteralExpr(true);
        }

        if (Word("false"))
        {
            return new LiteralExpr(false);
        }

        if (Word("null"))
        {
            return new LiteralExpr(null);
        }

        throw Error("Expected an expression");
    }

    private string QuotedString(char quote)
    {
        _pos++;
        var sb = new StringBuilder();
        while (true)
        {
            if (_pos >= _s.Length)
            {
                throw Error("Unterminated string literal");
            }

            var c = _s[_pos++];
            if (c == quote)
            {
                if (Peek() == quote)
                {
                    sb.Append(quote);
                    _pos++;
                    continue;
                }

                return sb.ToString();
            }

            sb.Append(c);
        }
    }

    private char Peek(int ahead = 0) => _pos + ahead < _s.Length ? _s[_pos + ahead] : '\0';

    private void SkipSpace()
    {
        while (_pos < _s.Length && char.IsWhiteSpace(_s[_pos]))
        {
            _pos++;
        }
    }

    private bool Symbol(string symbol)
    {
        if (string.CompareOrdinal(_s, _pos, symbol, 0, symbol.Length) == 0)
        {
            _pos += symbol.Length;
            return true;
        }

        return false;
    }

    private bool Word(string word)
    {
        SkipSpace();
        if (string.CompareOrdinal(_s, _pos, word, 0, word.Length) == 0
            && !(char.IsAsciiLetterOrDigit(Peek(word.Length)) || Peek(word.Length) == '_'))
        {
            _pos += word.Length;
            return true;
        }

        return false;
    }

    private void Expect(char c)
    {
        SkipSpace();
        if (Peek() != c)
        {
            throw Error($"Expected '{c}'");
        }

        _pos++;
    }

    private VtlException Error(string message)
    {
        var line = 1 + _s.AsSpan(0, Math.Min(_pos, _s.Length)).Count('\n');
        return new VtlException($"Template error at line {line}: {message}");
    }
}
