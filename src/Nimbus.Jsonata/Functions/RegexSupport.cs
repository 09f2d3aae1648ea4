using System.Text;
using Nimbus.Jsonata.Evaluation;
using Nimbus.Jsonata.Values;

namespace Nimbus.Jsonata.Functions;

/// <summary>Regex-based string functions ($match, $contains, $replace, $split) and regex-as-function semantics.</summary>
internal static class RegexSupport
{
    private sealed record MatchRecord(string Match, int Start, int End, JArray Groups, Func<MatchRecord?> Next);

    private static MatchRecord? RegexMatch(RegexFunction regex, string str, int fromIndex)
    {
        if (fromIndex > str.Length)
        {
            return null;
        }

        var m = regex.Regex.Match(str, fromIndex);
        if (!m.Success)
        {
            return null;
        }

        var groups = new JArray();
        for (var i = 1; i < m.Groups.Count; i++)
        {
            groups.Add(m.Groups[i].Success ? m.Groups[i].Value : null);
        }

        var lastIndex = m.Index + m.Length;
        return new MatchRecord(m.Value, m.Index, lastIndex, groups, () =>
        {
            if (lastIndex >= str.Length)
            {
                return null;
            }

            var next = RegexMatch(regex, str, lastIndex);
            if (next is not null && next.Match.Length == 0)
            {
                throw new JsonataException("D1004") { RawValue = regex.Source, HasValue = true };
            }

            return next;
        });
    }

    private static MatchRecord? EvaluateMatcher(FunctionContext c, object? matcher, string str)
    {
        if (matcher is RegexFunction regex)
        {
            return RegexMatch(regex, str, 0);
        }

        var result = c.Evaluator.Apply(matcher, [str], null, c.Environment);
        return ToRecord(c, result);
    }

    private static MatchRecord? ToRecord(FunctionContext c, object? result)
    {
        if (result is null)
        {
            return null;
        }

        if (result is not JObject obj ||
            !(obj.GetValueOrDefault("start") is double || obj.GetValueOrDefault("groups") is JArray || obj.GetValueOrDefault("next") is JFunction))
        {
            throw JsonataException.Create("T1010");
        }

        var match = obj.GetValueOrDefault("match") as string ?? string.Empty;
        var start = obj.GetValueOrDefault("start") is double s ? (int)s : 0;
        var end = obj.GetValueOrDefault("end") is double e ? (int)e : start + match.Length;
        var groups = obj.GetValueOrDefault("groups") as JArray ?? [];
        var next = obj.GetValueOrDefault("next");
        return new MatchRecord(match, start, end, groups, () =>
            next is JFunction ? ToRecord(c, c.Evaluator.Apply(next, [], null, c.Environment)) : null);
    }

    public static object? InvokeAsFunction(RegexFunction regex, object?[] args)
    {
        var str = args.Length > 0 ? args[0] as string : null;
        if (str is null)
        {
            return null;
        }

        var from = args.Length > 1 && args[1] is double d ? (int)d : 0;
        return ToObject(RegexMatch(regex, str, from));
    }

    private static JObject? ToObject(MatchRecord? record)
    {
        if (record is null)
        {
            return null;
        }

        return new JObject
        {
            ["match"] = record.Match,
            ["start"] = (double)record.Start,
            ["end"] = (double)record.End,
            ["groups"] = record.Groups,
            ["next"] = new NativeFunction("next", 0, (ctx, a) => ToObject(record.Next())),
        };
    }

    public static object? Contains(FunctionContext c, string? str, object? token)
    {
        if (str is null)
        {
            return null;
        }

        if (token is null)
        {
            return null;
        }

        if (token is string s)
        {
            return Helpers.Box(str.Contains(s, StringComparison.Ordinal));
        }

        return Helpers.Box(EvaluateMatcher(c, token, str) is not null);
    }

    public static object? Match(FunctionContext c, string? str, object? regex, object? limitArg)
    {
        if (str is null)
        {
            return null;
        }

        var limit = limitArg as double?;
        if (limit < 0)
        {
            throw new JsonataException("D3040") { RawValue = limit, HasValue = true, Index = 3 };
        }

        var result = JArray.CreateSequence();
        if (limit is null || limit > 0)
        {
            var count = 0;
            var matches = EvaluateMatcher(c, regex, str);
            while (matches is not null && (limit is null || count < limit))
            {
                result.Add(new JObject
                {
                    ["match"] = matches.Match,
                    ["index"] = (double)matches.Start,
                    ["groups"] = matches.Groups,
                });
                matches = matches.Next();
                count++;
            }
        }

        return result;
    }

    public static object? Replace(FunctionContext c, string? str, object? pattern, object? replacement, object? limitArg)
    {
        if (str is null)
        {
            return null;
        }

        if (pattern is string { Length: 0 })
        {
            throw new JsonataException("D3010") { RawValue = pattern, HasValue = true, Index = 2 };
        }

        var limit = limitArg as double?;
        if (limit < 0)
        {
            throw new JsonataException("D3011") { RawValue = limit, HasValue = true, Index = 4 };
        }

        if (limit is not null && limit <= 0)
        {
            return str;
        }

        var result = new StringBuilder();
        var position = 0;
        var count = 0;
        if (pattern is string p)
        {
            var index = str.IndexOf(p, position, StringComparison.Ordinal);
            while (index != -1 && (limit is null || count < limit))
            {
                result.Append(str, position, index - position);
                result.Append(replacement as string);
                position = index + p.Length;
                count++;
                index = str.IndexOf(p, position, StringComparison.Ordinal);
            }

            result.Append(str, position, str.Length - position);
            return result.ToString();
        }

        var matches = EvaluateMatcher(c, pattern, str);
        if (matches is null)
        {
            return str;
        }

        while (matches is not null && (limit is null || count < limit))
        {
            result.Append(str, position, Math.Max(0, matches.Start - position));
            string replacedWith;
            if (replacement is string template)
            {
                replacedWith = SubstituteTemplate(template, matches);
            }
            else
            {
                var r = c.Evaluator.Apply(replacement, [ToMatchObject(matches)], null, c.Environment);
                if (r is not string rs)
                {
                    throw JsonataException.WithValue("D3012", r);
                }

                replacedWith = rs;
            }

            result.Append(replacedWith);
            position = matches.Start + matches.Match.Length;
            count++;
            matches = matches.Next();
        }

        if (position < str.Length)
        {
            result.Append(str, position, str.Length - position);
        }

        return result.ToString();
    }

    private static JObject ToMatchObject(MatchRecord m) => new()
    {
        ["match"] = m.Match,
        ["index"] = (double)m.Start,
        ["groups"] = m.Groups,
    };

    private static string SubstituteTemplate(string replacement, MatchRecord regexMatch)
    {
        var substitute = new StringBuilder();
        var position = 0;
        var index = replacement.IndexOf('$', position);
        while (index != -1 && position < replacement.Length)
        {
            substitute.Append(replacement, position, index - position);
            position = index + 1;
            var dollarVal = position < replacement.Length ? replacement[position] : '\0';
            if (dollarVal == '$')
            {
                substitute.Append('$');
                position++;
            }
            else if (dollarVal == '0')
            {
                substitute.Append(regexMatch.Match);
                position++;
            }
            else
            {
                var groupCount = regexMatch.Groups.Count;
                var maxDigits = groupCount == 0 ? 1 : (int)Math.Floor(Math.Log10(groupCount)) + 1;
                var parsed = ParseLeadingInt(replacement, position, maxDigits);
                if (maxDigits > 1 && parsed > groupCount)
                {
                    parsed = ParseLeadingInt(replacement, position, maxDigits - 1);
                }

                if (parsed is { } grp)
                {
                    if (groupCount > 0 && grp >= 1 && grp - 1 < groupCount)
                    {
                        substitute.Append(regexMatch.Groups[grp - 1] as string);
                    }

                    position += grp.ToString(System.Globalization.CultureInfo.InvariantCulture).Length;
                }
                else
                {
                    substitute.Append('$');
                }
            }

            index = replacement.IndexOf('$', position);
        }

        if (position < replacement.Length)
        {
            substitute.Append(replacement, position, replacement.Length - position);
        }

        return substitute.ToString();
    }

    private static int? ParseLeadingInt(string s, int start, int maxDigits)
    {
        var end = Math.Min(s.Length, start + maxDigits);
        var len = 0;
        while (start + len < end && char.IsAsciiDigit(s[start + len]))
        {
            len++;
        }

        if (len == 0)
        {
            return null;
        }

        return int.Parse(s.AsSpan(start, len), System.Globalization.CultureInfo.InvariantCulture);
    }

    public static object? Split(FunctionContext c, string? str, object? separator, object? limitArg)
    {
        if (str is null)
        {
            return null;
        }

        var limit = limitArg as double?;
        if (limit < 0)
        {
            throw new JsonataException("D3020") { RawValue = limit, HasValue = true, Index = 3 };
        }

        var result = new JArray();
        if (limit is not null && limit <= 0)
        {
            return result;
        }

        if (separator is string sep)
        {
            IEnumerable<string> parts;
            if (sep.Length == 0)
            {
                parts = str.Select(ch => ch.ToString());
            }
            else
            {
                parts = str.Split(sep);
            }

            foreach (var part in parts)
            {
                if (limit is not null && result.Count >= Math.Floor(limit.Value))
                {
                    break;
                }

                result.Add(part);
            }

            return result;
        }

        var count = 0;
        var matches = EvaluateMatcher(c, separator, str);
        if (matches is null)
        {
            result.Add(str);
            return result;
        }

        var start = 0;
        while (matches is not null && (limit is null || count < limit))
        {
            result.Add(str[start..Math.Max(start, matches.Start)]);
            start = matches.End;
            matches = matches.Next();
            count++;
        }

        if (limit is null || count < limit)
        {
            result.Add(start <= str.Length ? str[start..] : string.Empty);
        }

        return result;
    }
}
