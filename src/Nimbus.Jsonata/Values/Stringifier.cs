using System.Globalization;
using System.Text;

namespace Nimbus.Jsonata.Values;

/// <summary>JSON.stringify as used by $string: numbers at 15 significant digits, functions as "".</summary>
internal static class Stringifier
{
    public static string Stringify(object? value, bool pretty)
    {
        var sb = new StringBuilder();
        Write(sb, value, pretty, 0);
        return sb.ToString();
    }

    private static void Write(StringBuilder sb, object? value, bool pretty, int indent)
    {
        switch (value)
        {
            case null:
            case JNull:
                sb.Append("null");
                break;
            case string s:
                WriteString(sb, s);
                break;
            case double d:
                if (double.IsNaN(d) || double.IsInfinity(d))
                {
                    sb.Append("null");
                }
                else
                {
                    sb.Append(JsNumber.ToString(JsNumber.IsInteger(d) ? d : JsNumber.ToPrecision15(d)));
                }

                break;
            case bool b:
                sb.Append(b ? "true" : "false");
                break;
            case JFunction:
                sb.Append("\"\"");
                break;
            case JArray a:
                {
                    if (a.Count == 0)
                    {
                        sb.Append("[]");
                        break;
                    }

                    sb.Append('[');
                    for (var i = 0; i < a.Count; i++)
                    {
                        if (i > 0)
                        {
                            sb.Append(',');
                        }

                        NewLine(sb, pretty, indent + 1);
                        Write(sb, a[i], pretty, indent + 1);
                    }

                    NewLine(sb, pretty, indent);
                    sb.Append(']');
                    break;
                }

            case JObject o:
                {
                    var first = true;
                    foreach (var kv in o)
                    {
                        if (kv.Value is null)
                        {
                            continue;
                        }

                        sb.Append(first ? "{" : ",");
                        first = false;
                        NewLine(sb, pretty, indent + 1);
                        WriteString(sb, kv.Key);
                        sb.Append(pretty ? ": " : ":");
                        Write(sb, kv.Value, pretty, indent + 1);
                    }

                    if (first)
                    {
                        sb.Append("{}");
                    }
                    else
                    {
                        NewLine(sb, pretty, indent);
                        sb.Append('}');
                    }

                    break;
                }

            default:
                WriteString(sb, Convert.ToString(value, CultureInfo.InvariantCulture) ?? string.Empty);
                break;
        }
    }

    private static void NewLine(StringBuilder sb, bool pretty, int indent)
    {
        if (pretty)
        {
            sb.Append('\n').Append(' ', indent * 2);
        }
    }

    public static void WriteString(StringBuilder sb, string s)
    {
        sb.Append('"');
        for (var i = 0; i < s.Length; i++)
        {
            var c = s[i];
            switch (c)
            {
                case '"': sb.Append("\\\""); break;
                case '\\': sb.Append("\\\\"); break;
                case '\b': sb.Append("\\b"); break;
                case '\f': sb.Append("\\f"); break;
                case '\n': sb.Append("\\n"); break;
                case '\r': sb.Append("\\r"); break;
                case '\t': sb.Append("\\t"); break;
                default:
                    if (c < 0x20)
                    {
                        sb.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    }
                    else if (char.IsHighSurrogate(c) && (i + 1 >= s.Length || !char.IsLowSurrogate(s[i + 1])))
                    {
                        sb.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    }
                    else if (char.IsLowSurrogate(c) && (i == 0 || !char.IsHighSurrogate(s[i - 1])))
                    {
                        sb.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        sb.Append(c);
                    }

                    break;
            }
        }

        sb.Append('"');
    }
}
