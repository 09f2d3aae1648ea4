using Nimbus.Gateway.Routing;

namespace Nimbus.Gateway.Serving;

/// <summary>Applies an HTTP API's CORS configuration: answers preflights and decorates responses.</summary>
internal static class CorsHandler
{
    public static bool IsPreflight(GatewayRequest request) =>
        request.Method == "OPTIONS" && request.Header("Origin") is not null && request.Header("Access-Control-Request-Method") is not null;

    /// <summary>The gateway's own answer to a preflight (204; CORS headers only when the origin and method are allowed).</summary>
    public static GatewayResponse Preflight(CorsPolicy cors, GatewayRequest request)
    {
        var headers = new List<KeyValuePair<string, string>>();
        var origin = cors.AllowedOrigin(request.Header("Origin")!);
        var method = request.Header("Access-Control-Request-Method")!;
        if (origin is not null && cors.AllowsMethod(method))
        {
            headers.Add(new("Access-Control-Allow-Origin", origin));
            headers.Add(new("Access-Control-Allow-Methods", string.Join(',', cors.AllowMethods)));
            var requested = request.Header("Access-Control-Request-Headers");
            if (cors.AllowHeaders.Count > 0)
            {
                headers.Add(new("Access-Control-Allow-Headers", cors.AllowHeaders.Contains("*") && requested is not null ? requested : string.Join(',', cors.AllowHeaders)));
            }

            if (cors.AllowCredentials)
            {
                headers.Add(new("Access-Control-Allow-Credentials", "true"));
            }

            if (cors.MaxAge is { } age and >= 0)
            {
                headers.Add(new("Access-Control-Max-Age", age.ToString(System.Globalization.CultureInfo.InvariantCulture)));
            }
        }

        return new GatewayResponse(204, headers, []);
    }

    /// <summary>Replaces the integration's CORS headers with the configured ones for an allowed origin.</summary>
    public static GatewayResponse Decorate(CorsPolicy cors, GatewayRequest request, GatewayResponse response)
    {
        var requestOrigin = request.Header("Origin");
        var origin = requestOrigin is null ? null : cors.AllowedOrigin(requestOrigin);
        if (origin is null)
        {
            return response;
        }

        var headers = response.Headers.Where(h => !h.Key.StartsWith("Access-Control-", StringComparison.OrdinalIgnoreCase)).ToList();
        headers.Add(new("Access-Control-Allow-Origin", origin));
        if (cors.AllowCredentials)
        {
            headers.Add(new("Access-Control-Allow-Credentials", "true"));
        }

        if (cors.ExposeHeaders.Count > 0)
        {
            headers.Add(new("Access-Control-Expose-Headers", string.Join(',', cors.ExposeHeaders)));
        }

        headers.Add(new("Vary", "Origin"));
        return response with { Headers = headers };
    }
}
