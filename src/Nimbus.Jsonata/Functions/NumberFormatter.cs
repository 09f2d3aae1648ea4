using System.Text;
using Nimbus.Jsonata.Values;

namespace Nimbus.Jsonata.Functions;

/// <summary>$formatNumber: XPath F&amp;O 3.1 fn:format-number (port of functions.js formatNumber).</summary>
internal static class NumberFormatter
{
    private sealed class Parts
    {
        public string Prefix = string.Empty;
        public string Suffix = string.Empty;
        public string ActivePart = string.Empty;
        public string MantissaPart = string.Empty;
        public string? ExponentPart;
        public string IntegerPart = string.Empty;
        public string FractionalPart = string.Empty;
        public string Subpicture = string.Empty;
    }

    private sealed class Pic
    {
        public List<int> IntegerPartGroupingPositions = [];
        public int RegularGrouping;
        public int MinimumIntegerPartSize;
        public int ScalingFactor;
        public string Prefix = string.Empty;
        public List<int> FractionalPartGroupingPositions = [];
        public int MinimumFactionalPartSize;
        public int MaximumFactionalPartSize;
        public int MinimumExponentSize;
        public string Suffix = string.Empty;
        public string Picture = string.Empty;

        public Pic Copy() => (Pic)MemberwiseClone();
    }

    public static string FormatNumber(double value, string picture, JObject? options)
    {
        var properties = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["decimal-separator"] = ".",
            ["grouping-separator"] = ",",
            ["exponent-separator"] = "e",
            ["infinity"] = "Infinity",
            ["minus-sign"] = "-",
            ["NaN"] = "NaN",
            ["percent"] = "%",
            ["per-mille"] = "\u2030",
            ["zero-digit"] = "0",
            ["digit"] = "#",
            ["pattern-separator"] = ";",
        };
        if (options is not null)
        {
            foreach (var kv in options)
            {
                if (kv.Value is string s)
                {
                    properties[kv.Key] = s;
                }
            }
        }

        var decimalDigitFamily = new List<char>();
        var zeroCharCode = properties["zero-digit"][0];
        for (var ii = zeroCharCode; ii < zeroCharCode + 10; ii++)
        {
            decimalDigitFamily.Add(ii);
        }

        var decimalSep = properties["decimal-separator"];
        var groupingSep = properties["grouping-separator"];
        var expSep = properties["exponent-separator"];
        var digit = properties["digit"];
        var patternSep = properties["pattern-separator"];
        var percent = properties["percent"];
        var perMille = properties["per-mille"];
        var activeChars = new HashSet<char>(decimalDigitFamily) { decimalSep[0], expSep[0], groupingSep[0], digit[0], patternSep[0] };

        var subPictures = picture.Split(patternSep);
        if (subPictures.Length > 2)
        {
            throw JsonataException.Create("D3080");
        }

        Parts SplitParts(string subpicture)
        {
            string prefix = string.Empty, suffix = string.Empty;
            for (var ii = 0; ii < subpicture.Length; ii++)
            {
                var ch = subpicture[ii];
                if (activeChars.Contains(ch) && ch != expSep[0])
                {
                    prefix = subpicture[..ii];
                    break;
                }
            }

            for (var ii = subpicture.Length - 1; ii >= 0; ii--)
            {
                var ch = subpicture[ii];
                if (activeChars.Contains(ch) && ch != expSep[0])
                {
                    suffix = subpicture[(ii + 1)..];
                    break;
                }
            }

            var activePart = subpicture.Length - suffix.Length >= prefix.Length
                ? subpicture[prefix.Length..(subpicture.Length - suffix.Length)]
                : string.Empty;
            string mantissaPart;
            string? exponentPart;
            var exponentPosition = subpicture.IndexOf(expSep, prefix.Length, StringComparison.Ordinal);
            if (exponentPosition == -1 || exponentPosition > subpicture.Length - suffix.Length)
            {
                mantissaPart = activePart;
                exponentPart = null;
            }
            else
            {
                mantissaPart = activePart[..Math.Min(activePart.Length, exponentPosition)];
                exponentPart = exponentPosition + 1 <= activePart.Length ? activePart[(exponentPosition + 1)..] : string.Empty;
            }

            string integerPart, fractionalPart;
            var decimalPosition = mantissaPart.IndexOf(decimalSep, StringComparison.Ordinal);
            if (decimalPosition == -1)
            {
                integerPart = mantissaPart;
                fractionalPart = suffix;
            }
            else
            {
                integerPart = mantissaPart[..decimalPosition];
                fractionalPart = mantissaPart[(decimalPosition + 1)..];
            }

            return new Parts
            {
                Prefix = prefix,
                Suffix = suffix,
                ActivePart = activePart,
                MantissaPart = mantissaPart,
                ExponentPart = exponentPart,
                IntegerPart = integerPart,
                FractionalPart = fractionalPart,
                Subpicture = subpicture,
            };
        }

        bool IsDigit(char ch) => decimalDigitFamily.Contains(ch);

        void Validate(Parts parts)
        {
            string? error = null;
            var subpicture = parts.Subpicture;
            var decimalPos = subpicture.IndexOf(decimalSep, StringComparison.Ordinal);
            if (decimalPos != subpicture.LastIndexOf(decimalSep, StringComparison.Ordinal))
            {
                error = "D3081";
            }

            if (subpicture.IndexOf(percent, StringComparison.Ordinal) != subpicture.LastIndexOf(percent, StringComparison.Ordinal))
            {
                error = "D3082";
            }

            if (subpicture.IndexOf(perMille, StringComparison.Ordinal) != subpicture.LastIndexOf(perMille, StringComparison.Ordinal))
            {
                error = "D3083";
            }

            if (subpicture.Contains(percent, StringComparison.Ordinal) && subpicture.Contains(perMille, StringComparison.Ordinal))
            {
                error = "D3084";
            }

            if (!parts.MantissaPart.Any(ch => IsDigit(ch) || ch == digit[0]))
            {
                error = "D3085";
            }

            if (parts.ActivePart.Any(ch => !activeChars.Contains(ch)))
            {
                error = "D3086";
            }

            if (decimalPos != -1)
            {
                if ((decimalPos > 0 && subpicture[decimalPos - 1] == groupingSep[0]) || (decimalPos + 1 < subpicture.Length && subpicture[decimalPos + 1] == groupingSep[0]))
                {
                    error = "D3087";
                }
            }
            else if (parts.IntegerPart.Length > 0 && parts.IntegerPart[^1] == groupingSep[0])
            {
                error = "D3088";
            }

            if (subpicture.Contains(groupingSep + groupingSep, StringComparison.Ordinal))
            {
                error = "D3089";
            }

            var optionalDigitPos = parts.IntegerPart.IndexOf(digit, StringComparison.Ordinal);
            if (optionalDigitPos != -1 && parts.IntegerPart[..optionalDigitPos].Any(IsDigit))
            {
                error = "D3090";
            }

            optionalDigitPos = parts.FractionalPart.LastIndexOf(digit, StringComparison.Ordinal);
            if (optionalDigitPos != -1 && parts.FractionalPart[optionalDigitPos..].Any(IsDigit))
            {
                error = "D3091";
            }

            var exponentExists = parts.ExponentPart is not null;
            if (exponentExists && parts.ExponentPart!.Length > 0 && (subpicture.Contains(percent, StringComparison.Ordinal) || subpicture.Contains(perMille, StringComparison.Ordinal)))
            {
                error = "D3092";
            }

            if (exponentExists && (parts.ExponentPart!.Length == 0 || parts.ExponentPart.Any(ch => !IsDigit(ch))))
            {
                error = "D3093";
            }

            if (error is not null)
            {
                throw JsonataException.Create(error);
            }
        }

        Pic Analyse(Parts parts)
        {
            List<int> GetGroupingPositions(string part, bool toLeft)
            {
                var positions = new List<int>();
                var groupingPosition = part.IndexOf(groupingSep, StringComparison.Ordinal);
                while (groupingPosition != -1)
                {
                    var segment = toLeft ? part[..groupingPosition] : part[groupingPosition..];
                    positions.Add(segment.Count(ch => IsDigit(ch) || ch == digit[0]));
                    groupingPosition = part.IndexOf(groupingSep, groupingPosition + 1, StringComparison.Ordinal);
                }

                return positions;
            }

            var integerPartGroupingPositions = GetGroupingPositions(parts.IntegerPart, false);
            int Regular(List<int> indexes)
            {
                if (indexes.Count == 0)
                {
                    return 0;
                }

                static int Gcd(int a, int b) => b == 0 ? a : Gcd(b, a % b);
                var factor = indexes.Aggregate(Gcd);
                for (var index = 1; index <= indexes.Count; index++)
                {
                    if (!indexes.Contains(index * factor))
                    {
                        return 0;
                    }
                }

                return factor;
            }

            var regularGrouping = Regular(integerPartGroupingPositions);
            var fractionalPartGroupingPositions = GetGroupingPositions(parts.FractionalPart, true);
            var minimumIntegerPartSize = parts.IntegerPart.Count(IsDigit);
            var scalingFactor = minimumIntegerPartSize;
            var minimumFactionalPartSize = parts.FractionalPart.Count(IsDigit);
            var maximumFactionalPartSize = parts.FractionalPart.Count(ch => IsDigit(ch) || ch == digit[0]);
            var exponentPresent = parts.ExponentPart is not null;
            if (minimumIntegerPartSize == 0 && maximumFactionalPartSize == 0)
            {
                if (exponentPresent)
                {
                    minimumFactionalPartSize = 1;
                    maximumFactionalPartSize = 1;
                }
                else
                {
                    minimumIntegerPartSize = 1;
                }
            }

            if (exponentPresent && minimumIntegerPartSize == 0 && parts.IntegerPart.Contains(digit, StringComparison.Ordinal))
            {
                minimumIntegerPartSize = 1;
            }

            if (minimumIntegerPartSize == 0 && minimumFactionalPartSize == 0)
            {
                minimumFactionalPartSize = 1;
            }

            var minimumExponentSize = exponentPresent ? parts.ExponentPart!.Count(IsDigit) : 0;
            return new Pic
            {
                IntegerPartGroupingPositions = integerPartGroupingPositions,
                RegularGrouping = regularGrouping,
                MinimumIntegerPartSize = minimumIntegerPartSize,
                ScalingFactor = scalingFactor,
                Prefix = parts.Prefix,
                FractionalPartGroupingPositions = fractionalPartGroupingPositions,
                MinimumFactionalPartSize = minimumFactionalPartSize,
                MaximumFactionalPartSize = maximumFactionalPartSize,
                MinimumExponentSize = minimumExponentSize,
                Suffix = parts.Suffix,
                Picture = parts.Subpicture,
            };
        }

        var partsList = subPictures.Select(SplitParts).ToList();
        partsList.ForEach(Validate);
        var variables = partsList.Select(Analyse).ToList();
        var minusSign = properties["minus-sign"];
        var zeroDigit = properties["zero-digit"];
        if (variables.Count == 1)
        {
            var neg = variables[0].Copy();
            neg.Prefix = minusSign + neg.Prefix;
            variables.Add(neg);
        }

        var pic = value >= 0 ? variables[0] : variables[1];
        double adjustedNumber;
        if (pic.Picture.Contains(percent, StringComparison.Ordinal))
        {
            adjustedNumber = value * 100;
        }
        else if (pic.Picture.Contains(perMille, StringComparison.Ordinal))
        {
            adjustedNumber = value * 1000;
        }
        else
        {
            adjustedNumber = value;
        }

        double mantissa;
        int? exponent = null;
        if (pic.MinimumExponentSize == 0)
        {
            mantissa = adjustedNumber;
        }
        else
        {
            var maxMantissa = Math.Pow(10, pic.ScalingFactor);
            var minMantissa = Math.Pow(10, pic.ScalingFactor - 1);
            mantissa = Math.Abs(adjustedNumber);
            var e = 0;
            if (mantissa != 0)
            {
                while (mantissa < minMantissa)
                {
                    mantissa *= 10;
                    e -= 1;
                }

                while (mantissa > maxMantissa)
                {
                    mantissa /= 10;
                    e += 1;
                }
            }

            mantissa = adjustedNumber < 0 ? -mantissa : mantissa;

            exponent = e;
        }

        var roundedNumber = BuiltIns.Round(mantissa, pic.MaximumFactionalPartSize);
        string MakeString(double v, int dp)
        {
            var str = JsNumber.ToFixed(Math.Abs(v), dp);
            if (zeroDigit != "0")
            {
                var sb = new StringBuilder();
                foreach (var ch in str)
                {
                    sb.Append(ch is >= '0' and <= '9' ? decimalDigitFamily[ch - '0'] : ch);
                }

                str = sb.ToString();
            }

            return str;
        }

        var stringValue = MakeString(roundedNumber, pic.MaximumFactionalPartSize);
        var decimalPos = stringValue.IndexOf('.', StringComparison.Ordinal);
        if (decimalPos == -1)
        {
            stringValue += decimalSep;
        }
        else
        {
            stringValue = stringValue[..decimalPos] + decimalSep + stringValue[(decimalPos + 1)..];
        }

        while (stringValue.Length > 0 && stringValue[0] == zeroDigit[0])
        {
            stringValue = stringValue[1..];
        }

        while (stringValue.Length > 0 && stringValue[^1] == zeroDigit[0])
        {
            stringValue = stringValue[..^1];
        }

        decimalPos = stringValue.IndexOf(decimalSep, StringComparison.Ordinal);
        var padLeft = pic.MinimumIntegerPartSize - decimalPos;
        var padRight = pic.MinimumFactionalPartSize - (stringValue.Length - decimalPos - 1);
        stringValue = (padLeft > 0 ? new string(zeroDigit[0], padLeft) : string.Empty) + stringValue;
        stringValue += padRight > 0 ? new string(zeroDigit[0], padRight) : string.Empty;
        decimalPos = stringValue.IndexOf(decimalSep, StringComparison.Ordinal);
        if (pic.RegularGrouping > 0)
        {
            var groupCount = (decimalPos - 1) / pic.RegularGrouping;
            for (var group = 1; group <= groupCount; group++)
            {
                var at = decimalPos - (group * pic.RegularGrouping);
                stringValue = stringValue[..at] + groupingSep + stringValue[at..];
            }
        }
        else
        {
            foreach (var pos in pic.IntegerPartGroupingPositions)
            {
                var at = decimalPos - pos;
                stringValue = stringValue[..at] + groupingSep + stringValue[at..];
                decimalPos++;
            }
        }

        decimalPos = stringValue.IndexOf(decimalSep, StringComparison.Ordinal);
        foreach (var pos in pic.FractionalPartGroupingPositions)
        {
            var at = pos + decimalPos + 1;
            if (at <= stringValue.Length)
            {
                stringValue = stringValue[..at] + groupingSep + stringValue[at..];
            }
        }

        decimalPos = stringValue.IndexOf(decimalSep, StringComparison.Ordinal);
        if (!pic.Picture.Contains(decimalSep, StringComparison.Ordinal) || decimalPos == stringValue.Length - 1)
        {
            stringValue = stringValue[..^1];
        }

        if (exponent is { } ex)
        {
            var stringExponent = MakeString(ex, 0);
            padLeft = pic.MinimumExponentSize - stringExponent.Length;
            if (padLeft > 0)
            {
                stringExponent = new string(zeroDigit[0], padLeft) + stringExponent;
            }

            stringValue = stringValue + expSep + (ex < 0 ? minusSign : string.Empty) + stringExponent;
        }

        return pic.Prefix + stringValue + pic.Suffix;
    }
}
