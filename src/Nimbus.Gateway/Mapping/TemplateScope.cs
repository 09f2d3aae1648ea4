using System.Globalization;
using Nimbus.Gateway.Mapping.Vtl;
using Nimbus.Gateway.Serving;

namespace Nimbus.Gateway.Mapping;

/// <summary>Everything a mapping template of one request sees: <c>$input</c>, <c>$context</c>, <c>$stageVariables</c>, <c>$util</c>.</summary>
internal sealed class TemplateScope
{
    private TemplateScope(GatewayRequest request, EventContext ctx, string httpMethod, string resourcePath)
    {
        Request = request;
        Event = ctx;
        var path = new VtlMap();
        foreach (var (k, v) in ctx.PathParameters)
        {
            path[k] = Uri.UnescapeDataString(v);
        }

        var query = new VtlMap();
        MultiQuery = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var (k, v) in QueryString.Parse(request.RawQuery))
        {
            query[k] = v;
            if (!MultiQuery.TryGetValue(k, out var list))
            {
                MultiQuery[k] = list = [];
            }

            list.Add(v);
        }

        var header = new VtlMap(StringComparer.OrdinalIgnoreCase);
        foreach (var (k, _) in request.Headers)
        {
            header[k] = request.Header(k);
        }

        PathParams = path;
        QueryParams = query;
        HeaderParams = header;
        StageVariables = new VtlMap();
        foreach (var (k, v) in ctx.StageVariables)
        {
            StageVariables[k] = v;
        }

        Context = new VtlMap
        {
            ["accountId"] = ctx.AccountId,
            ["apiId"] = ctx.ApiId,
            ["authorizer"] = new VtlMap(),
            ["awsEndpointRequestId"] = ctx.RequestId,
            ["deploymentId"] = "",
            ["domainName"] = request.DomainName,
            ["domainPrefix"] = ctx.DomainPrefix(request.DomainName),
            ["error"] = new VtlMap(),
            ["extendedRequestId"] = ctx.ExtendedRequestId,
            ["httpMethod"] = httpMethod,
            ["identity"] = new VtlMap
            {
                ["accountId"] = null,
                ["apiKey"] = null,
                ["apiKeyId"] = null,
                ["caller"] = null,
                ["sourceIp"] = request.SourceIp,
                ["user"] = null,
                ["userAgent"] = request.Header("User-Agent") ?? "",
                ["userArn"] = null,
            },
            ["path"] = "/" + ctx.Stage + request.RawPath,
            ["protocol"] = request.Protocol,
            ["requestId"] = ctx.RequestId,
            ["requestOverride"] = new VtlMap { ["header"] = new VtlMap(), ["path"] = new VtlMap(), ["querystring"] = new VtlMap() },
            ["responseOverride"] = new VtlMap { ["header"] = new VtlMap() },
            ["requestTime"] = ctx.RequestTime,
            ["requestTimeEpoch"] = ctx.Epoch,
            ["resourceId"] = ctx.ResourceId,
            ["resourcePath"] = resourcePath,
            ["stage"] = ctx.Stage,
            ["xrayTraceId"] = ctx.TraceId,
        };
    }

    public GatewayRequest Request { get; }

    public EventContext Event { get; }

    public VtlMap PathParams { get; }

    public VtlMap QueryParams { get; }

    public Dictionary<string, List<string>> MultiQuery { get; }

    public VtlMap HeaderParams { get; }

    public VtlMap StageVariables { get; }

    /// <summary><c>$context</c>; templates may change <c>requestOverride</c>/<c>responseOverride</c> in it.</summary>
    public VtlMap Context { get; }

    public static TemplateScope For(GatewayRequest request, EventContext ctx, string httpMethod, string resourcePath) =>
        new(request, ctx, httpMethod, resourcePath);

    /// <summary>Sets <c>$context.error.*</c> for a gateway response template.</summary>
    public void SetError(string responseType, string message, string? validationErrors = null)
    {
        Context["error"] = new VtlMap
        {
            ["message"] = message,
            ["messageString"] = VtlJson.Write(System.Text.Json.Nodes.JsonValue.Create(message)),
            ["responseType"] = responseType,
            // Ready to sit inside a JSON string, as AWS's examples show it ([\"name\"]).
            ["validationErrorString"] = (validationErrors ?? "").Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal),
        };
    }

    /// <summary>Renders a template with <c>$input</c> over <paramref name="body"/>.</summary>
    public string Render(string template, string body)
    {
        var vars = new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["input"] = new InputVariable(body, PathParams, QueryParams, HeaderParams),
            ["context"] = Context,
            ["stageVariables"] = StageVariables,
            ["util"] = UtilVariable.Instance,
        };
        return VtlRenderer.Render(template, vars);
    }

    /// <summary>The value of a mapping expression (<c>method.request.header.x</c>, <c>'static'</c>, <c>context.x</c>, <c>stageVariables.x</c>,
    /// <c>method.request.body[.JSONPath]</c>, or with <paramref name="response"/> <c>integration.response.header.x</c> /
    /// <c>integration.response.body[.JSONPath]</c>); null when it has no value.</summary>
    public string? Resolve(string expression, string requestBody, IntegrationResult? response = null)
    {
        var e = expression.Trim();
        if (e.Length >= 2 && e[0] == '\'' && e[^1] == '\'')
        {
            return e[1..^1];
        }

        const string MethodRequest = "method.request.";
        if (e.StartsWith(MethodRequest, StringComparison.Ordinal))
        {
            var rest = e[MethodRequest.Length..];
            if (rest.StartsWith("path.", StringComparison.Ordinal))
            {
                return PathParams.TryGetValue(rest[5..], out var v) ? v as string : null;
            }

            if (rest.StartsWith("querystring.", StringComparison.Ordinal))
            {
                return QueryParams.TryGetValue(rest[12..], out var v) ? v as string : null;
            }

            if (rest.StartsWith("multivaluequerystring.", StringComparison.Ordinal))
            {
                return MultiQuery.TryGetValue(rest[22..], out var list) ? string.Join(',', list) : null;
            }

            if (rest.StartsWith("header.", StringComparison.Ordinal))
            {
                return HeaderParams.TryGetValue(rest[7..], out var v) ? v as string : null;
            }

            if (rest.StartsWith("multivalueheader.", StringComparison.Ordinal))
            {
                return HeaderParams.TryGetValue(rest[17..], out var v) ? v as string : null;
            }

            if (rest == "body" || rest.StartsWith("body.", StringComparison.Ordinal))
            {
                return BodyPath(requestBody, rest == "body" ? null : "$" + rest[4..]);
            }

            return null;
        }

        const string IntegrationResponse = "integration.response.";
        if (response is not null && e.StartsWith(IntegrationResponse, StringComparison.Ordinal))
        {
            var rest = e[IntegrationResponse.Length..];
            if (rest.StartsWith("header.", StringComparison.Ordinal) || rest.StartsWith("multivalueheader.", StringComparison.Ordinal))
            {
                var name = rest[(rest.IndexOf('.', StringComparison.Ordinal) + 1)..];
                var values = response.Headers.Where(h => string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase)).Select(h => h.Value).ToList();
                return values.Count == 0 ? null : string.Join(',', values);
            }

            if (rest == "body" || rest.StartsWith("body.", StringComparison.Ordinal))
            {
                return BodyPath(response.Body, rest == "body" ? null : "$" + rest[4..]);
            }

            return null;
        }

        if (e.StartsWith("stageVariables.", StringComparison.Ordinal))
        {
            return StageVariables.TryGetValue(e[15..], out var v) ? v as string : null;
        }

        if (e.StartsWith("context.", StringComparison.Ordinal))
        {
            object? v = Context;
            foreach (var part in e[8..].Split('.'))
            {
                v = v is VtlMap m && m.TryGetValue(part, out var next) ? next : null;
            }

            return v is null ? null : VtlValues.ToText(v);
        }

        return null;
    }

    private static string? BodyPath(string body, string? path)
    {
        if (path is null)
        {
            return body;
        }

        try
        {
            var (matches, definite) = JsonPath.Evaluate(string.IsNullOrWhiteSpace(body) ? null : System.Text.Json.Nodes.JsonNode.Parse(body), path);
            if (matches.Count == 0)
            {
                return null;
            }

            var node = definite ? matches[0] : new System.Text.Json.Nodes.JsonArray([.. matches.Select(m => m?.DeepClone())]);
            return node is System.Text.Json.Nodes.JsonValue v && v.GetValueKind() == System.Text.Json.JsonValueKind.String ? v.GetValue<string>() : VtlJson.Write(node);
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }
    }

    public static string Format(long n) => n.ToString(CultureInfo.InvariantCulture);
}

/// <summary>What an integration answered, before the integration response mapping.</summary>
/// <param name="Status">HTTP status (HTTP integrations) or 200 (Lambda, MOCK's request-template status).</param>
/// <param name="ErrorMessage">Lambda: the function error's <c>errorMessage</c>, which <c>selectionPattern</c> is matched against.</param>
internal sealed record IntegrationResult(int Status, IReadOnlyList<KeyValuePair<string, string>> Headers, string Body, string? ErrorMessage, byte[]? RawBody = null);
