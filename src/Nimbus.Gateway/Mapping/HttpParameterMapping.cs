using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Nimbus.Gateway.Routing;
using Nimbus.Gateway.Serving;

namespace Nimbus.Gateway.Mapping;

/// <summary>HTTP API (v2) parameter mapping: <c>requestParameters</c> and <c>responseParameters</c> of an integration.</summary>
/// <remarks>
/// "Transform API requests and responses for HTTP APIs": request keys are <c>{append|overwrite|remove}:{header|querystring}.name</c>
/// and <c>overwrite:path</c>; response keys (per status code) are <c>{append|overwrite|remove}:header.name</c> and
/// <c>overwrite:statuscode</c>. Values are static text with <c>$request.header.x</c>, <c>$request.querystring.x</c>,
/// <c>$request.path.x</c>, <c>$request.body.x</c> (JSONPath), <c>$response.header.x</c>, <c>$response.body.x</c>,
/// <c>$context.x</c> and <c>$stageVariables.x</c> (also in <c>${…}</c> form). Request mapping applies to
/// <c>HTTP_PROXY</c> integrations; response mapping to every integration.
/// </remarks>
internal static partial class HttpParameterMapping
{
    /// <summary>The request and integration after the request mapping (unchanged when there is none).</summary>
    public static (GatewayRequest Request, IntegrationTarget Integration) MapRequest(IntegrationTarget integration, GatewayRequest request, EventContext ctx)
    {
        if (integration.Type != "HTTP_PROXY" || integration.Definition?["requestParameters"] is not JsonObject { Count: > 0 } mappings)
        {
            return (request, integration);
        }

        var headers = request.Headers.ToList();
        var query = QueryString.Parse(request.RawQuery);
        var uri = integration.Uri;
        foreach (var (key, node) in mappings)
        {
            var value = node is JsonValue v ? Substitute(v.GetValue<string>(), request, ctx, null) : "";
            var (op, target) = Split(key);
            if (target == "path" && op == "overwrite" && uri is not null && Uri.TryCreate(uri, UriKind.Absolute, out var parsed))
            {
                uri = parsed.GetLeftPart(UriPartial.Authority) + (value.StartsWith('/') ? value : "/" + value);
                continue;
            }

            if (target.StartsWith("header.", StringComparison.Ordinal))
            {
                var name = target[7..];
                if (op is "overwrite" or "remove")
                {
                    headers.RemoveAll(h => string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase));
                }

                if (op is "overwrite" or "append")
                {
                    headers.Add(new(name, value));
                }
            }
            else if (target.StartsWith("querystring.", StringComparison.Ordinal))
            {
                var name = target[12..];
                if (op is "overwrite" or "remove")
                {
                    query.RemoveAll(q => q.Key == name);
                }

                if (op is "overwrite" or "append")
                {
                    query.Add(new(name, value));
                }
            }
        }

        var rawQuery = string.Join('&', query.Select(q => Uri.EscapeDataString(q.Key) + "=" + Uri.EscapeDataString(q.Value)));
        return (request with { Headers = headers, RawQuery = rawQuery }, integration with { Uri = uri });
    }

    /// <summary>Applies the integration's <c>responseParameters</c> for the response's status code.</summary>
    public static GatewayResponse MapResponse(IntegrationTarget integration, GatewayResponse response, GatewayRequest request, EventContext ctx)
    {
        if (integration.Definition?["responseParameters"] is not JsonObject { Count: > 0 } byStatus
            || byStatus[response.StatusCode.ToString(CultureInfo.InvariantCulture)] is not JsonObject mappings)
        {
            return response;
        }

        var headers = response.Headers.ToList();
        var status = response.StatusCode;
        foreach (var (key, node) in mappings)
        {
            var value = node is JsonValue v ? Substitute(v.GetValue<string>(), request, ctx, response) : "";
            var (op, target) = Split(key);
            if (target == "statuscode")
            {
                if (int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var s) && s is >= 100 and <= 599)
                {
                    status = s;
                }

                continue;
            }

            if (target.StartsWith("header.", StringComparison.Ordinal))
            {
                var name = target[7..];
                if (op is "overwrite" or "remove")
                {
                    headers.RemoveAll(h => string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase));
                }

                if (op is "overwrite" or "append")
                {
                    headers.Add(new(name, value));
                }
            }
        }

        return response with { StatusCode = status, Headers = headers };
    }

    /// <summary>Refuses an integration whose mapping keys are not API Gateway's (BadRequestException).</summary>
    public static void Validate(JsonObject integration)
    {
        // AWS service integrations (integrationSubtype) map named operation parameters instead.
        var requestKeys = integration["integrationSubtype"] is null ? integration["requestParameters"] as JsonObject ?? [] : [];
        foreach (var (key, _) in requestKeys)
        {
            if (ValidateKey(key, response: false) is { } error)
            {
                throw Management.GatewayErrors.BadRequest(error);
            }
        }

        foreach (var (status, mappings) in integration["responseParameters"] as JsonObject ?? [])
        {
            if (!(status.Length == 3 && status.All(char.IsAsciiDigit)))
            {
                throw Management.GatewayErrors.BadRequest($"Invalid status code in responseParameters: {status}");
            }

            foreach (var (key, _) in mappings as JsonObject ?? [])
            {
                if (ValidateKey(key, response: true) is { } error)
                {
                    throw Management.GatewayErrors.BadRequest(error);
                }
            }
        }
    }

    /// <summary>Checks a mapping key when an integration is created or updated; returns an error message or null.</summary>
    public static string? ValidateKey(string key, bool response)
    {
        var (op, target) = Split(key);
        var okOp = op is "append" or "overwrite" or "remove";
        var okTarget = response
            ? target.StartsWith("header.", StringComparison.Ordinal) || (target == "statuscode" && op == "overwrite")
            : target.StartsWith("header.", StringComparison.Ordinal) || target.StartsWith("querystring.", StringComparison.Ordinal) || (target == "path" && op == "overwrite");
        return okOp && okTarget ? null : $"Invalid mapping expression specified: {key}";
    }

    private static (string Op, string Target) Split(string key)
    {
        var colon = key.IndexOf(':', StringComparison.Ordinal);
        return colon < 0 ? ("", key) : (key[..colon], key[(colon + 1)..]);
    }

    private static string Substitute(string template, GatewayRequest request, EventContext ctx, GatewayResponse? response) =>
        Variable().Replace(template, m =>
        {
            var expr = m.Groups["b"].Success ? m.Groups["b"].Value : m.Groups["n"].Value;
            return Resolve(expr, request, ctx, response) ?? "";
        });

    private static string? Resolve(string expr, GatewayRequest request, EventContext ctx, GatewayResponse? response)
    {
        var dot = expr.IndexOf('.', StringComparison.Ordinal);
        var head = dot < 0 ? expr : expr[..dot];
        var rest = dot < 0 ? "" : expr[(dot + 1)..];
        switch (head)
        {
            case "request":
                if (rest.StartsWith("header.", StringComparison.Ordinal))
                {
                    return request.Header(rest[7..]);
                }

                if (rest.StartsWith("querystring.", StringComparison.Ordinal))
                {
                    var values = QueryString.Parse(request.RawQuery).Where(q => q.Key == rest[12..]).Select(q => q.Value).ToList();
                    return values.Count == 0 ? null : string.Join(',', values);
                }

                if (rest.StartsWith("path.", StringComparison.Ordinal))
                {
                    return ctx.PathParameters.TryGetValue(rest[5..], out var p) ? p : null;
                }

                if (rest.StartsWith("body", StringComparison.Ordinal))
                {
                    return BodyPath(Encoding.UTF8.GetString(request.Body.Span), "$" + rest[4..]);
                }

                return null;
            case "response" when response is not null:
                if (rest.StartsWith("header.", StringComparison.Ordinal))
                {
                    return response.Header(rest[7..]);
                }

                if (rest.StartsWith("body", StringComparison.Ordinal))
                {
                    return BodyPath(Encoding.UTF8.GetString(response.Body), "$" + rest[4..]);
                }

                return null;
            case "stageVariables":
                return ctx.StageVariables.TryGetValue(rest, out var sv) ? sv : null;
            case "context":
                return rest switch
                {
                    "requestId" => ctx.RequestId,
                    "apiId" => ctx.ApiId,
                    "accountId" => ctx.AccountId,
                    "stage" => ctx.Stage,
                    "routeKey" => ctx.RouteKey,
                    "requestTime" => ctx.RequestTime,
                    "requestTimeEpoch" => ctx.Epoch.ToString(CultureInfo.InvariantCulture),
                    "domainName" => request.DomainName,
                    "domainPrefix" => ctx.DomainPrefix(request.DomainName),
                    "httpMethod" => request.Method,
                    "path" => ctx.StagePrefix + request.RawPath,
                    "protocol" => request.Protocol,
                    "identity.sourceIp" => request.SourceIp,
                    "identity.userAgent" => request.Header("User-Agent"),
                    _ => null,
                };
            default:
                return null;
        }
    }

    private static string? BodyPath(string body, string path)
    {
        try
        {
            var (matches, definite) = JsonPath.Evaluate(string.IsNullOrWhiteSpace(body) ? null : JsonNode.Parse(body), path);
            if (matches.Count == 0)
            {
                return null;
            }

            var node = definite ? matches[0] : new JsonArray([.. matches.Select(m => m?.DeepClone())]);
            return node is JsonValue v && v.GetValueKind() == System.Text.Json.JsonValueKind.String ? v.GetValue<string>() : VtlJson.Write(node);
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }
    }

    [GeneratedRegex(@"\$\{(?<b>(?:request|response|context|stageVariables)\.[^}]+)\}|\$(?<n>(?:request|response|context|stageVariables)(?:\.[A-Za-z0-9_\-]+)+)")]
    private static partial Regex Variable();
}
