namespace Nimbus.Gateway.Routing;

/// <summary>An HTTP API deployment's routes, ordered for matching; immutable and shared by concurrent requests.</summary>
/// <remarks>
/// AWS's rule ("Working with routes for HTTP APIs"): the most specific route wins — literal segments over path
/// variables over a greedy <c>{proxy+}</c> — then a route for the exact method over <c>ANY</c>; when nothing
/// matches, the <c>$default</c> route takes the request. Paths are case-sensitive.
/// </remarks>
internal sealed class HttpRouteTable
{
    private readonly HttpRoute[] _routes;

    public HttpRouteTable(IEnumerable<HttpRoute> routes)
    {
        var all = routes.ToList();
        Default = all.FirstOrDefault(r => r.RouteKey == HttpRoute.DefaultKey);
        _routes = [.. all.Where(r => r.Path is not null).Order(Comparer<HttpRoute>.Create(Compare))];
    }

    public HttpRoute? Default { get; }

    public IReadOnlyList<HttpRoute> Routes => _routes;

    /// <summary>Finds the route for a request; <paramref name="parameters"/> receives the decoded path parameters.</summary>
    public HttpRoute? Match(string method, IReadOnlyList<string> segments, Dictionary<string, string> parameters)
    {
        foreach (var route in _routes)
        {
            if ((route.Method is null || route.Method == method) && route.Path!.TryMatch(segments, parameters))
            {
                return route;
            }
        }

        parameters.Clear();
        return Default;
    }

    private static int Compare(HttpRoute a, HttpRoute b)
    {
        var c = PathTemplate.CompareSpecificity(a.Path!, b.Path!);
        if (c != 0)
        {
            return c;
        }

        // Exact method before ANY.
        return (a.Method is null).CompareTo(b.Method is null);
    }
}
