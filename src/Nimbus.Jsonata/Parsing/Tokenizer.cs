using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Nimbus.Jsonata.Values;

namespace Nimbus.Jsonata.Parsing;

/// <summary>The lexer of parser.js: returns one token at a time.</summary>
internal sealed partial class Tokenizer
{
    internal static readonly Dictionary<string, int> Operators = new(StringComparer.Ordinal)
    {
        ["."] = 75, ["["] = 80, ["]"] = 0, ["{"] = 70, ["}"] = 0, ["("] = 80, [")"] = 0, [","] = 0,
        ["@"] = 80, ["#"] = 80, [";"] = 80, [":"] = 80, ["?"] = 20, ["+"] = 50, ["-"] = 50, ["*"] = 60,
        ["/"] = 60, ["%"] = 60, ["|"] = 20, ["="] = 40, ["<"] = 40, [">"] = 40, ["^"] = 40, ["**"] = 60,
        [".."] = 20, [":="] = 10, ["!="] = 40, ["<="] = 40, [">="] = 40, ["~>"] = 40, ["?:"] = 40, ["??"] = 40,
        ["and"] = 30, ["or"] = 25, ["in"] = 40, ["&"] = 50, ["!"] = 0, ["~"] = 0,
    };

    private const string SingleCharOperators = ".[]{}(),@#;:?+-*/%|=<>^&!~";

    private readonly string _path;
    private int _position;

    public Tokenizer(string path)
    {
        _path = path;
    }

    private char CharAt(int i) => i >= 0 && i < _path.Length ? _path[i] : '\0';

    private static bool IsWhitespace(char c) => c is ' ' or '\t' or '\n' or '\r' or '\v';

    private Token Create(string type, object? value) => new(type, value, _position);

    [GeneratedRegex(@"^-?(0|([1-9][0-9]*))(\.[0-9]+)?([Ee][-+]?[0-9]+)?")]
    private static partial Regex NumberRegex();

    public Token? Next(bool prefix)
    {
        if (_position >= _path.Length)
        {
            return null;
        }

        var currentChar = _path[_position];
        while (_position < _path.Length && IsWhitespace(currentChar))
        {
            _position++;
            currentChar = CharAt(_position);
        }

        if (currentChar == '/' && CharAt(_position + 1) == '*')
        {
            var commentStart = _position;
            _position += 2;
            currentChar = CharAt(_position);
            while (!(currentChar == '*' && CharAt(_position + 1) == '/'))
            {
                currentChar = CharAt(++_position);
                if (_position >= _path.Length)
                {
                    throw JsonataException.Create("S0106", commentStart);
                }
            }

            _position += 2;
            return Next(prefix);
        }

        if (_position >= _path.Length)
        {
            return null;
        }

        if (!prefix && currentChar == '/')
        {
            _position++;
            var regex = ScanRegex();
            return Create("regex", regex);
        }

        var next = CharAt(_position + 1);
        string? two = (currentChar, next) switch
        {
            ('.', '.') => "..",
            (':', '=') => ":=",
            ('!', '=') => "!=",
            ('>', '=') => ">=",
            ('<', '=') => "<=",
            ('*', '*') => "**",
            ('~', '>') => "~>",
            ('?', ':') => "?:",
            ('?', '?') => "??",
            _ => null,
        };
        if (two is not null)
        {
            _position += 2;
            return Create("operator", two);
        }

        if (SingleCharOperators.Contains(currentChar, StringComparison.Ordinal))
        {
            _position++;
            return Create("operator", currentChar.ToString());
        }

        if (currentChar is '"' or '\'')
        {
            var quoteType = currentChar;
            _position++;
            var qstr = new StringBuilder();
            while (_position < _path.Length)
            {
                currentChar = _path[_position];
                if (currentChar == '\\')
                {
                    _position++;
                    currentChar = CharAt(_position);
                    switch (currentChar)
                    {
                        case '"': qstr.Append('"'); break;
                        case '\\': qstr.Append('\\'); break;
                        case '/': qstr.Append('/'); break;
                        case 'b': qstr.Append('\b'); break;
                        case 'f': qstr.Append('\f'); break;
                        case 'n': qstr.Append('\n'); break;
                        case 'r': qstr.Append('\r'); break;
                        case 't': qstr.Append('\t'); break;
                        case 'u':
                            {
                                var octets = _position + 5 <= _path.Length ? _path.Substring(_position + 1, 4) : _path[(_position + 1)..];
                                if (octets.Length > 0 && octets.All(Uri.IsHexDigit) && octets.Length == 4)
                                {
                                    qstr.Append((char)int.Parse(octets, NumberStyles.HexNumber, CultureInfo.InvariantCulture));
                                    _position += 4;
                                }
                                else
                                {
                                    throw JsonataException.Create("S0104", _position);
                                }

                                break;
                            }

                        default:
                            throw JsonataException.Create("S0103", _position, currentChar.ToString());
                    }
                }
                else if (currentChar == quoteType)
                {
                    _position++;
                    return Create("string", qstr.ToString());
                }
                else
                {
                    qstr.Append(currentChar);
                }

                _position++;
            }

            throw JsonataException.Create("S0101", _position);
        }

        var match = NumberRegex().Match(_path, _position, _path.Length - _position);
        if (match.Success && match.Index == _position && match.Length > 0)
        {
            var num = double.Parse(match.Value, NumberStyles.Float, CultureInfo.InvariantCulture);
            if (!double.IsNaN(num) && !double.IsInfinity(num))
            {
                _position += match.Length;
                return Create("number", num);
            }

            throw JsonataException.Create("S0102", _position, match.Value);
        }

        if (currentChar == '`')
        {
            _position++;
            var end = _path.IndexOf('`', _position);
            if (end != -1)
            {
                var quoted = _path[_position..end];
                _position = end + 1;
                return Create("name", quoted);
            }

            _position = _path.Length;
            throw JsonataException.Create("S0105", _position);
        }

        var i = _position;
        while (true)
        {
            var ch = CharAt(i);
            if (i >= _path.Length || IsWhitespace(ch) || SingleCharOperators.Contains(ch, StringComparison.Ordinal))
            {
                if (_path[_position] == '$')
                {
                    var name = _path.Substring(_position + 1, i - _position - 1);
                    _position = i;
                    return Create("variable", name);
                }
                else
                {
                    var name = _path[_position..i];
                    _position = i;
                    switch (name)
                    {
                        case "or":
                        case "in":
                        case "and":
                            return Create("operator", name);
                        case "true":
                            return Create("value", Helpers.True);
                        case "false":
                            return Create("value", Helpers.False);
                        case "null":
                            return Create("value", JNull.Value);
                        default:
                            if (_position == _path.Length && name.Length == 0)
                            {
                                return null;
                            }

                            return Create("name", name);
                    }
                }
            }

            i++;
        }
    }

    private RegexFunction ScanRegex()
    {
        var start = _position;
        var depth = 0;

        bool IsClosingSlash(int position)
        {
            if (CharAt(position) == '/' && depth == 0)
            {
                var backslashCount = 0;
                while (CharAt(position - (backslashCount + 1)) == '\\')
                {
                    backslashCount++;
                }

                if (backslashCount % 2 == 0)
                {
                    return true;
                }
            }

            return false;
        }

        while (_position < _path.Length)
        {
            var currentChar = _path[_position];
            if (IsClosingSlash(_position))
            {
                var pattern = _path[start.._position];
                if (pattern.Length == 0)
                {
                    throw JsonataException.Create("S0301", _position);
                }

                _position++;
                currentChar = CharAt(_position);
                var flagStart = _position;
                while (currentChar is 'i' or 'm')
                {
                    _position++;
                    currentChar = CharAt(_position);
                }

                var flags = _path[flagStart.._position];
                return RegexTranslator.Create(pattern, flags);
            }

            if (currentChar is '(' or '[' or '{' && CharAt(_position - 1) != '\\')
            {
                depth++;
            }

            if (currentChar is ')' or ']' or '}' && CharAt(_position - 1) != '\\')
            {
                depth--;
            }

            _position++;
        }

        throw JsonataException.Create("S0302", _position);
    }
}
