using Nimbus.Gateway.Serving;

namespace Nimbus.Gateway.Protection;

/// <summary>The gateway's own refusals, with AWS's status codes, bodies and <c>x-amzn-ErrorType</c> (REST APIs).</summary>
/// <remarks>Bodies as API Gateway's default gateway responses send them ("Gateway response types"): REST APIs name the
/// error type in <c>x-amzn-ErrorType</c>; HTTP APIs send the bare <c>{"message": …}</c>.</remarks>
internal static class Denials
{
    private static KeyValuePair<string, string> Type(string type) => new("x-amzn-ErrorType", type);

    /// <summary>401: missing or invalid identity (REST <c>UNAUTHORIZED</c>).</summary>
    public static GatewayResponse Unauthorized(bool rest, params KeyValuePair<string, string>[] extra) => rest
        ? GatewayResponse.Json(401, "{\"message\":\"Unauthorized\"}", [Type("UnauthorizedException"), .. extra])
        : GatewayResponse.Json(401, "{\"message\":\"Unauthorized\"}", extra);

    /// <summary>403 from a policy without an Allow for the method (REST <c>ACCESS_DENIED</c>).</summary>
    public static GatewayResponse AccessDenied(bool rest) => rest
        ? GatewayResponse.Json(403, "{\"message\":\"User is not authorized to access this resource\"}", Type("AccessDeniedException"))
        : GatewayResponse.Json(403, "{\"message\":\"Forbidden\"}");

    /// <summary>403 from a policy with an explicit Deny (REST; note AWS's capital <c>Message</c>).</summary>
    public static GatewayResponse ExplicitDeny(bool rest) => rest
        ? GatewayResponse.Json(403, "{\"Message\":\"User is not authorized to access this resource with an explicit deny\"}", Type("AccessDeniedException"))
        : GatewayResponse.Json(403, "{\"message\":\"Forbidden\"}");

    /// <summary>403 for a missing, unknown or disabled API key (REST <c>INVALID_API_KEY</c>).</summary>
    public static GatewayResponse Forbidden(bool rest) => rest
        ? GatewayResponse.Json(403, "{\"message\":\"Forbidden\"}", Type("ForbiddenException"))
        : GatewayResponse.Json(403, "{\"message\":\"Forbidden\"}");

    /// <summary>403 for an unsigned request to an AWS_IAM method (REST <c>MISSING_AUTHENTICATION_TOKEN</c>).</summary>
    public static GatewayResponse MissingToken(bool rest) => rest
        ? GatewayResponse.RestMissingToken()
        : GatewayResponse.Json(403, "{\"message\":\"Forbidden\"}");

    /// <summary>403 for a bad SigV4 signature (REST <c>INVALID_SIGNATURE</c>, or <c>EXPIRED_TOKEN</c>-like skew).</summary>
    public static GatewayResponse InvalidSignature(bool rest, string message) => rest
        ? GatewayResponse.Json(403, System.Text.Json.JsonSerializer.Serialize(new Dictionary<string, string> { ["message"] = message }), Type("InvalidSignatureException"))
        : GatewayResponse.Json(403, System.Text.Json.JsonSerializer.Serialize(new Dictionary<string, string> { ["message"] = message }));

    /// <summary>500 for an authorizer that failed or answered something unusable (REST <c>AUTHORIZER_CONFIGURATION_ERROR</c>).</summary>
    public static GatewayResponse AuthorizerError(bool rest) => rest
        ? GatewayResponse.Json(500, "{\"message\": null}", Type("AuthorizerConfigurationException"))
        : GatewayResponse.HttpInternalError();

    /// <summary>429 from a rate limit (REST <c>THROTTLED</c>).</summary>
    public static GatewayResponse Throttled(bool rest) => rest
        ? GatewayResponse.Json(429, "{\"message\":\"Too Many Requests\"}", Type("TooManyRequestsException"))
        : GatewayResponse.Json(429, "{\"message\":\"Too Many Requests\"}");

    /// <summary>429 when a usage plan's quota is used up (REST <c>QUOTA_EXCEEDED</c>).</summary>
    public static GatewayResponse QuotaExceeded() =>
        GatewayResponse.Json(429, "{\"message\":\"Limit Exceeded\"}", Type("LimitExceededException"));
}
