using System.Text;
using System.Text.RegularExpressions;
using Nimbus.Jsonata.Values;

namespace Nimbus.Jsonata.Parsing;

/// <summary>A parsed function signature such as <c>&lt;s-nn?:s&gt;</c> with argument validation (signature.js).</summary>
internal sealed class Signature
{
    private static readonly Dictionary<string, string> ArraySignatureMapping = new(StringComparer.Ordinal)
    {
        ["a"] = "arrays",
        ["b"] = "booleans",
        ["f"] = "functions",
        ["n"] = "numbers",
        ["o"] = "objects",
        ["s"] = "strings",
    };

    private readonly List<Param> _params;
    private readonly Regex _regex;

    private Signature(string definition, List<Param> parameters)
    {
        Definition = definition;
        _params = parameters;
        var sb = new StringBuilder("^");
        foreach (var p in parameters)
        {
            sb.Append('(').Append(p.Regex).Append(')');
        }

        sb.Append('$');
        _regex = new Regex(sb.ToString(), RegexOptions.CultureInvariant);
    }

    public string Definition { get; }

    public int ParamCount => _params.Count;

    public static Signature Parse(string signature)
    {
        var position = 1;
        var parameters = new List<Param>();
        var param = new Param();
        var prevParam = param;
        while (position < signature.Length)
        {
            var symbol = signature[position];
            if (symbol == ':')
            {
                break;
            }

            void Next()
            {
                parameters.Add(param);
                prevParam = param;
                param = new Param();
            }

            switch (symbol)
            {
                case 's':
                case 'n':
                case 'b':
                case 'l':
                case 'o':
                    param.Regex = "[" + symbol + "m]";
                    param.Type = symbol.ToString();
                    Next();
                    break;
                case 'a':
                    param.Regex = "[asnblfom]";
                    param.Type = "a";
                    param.Array = true;
                    Next();
                    break;
                case 'f':
                    param.Regex = "f";
                    param.Type = "f";
                    Next();
                    break;
                case 'j':
                    param.Regex = "[asnblom]";
                    param.Type = "j";
                    Next();
                    break;
                case 'x':
                    param.Regex = "[asnblfom]";
                    param.Type = "x";
                    Next();
                    break;
                case '-':
                    prevParam.Context = true;
                    prevParam.ContextRegex = new Regex(prevParam.Regex, RegexOptions.CultureInvariant);
                    prevParam.Regex += "?";
                    break;
                case '?':
                case '+':
                    prevParam.Regex += symbol;
                    break;
                case '(':
                    {
                        var endParen = FindClosingBracket(signature, position, '(', ')');
                        var choice = signature.Substring(position + 1, endParen - position - 1);
                        if (!choice.Contains('<', StringComparison.Ordinal))
                        {
                            param.Regex = "[" + choice + "m]";
                        }
                        else
                        {
                            throw new JsonataException("S0402") { RawValue = choice, HasValue = true, Position = position };
                        }

                        param.Type = "(" + choice + ")";
                        position = endParen;
                        Next();
                        break;
                    }

                case '<':
                    if (prevParam.Type is "a" or "f")
                    {
                        var endPos = FindClosingBracket(signature, position, '<', '>');
                        prevParam.Subtype = signature.Substring(position + 1, endPos - position - 1);
                        position = endPos;
                    }
                    else
                    {
                        throw new JsonataException("S0401") { RawValue = prevParam.Type, HasValue = true, Position = position };
                    }

                    break;
            }

            position++;
        }

        return new Signature(signature, parameters);
    }

    private static int FindClosingBracket(string str, int start, char open, char close)
    {
        var depth = 1;
        var position = start;
        while (position < str.Length)
        {
            position++;
            if (position >= str.Length)
            {
                break;
            }

            var symbol = str[position];
            if (symbol == close)
            {
                depth--;
                if (depth == 0)
                {
                    break;
                }
            }
            else if (symbol == open)
            {
                depth++;
            }
        }

        return position;
    }

    public static char GetSymbol(object? value) => value switch
    {
        JFunction => 'f',
        string => 's',
        double => 'n',
        bool => 'b',
        JNull => 'l',
        JArray => 'a',
        JObject => 'o',
        null => 'm',
        _ => 'o',
    };

    public object?[] Validate(object?[] args, object? context)
    {
        var supplied = new StringBuilder(args.Length);
        foreach (var arg in args)
        {
            supplied.Append(GetSymbol(arg));
        }

        var suppliedSig = supplied.ToString();
        var isValid = _regex.Match(suppliedSig);
        if (!isValid.Success)
        {
            ThrowValidationError(args, suppliedSig);
        }

        var validated = new List<object?>(args.Length + 1);
        var argIndex = 0;
        for (var index = 0; index < _params.Count; index++)
        {
            var param = _params[index];
            var arg = argIndex < args.Length ? args[argIndex] : null;
            var match = isValid.Groups[index + 1].Value;
            if (match.Length == 0)
            {
                if (param.Context && param.ContextRegex is not null)
                {
                    var contextType = GetSymbol(context);
                    if (param.ContextRegex.IsMatch(contextType.ToString()))
                    {
                        validated.Add(context);
                    }
                    else
                    {
                        throw new JsonataException("T0411") { RawValue = context, HasValue = true, Index = argIndex + 1 };
                    }
                }
                else
                {
                    validated.Add(arg);
                    argIndex++;
                }
            }
            else
            {
                foreach (var single in match)
                {
                    if (param.Type == "a")
                    {
                        if (single == 'm')
                        {
                            arg = null;
                        }
                        else
                        {
                            arg = args[argIndex];
                            var arrayOk = true;
                            if (param.Subtype is not null)
                            {
                                if (single != 'a' && match != param.Subtype)
                                {
                                    arrayOk = false;
                                }
                                else if (single == 'a' && arg is JArray arr && arr.Count > 0)
                                {
                                    var itemType = GetSymbol(arr[0]);
                                    if (itemType != param.Subtype[0])
                                    {
                                        arrayOk = false;
                                    }
                                    else
                                    {
                                        foreach (var v in arr)
                                        {
                                            if (GetSymbol(v) != itemType)
                                            {
                                                arrayOk = false;
                                                break;
                                            }
                                        }
                                    }
                                }
                            }

                            if (!arrayOk)
                            {
                                throw new JsonataException("T0412")
                                {
                                    RawValue = arg,
                                    HasValue = true,
                                    Index = argIndex + 1,
                                    TypeName = ArraySignatureMapping.GetValueOrDefault(param.Subtype!),
                                };
                            }

                            if (single != 'a')
                            {
                                arg = new JArray { arg };
                            }
                        }

                        validated.Add(arg);
                        argIndex++;
                    }
                    else
                    {
                        validated.Add(argIndex < args.Length ? args[argIndex] : null);
                        argIndex++;
                    }
                }
            }
        }

        return [.. validated];
    }

    private void ThrowValidationError(object?[] badArgs, string badSig)
    {
        var partialPattern = "^";
        var goodTo = 0;
        for (var index = 0; index < _params.Count; index++)
        {
            partialPattern += _params[index].Regex;
            var match = Regex.Match(badSig, partialPattern, RegexOptions.CultureInvariant);
            if (!match.Success)
            {
                throw new JsonataException("T0410") { RawValue = goodTo < badArgs.Length ? badArgs[goodTo] : null, HasValue = true, Index = goodTo + 1 };
            }

            goodTo = match.Length;
        }

        throw new JsonataException("T0410") { RawValue = goodTo < badArgs.Length ? badArgs[goodTo] : null, HasValue = true, Index = goodTo + 1 };
    }

    private sealed class Param
    {
        public string Regex { get; set; } = string.Empty;

        public string Type { get; set; } = string.Empty;

        public bool Array { get; set; }

        public bool Context { get; set; }

        public Regex? ContextRegex { get; set; }

        public string? Subtype { get; set; }
    }
}
