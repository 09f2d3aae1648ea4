using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Nimbus.Core.Errors;
using Nimbus.Core.Identity;
using Nimbus.Functions.Registry;

namespace Nimbus.Functions.Api;

/// <summary>Put/Update/Get/Delete/ListFunctionEventInvokeConfig: retries, event age and destinations of Event invocations.</summary>
internal static partial class LambdaApi
{
    private static readonly string[] DestinationServices = ["sqs", "sns", "lambda", "events"];

    private static Task PutFunctionEventInvokeConfig(HttpContext http, Api api) => WriteEventInvokeConfig(api, replace: true);

    private static Task UpdateFunctionEventInvokeConfig(HttpContext http, Api api) => WriteEventInvokeConfig(api, replace: false);

    private static async Task WriteEventInvokeConfig(Api api, bool replace)
    {
        var (key, qualifier) = EventInvokeTarget(api);
        var body = await api.BodyAsync();
        var retries = OptionalInt(body, "MaximumRetryAttempts", "maximumRetryAttempts", 0, 2);
        var age = OptionalInt(body, "MaximumEventAgeInSeconds", "maximumEventAgeInSeconds", 60, 21600);
        var destinations = body["DestinationConfig"] as JsonObject;
        var onSuccess = Destination(destinations, "OnSuccess");
        var onFailure = Destination(destinations, "OnFailure");
        var now = api.Time.GetUtcNow().ToUnixTimeMilliseconds();

        var state = api.Registry.Update(key, s =>
        {
            RequireQualifier(s, qualifier);
            var existing = s.EventInvokeConfigs.GetValueOrDefault(qualifier);
            EventInvokeConfig config;
            if (replace)
            {
                config = new EventInvokeConfig(qualifier, retries.Value, age.Value, onSuccess.Value, onFailure.Value, now);
            }
            else
            {
                if (existing is null)
                {
                    throw NoEventInvokeConfig(key.ArnFor(qualifier));
                }

                config = existing with
                {
                    MaximumRetryAttempts = retries.Present ? retries.Value : existing.MaximumRetryAttempts,
                    MaximumEventAgeInSeconds = age.Present ? age.Value : existing.MaximumEventAgeInSeconds,
                    OnSuccess = onSuccess.Present ? onSuccess.Value : existing.OnSuccess,
                    OnFailure = onFailure.Present ? onFailure.Value : existing.OnFailure,
                    LastModifiedMs = now,
                };
            }

            return s with { EventInvokeConfigs = s.EventInvokeConfigs.SetItem(qualifier, config) };
        });
        await api.JsonAsync(200, EventInvokeConfigJson(state, state.EventInvokeConfigs[qualifier]));
    }

    private static Task GetFunctionEventInvokeConfig(HttpContext http, Api api)
    {
        var (key, qualifier) = EventInvokeTarget(api);
        var state = api.Registry.GetOrThrow(key);
        RequireQualifier(state, qualifier);
        var config = state.EventInvokeConfigs.GetValueOrDefault(qualifier) ?? throw NoEventInvokeConfig(key.ArnFor(qualifier));
        return api.JsonAsync(200, EventInvokeConfigJson(state, config));
    }

    private static Task DeleteFunctionEventInvokeConfig(HttpContext http, Api api)
    {
        var (key, qualifier) = EventInvokeTarget(api);
        api.Registry.Update(key, s =>
        {
            RequireQualifier(s, qualifier);
            return s.EventInvokeConfigs.ContainsKey(qualifier)
                ? s with { EventInvokeConfigs = s.EventInvokeConfigs.Remove(qualifier) }
                : throw NoEventInvokeConfig(key.ArnFor(qualifier));
        });
        return api.EmptyAsync(204);
    }

    private static Task ListFunctionEventInvokeConfigs(HttpContext http, Api api)
    {
        var (key, _) = api.Function();
        var state = api.Registry.GetOrThrow(key);
        var max = api.Query("MaxItems");
        if (max is not null && (!int.TryParse(max, out var m) || m is < 1 or > 50))
        {
            throw new AwsError("ValidationException", $"1 validation error detected: Value '{max}' at 'maxItems' failed to satisfy constraint: Member must have value less than or equal to 50").ToException();
        }

        var all = state.EventInvokeConfigs.Values.OrderBy(c => c.Qualifier, StringComparer.Ordinal).ToList();
        var (page, next) = Paginate(all, api.Query("Marker"), max, c => c.Qualifier);
        return api.JsonAsync(200, Page("FunctionEventInvokeConfigs", [.. page.Select(c => (JsonNode)EventInvokeConfigJson(state, c))], next));
    }

    private static (FunctionKey Key, string Qualifier) EventInvokeTarget(Api api)
    {
        var (key, nameQualifier) = api.Function();
        var qualifier = api.Query("Qualifier");
        if (nameQualifier is not null && qualifier is not null && nameQualifier != qualifier)
        {
            throw LambdaErrors.InvalidParameter("The derived qualifier from the function name does not match the specified qualifier.").ToException();
        }

        return (key, qualifier ?? nameQualifier ?? "$LATEST");
    }

    private static void RequireQualifier(FunctionState state, string qualifier)
    {
        if (state.Version(qualifier) is null && !state.Aliases.ContainsKey(qualifier))
        {
            throw LambdaErrors.FunctionNotFound(state.Key.ArnFor(qualifier)).ToException();
        }
    }

    private static AwsServiceException NoEventInvokeConfig(string arn) =>
        new AwsError("ResourceNotFoundException", $"The function {arn} doesn't have an EventInvokeConfig", 404).ToException();

    private static (bool Present, int? Value) OptionalInt(JsonObject body, string member, string field, int min, int max)
    {
        if (!body.TryGetPropertyValue(member, out var node) || node is null)
        {
            return (false, null);
        }

        var value = node.GetValue<int>();
        if (value < min || value > max)
        {
            var constraint = value < min ? $"greater than or equal to {min}" : $"less than or equal to {max}";
            throw new AwsError("ValidationException", $"1 validation error detected: Value '{value.ToString(CultureInfo.InvariantCulture)}' at '{field}' failed to satisfy constraint: Member must have value {constraint}").ToException();
        }

        return (true, value);
    }

    private static (bool Present, string? Value) Destination(JsonObject? destinations, string member)
    {
        if (destinations is null || !destinations.TryGetPropertyValue(member, out var node) || node is null)
        {
            return (false, null);
        }

        var arn = node["Destination"]?.GetValue<string>();
        if (string.IsNullOrEmpty(arn))
        {
            return (true, null);
        }

        if (!Arn.TryParse(arn, out var parsed) || !DestinationServices.Contains(parsed.Service))
        {
            throw LambdaErrors.InvalidParameter($"The destination ARN {arn} is invalid.").ToException();
        }

        return (true, arn);
    }

    private static JsonObject EventInvokeConfigJson(FunctionState state, EventInvokeConfig config)
    {
        var o = new JsonObject
        {
            ["LastModified"] = config.LastModifiedMs / 1000.0,
            ["FunctionArn"] = state.Key.ArnFor(config.Qualifier),
        };
        if (config.MaximumRetryAttempts is { } r)
        {
            o["MaximumRetryAttempts"] = r;
        }

        if (config.MaximumEventAgeInSeconds is { } a)
        {
            o["MaximumEventAgeInSeconds"] = a;
        }

        o["DestinationConfig"] = new JsonObject
        {
            ["OnSuccess"] = config.OnSuccess is null ? new JsonObject() : new JsonObject { ["Destination"] = config.OnSuccess },
            ["OnFailure"] = config.OnFailure is null ? new JsonObject() : new JsonObject { ["Destination"] = config.OnFailure },
        };
        return o;
    }
}
