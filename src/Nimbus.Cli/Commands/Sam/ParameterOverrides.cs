namespace Nimbus.Cli.Commands.Sam;

/// <summary>SAM CLI's <c>--parameter-overrides</c>: <c>Key=Value</c> pairs, or <c>ParameterKey=K,ParameterValue=V</c>.</summary>
internal static class ParameterOverrides
{
    public static List<KeyValuePair<string, string>> Parse(IEnumerable<string> values)
    {
        var result = new List<KeyValuePair<string, string>>();
        foreach (var raw in values)
        {
            var text = raw.Trim();
            if (text.StartsWith("ParameterKey=", StringComparison.Ordinal))
            {
                var comma = text.IndexOf(",ParameterValue=", StringComparison.Ordinal);
                if (comma < 0)
                {
                    throw new CliException($"--parameter-overrides: '{raw}' has ParameterKey= without ,ParameterValue=");
                }

                result.Add(new(text["ParameterKey=".Length..comma], Unquote(text[(comma + ",ParameterValue=".Length)..])));
                continue;
            }

            var eq = text.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0)
            {
                throw new CliException($"--parameter-overrides expects Key=Value pairs, got '{raw}'");
            }

            result.Add(new(text[..eq], Unquote(text[(eq + 1)..])));
        }

        return result;
    }

    private static string Unquote(string s) =>
        s.Length >= 2 && (s[0] == '"' || s[0] == '\'') && s[^1] == s[0] ? s[1..^1] : s;
}
