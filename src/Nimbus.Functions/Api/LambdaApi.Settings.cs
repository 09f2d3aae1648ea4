using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Nimbus.Core.Errors;
using Nimbus.Functions.Registry;

namespace Nimbus.Functions.Api;

/// <summary>Reserved concurrency, account settings and tags.</summary>
internal static partial class LambdaApi
{
    private const int MinimumUnreserved = 100;

    private static async Task PutFunctionConcurrency(HttpContext http, Api api)
    {
        var (key, _) = api.Function();
        var body = await api.BodyAsync();
        var value = body["ReservedConcurrentExecutions"]?.GetValue<int>()
            ?? throw new AwsError("ValidationException", "1 validation error detected: Value null at 'reservedConcurrentExecutions' failed to satisfy constraint: Member must not be null").ToException();
        if (value < 0)
        {
            throw new AwsError("ValidationException", $"1 validation error detected: Value '{value}' at 'reservedConcurrentExecutions' failed to satisfy constraint: Member must have value greater than or equal to 0").ToException();
        }

        api.Registry.Update(key, state =>
        {
            var others = api.Limiter.ReservedTotal(key.AccountId, key.Region) - (state.ReservedConcurrency ?? 0);
            if (api.Limiter.AccountLimit - others - value < MinimumUnreserved)
            {
                throw LambdaErrors.InvalidParameter($"Specified ReservedConcurrentExecutions for function decreases account's UnreservedConcurrentExecution below its minimum value of [{MinimumUnreserved}].").ToException();
            }

            return state with { ReservedConcurrency = value };
        });
        await api.JsonAsync(200, new JsonObject { ["ReservedConcurrentExecutions"] = value });
    }

    private static Task DeleteFunctionConcurrency(HttpContext http, Api api)
    {
        var (key, _) = api.Function();
        api.Registry.Update(key, state => state.ReservedConcurrency is null ? state : state with { ReservedConcurrency = null });
        return api.EmptyAsync(204);
    }

    private static Task GetFunctionConcurrency(HttpContext http, Api api)
    {
        var (key, _) = api.Function();
        var state = api.Registry.GetOrThrow(key);
        return api.JsonAsync(200, state.ReservedConcurrency is { } r ? new JsonObject { ["ReservedConcurrentExecutions"] = r } : new JsonObject());
    }

    private static Task GetAccountSettings(HttpContext http, Api api)
    {
        var functions = api.Registry.List(api.Caller.AccountId, api.Caller.Region).ToList();
        var totalCode = functions.Sum(f => f.Latest.CodeSize + f.Versions.Values.Sum(v => v.CodeSize));
        return api.JsonAsync(200, new JsonObject
        {
            ["AccountLimit"] = new JsonObject
            {
                ["TotalCodeSize"] = 80530636800L,
                ["CodeSizeUnzipped"] = Code.CodeStore.MaxUnzippedBytes,
                ["CodeSizeZipped"] = Code.CodeStore.MaxZippedBytes,
                ["ConcurrentExecutions"] = api.Limiter.AccountLimit,
                ["UnreservedConcurrentExecutions"] = api.Limiter.UnreservedLimit(api.Caller.AccountId, api.Caller.Region),
            },
            ["AccountUsage"] = new JsonObject { ["TotalCodeSize"] = totalCode, ["FunctionCount"] = functions.Count },
        });
    }

    private static async Task TagResource(HttpContext http, Api api)
    {
        var key = TaggedFunction(api);
        var body = await api.BodyAsync();
        var tags = body["Tags"] as JsonObject ?? [];
        api.Registry.Update(key, state => state with { Tags = state.Tags.SetItems(tags.Select(t => KeyValuePair.Create(t.Key, t.Value?.GetValue<string>() ?? ""))) });
        await api.EmptyAsync(204);
    }

    private static Task UntagResource(HttpContext http, Api api)
    {
        var key = TaggedFunction(api);
        var keys = http.Request.Query["tagKeys"].Where(k => k is not null).Select(k => k!).ToList();
        api.Registry.Update(key, state => state with { Tags = state.Tags.RemoveRange(keys) });
        return api.EmptyAsync(204);
    }

    private static Task ListTags(HttpContext http, Api api)
    {
        var state = api.Registry.GetOrThrow(TaggedFunction(api));
        return api.JsonAsync(200, new JsonObject { ["Tags"] = new JsonObject(state.Tags.Select(t => KeyValuePair.Create(t.Key, (JsonNode?)t.Value))) });
    }

    private static FunctionKey TaggedFunction(Api api)
    {
        var arn = api.Route("arn");
        var (key, qualifier) = FunctionName.Parse(arn, api.Caller, "resource");
        if (qualifier is not null || !arn.StartsWith("arn:", StringComparison.Ordinal))
        {
            throw LambdaErrors.InvalidParameter("Tags can only be applied to an unqualified function ARN.").ToException();
        }

        return key;
    }
}
