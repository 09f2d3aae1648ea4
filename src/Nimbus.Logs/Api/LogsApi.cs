using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Nimbus.Core.Errors;
using Nimbus.Core.Identity;
using Nimbus.Core.Logs;
using Nimbus.Core.Protocols;
using Nimbus.Logs.Store;

namespace Nimbus.Logs.Api;

/// <summary>The CloudWatch Logs API (JSON 1.1, <c>Logs_20140328.*</c>): groups, streams, events, filtering.</summary>
internal sealed class LogsApi(LogStore store, TimeProvider time) : IJsonProtocolService
{
    public string TargetPrefix => "Logs_20140328";

    public AwsProtocol Protocol => AwsProtocol.AwsJson11;

    public async Task HandleAsync(HttpContext http, string operation, AwsRequestContext caller)
    {
        var body = (await JsonNode.ParseAsync(http.Request.Body) as JsonObject) ?? [];
        var (a, r) = (caller.AccountId, caller.Region);
        JsonObject result = operation switch
        {
            "CreateLogGroup" => Do(() => store.CreateGroup(a, r, Required(body, "logGroupName"))),
            "DeleteLogGroup" => Do(() => store.DeleteGroup(a, r, Required(body, "logGroupName"))),
            "PutRetentionPolicy" => Do(() => store.SetRetention(a, r, Required(body, "logGroupName"), body["retentionInDays"]?.GetValue<int>())),
            "DeleteRetentionPolicy" => Do(() => store.SetRetention(a, r, Required(body, "logGroupName"), null)),
            "CreateLogStream" => Do(() => store.CreateStream(a, r, Required(body, "logGroupName"), Required(body, "logStreamName"))),
            "DeleteLogStream" => Do(() => store.DeleteStream(a, r, Required(body, "logGroupName"), Required(body, "logStreamName"))),
            "DescribeLogGroups" => await DescribeLogGroupsAsync(body, caller),
            "DescribeLogStreams" => await DescribeLogStreamsAsync(body, caller),
            "GetLogEvents" => await GetLogEventsAsync(body, caller),
            "FilterLogEvents" => await FilterLogEventsAsync(body, caller),
            "PutLogEvents" => await PutLogEventsAsync(body, caller),
            _ => throw CommonErrors.UnknownOperation("logs", operation).ToException(),
        };

        http.Response.ContentType = "application/x-amz-json-1.1";
        http.Response.Headers["x-amzn-RequestId"] = caller.RequestId;
        await http.Response.WriteAsync(result.ToJsonString());
    }

    private static JsonObject Do(Action action)
    {
        action();
        return [];
    }

    private async Task<JsonObject> DescribeLogGroupsAsync(JsonObject body, AwsRequestContext caller)
    {
        await store.FlushAsync();
        var groups = store.Groups(caller.AccountId, caller.Region, body["logGroupNamePrefix"]?.GetValue<string>());
        var pattern = body["logGroupNamePattern"]?.GetValue<string>();
        if (pattern is not null)
        {
            groups = groups.Where(g => g.Name.Contains(pattern, StringComparison.OrdinalIgnoreCase)).ToList();
        }

        var (page, next) = Page(groups, body, 50);
        return WithToken(new JsonObject
        {
            ["logGroups"] = new JsonArray(page.Select(g => (JsonNode)new JsonObject
            {
                ["logGroupName"] = g.Name,
                ["creationTime"] = g.Created,
                ["retentionInDays"] = g.RetentionDays,
                ["metricFilterCount"] = 0,
                ["arn"] = $"arn:aws:logs:{caller.Region}:{caller.AccountId}:log-group:{g.Name}:*",
                ["storedBytes"] = g.StoredBytes,
                ["logGroupClass"] = "STANDARD",
                ["logGroupArn"] = $"arn:aws:logs:{caller.Region}:{caller.AccountId}:log-group:{g.Name}",
            }).ToArray()),
        }, next);
    }

    private async Task<JsonObject> DescribeLogStreamsAsync(JsonObject body, AwsRequestContext caller)
    {
        await store.FlushAsync();
        var group = Required(body, "logGroupName");
        var streams = store.Streams(caller.AccountId, caller.Region, group, body["logStreamNamePrefix"]?.GetValue<string>());
        if (body["orderBy"]?.GetValue<string>() == "LastEventTime")
        {
            streams = streams.OrderBy(s => s.LastEvent ?? 0).ThenBy(s => s.Name, StringComparer.Ordinal).ToList();
        }

        if (body["descending"]?.GetValue<bool>() == true)
        {
            streams.Reverse();
        }

        var (page, next) = Page(streams, body, 50);
        return WithToken(new JsonObject
        {
            ["logStreams"] = new JsonArray(page.Select(s => (JsonNode)new JsonObject
            {
                ["logStreamName"] = s.Name,
                ["creationTime"] = s.Created,
                ["firstEventTimestamp"] = s.FirstEvent,
                ["lastEventTimestamp"] = s.LastEvent,
                ["lastIngestionTime"] = s.LastIngestion,
                ["uploadSequenceToken"] = "1",
                ["arn"] = $"arn:aws:logs:{caller.Region}:{caller.AccountId}:log-group:{group}:log-stream:{s.Name}",
                ["storedBytes"] = 0,
            }).ToArray()),
        }, next);
    }

    private async Task<JsonObject> GetLogEventsAsync(JsonObject body, AwsRequestContext caller)
    {
        await store.FlushAsync();
        var group = body["logGroupName"]?.GetValue<string>() ?? GroupFromArn(body["logGroupIdentifier"]?.GetValue<string>());
        var stream = Required(body, "logStreamName");
        var limit = Math.Clamp(body["limit"]?.GetValue<int>() ?? 10000, 1, 10000);
        var token = body["nextToken"]?.GetValue<string>();
        var fromHead = body["startFromHead"]?.GetValue<bool>() ?? false;
        long after = 0, before = long.MaxValue;
        if (token is not null)
        {
            var id = long.Parse(token[2..], CultureInfo.InvariantCulture);
            if (token.StartsWith("f/", StringComparison.Ordinal))
            {
                after = id;
                fromHead = true;
            }
            else
            {
                before = id;
                fromHead = false;
            }
        }

        var events = store.StreamEvents(caller.AccountId, caller.Region, group ?? "", stream, body["startTime"]?.GetValue<long>(), body["endTime"]?.GetValue<long>(), after, before, limit, fromHead);
        var forward = events.Count > 0 ? events[^1].Id : (token?.StartsWith("b/", StringComparison.Ordinal) == true ? before - 1 : after);
        var backward = events.Count > 0 ? events[0].Id : (token?.StartsWith("b/", StringComparison.Ordinal) == true ? before : after + 1);
        return new JsonObject
        {
            ["events"] = new JsonArray(events.Select(e => (JsonNode)new JsonObject
            {
                ["timestamp"] = e.Timestamp,
                ["message"] = e.Message,
                ["ingestionTime"] = e.Ingestion,
            }).ToArray()),
            ["nextForwardToken"] = $"f/{Math.Max(0, forward):D20}",
            ["nextBackwardToken"] = $"b/{Math.Max(0, backward):D20}",
        };
    }

    private async Task<JsonObject> FilterLogEventsAsync(JsonObject body, AwsRequestContext caller)
    {
        await store.FlushAsync();
        var group = body["logGroupName"]?.GetValue<string>() ?? GroupFromArn(body["logGroupIdentifier"]?.GetValue<string>()) ?? "";
        var limit = Math.Clamp(body["limit"]?.GetValue<int>() ?? 10000, 1, 10000);
        var after = body["nextToken"]?.GetValue<string>() is { } t ? long.Parse(t, CultureInfo.InvariantCulture) : 0;
        var streams = (body["logStreamNames"] as JsonArray)?.Select(s => s!.GetValue<string>()).ToHashSet();
        var filter = FilterPattern.Parse(body["filterPattern"]?.GetValue<string>());
        var scanned = store.GroupEvents(caller.AccountId, caller.Region, group, streams, body["logStreamNamePrefix"]?.GetValue<string>(),
            body["startTime"]?.GetValue<long>(), body["endTime"]?.GetValue<long>(), after, limit);
        var matched = scanned.Where(e => filter.Matches(e.Message)).ToList();
        var result = new JsonObject
        {
            ["events"] = new JsonArray(matched.Select(e => (JsonNode)new JsonObject
            {
                ["logStreamName"] = e.Stream,
                ["timestamp"] = e.Timestamp,
                ["message"] = e.Message,
                ["ingestionTime"] = e.Ingestion,
                ["eventId"] = e.Id.ToString("D56", CultureInfo.InvariantCulture),
            }).ToArray()),
            ["searchedLogStreams"] = new JsonArray(),
        };
        if (scanned.Count == limit)
        {
            result["nextToken"] = scanned[^1].Id.ToString(CultureInfo.InvariantCulture);
        }

        return result;
    }

    private async Task<JsonObject> PutLogEventsAsync(JsonObject body, AwsRequestContext caller)
    {
        var group = Required(body, "logGroupName");
        var stream = Required(body, "logStreamName");
        await store.FlushAsync();
        if (!store.Streams(caller.AccountId, caller.Region, group, stream).Any(s => s.Name == stream))
        {
            throw LogStore.StreamNotFound().ToException();
        }

        var target = new LogStreamRef(caller.AccountId, caller.Region, group, stream);
        foreach (var e in (body["logEvents"] as JsonArray) ?? [])
        {
            store.Append(target, e!["timestamp"]!.GetValue<long>(), e["message"]!.GetValue<string>());
        }

        return new JsonObject { ["nextSequenceToken"] = time.GetUtcNow().ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture) };
    }

    private static string Required(JsonObject body, string member) =>
        body[member]?.GetValue<string>() ?? throw new AwsError("InvalidParameterException", $"1 validation error detected: Value null at '{member}' failed to satisfy constraint: Member must not be null").ToException();

    private static string? GroupFromArn(string? identifier)
    {
        if (identifier is null)
        {
            return null;
        }

        var at = identifier.IndexOf(":log-group:", StringComparison.Ordinal);
        return at < 0 ? identifier : identifier[(at + 11)..].TrimEnd('*').TrimEnd(':');
    }

    private static (List<T> Page, string? Next) Page<T>(List<T> items, JsonObject body, int defaultLimit)
    {
        var limit = Math.Clamp(body["limit"]?.GetValue<int>() ?? defaultLimit, 1, 50);
        var start = body["nextToken"]?.GetValue<string>() is { } t && int.TryParse(t, CultureInfo.InvariantCulture, out var s) ? s : 0;
        var page = items.Skip(start).Take(limit).ToList();
        return (page, start + limit < items.Count ? (start + limit).ToString(CultureInfo.InvariantCulture) : null);
    }

    private static JsonObject WithToken(JsonObject result, string? next)
    {
        if (next is not null)
        {
            result["nextToken"] = next;
        }

        return result;
    }
}
