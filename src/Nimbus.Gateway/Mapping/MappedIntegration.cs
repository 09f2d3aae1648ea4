using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Nimbus.Core.Errors;
using Nimbus.Core.Functions;
using Nimbus.Core.Identity;
using Nimbus.Core.Services;
using Nimbus.Gateway.Management;
using Nimbus.Gateway.Mapping.Vtl;
using Nimbus.Gateway.Routing;
using Nimbus.Gateway.Serving;

namespace Nimbus.Gateway.Mapping;

/// <summary>REST API integrations with mapping templates: <c>MOCK</c>, <c>AWS</c> (Lambda non-proxy and JSON-protocol
/// service actions) and <c>HTTP</c>.</summary>
/// <remarks>
/// <para>Integration request: the request template is chosen by the request's media type (no <c>Content-Type</c> means
/// <c>application/json</c>); without a matching template <c>passthroughBehavior</c> decides — <c>WHEN_NO_MATCH</c>
/// passes the body through, <c>WHEN_NO_TEMPLATES</c> passes it only when no template is defined at all, <c>NEVER</c>
/// refuses — a refusal is 415 <c>Unsupported Media Type</c>. <c>requestParameters</c> map
/// <c>method.request.{path|querystring|multivaluequerystring|header|body}</c>, <c>'static'</c>, <c>context.*</c> and
/// <c>stageVariables.*</c> onto <c>integration.request.{path|querystring|header}.*</c>; <c>$context.requestOverride</c>
/// set by the template wins.</para>
/// <para>Integration response: the one whose <c>selectionPattern</c> (a regular expression that must match the whole
/// text) matches the Lambda <c>errorMessage</c> — for a function error — or the HTTP status (HTTP, MOCK, service
/// actions); else the default response (no pattern); none at all is 500 (<c>API_CONFIGURATION_ERROR</c>). Its
/// <c>responseParameters</c> (<c>method.response.header.X</c> = <c>'static'</c>, <c>integration.response.header.Y</c>,
/// <c>integration.response.body[.path]</c>…) become headers, its template (chosen by <c>Accept</c>) the body — or the
/// integration's body passes through when there is none; <c>$context.responseOverride.status/header</c> win.</para>
/// </remarks>
internal sealed partial class MappedIntegration(IFunctionInvoker invoker, IAwsServiceCaller? services, HttpClient http)
{
    private static readonly TimeSpan RegexTimeout = TimeSpan.FromSeconds(1);

    public async Task<GatewayResponse> ServeAsync(ApiEntry api, StageSnapshot stage, IntegrationTarget integration, GatewayRequest request, EventContext ctx, CancellationToken cancellationToken)
    {
        var def = integration.Definition ?? [];
        var scope = TemplateScope.For(request, ctx, request.Method, ctx.RouteKey);
        var media = RequestMapping.MediaType(request.Header("Content-Type"));

        // contentHandling: a binary payload (one of the API's binaryMediaTypes) reaches templates base64-encoded with
        // CONVERT_TO_TEXT; CONVERT_TO_BINARY decodes a base64 text payload.
        var binaryTypes = api.Doc["api"]?["binaryMediaTypes"] is JsonArray bt ? bt.Select(x => x!.GetValue<string>()).ToList() : [];
        var body = def["contentHandling"]?.GetValue<string>() switch
        {
            "CONVERT_TO_TEXT" when BodyEncoding.IsBinaryFor(request.Header("Content-Type"), binaryTypes) => Convert.ToBase64String(request.Body.Span),
            "CONVERT_TO_BINARY" when !BodyEncoding.IsBinaryFor(request.Header("Content-Type"), binaryTypes) => DecodeBase64Text(request.Body.Span),
            _ => Encoding.UTF8.GetString(request.Body.Span),
        };

        // Integration request.
        string integrationBody;
        string integrationContentType;
        var templates = def["requestTemplates"] as JsonObject;
        if (RequestMapping.TrySelectRequestTemplate(templates, media, out var templateType, out var template))
        {
            integrationContentType = templateType;
            try
            {
                integrationBody = string.IsNullOrEmpty(template) ? body : scope.Render(template, body);
            }
            catch (BodyParseException e)
            {
                return GatewayErrors.Respond("BAD_REQUEST_BODY", e.Message);
            }
            catch (VtlException)
            {
                return GatewayErrors.Respond("API_CONFIGURATION_ERROR");
            }
        }
        else
        {
            var behavior = def["passthroughBehavior"]?.GetValue<string>() ?? "WHEN_NO_MATCH";
            if (behavior == "NEVER" || (behavior == "WHEN_NO_TEMPLATES" && templates is { Count: > 0 }))
            {
                return GatewayErrors.Respond("UNSUPPORTED_MEDIA_TYPE");
            }

            integrationBody = body;
            integrationContentType = request.Header("Content-Type") ?? "application/json";
        }

        var target = new IntegrationRequest(integrationBody, integrationContentType);
        foreach (var (key, value) in def["requestParameters"] as JsonObject ?? [])
        {
            if (value is JsonValue v && scope.Resolve(v.GetValue<string>(), body) is { } resolved)
            {
                target.Set(key, resolved);
            }
        }

        target.ApplyOverride(scope.Context["requestOverride"] as VtlMap);

        // The call.
        IntegrationResult result;
        var isLambda = false;
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromMilliseconds(integration.TimeoutMillis));
            switch (integration.Type)
            {
                case "MOCK":
                    result = Mock(target.Body);
                    break;
                case "HTTP":
                    result = await HttpAsync(integration, target, stage, timeout.Token);
                    break;
                default:
                    var uri = ResolveStageVariables(integration.Uri ?? "", stage.Variables);
                    if (uri.Contains(":lambda:path/", StringComparison.Ordinal))
                    {
                        isLambda = true;
                        result = await LambdaAsync(api, uri, target, stage, ctx, timeout.Token);
                    }
                    else
                    {
                        result = await ServiceAsync(api, uri, target, ctx, timeout.Token);
                    }

                    break;
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return GatewayErrors.Respond("INTEGRATION_TIMEOUT");
        }
        catch (HttpRequestException)
        {
            return GatewayErrors.Respond("INTEGRATION_FAILURE", status: 500);
        }
        catch (IntegrationConfigurationException)
        {
            return GatewayErrors.Respond("API_CONFIGURATION_ERROR");
        }

        return MapResponse(def, result, isLambda, scope, body, request);
    }

    private static GatewayResponse MapResponse(JsonObject def, IntegrationResult result, bool isLambda, TemplateScope scope, string requestBody, GatewayRequest request)
    {
        var responses = (def["integrationResponses"] as JsonObject ?? []).Select(kv => kv.Value).OfType<JsonObject>().ToList();
        var selector = isLambda ? result.ErrorMessage : result.Status.ToString(CultureInfo.InvariantCulture);
        JsonObject? chosen = null;
        if (selector is not null)
        {
            chosen = responses.FirstOrDefault(r => r["selectionPattern"]?.GetValue<string>() is { Length: > 0 } p && Matches(p, selector));
        }

        chosen ??= responses.FirstOrDefault(r => r["selectionPattern"]?.GetValue<string>() is null or "");
        if (chosen is null)
        {
            return GatewayErrors.Respond("API_CONFIGURATION_ERROR");
        }

        var status = int.TryParse(chosen["statusCode"]?.GetValue<string>(), NumberStyles.None, CultureInfo.InvariantCulture, out var s) ? s : 200;
        var headers = new List<KeyValuePair<string, string>>();
        foreach (var (key, value) in chosen["responseParameters"] as JsonObject ?? [])
        {
            const string Prefix = "method.response.header.";
            if (key.StartsWith(Prefix, StringComparison.Ordinal) && value is JsonValue v && scope.Resolve(v.GetValue<string>(), requestBody, result) is { } resolved)
            {
                headers.Add(new(key[Prefix.Length..], resolved));
            }
        }

        var (contentType, template) = RequestMapping.SelectResponseTemplate(chosen["responseTemplates"] as JsonObject, request.Header("Accept"));
        byte[] body;
        if (string.IsNullOrEmpty(template))
        {
            body = result.RawBody ?? Encoding.UTF8.GetBytes(result.Body);
            contentType ??= result.Headers.FirstOrDefault(h => h.Key.Equals("Content-Type", StringComparison.OrdinalIgnoreCase)).Value ?? "application/json";
        }
        else
        {
            try
            {
                body = Encoding.UTF8.GetBytes(scope.Render(template, result.Body));
            }
            catch (Exception e) when (e is VtlException or BodyParseException)
            {
                return GatewayErrors.Respond("API_CONFIGURATION_ERROR");
            }
        }

        switch (chosen["contentHandling"]?.GetValue<string>())
        {
            case "CONVERT_TO_BINARY":
                try
                {
                    body = Convert.FromBase64String(Encoding.UTF8.GetString(body));
                }
                catch (FormatException)
                {
                    return GatewayErrors.Respond("API_CONFIGURATION_ERROR");
                }

                break;
            case "CONVERT_TO_TEXT" when !BodyEncoding.IsText(contentType):
                body = Encoding.UTF8.GetBytes(Convert.ToBase64String(body));
                break;
        }

        if (scope.Context["responseOverride"] is VtlMap overrides)
        {
            if (overrides.TryGetValue("status", out var o) && o is not null
                && int.TryParse(VtlValues.ToText(o), NumberStyles.None, CultureInfo.InvariantCulture, out var overridden))
            {
                status = overridden;
            }

            foreach (var (k, v) in overrides.GetValueOrDefault("header") as VtlMap ?? [])
            {
                headers.RemoveAll(h => string.Equals(h.Key, k, StringComparison.OrdinalIgnoreCase));
                headers.Add(new(k, VtlValues.ToText(v)));
            }
        }

        if (!headers.Any(h => h.Key.Equals("Content-Type", StringComparison.OrdinalIgnoreCase)))
        {
            headers.Insert(0, new("Content-Type", contentType ?? "application/json"));
        }

        return new GatewayResponse(status, headers, body);
    }

    private static string DecodeBase64Text(ReadOnlySpan<byte> body)
    {
        var text = Encoding.UTF8.GetString(body);
        try
        {
            return Encoding.UTF8.GetString(Convert.FromBase64String(text));
        }
        catch (FormatException)
        {
            return text;
        }
    }

    private static bool Matches(string pattern, string text)
    {
        try
        {
            return Regex.IsMatch(text, "^(?:" + pattern + ")$", RegexOptions.None, RegexTimeout);
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    /// <summary>MOCK: the integration's status is the request template's <c>statusCode</c> (200 when there is none).</summary>
    private static IntegrationResult Mock(string body)
    {
        var status = 200;
        try
        {
            if (!string.IsNullOrWhiteSpace(body) && JsonNode.Parse(body) is JsonObject o && o["statusCode"] is JsonValue v)
            {
                status = v.GetValueKind() == JsonValueKind.Number ? v.GetValue<int>() : int.Parse(v.GetValue<string>(), CultureInfo.InvariantCulture);
            }
        }
        catch (Exception e) when (e is JsonException or FormatException or InvalidOperationException)
        {
            // Not JSON: the mock answers 200.
        }

        return new IntegrationResult(status, [], "", null);
    }

    private async Task<IntegrationResult> LambdaAsync(ApiEntry api, string uri, IntegrationRequest target, StageSnapshot stage, EventContext ctx, CancellationToken cancellationToken)
    {
        var function = LambdaUri.FunctionOf(uri, stage.Variables);
        var invocationType = target.Headers.FirstOrDefault(h => h.Key.Equals("X-Amz-Invocation-Type", StringComparison.OrdinalIgnoreCase)).Value;
        var type = invocationType is "Event" ? InvocationType.Event : InvocationType.RequestResponse;
        var result = await invoker.InvokeAsync(
            new FunctionInvocation(function, null, type, Encoding.UTF8.GetBytes(target.Body), new AwsRequestContext(api.Account, api.Region, ctx.RequestId)) { TraceId = ctx.TraceId },
            cancellationToken).Until(cancellationToken);
        if (result.Error is not null)
        {
            // The invocation did not happen (no such function, throttled…): a 500 configuration error, as on AWS.
            throw new IntegrationConfigurationException();
        }

        var text = Encoding.UTF8.GetString(result.Payload.Span);
        string? errorMessage = null;
        if (result.FunctionError is not null)
        {
            errorMessage = "";
            try
            {
                if (JsonNode.Parse(text) is JsonObject o && o["errorMessage"] is JsonValue m)
                {
                    errorMessage = m.GetValueKind() == JsonValueKind.String ? m.GetValue<string>() : m.ToJsonString();
                }
            }
            catch (JsonException)
            {
                errorMessage = text;
            }
        }

        return new IntegrationResult(type == InvocationType.Event ? 202 : 200, [new("Content-Type", "application/json")], text, errorMessage);
    }

    private async Task<IntegrationResult> HttpAsync(IntegrationTarget integration, IntegrationRequest target, StageSnapshot stage, CancellationToken cancellationToken)
    {
        var url = ResolveStageVariables(integration.Uri ?? "", stage.Variables);
        foreach (var (k, v) in target.Path)
        {
            var encoded = string.Join('/', v.Split('/').Select(Uri.EscapeDataString));
            url = url.Replace("{" + k + "+}", encoded, StringComparison.Ordinal).Replace("{" + k + "}", encoded, StringComparison.Ordinal);
        }

        if (target.Query.Count > 0)
        {
            url += (url.Contains('?', StringComparison.Ordinal) ? "&" : "?")
                + string.Join('&', target.Query.Select(q => Uri.EscapeDataString(q.Key) + "=" + Uri.EscapeDataString(q.Value)));
        }

        var method = integration.HttpMethod is null or "ANY" ? "GET" : integration.HttpMethod;
        using var message = new HttpRequestMessage(new HttpMethod(method), url);
        if (target.Body.Length > 0 && method is not ("GET" or "HEAD"))
        {
            message.Content = new StringContent(target.Body, Encoding.UTF8);
            message.Content.Headers.ContentType = MediaTypeHeaderValue.TryParse(target.ContentType, out var ct) ? ct : null;
        }

        foreach (var (k, v) in target.Headers)
        {
            if (k.Equals("Content-Type", StringComparison.OrdinalIgnoreCase) && message.Content is not null)
            {
                message.Content.Headers.ContentType = MediaTypeHeaderValue.TryParse(v, out var ct) ? ct : null;
                continue;
            }

            if (!message.Headers.TryAddWithoutValidation(k, v))
            {
                message.Content?.Headers.TryAddWithoutValidation(k, v);
            }
        }

        using var response = await http.SendAsync(message, HttpCompletionOption.ResponseContentRead, cancellationToken);
        var headers = new List<KeyValuePair<string, string>>();
        foreach (var (k, values) in response.Headers.Concat(response.Content.Headers))
        {
            foreach (var v in values)
            {
                headers.Add(new(k, v));
            }
        }

        var bytes = await response.Content.ReadAsByteArrayAsync(cancellationToken);
        return new IntegrationResult((int)response.StatusCode, headers, Encoding.UTF8.GetString(bytes), null, bytes);
    }

    /// <summary>AWS service actions for JSON-protocol services Nimbus runs: <c>…:{service}:action/{Operation}</c>
    /// (the body is the operation's JSON input, or <c>Action=…&amp;Name=value</c> form fields) and SQS's
    /// <c>…:sqs:path/{account}/{queue}</c> (the queue URL is filled in).</summary>
    private async Task<IntegrationResult> ServiceAsync(ApiEntry api, string uri, IntegrationRequest target, EventContext ctx, CancellationToken cancellationToken)
    {
        var m = ServiceUri().Match(uri);
        if (!m.Success || services is null)
        {
            throw new IntegrationConfigurationException();
        }

        var region = m.Groups["region"].Value;
        var service = m.Groups["service"].Value.ToLowerInvariant();
        if (!services.Has(service))
        {
            throw new IntegrationConfigurationException();
        }

        var input = ServiceInput(target);
        string? operation = null;
        if (m.Groups["kind"].Value == "action")
        {
            operation = m.Groups["rest"].Value;
        }

        if (input.Remove("Action", out var action) && action is JsonValue av)
        {
            operation ??= av.GetValue<string>();
        }

        input.Remove("Version");
        var caller = new AwsRequestContext(api.Account, region, ctx.RequestId);
        try
        {
            if (m.Groups["kind"].Value == "path" && service == "sqs")
            {
                var parts = m.Groups["rest"].Value.Split('/', StringSplitOptions.RemoveEmptyEntries);
                if (parts.Length >= 2)
                {
                    var url = await services.CallAsync("sqs", "GetQueueUrl", new JsonObject { ["QueueName"] = parts[1], ["QueueOwnerAWSAccountId"] = parts[0] }, caller, cancellationToken);
                    input["QueueUrl"] = url?["QueueUrl"]?.GetValue<string>();
                }
            }

            if (operation is null)
            {
                throw new IntegrationConfigurationException();
            }

            var output = await services.CallAsync(service, operation, input, caller, cancellationToken);
            return new IntegrationResult(200, [new("Content-Type", "application/json")], VtlJson.Write(output ?? new JsonObject()), null);
        }
        catch (AwsServiceException e)
        {
            var error = new JsonObject { ["__type"] = e.Error.Code, ["message"] = e.Error.Message };
            return new IntegrationResult(e.Error.StatusCode, [new("Content-Type", "application/json")], error.ToJsonString(), null);
        }
    }

    private static readonly HashSet<string> NumericFields = new(StringComparer.Ordinal) { "DelaySeconds", "MaxNumberOfMessages", "VisibilityTimeout", "WaitTimeSeconds", "Limit" };

    private static JsonObject ServiceInput(IntegrationRequest target)
    {
        var input = new JsonObject();
        var text = target.Body.Trim();
        if (text.StartsWith('{'))
        {
            try
            {
                input = JsonNode.Parse(text) as JsonObject ?? [];
            }
            catch (JsonException)
            {
                input = [];
            }
        }
        else if (text.Length > 0)
        {
            foreach (var (k, v) in QueryString.Parse(text))
            {
                input[k] = NumericFields.Contains(k) && int.TryParse(v, CultureInfo.InvariantCulture, out var n) ? n : v;
            }
        }

        foreach (var (k, v) in target.Query)
        {
            input[k] = NumericFields.Contains(k) && int.TryParse(v, CultureInfo.InvariantCulture, out var n) ? n : v;
        }

        return input;
    }

    private static string ResolveStageVariables(string uri, IReadOnlyDictionary<string, string> variables) =>
        StageVariable().Replace(uri, m => variables.GetValueOrDefault(m.Groups[1].Value, ""));

    [GeneratedRegex(@"\$\{stageVariables\.([A-Za-z0-9_]+)\}")]
    private static partial Regex StageVariable();

    [GeneratedRegex(@"^arn:aws[a-z-]*:apigateway:(?<region>[a-z0-9-]+):(?<service>[A-Za-z0-9.-]+):(?<kind>action|path)/(?<rest>.*)$")]
    private static partial Regex ServiceUri();

    private sealed class IntegrationConfigurationException : Exception;
}

/// <summary>The integration request being built: body, content type, and the mapped path, query and header values.</summary>
internal sealed class IntegrationRequest(string body, string contentType)
{
    public string Body { get; } = body;

    public string ContentType { get; } = contentType;

    public Dictionary<string, string> Path { get; } = new(StringComparer.Ordinal);

    public List<KeyValuePair<string, string>> Query { get; } = [];

    public List<KeyValuePair<string, string>> Headers { get; } = [];

    /// <summary>Sets <c>integration.request.{path|querystring|header}.name</c>.</summary>
    public void Set(string key, string value)
    {
        const string Prefix = "integration.request.";
        if (!key.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return;
        }

        var rest = key[Prefix.Length..];
        var dot = rest.IndexOf('.', StringComparison.Ordinal);
        if (dot < 0)
        {
            return;
        }

        var name = rest[(dot + 1)..];
        switch (rest[..dot])
        {
            case "path":
                Path[name] = value;
                break;
            case "querystring" or "multivaluequerystring":
                Query.RemoveAll(q => q.Key == name);
                foreach (var v in rest.StartsWith("multi", StringComparison.Ordinal) ? value.Split(',') : [value])
                {
                    Query.Add(new(name, v));
                }

                break;
            case "header" or "multivalueheader":
                Headers.RemoveAll(h => string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase));
                Headers.Add(new(name, value));
                break;
        }
    }

    /// <summary><c>$context.requestOverride.{header|querystring|path}.name</c> set by the request template.</summary>
    public void ApplyOverride(VtlMap? overrides)
    {
        if (overrides is null)
        {
            return;
        }

        foreach (var (section, key) in new[] { ("header", "header"), ("querystring", "querystring"), ("path", "path") })
        {
            foreach (var (name, value) in overrides.GetValueOrDefault(section) as VtlMap ?? [])
            {
                Set($"integration.request.{key}.{name}", VtlValues.ToText(value));
            }
        }
    }
}
