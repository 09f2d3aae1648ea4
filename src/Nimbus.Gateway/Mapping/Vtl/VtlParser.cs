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
internal sealed partial class VtlParser
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
}
