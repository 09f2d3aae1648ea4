using System.Globalization;
using System.Text;

namespace Nimbus.Jsonata.Values;

/// <summary>JavaScript number semantics: Number.prototype.toString, toPrecision and parsing.</summary>
internal static class JsNumber
{
    public static string ToString(double d)
    {
        if (double.IsNaN(d))
        {
            return "NaN";
        }

        if (double.IsPositiveInfinity(d))
        {
            return "Infinity";
        }

        if (double.IsNegativeInfinity(d))
        {
            return "-Infinity";
        }

        if (d == 0)
        {
            return "0";
        }

        if (Math.Abs(d) < 1e15 && d == Math.Floor(d))
        {
            return ((long)d).ToString(CultureInfo.InvariantCulture);
        }

        var r = d.ToString("R", CultureInfo.InvariantCulture);
        return FromRoundTrip(r);
    }

    /// <summary>Re-formats a .NET "R"/"E" string using the ECMAScript Number::toString rules.</summary>
    public static string FromRoundTrip(string r)
    {
        var negative = r[0] == '-';
        if (negative)
        {
            r = r[1..];
        }

        var exp = 0;
        var ePos = r.IndexOfAny(['E', 'e']);
        var mantissa = r;
        if (ePos >= 0)
        {
            exp = int.Parse(r[(ePos + 1)..], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
            mantissa = r[..ePos];
        }

        var dot = mantissa.IndexOf('.', StringComparison.Ordinal);
        string digits;
        int intLen;
        if (dot >= 0)
        {
            digits = mantissa[..dot] + mantissa[(dot + 1)..];
            intLen = dot;
        }
        else
        {
            digits = mantissa;
            intLen = mantissa.Length;
        }

        // strip leading zeros
        var lead = 0;
        while (lead < digits.Length - 1 && digits[lead] == '0')
        {
            lead++;
        }

        digits = digits[lead..];
        intLen -= lead;
        digits = digits.TrimEnd('0');
        if (digits.Length == 0)
        {
            return "0";
        }

        var k = digits.Length;
        var n = intLen + exp; // value = 0.digits * 10^n
        var sb = new StringBuilder();
        if (negative)
        {
            sb.Append('-');
        }

        if (k <= n && n <= 21)
        {
            sb.Append(digits).Append('0', n - k);
        }
        else if (0 < n && n <= 21)
        {
            sb.Append(digits, 0, n).Append('.').Append(digits, n, k - n);
        }
        else if (-6 < n && n <= 0)
        {
            sb.Append("0.").Append('0', -n).Append(digits);
        }
        else
        {
            var e = n - 1;
            sb.Append(digits[0]);
            if (k > 1)
            {
                sb.Append('.').Append(digits, 1, k - 1);
            }

            sb.Append('e').Append(e >= 0 ? '+' : '-').Append(Math.Abs(e).ToString(CultureInfo.InvariantCulture));
        }

        return sb.ToString();
    }

    /// <summary>Number(x.toPrecision(15)).</summary>
    public static double ToPrecision15(double d)
    {
        if (double.IsNaN(d) || double.IsInfinity(d) || d == 0)
        {
            return d;
        }

        return double.Parse(d.ToString("E14", CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
    }

    public static bool IsInteger(double d) => !double.IsInfinity(d) && d == Math.Floor(d);

    /// <summary>JavaScript Math.round: rounds half up (towards +infinity).</summary>
    public static double JsRound(double d)
    {
        if (double.IsNaN(d) || double.IsInfinity(d))
        {
            return d;
        }

        var f = Math.Floor(d);
        return d - f >= 0.5 ? f + 1 : f;
    }

    /// <summary>Number.prototype.toFixed for reasonable magnitudes.</summary>
    public static string ToFixed(double d, int digits)
    {
        if (Math.Abs(d) >= 1e21)
        {
            return ToString(d);
        }

        var dec = (decimal)0;
        try
        {
            dec = (decimal)d;
        }
        catch (OverflowException)
        {
            return d.ToString("F" + digits.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
        }

        dec = Math.Round(dec, Math.Min(digits, 28), MidpointRounding.AwayFromZero);
        return dec.ToString("F" + digits.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
    }

    public static string ToRadix(double value, int radix)
    {
        if (radix == 10)
        {
            return ToString(value);
        }

        var negative = value < 0;
        var v = new System.Numerics.BigInteger(Math.Abs(value));
        if (v.IsZero)
        {
            return "0";
        }

        const string chars = "0123456789abcdefghijklmnopqrstuvwxyz";
        var sb = new StringBuilder();
        while (v > 0)
        {
            sb.Insert(0, chars[(int)(v % radix)]);
            v /= radix;
        }

        if (negative)
        {
            sb.Insert(0, '-');
        }

        return sb.ToString();
    }
}
