using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Nimbus.Core.Functions;
using Nimbus.Core.Identity;
using Nimbus.Gateway.Management;
using Nimbus.Gateway.Serving;

namespace Nimbus.Gateway.Protection;

/// <summary>The result of an authorization step: a refusal, or what the integration's event should carry.</summary>
internal sealed record AuthOutcome(GatewayResponse? Deny, RequestAuthorization? Authorization, string? UsageIdentifierKey = null)
{
    /// <summary>The authorizer's answer, when one was obtained (for TestInvokeAuthorizer).</summary>
    public AuthorizerAnswer? Answer { get; init; }

    public static AuthOutcome Refuse(GatewayResponse response) => new(response, null);
}

/// <summary>Lambda authorizers: REST <c>TOKEN</c> and <c>REQUEST</c>, HTTP API <c>REQUEST</c> (payload 1.0 and 2.0,
/// simple or IAM-policy responses). Results are cached by identity-source values for <c>authorizerResultTtlInSeconds</c>.</summary>
/// <remarks>
/// "Use API Gateway Lambda authorizers" / "Control access to HTTP APIs with AWS Lambda authorizers": a missing identity
/// source, or a token failing <c>identityValidationExpression</c>, is 401 without calling the function; a function
/// error whose message is <c>Unauthorized</c> is 401; any other failure or an unusable answer is 500
/// (<c>AuthorizerConfigurationException</c>); a policy that does not allow the method ARN is 403.
/// </remarks>
internal sealed class LambdaAuthorizers(IFunctionInvoker invoker, AuthorizerCache cache)
{
    /// <summary>REST API: runs a TOKEN or REQUEST authorizer for a method.</summary>
    public async Task<AuthOutcome> RestAsync(ApiEntry api, JsonObject authorizer, GatewayRequest request, EventContext ctx, string methodArn, CancellationToken cancellationToken, bool useCache = true)
    {
        var type = authorizer["type"]?.GetValue<string>() ?? "TOKEN";
        var sources = Sources(authorizer["identitySource"]);
        var identity = new List<string>();
        foreach (var source in sources)
        {
            var value = RestSource(source, request, ctx);
            if (string.IsNullOrEmpty(value))
            {
                return AuthOutcome.Refuse(Denials.Unauthorized(rest: true));
            }

            identity.Add(value);
        }

        if (type == "TOKEN")
        {
            if (identity.Count == 0)
            {
                return AuthOutcome.Refuse(Denials.Unauthorized(rest: true));
            }

            if (authorizer["identityValidationExpression"]?.GetValue<string>() is { Length: > 0 } pattern
                && !Regex.IsMatch(identity[0], $"^(?:{pattern})$", RegexOptions.None, TimeSpan.FromSeconds(1)))
            {
                return AuthOutcome.Refuse(Denials.Unauthorized(rest: true));
            }
        }
        else if (type != "REQUEST")
        {
            return AuthOutcome.Refuse(Denials.AuthorizerError(rest: true));
        }

        var ttl = (int)(ApiProtection.Number(authorizer["authorizerResultTtlInSeconds"]) ?? 300);
        var key = AuthorizerCache.Key(api.ApiId, ctx.Stage, authorizer["id"]!.GetValue<string>(), identity);
        var cacheable = useCache && ttl > 0 && identity.Count > 0;
        var watch = Stopwatch.StartNew();
        var answer = cacheable ? cache.Get(key) : null;
        if (answer is null)
        {
            JsonObject ev;
            if (type == "TOKEN")
            {
                ev = new JsonObject { ["type"] = "TOKEN", ["methodArn"] = methodArn, ["authorizationToken"] = identity[0] };
            }
            else
            {
                ev = new JsonObject { ["type"] = "REQUEST", ["methodArn"] = methodArn };
                foreach (var (k, v) in JsonNode.Parse(ProxyEvents.V1(request, ctx, rest: true))!.AsObject())
                {
                    if (k is not ("body" or "isBase64Encoded"))
                    {
                        ev[k] = v?.DeepClone();
                    }
                }
            }

            var (failure, parsed) = await InvokeAsync(api, authorizer, ev, ctx, simple: false, rest: true, cancellationToken);
            if (failure is not null)
            {
                return AuthOutcome.Refuse(failure);
            }

            answer = parsed!;
            if (cacheable)
            {
                cache.Put(key, answer, ttl);
            }
        }

        var decision = Decide(answer, methodArn);
        if (decision is { } deny)
        {
            return AuthOutcome.Refuse(deny == PolicyEvaluator.Decision.ExplicitDeny ? Denials.ExplicitDeny(rest: true) : Denials.AccessDenied(rest: true)) with { Answer = answer };
        }

        var fields = new JsonObject();
        foreach (var (k, v) in answer.Context ?? [])
        {
            fields[k] = v?.DeepClone();
        }

        fields["principalId"] = answer.PrincipalId;
        fields["integrationLatency"] = (int)watch.ElapsedMilliseconds;
        return new AuthOutcome(null, new RequestAuthorization(fields, new Dictionary<string, string>()) { PrincipalId = answer.PrincipalId }, answer.UsageIdentifierKey) { Answer = answer };
    }

    /// <summary>HTTP API: runs a Lambda REQUEST authorizer (payload 1.0 or 2.0) for a route.</summary>
    public async Task<AuthOutcome> HttpAsync(ApiEntry api, JsonObject authorizer, GatewayRequest request, EventContext ctx, string routeArn, CancellationToken cancellationToken)
    {
        var sources = Sources(authorizer["identitySource"]);
        var identity = new List<string>();
        foreach (var source in sources)
        {
            var value = HttpSource(source, request, ctx);
            if (string.IsNullOrEmpty(value))
            {
                return AuthOutcome.Refuse(Denials.Unauthorized(rest: false));
            }

            identity.Add(value);
        }

        var version = authorizer["authorizerPayloadFormatVersion"]?.GetValue<string>() ?? "2.0";
        var simple = version == "2.0" && (authorizer["enableSimpleResponses"]?.GetValue<bool>() ?? false);
        var ttl = (int)(ApiProtection.Number(authorizer["authorizerResultTtlInSeconds"]) ?? 0);
        var cacheable = ttl > 0 && identity.Count > 0;
        var key = AuthorizerCache.Key(api.ApiId, ctx.Stage, authorizer["authorizerId"]!.GetValue<string>(), identity);
        var answer = cacheable ? cache.Get(key) : null;
        if (answer is null)
        {
            var ev = new JsonObject();
            if (version == "1.0")
            {
                var v1 = JsonNode.Parse(ProxyEvents.V1(request, ctx, rest: false))!.AsObject();
                ev["version"] = "1.0";
                ev["type"] = "REQUEST";
                ev["methodArn"] = routeArn;
                ev["identitySource"] = string.Join(',', identity);
                ev["authorizationToken"] = string.Join(',', identity);
                foreach (var (k, v) in v1)
                {
                    if (k is not ("version" or "body" or "isBase64Encoded"))
                    {
                        ev[k] = v?.DeepClone();
                    }
                }
            }
            else
            {
                var v2 = JsonNode.Parse(ProxyEvents.HttpV2(request, ctx))!.AsObject();
                ev["version"] = "2.0";
                ev["type"] = "REQUEST";
                ev["routeArn"] = routeArn;
                ev["identitySource"] = new JsonArray([.. identity.Select(i => (JsonNode)i)]);
                foreach (var (k, v) in v2)
                {
                    if (k is not ("version" or "body" or "isBase64Encoded"))
                    {
                        ev[k] = v?.DeepClone();
                    }
                }
            }

            var (failure, parsed) = await InvokeAsync(api, authorizer, ev, ctx, simple, rest: false, cancellationToken);
            if (failure is not null)
            {
                return AuthOutcome.Refuse(failure);
            }

            answer = parsed!;
            if (cacheable)
            {
                cache.Put(key, answer, ttl);
            }
        }

        if (simple)
        {
            if (answer.SimpleAllowed != true)
            {
                return AuthOutcome.Refuse(Denials.AccessDenied(rest: false));
            }
        }
        else if (Decide(answer, routeArn) is not null)
        {
            return AuthOutcome.Refuse(Denials.AccessDenied(rest: false));
        }

        var lambdaContext = answer.Context?.DeepClone() ?? (simple ? null : new JsonObject());
        if (!simple && lambdaContext is JsonObject withPrincipal && answer.PrincipalId is not null)
        {
            withPrincipal["principalId"] = answer.PrincipalId;
        }

        return new AuthOutcome(null, new RequestAuthorization(new JsonObject { ["lambda"] = lambdaContext }, new Dictionary<string, string>()) { PrincipalId = answer.PrincipalId });
    }

    /// <summary>Policy decision, or null when allowed.</summary>
    private static PolicyEvaluator.Decision? Decide(AuthorizerAnswer answer, string arn)
    {
        var d = PolicyEvaluator.Evaluate(answer.Policy, arn);
        return d == PolicyEvaluator.Decision.Allow ? null : d;
    }

    private async Task<(GatewayResponse? Failure, AuthorizerAnswer? Answer)> InvokeAsync(
        ApiEntry api, JsonObject authorizer, JsonObject ev, EventContext ctx, bool simple, bool rest, CancellationToken cancellationToken)
    {
        var uri = authorizer["authorizerUri"]?.GetValue<string>() ?? "";
        var function = LambdaUri.FunctionOf(uri, ctx.StageVariables);
        FunctionInvocationResult result;
        using (var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
        {
            // Authorizers share the integration limit (REST 29 s; HTTP API authorizers time out after 10 s).
            timeout.CancelAfter(rest ? TimeSpan.FromSeconds(29) : TimeSpan.FromSeconds(10));
            try
            {
                result = await invoker.InvokeAsync(
                    new FunctionInvocation(function, null, InvocationType.RequestResponse, System.Text.Encoding.UTF8.GetBytes(ev.ToJsonString()), new AwsRequestContext(api.Account, api.Region, ctx.RequestId))
                    {
                        TraceId = ctx.TraceId,
                    },
                    timeout.Token);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                return (Denials.AuthorizerError(rest), null);
            }
        }

        if (result.Error is not null)
        {
            return (Denials.AuthorizerError(rest), null);
        }

        JsonNode? payload;
        try
        {
            payload = result.Payload.IsEmpty ? null : JsonNode.Parse(result.Payload.Span);
        }
        catch (JsonException)
        {
            return (Denials.AuthorizerError(rest), null);
        }

        if (result.FunctionError is not null)
        {
            // throw new Error("Unauthorized") / callback("Unauthorized") → 401.
            var message = payload is JsonObject o ? o["errorMessage"]?.ToString() : null;
            return (message == "Unauthorized" ? Denials.Unauthorized(rest) : Denials.AuthorizerError(rest), null);
        }

        if (payload is not JsonObject answer)
        {
            return (Denials.AuthorizerError(rest), null);
        }

        var context = answer["context"] as JsonObject;
        if (context is not null && context.Any(kv => kv.Value is JsonObject or JsonArray) && rest)
        {
            // REST: context values must be strings, numbers or booleans.
            return (Denials.AuthorizerError(rest), null);
        }

        if (simple)
        {
            return answer["isAuthorized"] is JsonValue allowed && allowed.TryGetValue<bool>(out var isAuthorized)
                ? (null, new AuthorizerAnswer(null, null, context, isAuthorized, null))
                : (Denials.AuthorizerError(rest), null);
        }

        var policy = answer["policyDocument"];
        try
        {
            PolicyEvaluator.Evaluate(policy, "arn:aws:execute-api:check");
        }
        catch (Exception e) when (e is FormatException or JsonException or InvalidOperationException)
        {
            return (Denials.AuthorizerError(rest), null);
        }

        var principal = answer["principalId"] switch
        {
            JsonValue p when p.TryGetValue<string>(out var s) => s,
            null => null,
            var other => other.ToJsonString(),
        };
        return (null, new AuthorizerAnswer(principal, policy?.DeepClone(), context, null, answer["usageIdentifierKey"]?.ToString()));
    }

    internal static List<string> Sources(JsonNode? node) => node switch
    {
        JsonArray a => [.. a.Select(x => x?.GetValue<string>()?.Trim()).OfType<string>().Where(s => s.Length > 0)],
        JsonValue v => [.. v.GetValue<string>().Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)],
        _ => [],
    };

    /// <summary>REST identity sources: <c>method.request.header.X</c>, <c>method.request.querystring.X</c>,
    /// <c>method.request.path.X</c>, <c>stageVariables.X</c>, <c>context.X</c>.</summary>
    internal static string? RestSource(string source, GatewayRequest request, EventContext ctx)
    {
        const string Header = "method.request.header.", Query = "method.request.querystring.", Path = "method.request.path.";
        if (source.StartsWith(Header, StringComparison.Ordinal))
        {
            return request.Header(source[Header.Length..]);
        }

        if (source.StartsWith(Query, StringComparison.Ordinal))
        {
            var name = source[Query.Length..];
            return QueryString.Parse(request.RawQuery).LastOrDefault(q => q.Key == name).Value;
        }

        if (source.StartsWith(Path, StringComparison.Ordinal))
        {
            return ctx.PathParameters.GetValueOrDefault(source[Path.Length..]);
        }

        if (source.StartsWith("stageVariables.", StringComparison.Ordinal))
        {
            return ctx.StageVariables.GetValueOrDefault(source["stageVariables.".Length..]);
        }

        return source.StartsWith("context.", StringComparison.Ordinal) ? ContextValue(source["context.".Length..], request, ctx) : null;
    }

    /// <summary>HTTP API identity sources: <c>$request.header.X</c>, <c>$request.querystring.X</c>, <c>$context.X</c>, <c>$stageVariables.X</c>.</summary>
    internal static string? HttpSource(string source, GatewayRequest request, EventContext ctx)
    {
        const string Header = "$request.header.", Query = "$request.querystring.";
        if (source.StartsWith(Header, StringComparison.Ordinal))
        {
            return request.Header(source[Header.Length..]);
        }

        if (source.StartsWith(Query, StringComparison.Ordinal))
        {
            var name = source[Query.Length..];
            var values = QueryString.Parse(request.RawQuery).Where(q => q.Key == name).Select(q => q.Value).ToList();
            return values.Count == 0 ? null : string.Join(',', values);
        }

        if (source.StartsWith("$stageVariables.", StringComparison.Ordinal))
        {
            return ctx.StageVariables.GetValueOrDefault(source["$stageVariables.".Length..]);
        }

        return source.StartsWith("$context.", StringComparison.Ordinal) ? ContextValue(source["$context.".Length..], request, ctx) : null;
    }

    private static string? ContextValue(string name, GatewayRequest request, EventContext ctx) => name switch
    {
        "requestId" => ctx.RequestId,
        "extendedRequestId" => ctx.ExtendedRequestId,
        "stage" => ctx.Stage,
        "apiId" => ctx.ApiId,
        "accountId" => ctx.AccountId,
        "httpMethod" => request.Method,
        "identity.sourceIp" => request.SourceIp,
        "identity.userAgent" => request.Header("User-Agent"),
        "domainName" => request.DomainName,
        "requestTimeEpoch" => ctx.Epoch.ToString(CultureInfo.InvariantCulture),
        "routeKey" or "resourcePath" => ctx.RouteKey,
        _ => null,
    };
}
