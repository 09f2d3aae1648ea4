using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;
using Nimbus.Core.Errors;
using Nimbus.Core.Identity;
using Nimbus.Core.Protocols;
using Nimbus.Messaging.Patterns;

namespace Nimbus.Messaging.Events;

/// <summary>The EventBridge API (JSON 1.1, <c>AWSEvents.*</c>): buses, rules, targets, PutEvents, TestEventPattern, tags.</summary>
internal sealed partial class EventsApi(EventsStore store, EventRouter router, TimeProvider time) : IJsonProtocolService
{
    public const int MaxEntriesBytes = 256 * 1024;

    public string TargetPrefix => "AWSEvents";

    public AwsProtocol Protocol => AwsProtocol.AwsJson11;

    [GeneratedRegex(@"^[\.\-_A-Za-z0-9]{1,64}$")]
    private static partial Regex NameRegex();

    [GeneratedRegex(@"^[/\.\-_A-Za-z0-9]{1,256}$")]
    private static partial Regex BusNameRegex();

    public async Task HandleAsync(HttpContext http, string operation, AwsRequestContext caller)
    {
        var body = (await JsonNode.ParseAsync(http.Request.Body) as JsonObject) ?? [];
        JsonObject result = operation switch
        {
            "CreateEventBus" => CreateEventBus(body, caller),
            "DeleteEventBus" => DeleteEventBus(body, caller),
            "DescribeEventBus" => DescribeBus(Bus(caller, Str(body, "Name") ?? "default")),
            "ListEventBuses" => ListEventBuses(body, caller),
            "PutEvents" => PutEvents(body, caller),
            "PutRule" => PutRule(body, caller),
            "DescribeRule" => DescribeRule(RequireRule(body, caller)),
            "ListRules" => ListRules(body, caller),
            "DeleteRule" => DeleteRule(body, caller),
            "EnableRule" => SetState(body, caller, "ENABLED"),
            "DisableRule" => SetState(body, caller, "DISABLED"),
            "PutTargets" => PutTargets(body, caller),
            "RemoveTargets" => RemoveTargets(body, caller),
            "ListTargetsByRule" => ListTargets(body, caller),
            "ListRuleNamesByTarget" => ListRuleNamesByTarget(body, caller),
            "TestEventPattern" => TestEventPattern(body),
            "TagResource" => Tag(body),
            "UntagResource" => Untag(body),
            "ListTagsForResource" => ListTags(body),
            _ => throw CommonErrors.UnknownOperation("events", operation).ToException(),
        };

        http.Response.ContentType = "application/x-amz-json-1.1";
        http.Response.Headers["x-amzn-RequestId"] = caller.RequestId;
        await http.Response.WriteAsync(result.ToJsonString());
    }

    internal static string? Str(JsonObject body, string name) => body[name] is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : null;

    private static string Required(JsonObject body, string name) =>
        Str(body, name) is { Length: > 0 } s ? s : throw EventsErrors.Validation($"1 validation error detected: Value null at '{char.ToLowerInvariant(name[0])}{name[1..]}' failed to satisfy constraint: Member must not be null");

    /// <summary>A bus by name or ARN.</summary>
    private EventBus Bus(AwsRequestContext caller, string nameOrArn)
    {
        var name = nameOrArn.StartsWith("arn:", StringComparison.Ordinal) ? nameOrArn[(nameOrArn.IndexOf(":event-bus/", StringComparison.Ordinal) + 11)..] : nameOrArn;
        return store.Bus(caller.AccountId, caller.Region, name) ?? throw EventsErrors.BusNotFound(name);
    }

    private JsonObject CreateEventBus(JsonObject body, AwsRequestContext caller)
    {
        var name = Required(body, "Name");
        if (!BusNameRegex().IsMatch(name) || name.Contains('/'))
        {
            throw EventsErrors.Validation($"Event bus name {name} is not valid.");
        }

        if (name == "default" || store.Bus(caller.AccountId, caller.Region, name) is not null)
        {
            throw new AwsServiceException("ResourceAlreadyExistsException", $"Event bus {name} already exists.", 400);
        }

        var now = time.GetUtcNow().ToUnixTimeMilliseconds() / 1000.0;
        var doc = new JsonObject { ["CreationTime"] = now, ["LastModifiedTime"] = now, ["Tags"] = TagsOf(body["Tags"]) };
        if (Str(body, "Description") is { } d)
        {
            doc["Description"] = d;
        }

        var bus = store.PutBus(new EventBus(EventBus.ArnFor(caller.Region, caller.AccountId, name), name, caller.AccountId, caller.Region, doc), create: true)
            ?? throw new AwsServiceException("ResourceAlreadyExistsException", $"Event bus {name} already exists.", 400);
        return new JsonObject { ["EventBusArn"] = bus.Arn, ["Description"] = bus.Doc["Description"]?.DeepClone() };
    }

    private JsonObject DeleteEventBus(JsonObject body, AwsRequestContext caller)
    {
        var name = Required(body, "Name");
        if (name == "default")
        {
            throw EventsErrors.Validation("Cannot delete event bus default.");
        }

        if (store.Bus(caller.AccountId, caller.Region, name) is { } bus)
        {
            store.DeleteBus(bus);
        }

        return [];
    }

    private static JsonObject DescribeBus(EventBus bus)
    {
        var o = new JsonObject { ["Name"] = bus.Name, ["Arn"] = bus.Arn };
        foreach (var key in new[] { "Description", "CreationTime", "LastModifiedTime" })
        {
            if (bus.Doc[key] is { } v)
            {
                o[key] = v.DeepClone();
            }
        }

        return o;
    }

    private JsonObject ListEventBuses(JsonObject body, AwsRequestContext caller)
    {
        var prefix = Str(body, "NamePrefix") ?? "";
        var buses = store.ListBuses(caller.AccountId, caller.Region).Where(b => b.Name.StartsWith(prefix, StringComparison.Ordinal)).ToList();
        var (page, next) = Page(buses, body);
        return WithToken(new JsonObject { ["EventBuses"] = new JsonArray(page.Select(b => (JsonNode)DescribeBus(b)).ToArray()) }, next);
    }

    private static (List<T> Page, string? Next) Page<T>(List<T> items, JsonObject body)
    {
        var limit = body["Limit"]?.GetValue<int>() ?? 100;
        if (limit is < 1 or > 100)
        {
            throw EventsErrors.Validation("1 validation error detected: Value at 'limit' failed to satisfy constraint: Member must have value between 1 and 100");
        }

        var start = 0;
        if (Str(body, "NextToken") is { } token)
        {
            try
            {
                start = int.Parse(Encoding.UTF8.GetString(Convert.FromBase64String(token)), System.Globalization.CultureInfo.InvariantCulture);
            }
            catch (FormatException)
            {
                throw EventsErrors.Validation("The NextToken provided is invalid.");
            }
        }

        var page = items.Skip(start).Take(limit).ToList();
        var next = start + limit < items.Count ? Convert.ToBase64String(Encoding.UTF8.GetBytes((start + limit).ToString(System.Globalization.CultureInfo.InvariantCulture))) : null;
        return (page, next);
    }

    private static JsonObject WithToken(JsonObject o, string? next)
    {
        if (next is not null)
        {
            o["NextToken"] = next;
        }

        return o;
    }

    private JsonObject TestEventPattern(JsonObject body)
    {
        var pattern = Compile(Required(body, "EventPattern"));
        JsonNode? @event;
        try
        {
            @event = JsonNode.Parse(Required(body, "Event"));
        }
        catch (JsonException)
        {
            throw EventsErrors.Validation("Parameter Event is not valid.");
        }

        if (@event is not JsonObject e)
        {
            throw EventsErrors.Validation("Parameter Event is not valid.");
        }

        foreach (var field in new[] { "id", "account", "source", "time", "region", "detail-type" })
        {
            if (e[field] is null)
            {
                throw EventsErrors.Validation($"Parameter Event is not valid. Reason: Provided Event is missing required field: {field}");
            }
        }

        return new JsonObject { ["Result"] = pattern.Matches(e) };
    }

    internal static EventPattern Compile(string pattern)
    {
        try
        {
            return EventPattern.Parse(pattern);
        }
        catch (PatternException e)
        {
            throw EventsErrors.InvalidPattern(e.Reason);
        }
    }

    private static JsonArray TagsOf(JsonNode? tags)
    {
        var result = new JsonArray();
        foreach (var t in tags as JsonArray ?? [])
        {
            var key = t?["Key"]?.GetValue<string>();
            if (string.IsNullOrEmpty(key) || t?["Value"] is null)
            {
                throw EventsErrors.Validation("Tags must have a Key and a Value.");
            }

            result.Add(new JsonObject { ["Key"] = key, ["Value"] = t["Value"]!.GetValue<string>() });
        }

        return result;
    }
}
