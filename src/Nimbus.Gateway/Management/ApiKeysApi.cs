using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Nimbus.Gateway.Protection;
using static Nimbus.Gateway.Management.JsonFields;
using static Nimbus.Gateway.Management.ManagementCall;

namespace Nimbus.Gateway.Management;

/// <summary>API Gateway v1 API keys, usage plans and usage-plan keys (<c>/apikeys</c>, <c>/usageplans</c>), and GetUsage.</summary>
/// <remarks>Account-level resources kept in <see cref="UsagePlanStore"/> (SQLite). Keys are created disabled unless
/// <c>enabled</c> is true, as on AWS; a generated value is 40 alphanumerics; a given value needs at least 20 characters.</remarks>
internal static class ApiKeysApi
{
    private const string ValueAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapPost("/apikeys", Handle(CreateApiKey));
        app.MapGet("/apikeys", Handle(GetApiKeys));
        app.MapGet("/apikeys/{apiKey}", Handle(GetApiKey));
        app.MapPatch("/apikeys/{apiKey}", Handle(UpdateApiKey));
        app.MapDelete("/apikeys/{apiKey}", Handle(DeleteApiKey));
        app.MapPost("/usageplans", Handle(CreateUsagePlan));
        app.MapGet("/usageplans", Handle(GetUsagePlans));
        app.MapGet("/usageplans/{usagePlanId}", Handle(GetUsagePlan));
        app.MapPatch("/usageplans/{usagePlanId}", Handle(UpdateUsagePlan));
        app.MapDelete("/usageplans/{usagePlanId}", Handle(DeleteUsagePlan));
        app.MapPost("/usageplans/{usagePlanId}/keys", Handle(CreateUsagePlanKey));
        app.MapGet("/usageplans/{usagePlanId}/keys", Handle(GetUsagePlanKeys));
        app.MapGet("/usageplans/{usagePlanId}/keys/{keyId}", Handle(GetUsagePlanKey));
        app.MapDelete("/usageplans/{usagePlanId}/keys/{keyId}", Handle(DeleteUsagePlanKey));
        app.MapGet("/usageplans/{usagePlanId}/usage", Handle(GetUsage));
    }

    private static UsagePlanStore Plans(ManagementCall call) => call.Http.RequestServices.GetRequiredService<UsagePlanStore>();

    private static long Now(ManagementCall call) => call.Store.Time.GetUtcNow().ToUnixTimeSeconds();

    private static async Task CreateApiKey(ManagementCall call)
    {
        var body = await call.BodyAsync();
        var value = String(body, "value") ?? RandomNumberGenerator.GetString(ValueAlphabet, 40);
        if (value.Length < 20)
        {
            throw GatewayErrors.BadRequest("API Key value should be at least 20 characters");
        }

        var id = GatewayIds.Child(10);
        var key = new JsonObject
        {
            ["id"] = id,
            ["value"] = value,
            ["name"] = String(body, "name") ?? id,
            ["enabled"] = Bool(body, "enabled") ?? false,
            ["createdDate"] = Now(call),
            ["lastUpdatedDate"] = Now(call),
            ["stageKeys"] = new JsonArray([.. (body["stageKeys"] as JsonArray ?? []).OfType<JsonObject>()
                .Select(s => (JsonNode)$"{String(s, "restApiId")}/{String(s, "stageName")}")]),
            ["tags"] = body["tags"]?.DeepClone() ?? new JsonObject(),
        };
        Copy(body, key, "description", "customerId");
        await call.JsonAsync(201, Plans(call).PutKey(id, call.Caller, key).Doc.DeepClone());
    }

    private static JsonNode KeyOutput(UsagePlanStore.Owned key, bool includeValue)
    {
        var copy = key.Doc.DeepClone().AsObject();
        if (!includeValue)
        {
            copy.Remove("value");
        }

        return copy;
    }

    private static async Task GetApiKeys(ManagementCall call)
    {
        var include = call.Query("includeValues") == "true";
        var name = call.Query("nameQuery");
        var customer = call.Query("customerId");
        var keys = Plans(call).Keys(call.Caller)
            .Where(k => name is null || (k.Doc["name"]?.GetValue<string>() ?? "").StartsWith(name, StringComparison.Ordinal))
            .Where(k => customer is null || k.Doc["customerId"]?.GetValue<string>() == customer)
            .OrderBy(k => k.Doc["createdDate"]?.GetValue<long>() ?? 0).ThenBy(k => k.Id, StringComparer.Ordinal)
            .Select(k => KeyOutput(k, include));
        await call.JsonAsync(200, call.Page(keys, "item", "position", "limit"));
    }

    private static async Task GetApiKey(ManagementCall call) =>
        await call.JsonAsync(200, KeyOutput(Plans(call).Key(call.Route("apiKey"), call.Caller), call.Query("includeValue") == "true"));

    private static async Task UpdateApiKey(ManagementCall call)
    {
        var body = await call.BodyAsync();
        var store = Plans(call);
        var key = store.Key(call.Route("apiKey"), call.Caller).Doc.DeepClone().AsObject();
        foreach (var op in body["patchOperations"] as JsonArray ?? [])
        {
            // Stage keys are "restApiId/stageName", which PatchOperations would split: handle them here.
            if (op?["path"]?.GetValue<string>() == "/stages" && op["value"]?.GetValue<string>() is { } stageKey)
            {
                var list = key["stageKeys"] as JsonArray ?? [];
                key["stageKeys"] = list;
                if (op["op"]?.GetValue<string>() == "add" && !list.Any(x => x?.GetValue<string>() == stageKey))
                {
                    list.Add(stageKey);
                }
                else if (op["op"]?.GetValue<string>() == "remove")
                {
                    foreach (var x in list.Where(x => x?.GetValue<string>() == stageKey).ToList())
                    {
                        list.Remove(x);
                    }
                }
            }
        }

        var rest = new JsonObject { ["patchOperations"] = new JsonArray([.. (body["patchOperations"] as JsonArray ?? []).Where(o => o?["path"]?.GetValue<string>() != "/stages").Select(o => o!.DeepClone())]) };
        PatchOperations.Apply(key, rest, "name", "description", "enabled", "customerId");
        key["lastUpdatedDate"] = Now(call);
        await call.JsonAsync(200, KeyOutput(store.PutKey(key["id"]!.GetValue<string>(), call.Caller, key), includeValue: false));
    }

    private static async Task DeleteApiKey(ManagementCall call)
    {
        Plans(call).DeleteKey(call.Route("apiKey"), call.Caller);
        await call.EmptyAsync(202);
    }

    private static async Task CreateUsagePlan(ManagementCall call)
    {
        var body = await call.BodyAsync();
        var name = Required(body, "name");
        var id = GatewayIds.Child(6);
        var plan = new JsonObject { ["id"] = id, ["name"] = name, ["apiStages"] = new JsonArray(), ["tags"] = body["tags"]?.DeepClone() ?? new JsonObject() };
        Copy(body, plan, "description", "apiStages", "throttle", "quota", "productCode");
        ValidatePlan(call, plan);
        await call.JsonAsync(201, Plans(call).PutPlan(id, call.Caller, plan).Doc.DeepClone());
    }

    private static void ValidatePlan(ManagementCall call, JsonObject plan)
    {
        foreach (var stage in (plan["apiStages"] as JsonArray ?? []).OfType<JsonObject>())
        {
            var apiId = String(stage, "apiId") ?? throw GatewayErrors.BadRequest("apiStages need an apiId");
            var stageName = String(stage, "stage") ?? throw GatewayErrors.BadRequest("apiStages need a stage");
            var api = call.Store.Find(apiId);
            if (api is null || api.Kind != ApiKind.Rest || api.Account != call.Caller.AccountId || api.Region != call.Caller.Region)
            {
                throw GatewayErrors.NotFound($"Invalid API identifier specified {call.Caller.AccountId}:{apiId}");
            }

            if (api.Doc["stages"]?[stageName] is null)
            {
                throw GatewayErrors.NotFound($"Invalid stage identifier specified {apiId}:{stageName}");
            }
        }

        if (plan["quota"] is JsonObject quota)
        {
            if (ApiProtection.Number(quota["limit"]) is not ({ } l and >= 0))
            {
                throw GatewayErrors.BadRequest("Quota limit must be a non-negative number");
            }

            if (String(quota, "period") is not ("DAY" or "WEEK" or "MONTH"))
            {
                throw GatewayErrors.BadRequest("Quota period must be one of DAY, WEEK, MONTH");
            }

            if (ApiProtection.Number(quota["offset"]) is { } offset && (offset < 0 || (String(quota, "period") == "DAY" && offset != 0) || (String(quota, "period") == "WEEK" && offset > 6) || offset > 27))
            {
                throw GatewayErrors.BadRequest("Quota offset is out of range for the period");
            }

            _ = l;
        }

        if (plan["throttle"] is JsonObject throttle && (ApiProtection.Number(throttle["rateLimit"]) < 0 || ApiProtection.Number(throttle["burstLimit"]) < 0))
        {
            throw GatewayErrors.BadRequest("Throttle limits must not be negative");
        }
    }

    private static async Task GetUsagePlans(ManagementCall call)
    {
        var store = Plans(call);
        var keyId = call.Query("keyId");
        var plans = store.Plans(call.Caller)
            .Where(p => keyId is null || store.PlanKeys(p.Id).Any(k => k.Id == keyId))
            .OrderBy(p => p.Id, StringComparer.Ordinal).Select(p => (JsonNode)p.Doc.DeepClone());
        await call.JsonAsync(200, call.Page(plans, "item", "position", "limit"));
    }

    private static async Task GetUsagePlan(ManagementCall call) =>
        await call.JsonAsync(200, Plans(call).Plan(call.Route("usagePlanId"), call.Caller).Doc.DeepClone());

    private static async Task UpdateUsagePlan(ManagementCall call)
    {
        var body = await call.BodyAsync();
        var store = Plans(call);
        var plan = store.Plan(call.Route("usagePlanId"), call.Caller).Doc.DeepClone().AsObject();
        var others = new JsonArray();
        foreach (var op in body["patchOperations"] as JsonArray ?? [])
        {
            var path = op?["path"]?.GetValue<string>() ?? "";
            var verb = op?["op"]?.GetValue<string>();
            var value = op?["value"]?.GetValue<string>();
            if (path == "/apiStages" && value is not null)
            {
                // Value "apiId:stage".
                var parts = value.Split(':', 2);
                var stages = plan["apiStages"] as JsonArray ?? [];
                plan["apiStages"] = stages;
                if (verb == "add" && parts.Length == 2)
                {
                    stages.Add(new JsonObject { ["apiId"] = parts[0], ["stage"] = parts[1] });
                }
                else if (verb == "remove")
                {
                    foreach (var s in stages.OfType<JsonObject>().Where(s => $"{String(s, "apiId")}:{String(s, "stage")}" == value).ToList())
                    {
                        stages.Remove(s);
                    }
                }
            }
            else if (path is "/throttle/rateLimit" or "/throttle/burstLimit" or "/quota/limit" or "/quota/offset" or "/quota/period")
            {
                var section = path.Split('/')[1];
                var field = path.Split('/')[2];
                var target = plan[section] as JsonObject ?? [];
                plan[section] = target;
                if (verb == "remove")
                {
                    target.Remove(field);
                }
                else if (field == "period")
                {
                    target[field] = value;
                }
                else
                {
                    target[field] = double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var n)
                        ? (field == "rateLimit" ? JsonValue.Create(n) : JsonValue.Create((long)n))
                        : throw GatewayErrors.BadRequest($"Invalid number {value}");
                }
            }
            else if (path is "/throttle" or "/quota" && verb == "remove")
            {
                plan.Remove(path[1..]);
            }
            else
            {
                others.Add(op!.DeepClone());
            }
        }

        PatchOperations.Apply(plan, new JsonObject { ["patchOperations"] = others }, "name", "description", "productCode");
        ValidatePlan(call, plan);
        await call.JsonAsync(200, store.PutPlan(plan["id"]!.GetValue<string>(), call.Caller, plan).Doc.DeepClone());
    }

    private static async Task DeleteUsagePlan(ManagementCall call)
    {
        Plans(call).DeletePlan(call.Route("usagePlanId"), call.Caller);
        await call.EmptyAsync(202);
    }

    private static JsonObject PlanKey(UsagePlanStore.Owned key) => new()
    {
        ["id"] = key.Id,
        ["type"] = "API_KEY",
        ["value"] = key.Doc["value"]?.DeepClone(),
        ["name"] = key.Doc["name"]?.DeepClone(),
    };

    private static async Task CreateUsagePlanKey(ManagementCall call)
    {
        var body = await call.BodyAsync();
        var keyId = Required(body, "keyId");
        if (Required(body, "keyType") != "API_KEY")
        {
            throw GatewayErrors.BadRequest("keyType must be API_KEY");
        }

        var store = Plans(call);
        store.Link(call.Route("usagePlanId"), keyId, call.Caller);
        await call.JsonAsync(201, PlanKey(store.Key(keyId, call.Caller)));
    }

    private static async Task GetUsagePlanKeys(ManagementCall call)
    {
        var store = Plans(call);
        store.Plan(call.Route("usagePlanId"), call.Caller);
        var name = call.Query("nameQuery");
        var keys = store.PlanKeys(call.Route("usagePlanId"))
            .Where(k => name is null || (k.Doc["name"]?.GetValue<string>() ?? "").StartsWith(name, StringComparison.Ordinal))
            .OrderBy(k => k.Id, StringComparer.Ordinal).Select(k => (JsonNode)PlanKey(k));
        await call.JsonAsync(200, call.Page(keys, "item", "position", "limit"));
    }

    private static async Task GetUsagePlanKey(ManagementCall call)
    {
        var store = Plans(call);
        store.Plan(call.Route("usagePlanId"), call.Caller);
        var key = store.PlanKeys(call.Route("usagePlanId")).FirstOrDefault(k => k.Id == call.Route("keyId"))
            ?? throw GatewayErrors.NotFound("Invalid Usage Plan Key identifier specified");
        await call.JsonAsync(200, PlanKey(key));
    }

    private static async Task DeleteUsagePlanKey(ManagementCall call)
    {
        Plans(call).Unlink(call.Route("usagePlanId"), call.Route("keyId"), call.Caller);
        await call.EmptyAsync(202);
    }

    private static async Task GetUsage(ManagementCall call)
    {
        var store = Plans(call);
        var plan = store.Plan(call.Route("usagePlanId"), call.Caller);
        static DateTime Date(string? s, string name) =>
            DateTime.TryParseExact(s, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var d)
                ? d : throw GatewayErrors.BadRequest($"Invalid {name}: expected yyyy-MM-dd");
        var start = Date(call.Query("startDate"), "startDate");
        var end = Date(call.Query("endDate"), "endDate");
        if (end < start || (end - start).TotalDays > 90)
        {
            throw GatewayErrors.BadRequest("The usage data period cannot exceed 90 days and endDate must not precede startDate");
        }

        await call.JsonAsync(200, new JsonObject
        {
            ["usagePlanId"] = plan.Id,
            ["startDate"] = call.Query("startDate"),
            ["endDate"] = call.Query("endDate"),
            ["values"] = store.Usage(plan, call.Query("keyId"), start, end),
        });
    }
}
