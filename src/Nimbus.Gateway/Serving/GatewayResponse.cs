using System.Text;

namespace Nimbus.Gateway.Serving;

/// <summary>What the gateway answers: status, headers in order (repeats allowed) and body bytes.</summary>
internal sealed record GatewayResponse(int StatusCode, IReadOnlyList<KeyValuePair<string, string>> Headers, byte[] Body)
{
    public static GatewayResponse Json(int status, string json, params KeyValuePair<string, string>[] extra) =>
        new(status, [new("Content-Type", "application/json"), .. extra], Encoding.UTF8.GetBytes(json));

    /// <summary>HTTP API: <c>500 {"message":"Internal Server Error"}</c>.</summary>
    public static GatewayResponse HttpInternalError() => Json(500, "{\"message\":\"Internal Server Error\"}");

    /// <summary>HTTP API: <c>404 {"message":"Not Found"}</c>.</summary>
    public static GatewayResponse HttpNotFound() => Json(404, "{\"message\":\"Not Found\"}");

    /// <summary>REST API: <c>502 {"message": "Internal server error"}</c> for a malformed proxy response or a failed function.</summary>
    public static GatewayResponse RestBadGateway() =>
        Json(502, "{\"message\": \"Internal server error\"}", new KeyValuePair<string, string>("x-amzn-ErrorType", "InternalServerErrorException"));

    /// <summary>REST API: <c>403 {"message":"Missing Authentication Token"}</c> for a path or method with no resource.</summary>
    public static GatewayResponse RestMissingToken() =>
        Json(403, "{\"message\":\"Missing Authentication Token\"}", new KeyValuePair<string, string>("x-amzn-ErrorType", "MissingAuthenticationTokenException"));

    public string? Header(string name) => Headers.FirstOrDefault(h => string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase)).Value;
}
