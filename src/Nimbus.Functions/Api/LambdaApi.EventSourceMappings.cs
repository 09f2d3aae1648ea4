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

/// <summary>Create/Get/Update/Delete/ListEventSourceMappings for SQS queues and DynamoDB streams.</summary>
internal static partial class LambdaApi
{
    private static async Task CreateEventSourceMapping(HttpContext http, Api api)
    {
        var body = await api.BodyAsync();
        var functionName = body["FunctionName"]?.GetValue<string>()
            ?? throw FunctionName.Validation("null", "functionName", "Member must not be null").ToException();
        var sourceArn = body["EventSourceArn"]?.GetValue<string>()
            ?? throw LambdaErrors.InvalidParameter("Unrecognized event source, must be kinesis, dynamodb stream, sqs, msk, mq or documentdb stream.").ToException();
        if (!Arn.TryParse(sourceArn, out var source) || source.Service is not ("sqs" or "dynamodb")
            || (source.Service == "dynamodb" && !sourceArn.Contains("/stream/", StringComparison.Ordinal)))
        {
            throw LambdaErrors.InvalidParameter(
                $"Unrecognized event source {sourceArn}: Nimbus supports SQS queues and DynamoDB streams as event sources.").ToException();
        }

        var isStream = source.Service == "dynamodb";
        var (key, qualifier) = FunctionName.Parse(functionName, api.Caller);
        var config = ResolveMappedFunction(api, key, qualifier);
        var queue = isStream ? null : await DescribeQueue(http, sourceArn);
        if (isStream)
        {
            await DescribeStream(http, sourceArn);
        }

        var batchSize = OptionalInt(body, "BatchSize", "batchSize", 1, 10000).Value ?? (isStream ? 100 : 10);
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
        mapping = StreamSettings(body, mapping, creating: true);
        ValidateMapping(mapping, queue, config);

        api.EventSources.Put(mapping, existing =>
        {
            if (existing.FirstOrDefault(m => m.EventSourceArn == mapping.EventSourceArn && m.FunctionArn == mapping.FunctionArn) is { } twin)
            {
                throw LambdaErrors.Conflict(isStream
                    ? $"The event source arn (\" {sourceArn} \") and function (\" {key.Name} \") provided mapping already exists. Please update or delete the existing mapping with UUID {twin.Uuid}"
                    : $"An event source mapping with SQS arn (\" {sourceArn} \") and function (\" {key.Name} \") already exists. Please update or delete the existing mapping with UUID {twin.Uuid}").ToException();
            }
        });
        await api.JsonAsync(202, MappingJson(mapping, "Creating"));
    }

    private static Task GetEventSourceMapping(HttpContext http, Api api)
    {
        var mapping = MappingOrThrow(api);
        return api.JsonAsync(200, MappingJson(mapping, mapping.Enabled ? "Enabled" : "Disabled", LastResult(http, mapping)));
    }

    private static string? LastResult(HttpContext http, EventSourceMapping mapping) =>
        mapping.IsStream ? http.RequestServices.GetService<EventSourceMappingWorker>()?.LastProcessingResultOf(mapping.Uuid) : null;

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
        updated = StreamSettings(body, updated, creating: false);
        if (config is not null || batch.Present || window.Present)
        {
            var (key, qualifier) = FunctionName.Parse(updated.FunctionArn, api.Caller);
            ValidateMapping(updated, updated.IsStream ? null : await DescribeQueue(http, updated.EventSourceArn), config ?? ResolveMappedFunction(api, key, qualifier));
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
        return api.JsonAsync(200, Page("EventSourceMappings", [.. page.Select(m => (JsonNode)MappingJson(m, m.Enabled ? "Enabled" : "Disabled", LastResult(http, m)))], next));
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

    private static async Task DescribeStream(HttpContext http, string streamArn)
    {
        var streams = http.RequestServices.GetService<IStreamSources>()
            ?? throw LambdaErrors.InvalidParameter("DynamoDB is not running in this Nimbus, so a stream cannot be an event source.").ToException();
        if (await streams.DescribeAsync(streamArn, http.RequestAborted) is not { Enabled: true })
        {
            throw LambdaErrors.InvalidParameter($"Stream not found: {streamArn}").ToException();
        }
    }

    private static readonly string[] StreamOnlyMembers =
        ["StartingPosition", "StartingPositionTimestamp", "BisectBatchOnFunctionError", "MaximumRetryAttempts", "MaximumRecordAgeInSeconds", "ParallelizationFactor", "DestinationConfig", "TumblingWindowInSeconds"];

    /// <summary>Applies the stream members of a create or update request (and rejects them for queues, as AWS does).</summary>
    private static EventSourceMapping StreamSettings(JsonObject body, EventSourceMapping mapping, bool creating)
    {
        if (!mapping.IsStream)
        {
            foreach (var member in StreamOnlyMembers.Where(m => body[m] is not null))
            {
                throw LambdaErrors.InvalidParameter(member == "StartingPosition"
                    ? "StartingPosition is not valid for SQS event sources."
                    : $"Unsupported {member} parameter for given event source mapping type.").ToException();
            }

            return mapping;
        }

        var updated = mapping;
        if (creating)
        {
            var position = body["StartingPosition"]?.GetValue<string>()
                ?? throw LambdaErrors.InvalidParameter("1 validation error detected: Value null at 'startingPosition' failed to satisfy constraint: Member must not be null.").ToException();
            if (position is not ("TRIM_HORIZON" or "LATEST" or "AT_TIMESTAMP"))
            {
                throw FunctionName.Validation(position, "startingPosition", "Member must satisfy enum value set: [LATEST, AT_TIMESTAMP, TRIM_HORIZON]").ToException();
            }

            long? timestampMs = null;
            if (position == "AT_TIMESTAMP")
            {
                var seconds = body["StartingPositionTimestamp"]?.GetValue<double>()
                    ?? throw LambdaErrors.InvalidParameter("StartingPositionTimestamp must be provided when StartingPosition is AT_TIMESTAMP.").ToException();
                timestampMs = (long)(seconds * 1000);
            }
            else if (body["StartingPositionTimestamp"] is not null)
            {
                throw LambdaErrors.InvalidParameter("StartingPositionTimestamp is only valid when StartingPosition is AT_TIMESTAMP.").ToException();
            }

            updated = updated with
            {
                StartingPosition = position,
                StartingPositionTimestampMs = timestampMs,
                BisectBatchOnFunctionError = false,
                MaximumRetryAttempts = -1,
                MaximumRecordAgeInSeconds = -1,
                ParallelizationFactor = 1,
            };
        }
        else if (body["StartingPosition"] is not null || body["StartingPositionTimestamp"] is not null)
        {
            throw LambdaErrors.InvalidParameter("StartingPosition cannot be updated.").ToException();
        }

        if (body["BisectBatchOnFunctionError"] is { } bisect)
        {
            updated = updated with { BisectBatchOnFunctionError = bisect.GetValue<bool>() };
        }

        if (OptionalInt(body, "MaximumRetryAttempts", "maximumRetryAttempts", -1, 10000) is { Present: true } retries)
        {
            updated = updated with { MaximumRetryAttempts = retries.Value };
        }

        if (OptionalInt(body, "MaximumRecordAgeInSeconds", "maximumRecordAgeInSeconds", -1, 604800) is { Present: true } age)
        {
            if (age.Value is >= 0 and < 60)
            {
                throw LambdaErrors.InvalidParameter("MaximumRecordAgeInSeconds must be -1 (infinite) or between 60 and 604800 seconds.").ToException();
            }

            updated = updated with { MaximumRecordAgeInSeconds = age.Value };
        }

        if (OptionalInt(body, "ParallelizationFactor", "parallelizationFactor", 1, 10) is { Present: true } factor)
        {
            updated = updated with { ParallelizationFactor = factor.Value };
        }

        if (body["TumblingWindowInSeconds"] is { } tumbling && tumbling.GetValue<int>() != 0)
        {
            throw LambdaErrors.InvalidParameter("TumblingWindowInSeconds is not supported by Nimbus yet.").ToException();
        }

        if (body["DestinationConfig"] is JsonObject destinations)
        {
            if (destinations["OnSuccess"]?["Destination"] is not null)
            {
                throw LambdaErrors.InvalidParameter("Unsupported OnSuccess destination for given event source mapping type.").ToException();
            }

            var onFailure = destinations["OnFailure"]?["Destination"]?.GetValue<string>();
            if (!string.IsNullOrEmpty(onFailure) && (!Arn.TryParse(onFailure, out var parsed) || parsed.Service is not ("sqs" or "sns")))
            {
                throw LambdaErrors.InvalidParameter($"The destination ARN {onFailure} is invalid.").ToException();
            }

            updated = updated with { OnFailureDestination = string.IsNullOrEmpty(onFailure) ? null : onFailure };
        }

        return updated;
    }

    private static void ValidateMapping(EventSourceMapping mapping, QueueDescription? queue, FunctionConfig function)
    {
        if (queue is null)
        {
            return;
        }

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

    private static JsonObject MappingJson(EventSourceMapping m, string state, string? lastProcessingResult = null)
    {
        var o = new JsonObject { ["UUID"] = m.Uuid };
        if (m.IsStream)
        {
            o["StartingPosition"] = m.StartingPosition;
            if (m.StartingPositionTimestampMs is { } ts)
            {
                o["StartingPositionTimestamp"] = ts / 1000.0;
            }
        }

        o["BatchSize"] = m.BatchSize;
        o["MaximumBatchingWindowInSeconds"] = m.MaximumBatchingWindowInSeconds;
        if (m.IsStream)
        {
            o["ParallelizationFactor"] = m.ParallelizationFactor ?? 1;
        }

        o["EventSourceArn"] = m.EventSourceArn;
        if (m.Filters is { Count: > 0 } filters)
        {
            o["FilterCriteria"] = new JsonObject { ["Filters"] = new JsonArray([.. filters.Select(f => (JsonNode)new JsonObject { ["Pattern"] = f })]) };
        }

        o["FunctionArn"] = m.FunctionArn;
        o["LastModified"] = m.LastModifiedMs / 1000.0;
        if (m.IsStream)
        {
            o["LastProcessingResult"] = lastProcessingResult ?? "No records processed";
        }

        o["State"] = state;
        o["StateTransitionReason"] = "USER_INITIATED";
        if (m.IsStream)
        {
            var onFailure = new JsonObject();
            if (m.OnFailureDestination is { } destination)
            {
                onFailure["Destination"] = destination;
            }

            o["DestinationConfig"] = new JsonObject { ["OnFailure"] = onFailure };
            o["MaximumRecordAgeInSeconds"] = m.MaximumRecordAgeInSeconds ?? -1;
            o["BisectBatchOnFunctionError"] = m.BisectBatchOnFunctionError ?? false;
            o["MaximumRetryAttempts"] = m.MaximumRetryAttempts ?? -1;
            o["TumblingWindowInSeconds"] = 0;
        }

        o["FunctionResponseTypes"] = new JsonArray([.. m.FunctionResponseTypes.Select(t => (JsonNode)JsonValue.Create(t))]);
        if (m.MaximumConcurrency is { } max)
        {
            o["ScalingConfig"] = new JsonObject { ["MaximumConcurrency"] = max };
        }

        o["EventSourceMappingArn"] = m.Arn;
        return o;
    }
}
