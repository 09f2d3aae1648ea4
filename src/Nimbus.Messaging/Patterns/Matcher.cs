using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Nimbus.Messaging.Patterns;

/// <summary>One condition of a pattern's leaf array; a leaf matches when any of its conditions does.</summary>
internal abstract record Matcher
{
    /// <summary>Whether a present scalar value (never an array) satisfies the condition.</summary>
    public abstract bool Matches(JsonNode? value);

    /// <summary>Whether the condition is satisfied when the field is absent (only <c>exists: false</c>).</summary>
    public virtual bool MatchesAbsent => false;

    protected static string? AsString(JsonNode? value) =>
        value is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : null;

    public static double? AsNumber(JsonNode? value) =>
        value is JsonValue v && v.GetValueKind() == JsonValueKind.Number ? double.Parse(v.ToJsonString(), CultureInfo.InvariantCulture) : null;
}

/// <summary>An exact value: a string, a number (compared numerically), true/false or null.</summary>
internal sealed record ExactMatcher(JsonNode? Expected) : Matcher
{
    public override bool Matches(JsonNode? value)
    {
        if (Expected is null)
        {
            return value is null || (value is JsonValue nv && nv.GetValueKind() == JsonValueKind.Null);
        }

        if (value is null)
        {
            return false;
        }

        var kind = Expected.GetValueKind();
        return kind switch
        {
            JsonValueKind.String => AsString(value) == Expected.GetValue<string>(),
            JsonValueKind.Number => AsNumber(value) is { } n && n == AsNumber(Expected),
            JsonValueKind.True or JsonValueKind.False => value.GetValueKind() == kind,
            _ => false,
        };
    }
}

internal sealed record PrefixMatcher(string Prefix, bool IgnoreCase) : Matcher
{
    public override bool Matches(JsonNode? value) =>
        AsString(value) is { } s && s.StartsWith(Prefix, IgnoreCase ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal);
}

internal sealed record SuffixMatcher(string Suffix, bool IgnoreCase) : Matcher
{
    public override bool Matches(JsonNode? value) =>
        AsString(value) is { } s && s.EndsWith(Suffix, IgnoreCase ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal);
}

internal sealed record EqualsIgnoreCaseMatcher(string Expected) : Matcher
{
    public override bool Matches(JsonNode? value) =>
        AsString(value) is { } s && string.Equals(s, Expected, StringComparison.OrdinalIgnoreCase);
}

/// <summary><c>{"exists": true|false}</c>: a leaf present (true) or absent (false).</summary>
internal sealed record ExistsMatcher(bool Exists) : Matcher
{
    public override bool Matches(JsonNode? value) => Exists;

    public override bool MatchesAbsent => !Exists;
}

/// <summary><c>{"wildcard": "a*b"}</c>: <c>*</c> matches any run of characters, <c>\*</c> a literal star.</summary>
internal sealed record WildcardMatcher(string Pattern) : Matcher
{
    public override bool Matches(JsonNode? value) => AsString(value) is { } s && Glob(Pattern, 0, s, 0);

    private static bool Glob(string p, int pi, string s, int si)
    {
        while (pi < p.Length)
        {
            var c = p[pi];
            if (c == '\\' && pi + 1 < p.Length)
            {
                if (si >= s.Length || s[si] != p[pi + 1])
                {
                    return false;
                }

                pi += 2;
                si++;
            }
            else if (c == '*')
            {
                for (var k = si; k <= s.Length; k++)
                {
                    if (Glob(p, pi + 1, s, k))
                    {
                        return true;
                    }
                }

                return false;
            }
            else
            {
                if (si >= s.Length || s[si] != c)
                {
                    return false;
                }

                pi++;
                si++;
            }
        }

        return si == s.Length;
    }
}

/// <summary><c>{"numeric": [">", 0, "&lt;=", 5]}</c>: a numeric value inside every bound.</summary>
internal sealed record NumericMatcher(IReadOnlyList<(string Op, double Value)> Bounds) : Matcher
{
    public override bool Matches(JsonNode? value) => AsNumber(value) is { } n && Bounds.All(b => b.Op switch
    {
        "=" => n == b.Value,
        "<" => n < b.Value,
        "<=" => n <= b.Value,
        ">" => n > b.Value,
        ">=" => n >= b.Value,
        _ => false,
    });
}

/// <summary><c>{"cidr": "10.0.0.0/24"}</c>: an IPv4 or IPv6 address string inside the network.</summary>
internal sealed record CidrMatcher(IPNetwork Network) : Matcher
{
    public override bool Matches(JsonNode? value) =>
        AsString(value) is { } s && IPAddress.TryParse(s, out var ip) && ip.AddressFamily == Network.BaseAddress.AddressFamily && Network.Contains(ip);
}

/// <summary><c>{"anything-but": …}</c>: a present value that none of the inner conditions matches.</summary>
internal sealed record AnythingButMatcher(IReadOnlyList<Matcher> Excluded) : Matcher
{
    public override bool Matches(JsonNode? value) => !Excluded.Any(m => m.Matches(value));
}
