using System.Text.Json.Nodes;
using Nimbus.Core.Identity;
using Nimbus.Gateway.Management;
using Nimbus.Gateway.Protection;
using static Nimbus.Gateway.Tests.ProtectionHarness;

namespace Nimbus.Gateway.Tests;

public sealed class ThrottleKeyCacheTests : IDisposable
{
    private readonly ProtectionHarness _h = new();
    private readonly AwsRequestContext _owner = new(Account, Region, "r");

    public void Dispose() => _h.Dispose();

    [Fact]
    public void TokenBucket_AllowsTheBurstThenRefuses()
    {
        using var throttles = new Throttles();
        Assert.True(throttles.TryAcquire("s", 0.01, 2));
        Assert.True(throttles.TryAcquire("s", 0.01, 2));
        Assert.False(throttles.TryAcquire("s", 0.01, 2));
        Assert.False(throttles.TryAcquire("zero", 10, 0));

        // New limits replace the bucket.
        Assert.True(throttles.TryAcquire("s", 0.01, 3));
    }

    [Fact]
    public async Task Rest_MethodSettingsThrottle_Gives429TooManyRequests()
    {
        var stage = new JsonObject { ["methodSettings"] = new JsonObject { ["*/*"] = new JsonObject { ["throttlingRateLimit"] = 0.01, ["throttlingBurstLimit"] = 2 } } };
        var api = RestApi(new JsonObject { ["authorizationType"] = "NONE" }, stageExtra: stage);
        for (var i = 0; i < 2; i++)
        {
            Assert.Equal(200, (await _h.Dispatcher.DispatchAsync(api, Request("GET", "/prod/items/1"), default)).StatusCode);
        }

        var r = await _h.Dispatcher.DispatchAsync(api, Request("GET", "/prod/items/1"), default);
        Assert.Equal(429, r.StatusCode);
        Assert.Equal("{\"message\":\"Too Many Requests\"}", Body(r));
        Assert.Equal("TooManyRequestsException", r.Header("x-amzn-ErrorType"));
        Assert.Equal(2, _h.Calls("backend"));
    }

    [Fact]
    public async Task Rest_MethodOverride_OnlyAppliesToItsMethod()
    {
        var stage = new JsonObject { ["methodSettings"] = new JsonObject { ["~1items~1{id}/POST"] = new JsonObject { ["throttlingRateLimit"] = 0.01, ["throttlingBurstLimit"] = 1 } } };
        var api = RestApi(new JsonObject { ["authorizationType"] = "NONE" }, stageExtra: stage);
        Assert.Equal(200, (await _h.Dispatcher.DispatchAsync(api, Request("POST", "/prod/items/1"), default)).StatusCode);
        Assert.Equal(429, (await _h.Dispatcher.DispatchAsync(api, Request("POST", "/prod/items/1"), default)).StatusCode);
        Assert.Equal(200, (await _h.Dispatcher.DispatchAsync(api, Request("GET", "/prod/items/1"), default)).StatusCode);
    }

    [Fact]
    public async Task Http_RouteSettingsThrottle()
    {
        var stage = new JsonObject
        {
            ["defaultRouteSettings"] = new JsonObject { ["throttlingRateLimit"] = 100, ["throttlingBurstLimit"] = 100 },
            ["routeSettings"] = new JsonObject { ["GET /items/{id}"] = new JsonObject { ["throttlingRateLimit"] = 0.01, ["throttlingBurstLimit"] = 1 } },
        };
        var api = HttpApi(new JsonObject(), stageExtra: stage);
        Assert.Equal(200, (await _h.Dispatcher.DispatchAsync(api, Request("GET", "/items/1"), default)).StatusCode);
        var r = await _h.Dispatcher.DispatchAsync(api, Request("GET", "/items/1"), default);
        Assert.Equal(429, r.StatusCode);
        Assert.Equal("{\"message\":\"Too Many Requests\"}", Body(r));
    }

    private (string KeyId, string Value, string PlanId) KeyInPlan(JsonObject? quota = null, JsonObject? throttle = null, bool enabled = true)
    {
        var value = "k" + Guid.NewGuid().ToString("N");
        var key = _h.Plans.PutKey("key1", _owner, new JsonObject { ["id"] = "key1", ["value"] = value, ["name"] = "k", ["enabled"] = enabled });
        var plan = new JsonObject { ["id"] = "plan1", ["name"] = "p", ["apiStages"] = new JsonArray(new JsonObject { ["apiId"] = "restapi001", ["stage"] = "prod" }) };
        if (quota is not null)
        {
            plan["quota"] = quota;
        }

        if (throttle is not null)
        {
            plan["throttle"] = throttle;
        }

        _h.Plans.PutPlan("plan1", _owner, plan);
        _h.Plans.Link("plan1", "key1", _owner);
        return (key.Id, value, "plan1");
    }

    [Fact]
    public async Task ApiKeyRequired_MissingUnknownDisabledOrPlanless_Is403Forbidden()
    {
        var api = RestApi(new JsonObject { ["authorizationType"] = "NONE", ["apiKeyRequired"] = true });
        var r = await _h.Dispatcher.DispatchAsync(api, Request("GET", "/prod/items/1"), default);
        Assert.Equal(403, r.StatusCode);
        Assert.Equal("{\"message\":\"Forbidden\"}", Body(r));
        Assert.Equal("ForbiddenException", r.Header("x-amzn-ErrorType"));
        Assert.Equal(403, (await _h.Dispatcher.DispatchAsync(api, Request("GET", "/prod/items/1", ("x-api-key", "nope-nope-nope-nope-nope")), default)).StatusCode);

        // A key outside any plan for this stage is refused too.
        _h.Plans.PutKey("loose", _owner, new JsonObject { ["id"] = "loose", ["value"] = "loose-key-value-0123456789", ["enabled"] = true });
        Assert.Equal(403, (await _h.Dispatcher.DispatchAsync(api, Request("GET", "/prod/items/1", ("x-api-key", "loose-key-value-0123456789")), default)).StatusCode);

        var (_, disabled, _) = KeyInPlan(enabled: false);
        Assert.Equal(403, (await _h.Dispatcher.DispatchAsync(api, Request("GET", "/prod/items/1", ("x-api-key", disabled)), default)).StatusCode);
        Assert.Equal(0, _h.Calls("backend"));
    }

    [Fact]
    public async Task ApiKey_InPlan_PassesAndAppearsInTheIdentity_QuotaGives429LimitExceeded_AndSurvivesRestart()
    {
        var (keyId, value, planId) = KeyInPlan(quota: new JsonObject { ["limit"] = 2, ["period"] = "DAY", ["offset"] = 0 });
        var api = RestApi(new JsonObject { ["authorizationType"] = "NONE", ["apiKeyRequired"] = true });
        Assert.Equal(200, (await _h.Dispatcher.DispatchAsync(api, Request("GET", "/prod/items/1", ("x-api-key", value)), default)).StatusCode);
        var identity = _h.LastBackendEvent()["requestContext"]!["identity"]!;
        Assert.Equal(value, identity["apiKey"]!.GetValue<string>());
        Assert.Equal(keyId, identity["apiKeyId"]!.GetValue<string>());
        Assert.Equal(200, (await _h.Dispatcher.DispatchAsync(api, Request("GET", "/prod/items/1", ("x-api-key", value)), default)).StatusCode);
        var over = await _h.Dispatcher.DispatchAsync(api, Request("GET", "/prod/items/1", ("x-api-key", value)), default);
        Assert.Equal(429, over.StatusCode);
        Assert.Equal("{\"message\":\"Limit Exceeded\"}", Body(over));
        Assert.Equal("LimitExceededException", over.Header("x-amzn-ErrorType"));

        // Usage is durable: a new process still sees the quota used up.
        var reopened = new ProtectionHarness(_h.Dir);
        Assert.Equal(429, (await reopened.Dispatcher.DispatchAsync(api, Request("GET", "/prod/items/1", ("x-api-key", value)), default)).StatusCode);
        var today = DateTime.UtcNow.Date;
        var usage = reopened.Plans.Usage(reopened.Plans.Plan(planId, _owner), null, today, today);
        Assert.Equal(2, usage[keyId]![0]![0]!.GetValue<long>());
        Assert.Equal(0, usage[keyId]![0]![1]!.GetValue<long>());
    }

    [Fact]
    public async Task UsagePlanThrottle_Gives429TooManyRequests()
    {
        var (_, value, _) = KeyInPlan(throttle: new JsonObject { ["rateLimit"] = 0.01, ["burstLimit"] = 1 });
        var api = RestApi(new JsonObject { ["authorizationType"] = "NONE", ["apiKeyRequired"] = true });
        Assert.Equal(200, (await _h.Dispatcher.DispatchAsync(api, Request("GET", "/prod/items/1", ("x-api-key", value)), default)).StatusCode);
        var r = await _h.Dispatcher.DispatchAsync(api, Request("GET", "/prod/items/1", ("x-api-key", value)), default);
        Assert.Equal(429, r.StatusCode);
        Assert.Equal("{\"message\":\"Too Many Requests\"}", Body(r));
    }

    [Fact]
    public async Task ApiKeySourceAuthorizer_UsesTheUsageIdentifierKey()
    {
        var (_, value, _) = KeyInPlan();
        _h.Invoker.Answers["authz"] = _ =>
            $"{{\"principalId\":\"p\",\"usageIdentifierKey\":\"{value}\",\"policyDocument\":{{\"Statement\":[{{\"Action\":\"execute-api:Invoke\",\"Effect\":\"Allow\",\"Resource\":\"*\"}}]}}}}";
        var authorizers = new JsonObject { ["a"] = new JsonObject { ["id"] = "a", ["type"] = "TOKEN", ["identitySource"] = "method.request.header.Authorization", ["authorizerUri"] = "authz" } };
        var api = RestApi(new JsonObject { ["authorizationType"] = "CUSTOM", ["authorizerId"] = "a", ["apiKeyRequired"] = true }, authorizers, apiKeySource: "AUTHORIZER");
        Assert.Equal(200, (await _h.Dispatcher.DispatchAsync(api, Request("GET", "/prod/items/1", ("Authorization", "t")), default)).StatusCode);
        Assert.Equal("p", _h.LastBackendEvent()["requestContext"]!["authorizer"]!["principalId"]!.GetValue<string>());
        Assert.Equal(value, _h.LastBackendEvent()["requestContext"]!["identity"]!["apiKey"]!.GetValue<string>());
    }

    [Fact]
    public void UsagePlanKeys_OneKeyPerApiStage_AndQuotaPeriods()
    {
        KeyInPlan();
        _h.Plans.PutPlan("plan2", _owner, new JsonObject { ["id"] = "plan2", ["name"] = "p2", ["apiStages"] = new JsonArray(new JsonObject { ["apiId"] = "restapi001", ["stage"] = "prod" }) });
        var e = Assert.Throws<Nimbus.Core.Errors.AwsServiceException>(() => _h.Plans.Link("plan2", "key1", _owner));
        Assert.Equal("ConflictException", e.Error.Code);

        var wednesday = new DateTime(2026, 11, 25, 0, 0, 0, DateTimeKind.Utc);
        Assert.Equal(new DateTime(2026, 11, 22, 0, 0, 0, DateTimeKind.Utc), UsagePlanStore.PeriodStart(wednesday, "WEEK", 0));
        Assert.Equal(new DateTime(2026, 11, 23, 0, 0, 0, DateTimeKind.Utc), UsagePlanStore.PeriodStart(wednesday, "WEEK", 1));
        Assert.Equal(new DateTime(2026, 11, 1, 0, 0, 0, DateTimeKind.Utc), UsagePlanStore.PeriodStart(wednesday, "MONTH", 0));
        Assert.Equal(wednesday, UsagePlanStore.PeriodStart(wednesday, "DAY", 0));
    }

    private static JsonObject CachingStage(bool requireAuth = true, string strategy = "SUCCEED_WITH_RESPONSE_HEADER") => new()
    {
        ["cacheClusterEnabled"] = true,
        ["methodSettings"] = new JsonObject
        {
            ["*/*"] = new JsonObject
            {
                ["cachingEnabled"] = true, ["cacheTtlInSeconds"] = 300, ["requireAuthorizationForCacheControl"] = requireAuth,
                ["unauthorizedCacheControlHeaderStrategy"] = strategy,
            },
        },
    };

    [Fact]
    public async Task Cache_ServesRepeatedGets_ByCacheKeyParameters()
    {
        var n = 0;
        _h.Invoker.Answers["backend"] = _ => $"{{\"statusCode\":200,\"body\":\"{++n}\"}}";
        var method = new JsonObject
        {
            ["authorizationType"] = "NONE",
            ["methodIntegration"] = new JsonObject { ["type"] = "AWS_PROXY", ["httpMethod"] = "POST", ["uri"] = "backend", ["cacheKeyParameters"] = new JsonArray("method.request.path.id") },
        };
        var api = RestApi(method, stageExtra: CachingStage());
        Assert.Equal("1", Body(await _h.Dispatcher.DispatchAsync(api, Request("GET", "/prod/items/1"), default)));
        Assert.Equal("1", Body(await _h.Dispatcher.DispatchAsync(api, Request("GET", "/prod/items/1?x=2"), default)));
        Assert.Equal("2", Body(await _h.Dispatcher.DispatchAsync(api, Request("GET", "/prod/items/2"), default)));
        Assert.Equal("3", Body(await _h.Dispatcher.DispatchAsync(api, Request("POST", "/prod/items/1"), default)));
        Assert.Equal(3, _h.Calls("backend"));
        Assert.Equal(1, _h.Cache.Hits);

        // Unauthorized max-age=0 is ignored (default strategy); FlushStageCache empties the stage.
        Assert.Equal("1", Body(await _h.Dispatcher.DispatchAsync(api, Request("GET", "/prod/items/1", ("Cache-Control", "max-age=0")), default)));
        _h.Cache.Flush("restapi001/prod");
        Assert.Equal("4", Body(await _h.Dispatcher.DispatchAsync(api, Request("GET", "/prod/items/1"), default)));
    }

    [Fact]
    public async Task Cache_MaxAgeZero_Invalidates_WhenAuthorizationIsNotRequired_Or403WhenConfigured()
    {
        var n = 0;
        _h.Invoker.Answers["backend"] = _ => $"{{\"statusCode\":200,\"body\":\"{++n}\"}}";
        var open = RestApi(new JsonObject { ["authorizationType"] = "NONE" }, stageExtra: CachingStage(requireAuth: false));
        Assert.Equal("1", Body(await _h.Dispatcher.DispatchAsync(open, Request("GET", "/prod/items/1"), default)));
        Assert.Equal("2", Body(await _h.Dispatcher.DispatchAsync(open, Request("GET", "/prod/items/1", ("Cache-Control", "max-age=0")), default)));
        Assert.Equal("2", Body(await _h.Dispatcher.DispatchAsync(open, Request("GET", "/prod/items/1"), default)));

        var strict = RestApi(new JsonObject { ["authorizationType"] = "NONE" }, stageExtra: CachingStage(strategy: "FAIL_WITH_403"));
        Assert.Equal(403, (await _h.Dispatcher.DispatchAsync(strict, Request("GET", "/prod/items/1", ("Cache-Control", "max-age=0")), default)).StatusCode);
    }

    [Fact]
    public async Task Cache_Off_WithoutTheCacheCluster()
    {
        var stage = CachingStage();
        stage["cacheClusterEnabled"] = false;
        var api = RestApi(new JsonObject { ["authorizationType"] = "NONE" }, stageExtra: stage);
        await _h.Dispatcher.DispatchAsync(api, Request("GET", "/prod/items/1"), default);
        await _h.Dispatcher.DispatchAsync(api, Request("GET", "/prod/items/1"), default);
        Assert.Equal(2, _h.Calls("backend"));
    }

    [Fact]
    public void StageSettingsPatch_WritesMethodSettings()
    {
        var stage = new JsonObject { ["methodSettings"] = new JsonObject(), ["cacheClusterEnabled"] = false };
        var body = JsonNode.Parse("""
            {"patchOperations":[
              {"op":"replace","path":"/*/*/throttling/rateLimit","value":"12.5"},
              {"op":"replace","path":"/~1items~1{id}/GET/caching/enabled","value":"true"},
              {"op":"replace","path":"/~1items~1{id}/GET/caching/ttlInSeconds","value":"60"},
              {"op":"replace","path":"/cacheClusterEnabled","value":"true"},
              {"op":"replace","path":"/description","value":"d"}]}
            """)!.AsObject();
        StageSettingsPatch.Apply(stage, body);
        Assert.Equal(12.5, stage["methodSettings"]!["*/*"]!["throttlingRateLimit"]!.GetValue<double>());
        var get = stage["methodSettings"]!["~1items~1{id}/GET"]!;
        Assert.True(get["cachingEnabled"]!.GetValue<bool>());
        Assert.Equal(60, get["cacheTtlInSeconds"]!.GetValue<int>());
        Assert.Equal(12.5, get["throttlingRateLimit"]!.GetValue<double>());
        Assert.True(stage["cacheClusterEnabled"]!.GetValue<bool>());
        Assert.Equal("AVAILABLE", stage["cacheClusterStatus"]!.GetValue<string>());
        Assert.Single(body["patchOperations"]!.AsArray());

        var bad = JsonNode.Parse("""{"patchOperations":[{"op":"replace","path":"/*/*/caching/ttlInSeconds","value":"4000"}]}""")!.AsObject();
        Assert.Throws<Nimbus.Core.Errors.AwsServiceException>(() => StageSettingsPatch.Apply(stage, bad));
    }
}
