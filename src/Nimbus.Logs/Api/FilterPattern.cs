namespace Nimbus.Logs.Api;

/// <summary>CloudWatch Logs text filter patterns: terms that must all appear, quoted phrases, <c>?</c> alternatives, <c>-</c> exclusions.</summary>
/// <remarks>JSON and space-delimited field patterns (<c>{ $.x = 1 }</c>, <c>[a, b]</c>) are not supported yet and match nothing.</remarks>
internal sealed class FilterPattern
{
    private readonly List<string> _all = [];
    private readonly List<string> _any = [];
    private readonly List<string> _none = [];
    private bool _unsupported;

    public static FilterPattern Parse(string? text)
    {
        var pattern = new FilterPattern();
        if (string.IsNullOrWhiteSpace(text))
        {
            return pattern;
        }

        text = text.Trim();
        if (text.StartsWith('{') || text.StartsWith('['))
        {
            pattern._unsupported = true;
            return pattern;
        }

        foreach (var term in Tokens(text))
        {
            if (term.StartsWith('?'))
            {
                pattern._any.Add(term[1..]);
            }
            else if (term.StartsWith('-'))
            {
                pattern._none.Add(term[1..]);
            }
            else
            {
                pattern._all.Add(term);
            }
        }

        return pattern;
    }

    public bool Matches(string message) =>
        !_unsupported
        && _all.All(t => message.Contains(t, StringComparison.Ordinal))
        && (_any.Count == 0 || _any.Any(t => message.Contains(t, StringComparison.Ordinal)))
        && !_none.Any(t => message.Contains(t, StringComparison.Ordinal));

    private static IEnumerable<string> Tokens(string text)
    {
        var i = 0;
        while (i < text.Length)
        {
            while (i < text.Length && text[i] == ' ')
            {
                i++;
            }

            if (i >= text.Length)
            {
                yield break;
            }

            var prefix = text[i] is '?' or '-' ? text[i++].ToString() : "";
            if (i < text.Length && text[i] == '"')
            {
                var end = text.IndexOf('"', i + 1);
                end = end < 0 ? text.Length : end;
                yield return prefix + text[(i + 1)..end];
                i = end + 1;
            }
            else
            {
                var end = text.IndexOf(' ', i);
                end = end < 0 ? text.Length : end;
                yield return prefix + text[i..end];
                i = end;
            }
        }
    }
}
