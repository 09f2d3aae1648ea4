using System.Text;

namespace Nimbus.Gateway.Serving;

/// <summary>What the gateway answers: status, headers in order (repeats allowed) and body bytes.</summary>
internal sealed record GatewayResponse(int StatusCode, IReadOnlyList<KeyValuePair<string, string>> Headers, byte[] Body)
{
    /// <summary>For an error the gateway itself produced: its gateway response type (<c>MISSING_AUTHENTICATION_TOKEN</c>,
    /// <c>THROTTLED</c>…), so the API's customised gateway responses can be applied (see <c>GatewayErrors.Respond</c>).</summary>
    public string? ErrorType { get; init; }

    /// <summary>For a gateway error: <c>$context.error.message</c>.</summary>
    public string? ErrorMessage { get; init; }

    public static GatewayResponse Json(int status, string json, params KeyValuePair<string, string>[] extra) =>
        new(status, [new("Content-Type", "application/json"), .. extra], Encoding.UTF8.GetBytes(json));

    /// <summary>HTTP API: <c>500 {"message":"Internal Server Error"}</c>.</summary>
    public static GatewayResponse HttpInternalError() => Json(500, "{\"message\":\"Internal Server Error\"}");

    /// <summary>HTTP API: <c>404 {"message":"Not Found"}</c>.</summary>
    public static GatewayResponse HttpNotFound() => Json(404, "{\"message\":\"Not Found\"}");

    /// <summary>REST API: <c>502 {"message": "Internal server error"}</c> for a malformed proxy response or a failed function.</summary>
    public static GatewayResponse RestBadGateway() =>
        Json(502, "{\"message\": \"Internal server error\"}", new KeyValuePair<string, string>("x-amzn-ErrorType", "InternalServerErrorException")) with
        {
            ErrorType = "DEFAULT_5XX",
            ErrorMessage = "Internal server error",
        };

    /// <summary>REST API: <c>403 {"message":"Missing Authentication Token"}</c> for a path or method with no resource.</summary>
    public static GatewayResponse RestMissingToken() =>
        Json(403, "{\"message\":\"Missing Authentication Token\"}", new KeyValuePair<string, string>("x-amzn-ErrorType", "MissingAuthenticationTokenException")) with
        {
            ErrorType = "MISSING_AUTHENTICATION_TOKEN",
            ErrorMessage = "Missing Authentication Token",
        };

    public string? Header(string name) => Headers.FirstOrDefault(h => string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase)).Value;
}
