using System.Globalization;
using System.Text;

namespace Nimbus.Gateway.Mapping.Vtl;

/// <summary>References and expressions: <c>$a.b('x')[0]</c>, operators, literals, lists and maps.</summary>
internal sealed partial class VtlParser
{
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
