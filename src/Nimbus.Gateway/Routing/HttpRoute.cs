namespace Nimbus.Gateway.Routing;

/// <summary>One deployed HTTP API route: <c>METHOD /path</c> (method <c>ANY</c> is null) or <c>$default</c>.</summary>
internal sealed record HttpRoute(string RouteId, string RouteKey, string? Method, PathTemplate? Path, IntegrationTarget? Integration)
{
    public const string DefaultKey = "$default";

    public static readonly string[] Methods = ["ANY", "GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"];

    /// <summary>Parses a route key; returns the method (<c>ANY</c> included) and path, or an error message.</summary>
    public static (string Method, PathTemplate Path)? ParseKey(string routeKey, out string? error)
    {
        error = null;
        var space = routeKey.IndexOf(' ', StringComparison.Ordinal);
        if (space <= 0 || !Methods.Contains(routeKey[..space], StringComparer.Ordinal))
        {
            error = $"Invalid route key: {routeKey}. Route keys must be '$default' or '<HTTP method> <path>'";
            return null;
        }

        var path = PathTemplate.Parse(routeKey[(space + 1)..], out var pathError);
        if (path is null)
        {
            error = $"Invalid route key: {routeKey}: {pathError}";
            return null;
        }

        return (routeKey[..space], path);
    }
}
