using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Nimbus.Core.Errors;
using Nimbus.Core.Identity;

namespace Nimbus.Messaging.Scheduler;

/// <summary>EventBridge Scheduler's restJson1 wire protocol: routes <c>/schedules</c>, <c>/schedule-groups</c> and <c>/tags</c> to <see cref="SchedulerService"/>.</summary>
/// <remarks>
/// HTTP labels and query members are copied into the operation's input under their model member names. Errors carry the
/// exception name in <c>x-amzn-ErrorType</c> and a body of <c>{"Message": …}</c> (the model's member name).
/// </remarks>
internal sealed partial class SchedulerApi(SchedulerService service, ILogger<SchedulerApi> logger)
{
    private const string Schedules = "/schedules";
    private const string Groups = "/schedule-groups";
    private const string Tags = "/tags/";

    /// <summary>Whether the request is the Scheduler's: signed for <c>scheduler</c>, or unsigned on a path only the Scheduler serves.</summary>
    public static bool Claims(HttpContext http)
    {
        var signing = CallerResolver.SigningService(http.Request);
        if (signing is not null)
        {
            return signing == "scheduler";
        }

        var path = http.Request.Path.Value ?? "";
        return path == Schedules || path.StartsWith(Schedules + "/", StringComparison.Ordinal) || path == Groups || path.StartsWith(Groups + "/", StringComparison.Ordinal)
            || Uri.UnescapeDataString(path).StartsWith(Tags + "arn:aws:scheduler:", StringComparison.Ordinal);
    }

    public async Task HandleAsync(HttpContext http)
    {
        var caller = CallerResolver.Resolve(http);
        try
        {
            var result = await DispatchAsync(http, caller);
            http.Response.StatusCode = 200;
            http.Response.ContentType = "application/json";
            http.Response.Headers["x-amzn-RequestId"] = caller.RequestId;
            await http.Response.WriteAsync(result.ToJsonString());
        }
        catch (AwsServiceException e)
        {
            await WriteErrorAsync(http, e.Error, caller.RequestId);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException && !http.Response.HasStarted)
        {
            await WriteErrorAsync(http, new AwsError("ValidationException", "The request body is not valid: " + e.Message, 400), caller.RequestId);
        }
        catch (Exception e) when (e is not OperationCanceledException && !http.Response.HasStarted)
        {
            Log.Unhandled(logger, e, http.Request.Path.Value ?? "/");
            await WriteErrorAsync(http, new AwsError("InternalServerException", e.Message, 500), caller.RequestId);
        }
    }

    private async Task<JsonObject> DispatchAsync(HttpContext http, AwsRequestContext caller)
    {
        var request = http.Request;
        var path = request.Path.Value ?? "/";
        var method = request.Method;
        if (path.StartsWith(Tags, StringComparison.Ordinal))
        {
            var input = new JsonObject { ["ResourceArn"] = Uri.UnescapeDataString(path[Tags.Length..]) };
            return method switch
            {
                "GET" => service.ListTagsForResource(caller, input),
                "POST" => service.TagResource(caller, await BodyAsync(request, input)),
                "DELETE" => service.UntagResource(caller, WithTagKeys(request, input)),
                _ => throw NoOperation(request),
            };
        }

        var (collection, name) = Split(path);
        if (collection == Schedules)
        {
            var input = Query(request, ("groupName", "GroupName"), ("clientToken", "ClientToken"), ("ScheduleGroup", "GroupName"),
                ("NamePrefix", "NamePrefix"), ("State", "State"), ("NextToken", "NextToken"), ("MaxResults", "MaxResults"));
            if (name is null)
            {
                return method == "GET" ? service.ListSchedules(caller, input) : throw NoOperation(request);
            }

            input["Name"] = name;
            return method switch
            {
                "POST" => service.CreateSchedule(caller, await BodyAsync(request, input)),
                "PUT" => service.UpdateSchedule(caller, await BodyAsync(request, input)),
                "GET" => service.GetSchedule(caller, input),
                "DELETE" => service.DeleteSchedule(caller, input),
                _ => throw NoOperation(request),
            };
        }

        if (collection == Groups)
        {
            var input = Query(request, ("clientToken", "ClientToken"), ("NamePrefix", "NamePrefix"), ("NextToken", "NextToken"), ("MaxResults", "MaxResults"));
            if (name is null)
            {
                return method == "GET" ? service.ListScheduleGroups(caller, input) : throw NoOperation(request);
            }

            input["Name"] = name;
            return method switch
            {
                "POST" => service.CreateScheduleGroup(caller, await BodyAsync(request, input)),
                "GET" => service.GetScheduleGroup(caller, input),
                "DELETE" => service.DeleteScheduleGroup(caller, input),
                _ => throw NoOperation(request),
            };
        }

        throw NoOperation(request);
    }

    private static (string? Collection, string? Name) Split(string path)
    {
        foreach (var collection in new[] { Schedules, Groups })
        {
            if (path == collection || path == collection + "/")
            {
                return (collection, null);
            }

            if (path.StartsWith(collection + "/", StringComparison.Ordinal) && path[(collection.Length + 1)..] is var rest && !rest.Contains('/'))
            {
                return (collection, Uri.UnescapeDataString(rest));
            }
        }

        return (null, null);
    }

    /// <summary>The query members an operation binds, under their model names; <c>MaxResults</c> as an integer.</summary>
    private static JsonObject Query(HttpRequest request, params (string Query, string Member)[] bindings)
    {
        var input = new JsonObject();
        foreach (var (query, member) in bindings)
        {
            if (request.Query.TryGetValue(query, out var value) && value.Count > 0)
            {
                input[member] = member == "MaxResults"
                    ? int.TryParse(value.ToString(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? n : throw SchedulerErrors.Validation($"Invalid MaxResults {value}.")
                    : value.ToString();
            }
        }

        return input;
    }

    private static JsonObject WithTagKeys(HttpRequest request, JsonObject input)
    {
        if (request.Query.TryGetValue("TagKeys", out var keys))
        {
            input["TagKeys"] = new JsonArray(keys.Select(k => (JsonNode?)k).ToArray());
        }

        return input;
    }

    /// <summary>The JSON body merged under the labels and query members already bound (labels win).</summary>
    private static async Task<JsonObject> BodyAsync(HttpRequest request, JsonObject bound)
    {
        using var reader = new StreamReader(request.Body);
        var text = await reader.ReadToEndAsync();
        var input = string.IsNullOrWhiteSpace(text) ? [] : JsonNode.Parse(text) as JsonObject ?? throw SchedulerErrors.Validation("The request body must be a JSON object.");
        foreach (var (key, value) in bound)
        {
            input[key] = value?.DeepClone();
        }

        return input;
    }

    private static AwsServiceException NoOperation(HttpRequest request) =>
        new("UnknownOperationException", $"The Scheduler has no operation for {request.Method} {request.Path}", 404);

    private static async Task WriteErrorAsync(HttpContext http, AwsError error, string requestId)
    {
        http.Response.StatusCode = error.StatusCode;
        http.Response.ContentType = "application/json";
        http.Response.Headers["x-amzn-RequestId"] = requestId;
        http.Response.Headers["x-amzn-ErrorType"] = error.Code;
        await http.Response.WriteAsync(new JsonObject { ["Message"] = error.Message }.ToJsonString());
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 6321, Level = LogLevel.Error, Message = "Unhandled error serving the Scheduler request {Path}")]
        public static partial void Unhandled(ILogger logger, Exception exception, string path);
    }
}
