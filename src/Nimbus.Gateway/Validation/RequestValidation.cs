using System.Text.Json;
using System.Text.Json.Nodes;
using Nimbus.Gateway.Management;
using Nimbus.Gateway.Mapping;
using Nimbus.Gateway.Routing;
using Nimbus.Gateway.Serving;

namespace Nimbus.Gateway.Validation;

/// <summary>Request validation of a REST API method by its request validator, before the integration is called.</summary>
/// <remarks>
/// "Request validation for REST APIs": with <c>validateRequestParameters</c>, every <c>method.request.*</c> parameter
/// declared <c>true</c> (required) must be present — else 400 <c>Missing required request parameters: [a, b]</c>
/// (<c>BAD_REQUEST_PARAMETERS</c>). With <c>validateRequestBody</c>, the body is checked against the model of the
/// request's media type in <c>requestModels</c> (falling back to <c>$default</c>) — else 400
/// <c>Invalid request body</c> (<c>BAD_REQUEST_BODY</c>), the schema errors going to
/// <c>$context.error.validationErrorString</c>. Parameters are checked first.
/// </remarks>
internal static class RequestValidation
{
    /// <summary>Returns the gateway error (with its validation error string) when the request fails validation, else null.</summary>
    public static (GatewayResponse Response, string? ValidationErrors)? Validate(RestApiSettings settings, RestMethod method, GatewayRequest request, IReadOnlyDictionary<string, string> pathParameters)
    {
        var def = method.Definition;
        if (def?["requestValidatorId"] is not JsonValue idValue || !settings.Validators.TryGetValue(idValue.GetValue<string>(), out var validator))
        {
            return null;
        }

        if (validator["validateRequestParameters"] is JsonValue vp && vp.GetValue<bool>())
        {
            var missing = new List<string>();
            var query = Serving.QueryString.Parse(request.RawQuery);
            foreach (var (key, required) in def["requestParameters"] as JsonObject ?? [])
            {
                if (required is not JsonValue r || !(r.GetValueKind() == JsonValueKind.True || (r.GetValueKind() == JsonValueKind.String && r.GetValue<string>() == "true")))
                {
                    continue;
                }

                var parts = key.Split('.', 4);
                if (parts.Length < 4 || parts[0] != "method" || parts[1] != "request")
                {
                    continue;
                }

                var name = parts[3];
                var present = parts[2] switch
                {
                    "querystring" or "multivaluequerystring" => query.Any(q => q.Key == name),
                    "header" or "multivalueheader" => request.Header(name) is not null,
                    "path" => pathParameters.ContainsKey(name),
                    _ => true,
                };
                if (!present)
                {
                    missing.Add(name);
                }
            }

            if (missing.Count > 0)
            {
                var message = $"Missing required request parameters: [{string.Join(", ", missing)}]";
                return (GatewayErrors.Respond("BAD_REQUEST_PARAMETERS", message), null);
            }
        }

        if (validator["validateRequestBody"] is JsonValue vb && vb.GetValue<bool>() && def["requestModels"] is JsonObject models)
        {
            var media = RequestMapping.MediaType(request.Header("Content-Type"));
            var modelName = models.FirstOrDefault(kv => string.Equals(RequestMapping.MediaType(kv.Key), media, StringComparison.OrdinalIgnoreCase)).Value
                ?? models["$default"];
            if (modelName is JsonValue mn && settings.Models.TryGetValue(mn.GetValue<string>(), out var schema) && schema is not null)
            {
                JsonNode? instance;
                try
                {
                    instance = request.Body.IsEmpty ? null : JsonNode.Parse(request.Body.Span);
                }
                catch (JsonException e)
                {
                    return (GatewayErrors.Respond("BAD_REQUEST_BODY"), $"[Invalid JSON: {e.Message}]");
                }

                var errors = new JsonSchemaValidator(name => settings.Models.GetValueOrDefault(name)).Validate(schema, instance);
                if (errors.Count > 0)
                {
                    return (GatewayErrors.Respond("BAD_REQUEST_BODY"), "[" + string.Join(", ", errors) + "]");
                }
            }
        }

        return null;
    }
}
