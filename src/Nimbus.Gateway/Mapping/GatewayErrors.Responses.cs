using System.Collections.Frozen;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Nimbus.Gateway.Mapping;
using Nimbus.Gateway.Mapping.Vtl;
using Nimbus.Gateway.Routing;
using Nimbus.Gateway.Serving;

namespace Nimbus.Gateway.Management;

/// <summary>Gateway responses: the errors API Gateway itself produces, and their customisation per REST API.</summary>
/// <remarks>
/// <para>Other gateway code produces an error with <see cref="Respond(string, string?)"/> (for example
/// <c>GatewayErrors.Respond("THROTTLED")</c> → 429 <c>{"message":"Too Many Requests"}</c>) and returns it from the
/// REST serving path; <c>InvokeDispatcher</c> then applies the API's customised gateway response of that type (or its
/// <c>DEFAULT_4XX</c>/<c>DEFAULT_5XX</c>) with <see cref="Customize"/>: status code, <c>gatewayresponse.header.*</c>
/// parameters and the response template, rendered with <c>$context.error.message</c>/<c>messageString</c>/<c>responseType</c>.</para>
/// <para>As the "Gateway response types" page says: a type without a customisation falls back to the customised
/// <c>DEFAULT_4XX</c> or <c>DEFAULT_5XX</c> (by its status class); a customisation without a status code keeps the
/// type's default status (or the DEFAULT_4XX/5XX one when that sets one).</para>
/// </remarks>
internal static partial class GatewayErrors
{
    /// <summary>Default template of every gateway response.</summary>
    public const string DefaultTemplate = "{\"message\":$context.error.messageString}";

    /// <summary>Every gateway response type: default status (null for DEFAULT_4XX/5XX), message and <c>x-amzn-ErrorType</c>.</summary>
    public static readonly FrozenDictionary<string, (int? Status, string Message, string? ErrorType)> Types =
        new Dictionary<string, (int?, string, string?)>
        {
            ["DEFAULT_4XX"] = (null, "", null),
            ["DEFAULT_5XX"] = (null, "", null),
            ["RESOURCE_NOT_FOUND"] = (404, "Not Found", "ResourceNotFoundException"),
            ["UNAUTHORIZED"] = (401, "Unauthorized", "UnauthorizedException"),
            ["INVALID_API_KEY"] = (403, "Forbidden", "ForbiddenException"),
            ["ACCESS_DENIED"] = (403, "User is not authorized to access this resource", "AccessDeniedException"),
            ["AUTHORIZER_FAILURE"] = (500, "Internal server error", "AuthorizerFailureException"),
            ["AUTHORIZER_CONFIGURATION_ERROR"] = (500, "Internal server error", "AuthorizerConfigurationException"),
            ["INVALID_SIGNATURE"] = (403, "The request signature we calculated does not match the signature you provided.", "InvalidSignatureException"),
            ["EXPIRED_TOKEN"] = (403, "The security token included in the request is expired", "ExpiredTokenException"),
            ["MISSING_AUTHENTICATION_TOKEN"] = (403, "Missing Authentication Token", "MissingAuthenticationTokenException"),
            ["INTEGRATION_FAILURE"] = (504, "Internal server error", "InternalServerErrorException"),
            ["INTEGRATION_TIMEOUT"] = (504, "Endpoint request timed out", "InternalServerErrorException"),
            ["API_CONFIGURATION_ERROR"] = (500, "Internal server error", "InternalServerErrorException"),
            ["UNSUPPORTED_MEDIA_TYPE"] = (415, "Unsupported Media Type", "UnsupportedMediaTypeException"),
            ["BAD_REQUEST_PARAMETERS"] = (400, "Bad request parameters", "BadRequestException"),
            ["BAD_REQUEST_BODY"] = (400, "Invalid request body", "BadRequestException"),
            ["REQUEST_TOO_LARGE"] = (413, "Request Too Long", "RequestTooLongException"),
            ["THROTTLED"] = (429, "Too Many Requests", "TooManyRequestsException"),
            ["QUOTA_EXCEEDED"] = (429, "Limit Exceeded", "LimitExceededException"),
            ["WAF_FILTERED"] = (403, "Forbidden", "WafFilteredException"),
        }.ToFrozenDictionary(StringComparer.Ordinal);

    /// <summary>The default (uncustomised) gateway error of a type, tagged so the serving path can customise it.</summary>
    /// <param name="responseType">A gateway response type such as <c>THROTTLED</c> or <c>UNAUTHORIZED</c>.</param>
    /// <param name="message">Overrides the type's default message (<c>$context.error.message</c>).</param>
    /// <param name="status">Overrides the type's default status (needed for DEFAULT_4XX/DEFAULT_5XX).</param>
    public static GatewayResponse Respond(string responseType, string? message = null, int? status = null)
    {
        var (defaultStatus, defaultMessage, errorType) = Types.TryGetValue(responseType, out var t) ? t : (500, "Internal server error", null);
        var code = status ?? defaultStatus ?? (responseType == "DEFAULT_4XX" ? 400 : 500);
        message ??= defaultMessage;
        var body = "{\"message\":" + VtlJson.Write(JsonValue.Create(message)) + "}";

        // The bodies AWS writes with a space for integration failures and timeouts.
        if (responseType is "INTEGRATION_TIMEOUT" or "INTEGRATION_FAILURE" or "API_CONFIGURATION_ERROR" && message == defaultMessage)
        {
            body = "{\"message\": " + VtlJson.Write(JsonValue.Create(message)) + "}";
        }

        var response = errorType is null
            ? GatewayResponse.Json(code, body)
            : GatewayResponse.Json(code, body, new KeyValuePair<string, string>("x-amzn-ErrorType", errorType));
        return response with { ErrorType = responseType, ErrorMessage = message };
    }

    /// <summary>The error customised for the stage right away (for code that does not return through the REST serving path).</summary>
    public static GatewayResponse Respond(StageSnapshot? stage, GatewayRequest request, EventContext ctx, string responseType, string? message = null) =>
        Customize(stage, request, ctx, Respond(responseType, message));

    /// <summary>Applies the stage's customised gateway response to a gateway-generated error; other responses pass unchanged.</summary>
    public static GatewayResponse Customize(StageSnapshot? stage, GatewayRequest request, EventContext ctx, GatewayResponse response, string? validationErrors = null)
    {
        if (response.ErrorType is not { } type || stage is null || stage.Settings.GatewayResponses.Count == 0)
        {
            return response;
        }

        var responses = stage.Settings.GatewayResponses;
        var specific = responses.GetValueOrDefault(type);
        var fallback = responses.GetValueOrDefault(response.StatusCode >= 500 ? "DEFAULT_5XX" : "DEFAULT_4XX");
        if (specific is null && fallback is null)
        {
            return response;
        }

        var status = StatusOf(specific) ?? StatusOf(fallback) ?? response.StatusCode;
        var scope = TemplateScope.For(request, ctx, request.Method, ctx.RouteKey);
        var message = response.ErrorMessage ?? "";
        scope.SetError(type, message, validationErrors);

        var headers = new List<KeyValuePair<string, string>>();
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var source in new[] { specific, fallback })
        {
            foreach (var (k, v) in source?["responseParameters"] as JsonObject ?? [])
            {
                const string Prefix = "gatewayresponse.header.";
                if (k.StartsWith(Prefix, StringComparison.Ordinal) && seen.Add(k[Prefix.Length..])
                    && v is JsonValue jv && scope.Resolve(jv.GetValue<string>(), Encoding.UTF8.GetString(request.Body.Span)) is { } value)
                {
                    headers.Add(new(k[Prefix.Length..], value));
                }
            }
        }

        var templates = (specific?["responseTemplates"] as JsonObject is { Count: > 0 } st ? st : null)
            ?? (fallback?["responseTemplates"] as JsonObject is { Count: > 0 } ft ? ft : null);
        var (contentType, template) = RequestMapping.SelectResponseTemplate(templates, request.Header("Accept"));
        string body;
        try
        {
            body = scope.Render(template ?? DefaultTemplate, "");
        }
        catch (Exception e) when (e is VtlException or BodyParseException)
        {
            body = "{\"message\":" + VtlJson.Write(JsonValue.Create(message)) + "}";
        }

        var all = new List<KeyValuePair<string, string>> { new("Content-Type", contentType ?? "application/json") };
        all.AddRange(response.Headers.Where(h => h.Key.Equals("x-amzn-ErrorType", StringComparison.OrdinalIgnoreCase) && !seen.Contains(h.Key)));
        foreach (var h in headers)
        {
            all.RemoveAll(x => string.Equals(x.Key, h.Key, StringComparison.OrdinalIgnoreCase));
            all.Add(h);
        }

        return new GatewayResponse(status, all, Encoding.UTF8.GetBytes(body)) { ErrorType = type, ErrorMessage = message };
    }

    private static int? StatusOf(JsonObject? response) =>
        response?["statusCode"] is JsonValue v && int.TryParse(v.GetValue<string>(), NumberStyles.None, CultureInfo.InvariantCulture, out var s) ? s : null;

    /// <summary>A gateway response as GetGatewayResponse shows it: the stored customisation or the type's default.</summary>
    public static JsonObject Describe(string type, JsonObject? stored)
    {
        if (stored is not null)
        {
            var copy = stored.DeepClone().AsObject();
            copy["defaultResponse"] = false;
            copy["responseParameters"] ??= new JsonObject();
            copy["responseTemplates"] ??= new JsonObject();
            return copy;
        }

        var result = new JsonObject { ["responseType"] = type };
        if (Types[type].Status is { } status)
        {
            result["statusCode"] = status.ToString(CultureInfo.InvariantCulture);
        }

        result["responseParameters"] = new JsonObject();
        result["responseTemplates"] = new JsonObject { ["application/json"] = DefaultTemplate };
        result["defaultResponse"] = true;
        return result;
    }
}
