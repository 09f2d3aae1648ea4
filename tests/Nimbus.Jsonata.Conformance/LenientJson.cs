using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace Nimbus.Jsonata.Conformance;

/// <summary>A small JSON reader that tolerates lone surrogate escapes (the suite contains some).</summary>
internal sealed class LenientJson
{
    private readonly string _s;
    private int _i;

    private LenientJson(string s)
    {
        _s = s;
    }

    public static JsonNode? Parse(string text)
    {
        var p = new LenientJson(text);
        p.Ws();
        return p.Value();
    }

    private void Ws()
    {
        while (_i < _s.Length && char.IsWhiteSpace(_s[_i]))
        {
            _i++;
        }
    }

    private JsonNode? Value()
    {
        Ws();
        var c = _s[_i];
        switch (c)
        {
            case '{':
                {
                    _i++;
                    var o = new JsonObject();
                    Ws();
                    if (_s[_i] == '}')
                    {
                        _i++;
                        return o;
                    }

                    while (true)
                    {
                        Ws();
                        var key = Str();
                        Ws();
                        _i++; // ':'
                        o[key] = Value();
                        Ws();
                        if (_s[_i++] == '}')
                        {
                            return o;
                        }
                    }
                }

            case '[':
                {
                    _i++;
                    var a = new JsonArray();
                    Ws();
                    if (_s[_i] == ']')
                    {
                        _i++;
                        return a;
                    }

                    while (true)
                    {
                        a.Add(Value());
                        Ws();
                        if (_s[_i++] == ']')
                        {
                            return a;
                        }
                    }
                }

            case '"':
                return JsonValue.Create(Str());
            case 't':
                _i += 4;
                return JsonValue.Create(true);
            case 'f':
                _i += 5;
                return JsonValue.Create(false);
            case 'n':
                _i += 4;
                return null;
            default:
                {
                    var start = _i;
                    while (_i < _s.Length && "+-0123456789.eE".Contains(_s[_i], StringComparison.Ordinal))
                    {
                        _i++;
                    }

                    return JsonValue.Create(double.Parse(_s[start.._i], NumberStyles.Float, CultureInfo.InvariantCulture));
                }
        }
    }

    private string Str()
    {
        _i++; // opening quote
        var sb = new StringBuilder();
        while (_s[_i] != '"')
        {
            var c = _s[_i++];
            if (c != '\\')
            {
                sb.Append(c);
                continue;
            }

            var e = _s[_i++];
            switch (e)
            {
                case 'n': sb.Append('\n'); break;
                case 't': sb.Append('\t'); break;
                case 'r': sb.Append('\r'); break;
                case 'b': sb.Append('\b'); break;
                case 'f': sb.Append('\f'); break;
                case 'u':
                    sb.Append((char)int.Parse(_s.AsSpan(_i, 4), NumberStyles.HexNumber, CultureInfo.InvariantCulture));
                    _i += 4;
                    break;
                default: sb.Append(e); break;
            }
        }

        _i++;
        return sb.ToString();
    }
}
