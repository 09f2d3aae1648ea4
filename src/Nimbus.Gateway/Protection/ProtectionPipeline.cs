using System.Diagnostics;
using System.Text.Json.Nodes;
using Nimbus.Core.Logs;
using Nimbus.Gateway.Management;
using Nimbus.Gateway.Routing;
using Nimbus.Gateway.Serving;

namespace Nimbus.Gateway.Protection;

/// <summary>Everything between a matched method/route and its integration: throttling, authorization (Lambda, JWT,
/// AWS_IAM), API keys and usage plans, and the REST stage cache.</summary>
/// <remarks>
/// Order, per request: the account's bucket, the stage method/route bucket, the authorizer, the API key and its usage
/// plan (throttle, then quota), then the cache (REST GET with caching on) and finally the integration, called with
/// the authorization written into the event's <c>requestContext</c>. A method with none of these configured costs a
/// dictionary lookup and the account bucket.
/// </remarks>
internal sealed class ProtectionPipeline(
    LambdaAuthorizers lambdas, JwtValidator jwt, Throttles throttles, UsagePlanStore plans, ResponseCache cache, TimeProvider time, ILogSink? logs = null)
{
    public ResponseCache Cache => cache;

    /// <summary>REST API: protects one call of <paramref name="integrate"/>, then records metrics and the access log.</summary>
    public async Task<GatewayResponse> RestAsync(
        ApiEntry api, StageSnapshot stage, RestResource resource, RestMethod method, GatewayRequest request, EventContext ctx,
        Func<EventContext, Task<GatewayResponse>> integrate, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var plan = ApiProtection.Of(api).RestPlan(stage.StageName, stage.DeploymentId, resource.Id, resource.Path, method.HttpMethod);
        var probe = new RequestProbe();
        var response = await RestCoreAsync(api, stage, resource, method, plan, request, ctx, Probed(integrate, probe), probe, cancellationToken);
        Observe(api, plan, request, ctx, response, started, probe, resource.Path);
        return response;
    }

    /// <summary>HTTP API: protects one call of <paramref name="integrate"/>, then records metrics and the access log.</summary>
    public async Task<GatewayResponse> HttpAsync(
        ApiEntry api, StageSnapshot stage, HttpRoute route, IntegrationTarget integration, GatewayRequest request, EventContext ctx,
        Func<EventContext, Task<GatewayResponse>> integrate, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var plan = ApiProtection.Of(api).HttpPlan(stage.StageName, stage.DeploymentId, route.RouteId, route.RouteKey);
        var probe = new RequestProbe();
        var response = await HttpCoreAsync(api, stage, integration, plan, request, ctx, Probed(integrate, probe), cancellationToken);
        Observe(api, plan, request, ctx, response, started, probe, route.RouteKey);
        return response;
    }

    private static Func<EventContext, Task<GatewayResponse>> Probed(Func<EventContext, Task<GatewayResponse>> integrate, RequestProbe probe) => async c =>
    {
        probe.Final = c;
        var t = Stopwatch.GetTimestamp();
        var r = await integrate(c);
        probe.IntegrationLatencyMs = Stopwatch.GetElapsedTime(t).TotalMilliseconds;
        probe.IntegrationStatus = r.StatusCode;
        return r;
    };

    private void Observe(ApiEntry api, MethodPlan plan, GatewayRequest request, EventContext ctx, GatewayResponse response, long started, RequestProbe probe, string resource)
    {
        var latency = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        GatewayMetrics.Record(api.ApiId, ctx.Stage, request.Method, resource, response.StatusCode, latency, probe);
        if (plan.AccessLog is { } target && logs is not null)
        {
            AccessLogWriter.Write(logs, target, api, request, ctx, response, latency, probe);
        }
    }

    private async Task<GatewayResponse> RestCoreAsync(
        ApiEntry api, StageSnapshot stage, RestResource resource, RestMethod method, MethodPlan plan, GatewayRequest request, EventContext ctx,
        Func<EventContext, Task<GatewayResponse>> integrate, RequestProbe probe, CancellationToken cancellationToken)
    {
        var view = ApiProtection.Of(api);
        var (auth, settings) = (plan.Auth, plan.Settings);
        if (!throttles.TryAcquire(plan.AccountScope, throttles.AccountRate, throttles.AccountBurst)
            || (settings.RateLimit is not null || settings.BurstLimit is not null)
                && !throttles.TryAcquire(plan.MethodScope, settings.RateLimit ?? throttles.AccountRate, settings.BurstLimit ?? throttles.AccountBurst))
        {
            return Denials.Throttled(rest: true);
        }

        var methodArn = $"arn:aws:execute-api:{api.Region}:{api.Account}:{api.ApiId}/{stage.StageName}/{request.Method}{request.RawPath}";
        AuthOutcome outcome = new(null, null);
        switch (auth.AuthorizationType)
        {
            case "NONE":
                break;
            case "AWS_IAM":
                outcome = Iam(request, ctx, api, rest: true, v2: false);
                break;
            case "CUSTOM" when view.Authorizer(auth.AuthorizerId) is { } authorizer:
                outcome = await lambdas.RestAsync(api, authorizer, request, ctx, methodArn, cancellationToken);
                break;
            default:
                // COGNITO_USER_POOLS (no Cognito in Nimbus) or a dangling authorizer id.
                outcome = AuthOutcome.Refuse(Denials.AuthorizerError(rest: true));
                break;
        }

        if (outcome.Deny is { } deny)
        {
            return deny;
        }

        var authorization = outcome.Authorization;
        if (auth.ApiKeyRequired)
        {
            var source = api.Doc["api"]?["apiKeySource"]?.GetValue<string>() ?? "HEADER";
            var value = source == "AUTHORIZER" ? outcome.UsageIdentifierKey : request.Header("x-api-key");
            if (string.IsNullOrEmpty(value) || plans.Resolve(api.Account, api.Region, api.ApiId, stage.StageName, value) is not var (key, usagePlan) || usagePlan is null)
            {
                return Denials.Forbidden(rest: true);
            }

            if (Throttle(usagePlan.Doc["throttle"]) is { } planLimit
                && !throttles.TryAcquire($"plan/{usagePlan.Id}/{key.Id}", planLimit.Rate, planLimit.Burst))
            {
                return Denials.Throttled(rest: true);
            }

            var apiStage = (usagePlan.Doc["apiStages"] as JsonArray ?? []).OfType<JsonObject>()
                .FirstOrDefault(s => s["apiId"]?.GetValue<string>() == api.ApiId && s["stage"]?.GetValue<string>() == stage.StageName);
            if (Throttle(apiStage?["throttle"]?[$"{resource.Path}/{method.HttpMethod}"]) is { } methodLimit
                && !throttles.TryAcquire($"plan/{usagePlan.Id}/{key.Id}/{resource.Path}/{method.HttpMethod}", methodLimit.Rate, methodLimit.Burst))
            {
                return Denials.Throttled(rest: true);
            }

            if (!plans.TryConsume(usagePlan, key))
            {
                return Denials.QuotaExceeded();
            }

            var identity = new Dictionary<string, string>(authorization?.Identity ?? new Dictionary<string, string>())
            {
                ["apiKey"] = value,
                ["apiKeyId"] = key.Id,
            };
            authorization = (authorization ?? RequestAuthorization.None) with { Identity = identity };
        }

        ctx = authorization is null ? ctx : ctx with { Authorization = authorization };
        if (!settings.CachingEnabled || request.Method != "GET")
        {
            return await integrate(ctx);
        }

        return await CachedAsync(api, stage, resource, auth, settings, request, ctx, integrate, probe);
    }

    private async Task<GatewayResponse> CachedAsync(
        ApiEntry api, StageSnapshot stage, RestResource resource, MethodAuth auth, MethodSettings settings, GatewayRequest request, EventContext ctx,
        Func<EventContext, Task<GatewayResponse>> integrate, RequestProbe probe)
    {
        var stageKey = $"{api.ApiId}/{stage.StageName}";
        var key = $"{request.Method} {resource.Path}\n" + string.Join('\u0001', auth.CacheKeyParameters.Select(p => $"{p}={LambdaAuthorizers.RestSource(p, request, ctx)}"));
        var invalidate = request.Header("Cache-Control") is { } cc && cc.Replace(" ", "", StringComparison.Ordinal).Contains("max-age=0", StringComparison.OrdinalIgnoreCase);
        var extra = Array.Empty<KeyValuePair<string, string>>();
        if (invalidate && settings.RequireAuthorizationForCacheControl && ctx.Authorization?.IamAuthenticated != true)
        {
            // Not allowed to invalidate: refuse, or ignore the header (optionally saying so).
            switch (settings.UnauthorizedCacheControlHeaderStrategy)
            {
                case "FAIL_WITH_403":
                    return Denials.AccessDenied(rest: true);
                case "SUCCEED_WITH_RESPONSE_HEADER":
                    extra = [new("X-Cache-Control", "max-age=0 ignored: not authorized to invalidate the cache")];
                    break;
            }

            invalidate = false;
        }

        if (invalidate)
        {
            cache.Invalidate(stageKey, key);
        }
        else if (cache.Get(stageKey, key) is { } hit)
        {
            probe.CacheHit = true;
            probe.Final = ctx;
            return extra.Length == 0 ? hit : hit with { Headers = [.. hit.Headers, .. extra] };
        }

        probe.CacheHit = false;

        var response = await integrate(ctx);
        if (response.StatusCode is >= 200 and < 300)
        {
            cache.Put(stageKey, key, response, Math.Clamp(settings.CacheTtlSeconds, 0, 3600));
        }

        return extra.Length == 0 ? response : response with { Headers = [.. response.Headers, .. extra] };
    }

    private async Task<GatewayResponse> HttpCoreAsync(
        ApiEntry api, StageSnapshot stage, IntegrationTarget integration, MethodPlan plan, GatewayRequest request, EventContext ctx,
        Func<EventContext, Task<GatewayResponse>> integrate, CancellationToken cancellationToken)
    {
        var view = ApiProtection.Of(api);
        var (auth, settings) = (plan.Auth, plan.Settings);
        if (!throttles.TryAcquire(plan.AccountScope, throttles.AccountRate, throttles.AccountBurst)
            || (settings.RateLimit is not null || settings.BurstLimit is not null)
                && !throttles.TryAcquire(plan.MethodScope, settings.RateLimit ?? throttles.AccountRate, settings.BurstLimit ?? throttles.AccountBurst))
        {
            return Denials.Throttled(rest: false);
        }

        var v2 = integration.PayloadFormatVersion != "1.0";
        var routeArn = $"arn:aws:execute-api:{api.Region}:{api.Account}:{api.ApiId}/{stage.StageName}/{request.Method}{Uri.UnescapeDataString(request.RawPath)}";
        AuthOutcome outcome = new(null, null);
        switch (auth.AuthorizationType)
        {
            case "NONE":
                break;
            case "AWS_IAM":
                outcome = Iam(request, ctx, api, rest: false, v2);
                break;
            case "CUSTOM" when view.Authorizer(auth.AuthorizerId) is { } authorizer:
                outcome = await lambdas.HttpAsync(api, authorizer, request, ctx, routeArn, cancellationToken);
                break;
            case "JWT" when view.Authorizer(auth.AuthorizerId) is { } authorizer:
                outcome = await JwtAsync(authorizer, auth, request, ctx, v2, cancellationToken);
                break;
            default:
                outcome = AuthOutcome.Refuse(Denials.AuthorizerError(rest: false));
                break;
        }

        if (outcome.Deny is { } deny)
        {
            return deny;
        }

        return await integrate(outcome.Authorization is null ? ctx : ctx with { Authorization = outcome.Authorization });
    }

    private async Task<AuthOutcome> JwtAsync(JsonObject authorizer, MethodAuth auth, GatewayRequest request, EventContext ctx, bool v2, CancellationToken cancellationToken)
    {
        var sources = LambdaAuthorizers.Sources(authorizer["identitySource"]);
        var token = LambdaAuthorizers.HttpSource(sources.FirstOrDefault() ?? "$request.header.Authorization", request, ctx);
        if (string.IsNullOrWhiteSpace(token))
        {
            return AuthOutcome.Refuse(Denials.Unauthorized(rest: false));
        }

        if (token.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            token = token[7..].Trim();
        }

        var config = authorizer["jwtConfiguration"] as JsonObject;
        var issuer = config?["issuer"]?.GetValue<string>() ?? "";
        var audiences = (config?["audience"] as JsonArray ?? []).Select(a => a?.GetValue<string>()).OfType<string>().ToList();
        var result = await jwt.ValidateAsync(token, issuer, audiences, cancellationToken);
        if (!result.Valid)
        {
            return AuthOutcome.Refuse(Denials.Unauthorized(rest: false, new KeyValuePair<string, string>(
                "www-authenticate", $"Bearer scope=\"\" error=\"invalid_token\" error_description=\"{result.Error}\"")));
        }

        if (auth.Scopes.Count > 0 && !auth.Scopes.Any(result.Scopes.Contains))
        {
            var forbidden = Denials.Forbidden(rest: false);
            return AuthOutcome.Refuse(forbidden with
            {
                Headers = [.. forbidden.Headers, new("www-authenticate", $"Bearer scope=\"{string.Join(' ', auth.Scopes)}\" error=\"insufficient_scope\" error_description=\"expected scopes: {string.Join(' ', auth.Scopes)}\"")],
            });
        }

        JsonNode? scopes = result.Scopes.Count == 0 ? null : new JsonArray([.. result.Scopes.Select(s => (JsonNode)s)]);
        var body = new JsonObject { ["claims"] = result.Claims, ["scopes"] = scopes };
        return new AuthOutcome(null, new RequestAuthorization(v2 ? new JsonObject { ["jwt"] = body } : body, new Dictionary<string, string>()));
    }

    /// <summary>AWS_IAM: verifies SigV4 and describes the caller (identity fields for 1.0, <c>authorizer.iam</c> for 2.0).</summary>
    private AuthOutcome Iam(GatewayRequest request, EventContext ctx, ApiEntry api, bool rest, bool v2)
    {
        var result = SigV4Verifier.Verify(request, AddressedPath(request, api, ctx), time.GetUtcNow());
        if (result.Error is not null)
        {
            return AuthOutcome.Refuse(result.Missing ? Denials.MissingToken(rest) : Denials.InvalidSignature(rest, result.Error));
        }

        var userArn = $"arn:aws:iam::{result.AccountId}:root";
        if (v2)
        {
            var iam = new JsonObject
            {
                ["accessKey"] = result.AccessKey,
                ["accountId"] = result.AccountId,
                ["callerId"] = result.AccountId,
                ["cognitoIdentity"] = null,
                ["principalOrgId"] = null,
                ["userArn"] = userArn,
                ["userId"] = result.AccountId,
            };
            return new AuthOutcome(null, new RequestAuthorization(new JsonObject { ["iam"] = iam }, new Dictionary<string, string>()) { IamAuthenticated = true });
        }

        var identity = new Dictionary<string, string>
        {
            ["accessKey"] = result.AccessKey,
            ["accountId"] = result.AccountId,
            ["caller"] = result.AccountId,
            ["user"] = result.AccountId,
            ["userArn"] = userArn,
        };
        return new AuthOutcome(null, new RequestAuthorization(null, identity) { IamAuthenticated = true });
    }

    /// <summary>The path the client put on the wire (what it signed): <c>/{stage}/…</c> on the Host form,
    /// <c>/_api/{apiId}/{stage}/…</c> on the path form.</summary>
    private static string AddressedPath(GatewayRequest request, ApiEntry api, EventContext ctx)
    {
        var host = request.Header("Host") ?? "";
        var colon = host.LastIndexOf(':');
        var hostName = colon > 0 && !host.EndsWith(']') ? host[..colon] : host;
        var prefix = string.Equals(hostName, request.DomainName, StringComparison.OrdinalIgnoreCase) ? "" : "/_api/" + api.ApiId;
        return prefix + ctx.StagePrefix + request.RawPath;
    }

    private (double Rate, int Burst)? Throttle(JsonNode? node)
    {
        if (node is not JsonObject t)
        {
            return null;
        }

        var rate = ApiProtection.Number(t["rateLimit"]);
        var burst = ApiProtection.Number(t["burstLimit"]);
        return rate is null && burst is null ? null : (rate ?? throttles.AccountRate, (int)(burst ?? throttles.AccountBurst));
    }
}
