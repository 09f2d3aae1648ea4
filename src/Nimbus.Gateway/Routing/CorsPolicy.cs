namespace Nimbus.Gateway.Routing;

/// <summary>An HTTP API's CORS configuration, as API Gateway applies it to preflights and responses.</summary>
/// <remarks>"Configuring CORS for an HTTP API": API Gateway answers <c>OPTIONS</c> preflights itself (the integration
/// is not called) and adds the configured headers to every response of an allowed origin, replacing the integration's.</remarks>
internal sealed record CorsPolicy(
    IReadOnlyList<string> AllowOrigins,
    IReadOnlyList<string> AllowMethods,
    IReadOnlyList<string> AllowHeaders,
    IReadOnlyList<string> ExposeHeaders,
    bool AllowCredentials,
    int? MaxAge)
{
    /// <summary>The value for <c>Access-Control-Allow-Origin</c>, or null when the origin is not allowed.</summary>
    public string? AllowedOrigin(string origin)
    {
        if (AllowOrigins.Contains("*"))
        {
            return AllowCredentials ? origin : "*";
        }

        return AllowOrigins.Any(o => string.Equals(o, origin, StringComparison.OrdinalIgnoreCase)) ? origin : null;
    }

    public bool AllowsMethod(string method) =>
        AllowMethods.Contains("*") || AllowMethods.Any(m => string.Equals(m, method, StringComparison.OrdinalIgnoreCase));
}
