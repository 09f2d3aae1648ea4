using System.Globalization;
using System.Text.RegularExpressions;
using Nimbus.Jsonata.Values;

namespace Nimbus.Jsonata.Functions;

/// <summary>Numeric and aggregation functions.</summary>
internal static partial class BuiltIns
{
    private static readonly Regex DecimalNumber = new(@"^-?[0-9]+(\.[0-9]+)?([Ee][-+]?[0-9]+)?$", RegexOptions.CultureInvariant);
    private static readonly Regex RadixNumber = new(@"^(0[xX][0-9A-Fa-f]+)|(0[oO][0-7]+)|(0[bB][0-1]+)$", RegexOptions.CultureInvariant);

    private static object? Sum(object? arg)
    {
        if (arg is not JArray arr)
        {
            return null;
        }

        var total = 0d;
        foreach (var n in arr)
        {
            total += (double)n!;
        }

        return total;
    }

    private static object? MinMax(object? arg, bool max)
    {
        if (arg is not JArray arr || arr.Count == 0)
        {
            return null;
        }

        var result = max ? double.NegativeInfinity : double.PositiveInfinity;
        foreach (var n in arr)
        {
            var d = (double)n!;
            result = max ? Math.Max(result, d) : Math.Min(result, d);
        }

        return result;
    }

    private static object? Average(object? arg)
    {
        if (arg is not JArray arr || arr.Count == 0)
        {
            return null;
        }

        var total = 0d;
        foreach (var n in arr)
        {
            total += (double)n!;
        }

        return total / arr.Count;
    }

    private static object? ToNumber(object? arg)
    {
        switch (arg)
        {
            case null:
                return null;
            case double d:
                return d;
            case string s when DecimalNumber.IsMatch(s):
                {
                    var v = double.Parse(s, NumberStyles.Float, CultureInfo.InvariantCulture);
                    if (!double.IsInfinity(v))
                    {
                        return v;
                    }

                    break;
                }

            case string s when RadixNumber.IsMatch(s):
                {
                    var radix = char.ToLowerInvariant(s[1]) switch { 'x' => 16, 'o' => 8, _ => 2 };
                    var big = System.Numerics.BigInteger.Zero;
                    foreach (var ch in s[2..])
                    {
                        big = (big * radix) + Convert.ToInt32(ch.ToString(), 16);
                    }

                    return (double)big;
                }

            case bool b:
                return b ? 1d : 0d;
        }

        throw new JsonataException("D3030") { RawValue = arg, HasValue = true, Index = 1 };
    }

    public static double Round(double arg, double precision)
    {
        var p = (int)precision;
        double value = arg;
        if (p != 0)
        {
            value = ShiftDecimal(arg, p);
        }

        var result = JsNumber.JsRound(value);
        var diff = result - value;
        if (Math.Abs(diff) == 0.5 && Math.Abs(result % 2) == 1)
        {
            result -= 1;
        }

        if (p != 0)
        {
            result = ShiftDecimal(result, -p);
        }

        return result == 0 ? 0 : result;
    }

    private static double ShiftDecimal(double value, int shift)
    {
        var str = JsNumber.ToString(value);
        var parts = str.Split('e');
        var exp = parts.Length > 1 ? int.Parse(parts[1], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture) + shift : shift;
        return double.Parse(parts[0] + "e" + exp.ToString(CultureInfo.InvariantCulture), NumberStyles.Float, CultureInfo.InvariantCulture);
    }

    private static object? Sqrt(object? arg)
    {
        if (arg is not double d)
        {
            return null;
        }

        if (d < 0)
        {
            throw new JsonataException("D3060") { RawValue = d, HasValue = true, Index = 1 };
        }

        return Math.Sqrt(d);
    }

    private static object? Power(object? arg, object? exp)
    {
        if (arg is not double d)
        {
            return null;
        }

        var result = Math.Pow(d, (double)exp!);
        if (double.IsNaN(result) || double.IsInfinity(result))
        {
            throw new JsonataException("D3061") { RawValue = d, HasValue = true, Exponent = exp, Index = 1 };
        }

        return result;
    }

    private static object? FormatBase(object? value, object? radixArg)
    {
        if (value is not double d)
        {
            return null;
        }

        d = Round(d, 0);
        var radix = radixArg is double r ? Round(r, 0) : 10;
        if (radix < 2 || radix > 36)
        {
            throw new JsonataException("D3100") { RawValue = radix, HasValue = true };
        }

        return JsNumber.ToRadix(d, (int)radix);
    }
}
