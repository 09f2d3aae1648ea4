using System.Globalization;
using System.Text;
using Nimbus.Core.Errors;

namespace Nimbus.Data.DynamoDb;

/// <summary>A DynamoDB number: up to 38 significant digits, exponent -130..+125, kept as digits (never a double).</summary>
/// <remarks>Value = sign × 0.Digits × 10^Exponent, with Digits free of leading and trailing zeros (empty for zero).</remarks>
internal readonly record struct DynamoNumber(bool Negative, string Digits, int Exponent)
{
    public bool IsZero => Digits.Length == 0;

    public static DynamoNumber Parse(string text)
    {
        var s = text.Trim();
        var i = 0;
        var negative = false;
        if (i < s.Length && (s[i] == '-' || s[i] == '+'))
        {
            negative = s[i] == '-';
            i++;
        }

        var digits = new StringBuilder();
        var pointPosition = -1;
        var seenDigit = false;
        for (; i < s.Length; i++)
        {
            var c = s[i];
            if (c is >= '0' and <= '9')
            {
                digits.Append(c);
                seenDigit = true;
            }
            else if (c == '.' && pointPosition < 0)
            {
                pointPosition = digits.Length;
            }
            else
            {
                break;
            }
        }

        var exp = 0;
        if (i < s.Length && (s[i] == 'e' || s[i] == 'E'))
        {
            if (!int.TryParse(s.AsSpan(i + 1), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out exp))
            {
                throw Invalid();
            }

            i = s.Length;
        }

        if (!seenDigit || i != s.Length)
        {
            throw Invalid();
        }

        if (pointPosition < 0)
        {
            pointPosition = digits.Length;
        }

        var all = digits.ToString();
        var lead = 0;
        while (lead < all.Length && all[lead] == '0')
        {
            lead++;
        }

        var trimmed = all[lead..].TrimEnd('0');
        if (trimmed.Length == 0)
        {
            return new DynamoNumber(false, "", 0);
        }

        if (trimmed.Length > 38)
        {
            throw new AwsError("ValidationException", "Attempting to store more than 38 significant digits in a Number").ToException();
        }

        var exponent = pointPosition - lead + exp;
        if (exponent > 126)
        {
            throw new AwsError("ValidationException", "Number overflow. Attempting to store a number with magnitude larger than supported range").ToException();
        }

        if (exponent < -129)
        {
            throw new AwsError("ValidationException", "Number underflow. Attempting to store a number with magnitude smaller than supported range").ToException();
        }

        return new DynamoNumber(negative, trimmed, exponent);
    }

    /// <summary>The canonical text DynamoDB returns (plain notation, no superfluous zeros).</summary>
    public override string ToString()
    {
        if (IsZero)
        {
            return "0";
        }

        var sb = new StringBuilder();
        if (Negative)
        {
            sb.Append('-');
        }

        if (Exponent <= 0)
        {
            sb.Append("0.").Append('0', -Exponent).Append(Digits);
        }
        else if (Exponent >= Digits.Length)
        {
            sb.Append(Digits).Append('0', Exponent - Digits.Length);
        }
        else
        {
            sb.Append(Digits, 0, Exponent).Append('.').Append(Digits, Exponent, Digits.Length - Exponent);
        }

        return sb.ToString();
    }

    /// <summary>Bytes whose memcmp order is numeric order (for SQLite's BLOB ordering of sort keys).</summary>
    public byte[] SortBytes()
    {
        if (IsZero)
        {
            return [0x80];
        }

        var bytes = new byte[Digits.Length + 3];
        var biased = Exponent + 129; // exponent is validated to -129..126, so 0..255
        if (!Negative)
        {
            bytes[0] = 0xC0;
            bytes[1] = (byte)biased;
            for (var i = 0; i < Digits.Length; i++)
            {
                bytes[i + 2] = (byte)(Digits[i] - '0' + 1);
            }

            bytes[^1] = 0x00;
        }
        else
        {
            bytes[0] = 0x40;
            bytes[1] = (byte)(255 - biased);
            for (var i = 0; i < Digits.Length; i++)
            {
                bytes[i + 2] = (byte)(10 - (Digits[i] - '0'));
            }

            bytes[^1] = 0xFF;
        }

        return bytes;
    }

    private static AwsServiceException Invalid() =>
        new AwsError("ValidationException", "A value provided cannot be converted into a number").ToException();
}
