using System.Text.RegularExpressions;

namespace Nimbus.Cli.Commands.Local;

/// <summary>One route served by <c>local start-api</c>, mapped to the API Gateway API that holds it in the local Nimbus.</summary>
internal sealed record LocalRoute(string Method, string Path, string FunctionId, string ApiId, string Stage, bool IsHttpApi)
{
    private Regex? _regex;

    /// <summary>Sort key: catch-alls last, then greedy paths, then paths with more literal characters first (API Gateway's order).</summary>
    public (int, int, int, int) Priority =>
        (Path == "$default" ? 1 : 0, Path.Contains("+}", StringComparison.Ordinal) ? 1 : 0, -Regex.Replace(Path, @"\{[^}]*\}", "").Length, Method == "ANY" ? 1 : 0);

    public bool Matches(string method, string path)
    {
        if (Method != "ANY" && !string.Equals(Method, method, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        if (Path == "$default")
        {
            return true;
        }

        _regex ??= new Regex("^" + PathPattern(Path) + "/?$", RegexOptions.CultureInvariant);
        return _regex.IsMatch(path);
    }

    /// <summary><c>/items/{id}</c> → one segment per variable; <c>{proxy+}</c> → one or more segments.</summary>
    private static string PathPattern(string template)
    {
        var parts = template.Split('/');
        return string.Join("/", parts.Select(p =>
            p.StartsWith('{') && p.EndsWith("+}", StringComparison.Ordinal) ? ".+"
            : p.StartsWith('{') && p.EndsWith('}') ? "[^/]+"
            : Regex.Escape(p)));
    }
}
