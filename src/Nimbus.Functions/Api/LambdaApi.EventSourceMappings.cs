using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Nimbus.Core.Errors;
using Nimbus.Core.Identity;
using Nimbus.Core.Messaging;
using Nimbus.Functions.EventSources;
using Nimbus.Functions.Registry;

namespace Nimbus.Functions.Api;

/// <summary>Create/Get/Update/Delete/ListEventSourceMappings for SQS queues.</summary>
internal static partial class LambdaApi
{
    private static async Task CreateEventSourceMapping(HttpContext http, Api api)
    {
        var body = await api.BodyAsync();
        var functionName = body["FunctionName"]?.GetValue<string>()
            ?? throw FunctionName.Validation("null", "functionName", "Member must not be null").ToException();
        var sourceArn = body["EventSourceArn"]?.GetValue<string>()
            ?? throw LambdaErrors.InvalidParameter("Unrecognized event source, must be kinesis, dynamodb stream, sqs, msk, mq or documentdb stream.").ToException();
        if (!Arn.TryParse(sourceArn, out var source) || source.Service != "sqs")
        {
            throw LambdaErrors.InvalidParameter(
                $"Unrecognized event source {sourceArn}: Nimbus supports SQS queues as event sources (stream sources come with DynamoDB).").ToException();
        }

        var (key, qualifier) = FunctionName.Parse(functionName, api.Caller);
        var config = ResolveMappedFunction(api, key, qualifier);
        var queue = await DescribeQueue(http, sourceArn);
        var batchSize = OptionalInt(body, "BatchSize", "batchSize", 1, 10000).Value ?? 10;
        var window = OptionalInt(body, "MaximumBatchingWindowInSeconds", "maximumBatchingWindowInSeconds", 0, 300).Value ?? 0;
        var mapping = new EventSourceMapping(
            Guid.NewGuid().ToString(),
            api.Caller.AccountId,
            api.Caller.Region,
            sourceArn,
            key.ArnFor(qualifier),
            batchSize,
            window,
            body["Enabled"]?.GetValue<bool>() ?? true,
            ResponseTypes(body),
            MaximumConcurrency(body, null),
            Filters(http, body, null),
            api.Time.GetUtcNow().ToUnixTimeMilliseconds());
        ValidateMapping(mapping, queue, config);

        api.EventSources.Put(mapping, existing =>
        {
            if (existing.FirstOrDefault(m => m.EventSourceArn == mapping.EventSourceArn && m.FunctionArn == mapping.FunctionArn) is { } twin)
            {
                throw LambdaErrors.Conflict(
                    $"An event source mapping with SQS arn (\" {sourceArn} \") and function (\" {key.Name} \") already exists. Please update or delete the existing mapping with UUID {twin.Uuid}").ToException();
            }
        });
        await api.JsonAsync(202, MappingJson(mapping, "Creating"));
    }

    private static Task GetEventSourceMapping(HttpContext http, Api api)
    {
        var mapping = MappingOrThrow(api);
        return api.JsonAsync(200, MappingJson(mapping, mapping.Enabled ? "Enabled" : "Disabled"));
    }

    private static async Task UpdateEventSourceMapping(HttpContext http, Api api)
    {
        var mapping = MappingOrThrow(api);
        var body = await api.BodyAsync();
        var functionArn = mapping.FunctionArn;
        FunctionConfig? config = null;
        if (body["FunctionName"]?.GetValue<string>() is { } functionName)
        {
            var (key, qualifier) = FunctionName.Parse(functionName, api.Caller);
            config = ResolveMappedFunction(api, key, qualifier);
            functionArn = key.ArnFor(qualifier);
        }

        var batch = OptionalInt(body, "BatchSize", "batchSize", 1, 10000);
        var window = OptionalInt(body, "MaximumBatchingWindowInSeconds", "maximumBatchingWindowInSeconds", 0, 300);
        var enabled = body["Enabled"]?.GetValue<bool>();
        var updated = mapping with
        {
            FunctionArn = functionArn,
            BatchSize = batch.Value ?? mapping.BatchSize,
            MaximumBatchingWindowInSeconds = window.Value ?? mapping.MaximumBatchingWindowInSeconds,
            Enabled = enabled ?? mapping.Enabled,
            FunctionResponseTypes = body.ContainsKey("FunctionResponseTypes") ? ResponseTypes(body) : mapping.FunctionResponseTypes,
            MaximumConcurrency = MaximumConcurrency(body, mapping.MaximumConcurrency),
            Filters = Filters(http, body, mapping.Filters),
            LastModifiedMs = api.Time.GetUtcNow().ToUnixTimeMilliseconds(),
        };
        if (config is not null || batch.Present || window.Present)
        {
            var (key, qualifier) = FunctionName.Parse(updated.FunctionArn, api.Caller);
            ValidateMapping(updated, await DescribeQueue(http, updated.EventSourceArn), config ?? ResolveMappedFunction(api, key, qualifier));
        }

        api.EventSources.Put(updated);
        var state = enabled switch
        {
            true when !mapping.Enabled => "Enabling",
            false when mapping.Enabled => "Disabling",
            _ => "Updating",
        };
        await api.JsonAsync(202, MappingJson(updated, state));
    }

    private static Task DeleteEventSourceMapping(HttpContext http, Api api)
    {
        var mapping = MappingOrThrow(api);
        api.EventSources.Delete(mapping);
        return api.JsonAsync(202, MappingJson(mapping, "Deleting"));
    }

    private static Task ListEventSourceMappings(HttpContext http, Api api)
    {
        var source = api.Query("EventSourceArn");
        string? functionArn = null;
        if (api.Query("FunctionName") is { } name)
        {
            var (key, qualifier) = FunctionName.Parse(name, api.Caller);
            functionArn = key.ArnFor(qualifier);
        }

        var all = api.EventSources.All
            .Where(m => m.AccountId == api.Caller.AccountId && m.Region == api.Caller.Region)
            .Where(m => source is null || m.EventSourceArn == source)
            .Where(m => functionArn is null || m.FunctionArn == functionArn)
            .OrderBy(m => m.Uuid, StringComparer.Ordinal)
            .ToList();
        var (page, next) = Paginate(all, api.Query("Marker"), api.Query("MaxItems"), m => m.Uuid);
        return api.JsonAsync(200, Page("EventSourceMappings", [.. page.Select(m => (JsonNode)MappingJson(m, m.Enabled ? "Enabled" : "Disabled"))], next));
    }

    private static EventSourceMapping MappingOrThrow(Api api)
    {
        var uuid = api.Route("uuid");
        var mapping = api.EventSources.Get(uuid);
        return mapping is not null && mapping.AccountId == api.Caller.AccountId && mapping.Region == api.Caller.Region
            ? mapping
            : throw new AwsError("ResourceNotFoundException", "The resource you requested does not exist.", 404).ToException();
    }

    private static FunctionConfig ResolveMappedFunction(Api api, FunctionKey key, string? qualifier)
    {
        var state = api.Registry.Get(key) ?? throw LambdaErrors.FunctionNotFound(key.ArnFor(qualifier)).ToException();
        var version = qualifier is null ? "$LATEST" : state.Aliases.TryGetValue(qualifier, out var alias) ? alias.FunctionVersion : qualifier;
        return state.Version(version) ?? throw LambdaErrors.FunctionNotFound(key.ArnFor(qualifier)).ToException();
    }

    private static async Task<QueueDescription> DescribeQueue(HttpContext http, string queueArn)
    {
        var queues = http.RequestServices.GetService<IMessageQueues>()
            ?? throw LambdaErrors.InvalidParameter("SQS is not running in this Nimbus, so a queue cannot be an event source.").ToException();
        return await queues.DescribeAsync(queueArn, http.RequestAborted)
            ?? throw LambdaErrors.InvalidParameter(
                "Error occurred while ReceiveMessage. SQS Error Code: AWS.SimpleQueueService.NonExistentQueue. SQS Error Message: The specified queue does not exist for this wsdl version.").ToException();
    }

    private static void ValidateMapping(EventSourceMapping mapping, QueueDescription queue, FunctionConfig function)
    {
        if (queue.Fifo && mapping.BatchSize > 10)
        {
            throw LambdaErrors.InvalidParameter("Batch size must be between 1 and 10 for FIFO queues.").ToException();
        }

        if (mapping.BatchSize > 10 && mapping.MaximumBatchingWindowInSeconds == 0)
        {
            throw LambdaErrors.InvalidParameter("Maximum batch window in seconds must be greater than 0 if maximum batch size is greater than 10").ToException();
        }

        if (queue.VisibilityTimeout.TotalSeconds < function.Timeout)
        {
            throw LambdaErrors.InvalidParameter(
                $"Queue visibility timeout: {queue.VisibilityTimeout.TotalSeconds.ToString(CultureInfo.InvariantCulture)} seconds is less than Function timeout: {function.Timeout} seconds").ToException();
        }
    }

    private static List<string> ResponseTypes(JsonObject body)
    {
        var types = (body["FunctionResponseTypes"] as JsonArray)?.Select(t => t?.GetValue<string>() ?? "").ToList() ?? [];
        if (types.FirstOrDefault(t => t != "ReportBatchItemFailures") is { } bad)
        {
            throw FunctionName.Validation($"[{bad}]", "functionResponseTypes", "Member must satisfy constraint: [Member must satisfy enum value set: [ReportBatchItemFailures]]").ToException();
        }

        return types.Distinct().ToList();
    }

    private static int? MaximumConcurrency(JsonObject body, int? current)
    {
        if (body["ScalingConfig"] is not JsonObject scaling)
        {
            return current;
        }

        var value = scaling["MaximumConcurrency"]?.GetValue<int>();
        if (value is < 2 or > 1000)
        {
            throw FunctionName.Validation(value.Value.ToString(CultureInfo.InvariantCulture), "scalingConfig.maximumConcurrency",
                value < 2 ? "Member must have value greater than or equal to 2" : "Member must have value less than or equal to 1000").ToException();
        }

        return value;
    }

    private static List<string>? Filters(HttpContext http, JsonObject body, IReadOnlyList<string>? current)
    {
        if (body["FilterCriteria"] is not JsonObject criteria)
        {
            return current?.ToList();
        }

        var patterns = (criteria["Filters"] as JsonArray)?.Select(f => f?["Pattern"]?.GetValue<string>() ?? "").ToList() ?? [];
        if (patterns.Count > 5)
        {
            throw LambdaErrors.InvalidParameter("The total number of filters in FilterCriteria exceeds the limit of 5.").ToException();
        }

        var compiler = http.RequestServices.GetService<IEventPatterns>();
        foreach (var pattern in patterns)
        {
            try
            {
                if (compiler is null)
                {
                    throw new ArgumentException("event filtering needs the EventBridge pattern matcher, which is not running");
                }

                compiler.Compile(pattern);
            }
            catch (ArgumentException e)
            {
                throw LambdaErrors.InvalidParameter($"Invalid filter pattern definition. {e.Message}").ToException();
            }
        }

        return patterns.Count == 0 ? null : patterns;
    }

    private static JsonObject MappingJson(EventSourceMapping m, string state)
    {
        var o = new JsonObject
        {
            ["UUID"] = m.Uuid,
            ["BatchSize"] = m.BatchSize,
            ["MaximumBatchingWindowInSeconds"] = m.MaximumBatchingWindowInSeconds,
            ["EventSourceArn"] = m.EventSourceArn,
        };
        if (m.Filters is { Count: > 0 } filters)
        {
            o["FilterCriteria"] = new JsonObject { ["Filters"] = new JsonArray([.. filters.Select(f => (JsonNode)new JsonObject { ["Pattern"] = f })]) };
        }

        o["FunctionArn"] = m.FunctionArn;
        o["LastModified"] = m.LastModifiedMs / 1000.0;
        o["State"] = state;
        o["StateTransitionReason"] = "USER_INITIATED";
        o["FunctionResponseTypes"] = new JsonArray([.. m.FunctionResponseTypes.Select(t => (JsonNode)JsonValue.Create(t))]);
        if (m.MaximumConcurrency is { } max)
        {
            o["ScalingConfig"] = new JsonObject { ["MaximumConcurrency"] = max };
        }

        o["EventSourceMappingArn"] = m.Arn;
        return o;
    }
}
