namespace Nimbus.Gateway.Serving;

/// <summary>Parses a raw query string into decoded name/value pairs in order (a name without <c>=</c> has value "").</summary>
internal static class QueryString
{
    public static List<KeyValuePair<string, string>> Parse(string raw)
    {
        var list = new List<KeyValuePair<string, string>>();
        foreach (var part in raw.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = part.IndexOf('=', StringComparison.Ordinal);
            var name = eq < 0 ? part : part[..eq];
            var value = eq < 0 ? "" : part[(eq + 1)..];
            list.Add(new(Decode(name), Decode(value)));
        }

        return list;
    }

    private static string Decode(string s) => Uri.UnescapeDataString(s.Replace('+', ' '));
}
