using System.Globalization;
using System.Text;

namespace Nimbus.StepFunctions.Asl.Paths;

/// <summary>Recursive-descent reader for JSONPath segments.</summary>
internal sealed class PathReader(string text)
{
    public int Pos { get; set; }

    public bool AtEnd => Pos >= text.Length;

    public char Peek(int ahead = 0) => Pos + ahead < text.Length ? text[Pos + ahead] : '\0';

    public PathSegment ReadSegment()
    {
        var c = Peek();
        if (c == '.')
        {
            if (Peek(1) == '.')
            {
                Pos += 2;
                if (Peek() == '[')
                {
                    return new DeepScanSegment(ReadBracket());
                }

                return new DeepScanSegment(ReadDotName());
            }

            Pos++;
            return ReadDotName();
        }

        if (c == '[')
        {
            return ReadBracket();
        }

        throw Error($"Unexpected character '{c}'");
    }

    private FormatException Error(string message) => new($"{message} at position {Pos} in path '{text}'");

    private PathSegment ReadDotName()
    {
        if (Peek() == '*')
        {
            Pos++;
            return new WildcardSegment();
        }

        var start = Pos;
        while (!AtEnd && text[Pos] != '.' && text[Pos] != '[')
        {
            var ch = text[Pos];
            if (char.IsWhiteSpace(ch) || ch is ']' or '\'' or '"' or '(' or ')')
            {
                throw Error($"Unexpected character '{ch}'");
            }

            Pos++;
        }

        if (Pos == start)
        {
            throw Error("Empty property name");
        }

        return new NameSegment(text[start..Pos]);
    }

    private PathSegment ReadBracket()
    {
        Pos++; // [
        SkipWs();
        var c = Peek();
        PathSegment seg;
        if (c == '*')
        {
            Pos++;
            seg = new WildcardSegment();
        }
        else if (c is '\'' or '"')
        {
            var names = new List<string> { ReadQuoted() };
            SkipWs();
            while (Peek() == ',')
            {
                Pos++;
                SkipWs();
                names.Add(ReadQuoted());
                SkipWs();
            }

            seg = names.Count == 1 ? new NameSegment(names[0]) : new NamesSegment(names);
        }
        else if (c == '?')
        {
            Pos++;
            if (Peek() != '(')
            {
                throw Error("Expected '(' after '?'");
            }

            var start = Pos + 1;
            var depth = 0;
            var inString = '\0';
            while (!AtEnd)
            {
                var ch = text[Pos];
                if (inString != '\0')
                {
                    if (ch == inString)
                    {
                        inString = '\0';
                    }
                }
                else if (ch is '\'' or '"')
                {
                    inString = ch;
                }
                else if (ch == '(')
                {
                    depth++;
                }
                else if (ch == ')')
                {
                    depth--;
                    if (depth == 0)
                    {
                        break;
                    }
                }

                Pos++;
            }

            if (AtEnd)
            {
                throw Error("Unterminated filter");
            }

            var expr = text[start..Pos];
            Pos++; // )
            seg = new FilterSegment(FilterExpression.Parse(expr), expr);
        }
        else if (c == '-' || char.IsDigit(c) || c == ':')
        {
            seg = ReadIndexOrSlice();
        }
        else
        {
            throw Error($"Unexpected character '{c}' in brackets");
        }

        SkipWs();
        if (Peek() != ']')
        {
            throw Error("Expected ']'");
        }

        Pos++;
        return seg;
    }

    private PathSegment ReadIndexOrSlice()
    {
        int? first = TryReadInt();
        SkipWs();
        if (Peek() == ':')
        {
            Pos++;
            SkipWs();
            int? end = TryReadInt();
            var step = 1;
            SkipWs();
            if (Peek() == ':')
            {
                Pos++;
                step = TryReadInt() ?? 1;
            }

            return new SliceSegment(first, end, step);
        }

        if (first is null)
        {
            throw Error("Expected index");
        }

        var list = new List<int> { first.Value };
        while (Peek() == ',')
        {
            Pos++;
            SkipWs();
            list.Add(TryReadInt() ?? throw Error("Expected index"));
            SkipWs();
        }

        return list.Count == 1 ? new IndexSegment(list[0]) : new IndexesSegment(list);
    }

    private int? TryReadInt()
    {
        var start = Pos;
        if (Peek() == '-')
        {
            Pos++;
        }

        while (char.IsDigit(Peek()))
        {
            Pos++;
        }

        if (Pos == start || (Pos == start + 1 && text[start] == '-'))
        {
            Pos = start;
            return null;
        }

        return int.Parse(text.AsSpan(start, Pos - start), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
    }

    private string ReadQuoted()
    {
        var q = Peek();
        if (q is not ('\'' or '"'))
        {
            throw Error("Expected quoted name");
        }

        Pos++;
        var sb = new StringBuilder();
        while (!AtEnd && text[Pos] != q)
        {
            if (text[Pos] == '\\' && Pos + 1 < text.Length)
            {
                Pos++;
            }

            sb.Append(text[Pos]);
            Pos++;
        }

        if (AtEnd)
        {
            throw Error("Unterminated quoted name");
        }

        Pos++;
        return sb.ToString();
    }

    private void SkipWs()
    {
        while (!AtEnd && char.IsWhiteSpace(text[Pos]))
        {
            Pos++;
        }
    }
}
