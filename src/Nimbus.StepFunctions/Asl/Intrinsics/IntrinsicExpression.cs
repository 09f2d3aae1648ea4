using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Nimbus.StepFunctions.Asl.Paths;

namespace Nimbus.StepFunctions.Asl.Intrinsics;

/// <summary>An argument of an intrinsic function call: a literal, a path, or a nested call.</summary>
internal abstract record IntrinsicArgument;

/// <summary>A literal; for string literals <paramref name="FormatTemplate"/> keeps <c>\{</c>/<c>\}</c> escapes for States.Format.</summary>
internal sealed record LiteralArgument(JsonNode? Value, string? FormatTemplate = null) : IntrinsicArgument;

internal sealed record PathArgument(JsonPath Path) : IntrinsicArgument;

internal sealed record CallArgument(IntrinsicCall Call) : IntrinsicArgument;

/// <summary>A parsed <c>States.Name(args…)</c> call.</summary>
internal sealed record IntrinsicCall(string Name, IReadOnlyList<IntrinsicArgument> Arguments, string Text)
{
    public static bool LooksLikeCall(string text) => text.StartsWith("States.", StringComparison.Ordinal);

    public static IntrinsicCall Parse(string text)
    {
        var p = new Parser(text);
        var call = p.ParseCall();
        p.SkipWs();
        if (!p.AtEnd)
        {
            throw new FormatException($"Unexpected text after intrinsic function call in '{text}'");
        }

        return call;
    }

    private sealed class Parser(string text)
    {
        private int _pos;

        public bool AtEnd => _pos >= text.Length;

        public void SkipWs()
        {
            while (!AtEnd && char.IsWhiteSpace(text[_pos]))
            {
                _pos++;
            }
        }

        public IntrinsicCall ParseCall()
        {
            SkipWs();
            var start = _pos;
            while (!AtEnd && (char.IsLetterOrDigit(text[_pos]) || text[_pos] == '.'))
            {
                _pos++;
            }

            var name = text[start.._pos];
            if (!name.StartsWith("States.", StringComparison.Ordinal))
            {
                throw new FormatException($"Invalid intrinsic function name '{name}'");
            }

            if (!IntrinsicFunctions.IsKnown(name))
            {
                throw new FormatException($"Unsupported intrinsic function '{name}'");
            }

            SkipWs();
            Expect('(');
            var args = new List<IntrinsicArgument>();
            SkipWs();
            if (Peek() == ')')
            {
                _pos++;
            }
            else
            {
                while (true)
                {
                    args.Add(ParseArgument());
                    SkipWs();
                    if (Peek() == ',')
                    {
                        _pos++;
                        continue;
                    }

                    Expect(')');
                    break;
                }
            }

            return new IntrinsicCall(name, args, text[start.._pos]);
        }

        private char Peek() => AtEnd ? '\0' : text[_pos];

        private void Expect(char c)
        {
            SkipWs();
            if (Peek() != c)
            {
                throw new FormatException($"Expected '{c}' at position {_pos} in '{text}'");
            }

            _pos++;
        }

        private IntrinsicArgument ParseArgument()
        {
            SkipWs();
            var c = Peek();
            if (c == '\'')
            {
                var (value, template) = ReadString();
                return new LiteralArgument(JsonValue.Create(value), template);
            }

            if (c == '$')
            {
                var start = _pos;
                var depth = 0;
                var inQuote = false;
                while (!AtEnd)
                {
                    var ch = text[_pos];
                    if (inQuote)
                    {
                        if (ch == '\'')
                        {
                            inQuote = false;
                        }
                    }
                    else if (ch == '\'')
                    {
                        inQuote = true;
                    }
                    else if (ch is '[' or '(')
                    {
                        depth++;
                    }
                    else if (ch is ']')
                    {
                        depth--;
                    }
                    else if (ch == ')')
                    {
                        if (depth == 0)
                        {
                            break;
                        }

                        depth--;
                    }
                    else if ((ch == ',' || char.IsWhiteSpace(ch)) && depth == 0)
                    {
                        break;
                    }

                    _pos++;
                }

                var pathText = text[start.._pos];
                if (!JsonPath.TryParse(pathText, out var path, out var error))
                {
                    throw new FormatException(error);
                }

                return new PathArgument(path!);
            }

            if (c == 'S' && string.CompareOrdinal(text, _pos, "States.", 0, 7) == 0)
            {
                return new CallArgument(ParseCall());
            }

            var s = _pos;
            while (!AtEnd && text[_pos] is not (',' or ')') && !char.IsWhiteSpace(text[_pos]))
            {
                _pos++;
            }

            var lit = text[s.._pos];
            return lit switch
            {
                "true" => new LiteralArgument(JsonValue.Create(true)),
                "false" => new LiteralArgument(JsonValue.Create(false)),
                "null" => new LiteralArgument(null),
                _ when double.TryParse(lit, NumberStyles.Float, CultureInfo.InvariantCulture, out _) => new LiteralArgument(JsonNode.Parse(lit)),
                _ => throw new FormatException($"Invalid intrinsic function argument '{lit}' in '{text}'"),
            };
        }

        private (string Value, string Template) ReadString()
        {
            _pos++; // opening quote
            var sb = new StringBuilder();
            var tb = new StringBuilder();
            while (!AtEnd)
            {
                var ch = text[_pos];
                if (ch == '\\' && _pos + 1 < text.Length)
                {
                    var n = text[_pos + 1];
                    if (n is '\'' or '{' or '}' or '\\')
                    {
                        // The template keeps the escape for braces so States.Format can tell literal braces from placeholders.
                        if (n is '{' or '}')
                        {
                            tb.Append('\\');
                        }

                        sb.Append(n);
                        tb.Append(n);
                        _pos += 2;
                        continue;
                    }
                }

                if (ch == '\'')
                {
                    _pos++;
                    return (sb.ToString(), tb.ToString());
                }

                sb.Append(ch);
                tb.Append(ch);
                _pos++;
            }

            throw new FormatException($"Unterminated string literal in '{text}'");
        }
    }
}
