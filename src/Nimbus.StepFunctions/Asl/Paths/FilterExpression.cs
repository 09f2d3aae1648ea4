using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Nimbus.StepFunctions.Json;

namespace Nimbus.StepFunctions.Asl.Paths;

/// <summary>Jayway-style filter predicate: <c>@.a == 1 &amp;&amp; (@.b || @.c &lt; 3)</c>, <c>@.name =~ /re/i</c>.</summary>
internal abstract class FilterExpression
{
    public abstract bool Matches(JsonNode? item);

    public static FilterExpression Parse(string text)
    {
        var p = new FilterParser(text);
        var e = p.ParseOr();
        p.SkipWs();
        if (!p.AtEnd)
        {
            throw new FormatException($"Unexpected text in filter '{text}' at {p.Pos}");
        }

        return e;
    }

    private sealed class And(FilterExpression l, FilterExpression r) : FilterExpression
    {
        public override bool Matches(JsonNode? item) => l.Matches(item) && r.Matches(item);
    }

    private sealed class Or(FilterExpression l, FilterExpression r) : FilterExpression
    {
        public override bool Matches(JsonNode? item) => l.Matches(item) || r.Matches(item);
    }

    private sealed class Not(FilterExpression e) : FilterExpression
    {
        public override bool Matches(JsonNode? item) => !e.Matches(item);
    }

    private sealed class Exists(Operand o) : FilterExpression
    {
        public override bool Matches(JsonNode? item) => o.TryGet(item, out _);
    }

    private sealed class Compare(Operand l, string op, Operand r) : FilterExpression
    {
        public override bool Matches(JsonNode? item)
        {
            if (!l.TryGet(item, out var a) || !r.TryGet(item, out var b))
            {
                return op == "!=";
            }

            if (op == "=~")
            {
                return a is not null && JsonText.IsString(a) && r.Regex is not null && r.Regex.IsMatch(a.GetValue<string>());
            }

            if (JsonText.IsNumber(a) && JsonText.IsNumber(b))
            {
                var c = JsonText.CompareNumbers(a!, b!);
                return op switch { "==" => c == 0, "!=" => c != 0, "<" => c < 0, "<=" => c <= 0, ">" => c > 0, ">=" => c >= 0, _ => false };
            }

            if (JsonText.IsString(a) && JsonText.IsString(b))
            {
                var c = string.CompareOrdinal(a!.GetValue<string>(), b!.GetValue<string>());
                return op switch { "==" => c == 0, "!=" => c != 0, "<" => c < 0, "<=" => c <= 0, ">" => c > 0, ">=" => c >= 0, _ => false };
            }

            var eq = JsonText.DeepEquals(a, b);
            return op switch { "==" => eq, "!=" => !eq, _ => false };
        }
    }

    internal sealed class Operand
    {
        private readonly JsonPath? _relative;
        private readonly JsonNode? _literal;

        public Operand(JsonPath relative) => _relative = relative;

        public Operand(JsonNode? literal) => _literal = literal;

        public Operand(Regex regex) => Regex = regex;

        public Regex? Regex { get; }

        public bool TryGet(JsonNode? item, out JsonNode? value)
        {
            if (_relative is not null)
            {
                return _relative.TryEvaluate(item, out value);
            }

            value = _literal;
            return true;
        }
    }

    private sealed class FilterParser(string text)
    {
        public int Pos { get; private set; }

        public bool AtEnd => Pos >= text.Length;

        public void SkipWs()
        {
            while (!AtEnd && char.IsWhiteSpace(text[Pos]))
            {
                Pos++;
            }
        }

        private bool Take(string s)
        {
            SkipWs();
            if (string.CompareOrdinal(text, Pos, s, 0, s.Length) == 0)
            {
                Pos += s.Length;
                return true;
            }

            return false;
        }

        public FilterExpression ParseOr()
        {
            var l = ParseAnd();
            while (Take("||"))
            {
                l = new Or(l, ParseAnd());
            }

            return l;
        }

        private FilterExpression ParseAnd()
        {
            var l = ParseUnary();
            while (Take("&&"))
            {
                l = new And(l, ParseUnary());
            }

            return l;
        }

        private FilterExpression ParseUnary()
        {
            if (Take("!"))
            {
                return new Not(ParseUnary());
            }

            if (Take("("))
            {
                var e = ParseOr();
                if (!Take(")"))
                {
                    throw new FormatException("Expected ')' in filter");
                }

                return e;
            }

            var left = ParseOperand();
            SkipWs();
            foreach (var op in new[] { "==", "!=", "<=", ">=", "=~", "<", ">" })
            {
                if (Take(op))
                {
                    return new Compare(left, op, ParseOperand());
                }
            }

            return new Exists(left);
        }

        private Operand ParseOperand()
        {
            SkipWs();
            var c = AtEnd ? '\0' : text[Pos];
            if (c == '@')
            {
                var start = Pos;
                Pos++;
                while (!AtEnd && !char.IsWhiteSpace(text[Pos]) && text[Pos] is not ('=' or '!' or '<' or '>' or '&' or '|' or ')'))
                {
                    if (text[Pos] == '[')
                    {
                        while (!AtEnd && text[Pos] != ']')
                        {
                            Pos++;
                        }
                    }

                    Pos++;
                }

                return new Operand(JsonPath.Parse("$" + text[(start + 1)..Pos]));
            }

            if (c is '\'' or '"')
            {
                var end = text.IndexOf(c, Pos + 1);
                if (end < 0)
                {
                    throw new FormatException("Unterminated string in filter");
                }

                var s = text[(Pos + 1)..end];
                Pos = end + 1;
                return new Operand(JsonValue.Create(s));
            }

            if (c == '/')
            {
                var end = text.IndexOf('/', Pos + 1);
                if (end < 0)
                {
                    throw new FormatException("Unterminated regex in filter");
                }

                var pattern = text[(Pos + 1)..end];
                Pos = end + 1;
                var options = RegexOptions.None;
                if (!AtEnd && text[Pos] == 'i')
                {
                    options |= RegexOptions.IgnoreCase;
                    Pos++;
                }

                return new Operand(new Regex(pattern, options, TimeSpan.FromSeconds(1)));
            }

            var startLit = Pos;
            while (!AtEnd && (char.IsLetterOrDigit(text[Pos]) || text[Pos] is '.' or '-' or '+'))
            {
                Pos++;
            }

            var lit = text[startLit..Pos];
            return lit switch
            {
                "true" => new Operand(JsonValue.Create(true)),
                "false" => new Operand(JsonValue.Create(false)),
                "null" => new Operand((JsonNode?)null),
                _ when double.TryParse(lit, NumberStyles.Float, CultureInfo.InvariantCulture, out _) => new Operand(JsonNode.Parse(lit)),
                _ => throw new FormatException($"Invalid filter operand '{lit}'"),
            };
        }
    }
}
