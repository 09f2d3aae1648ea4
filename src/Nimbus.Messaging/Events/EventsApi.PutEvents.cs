using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Nimbus.Core.Identity;

namespace Nimbus.Messaging.Events;

/// <summary>PutEvents and tagging.</summary>
internal sealed partial class EventsApi
{
    private JsonObject PutEvents(JsonObject body, AwsRequestContext caller)
    {
        if (body["Entries"] is not JsonArray entries || entries.Count is 0 or > 10)
        {
            throw EventsErrors.Validation("1 validation error detected: Value at 'entries' failed to satisfy constraint: Member must have length less than or equal to 10 and greater than or equal to 1");
        }

        var size = entries.OfType<JsonObject>().Sum(EntrySize);
        if (size > MaxEntriesBytes)
        {
            throw EventsErrors.Validation("Total size of the entries in the request is over the limit.");
        }

        var results = new JsonArray();
        var failed = 0;
        foreach (var entry in entries.OfType<JsonObject>())
        {
            var (id, code, message) = PutOne(entry, caller);
            results.Add(id is not null ? new JsonObject { ["EventId"] = id } : new JsonObject { ["ErrorCode"] = code, ["ErrorMessage"] = message });
            failed += id is null ? 1 : 0;
        }

        return new JsonObject { ["FailedEntryCount"] = failed, ["Entries"] = results };
    }

    /// <summary>AWS's entry size: Source, DetailType, Detail, Resources and 14 bytes for a Time.</summary>
    private static int EntrySize(JsonObject e) =>
        (e["Time"] is null ? 0 : 14)
        + Encoding.UTF8.GetByteCount(Str(e, "Source") ?? "") + Encoding.UTF8.GetByteCount(Str(e, "DetailType") ?? "")
        + Encoding.UTF8.GetByteCount(Str(e, "Detail") ?? "")
        + (e["Resources"] as JsonArray ?? []).Sum(r => Encoding.UTF8.GetByteCount(r?.GetValue<string>() ?? ""));

    private (string? Id, string? Code, string? Message) PutOne(JsonObject entry, AwsRequestContext caller)
    {
        var source = Str(entry, "Source");
        var detailType = Str(entry, "DetailType");
        var detailText = Str(entry, "Detail");
        if (string.IsNullOrEmpty(source))
        {
            return (null, "InvalidArgument", "Parameter Source is not valid. Reason: Source is a required argument.");
        }

        if (string.IsNullOrEmpty(detailType))
        {
            return (null, "InvalidArgument", "Parameter DetailType is not valid. Reason: DetailType is a required argument.");
        }

        if (string.IsNullOrEmpty(detailText))
        {
            return (null, "InvalidArgument", "Parameter Detail is not valid. Reason: Detail is a required argument.");
        }

        if (source.StartsWith("aws.", StringComparison.Ordinal))
        {
            return (null, "NotAuthorizedForSourceException", "Not authorized for the source.");
        }

        JsonNode? detail;
        try
        {
            detail = JsonNode.Parse(detailText);
        }
        catch (JsonException)
        {
            detail = null;
        }

        if (detail is not JsonObject)
        {
            return (null, "MalformedDetail", "Detail is malformed.");
        }

        var busName = Str(entry, "EventBusName") ?? "default";
        EventBus? bus;
        try
        {
            bus = Bus(caller, busName);
        }
        catch (Core.Errors.AwsServiceException)
        {
            // AWS quirk (aws-sdk issue 186): an event for a bus that does not exist is accepted with an id and dropped.
            bus = null;
        }

        DateTimeOffset? at = entry["Time"] switch
        {
            JsonValue v when v.GetValueKind() == JsonValueKind.Number => DateTimeOffset.FromUnixTimeMilliseconds((long)(v.GetValue<double>() * 1000)),
            _ => null,
        };
        var resources = (entry["Resources"] as JsonArray ?? []).Select(r => r?.GetValue<string>() ?? "");
        var @event = router.NewEvent(caller.AccountId, caller.Region, source, detailType, detail, resources, at);
        if (bus is not null)
        {
            router.Route(bus, @event);
        }

        return (@event["id"]!.GetValue<string>(), null, null);
    }

    private (Func<JsonArray> Get, Action<JsonArray> Set) Taggable(string arn)
    {
        if (!Arn.TryParse(arn, out var parsed) || parsed.Service != "events")
        {
            throw EventsErrors.Validation($"Parameter {arn} is not valid.");
        }

        if (parsed.Resource.StartsWith("event-bus/", StringComparison.Ordinal))
        {
            var bus = store.Bus(parsed.Account, parsed.Region, parsed.Resource[10..]) ?? throw EventsErrors.BusNotFound(parsed.Resource[10..]);
            return (() => bus.Doc["Tags"] as JsonArray ?? [], tags =>
            {
                var doc = (JsonObject)bus.Doc.DeepClone();
                doc["Tags"] = tags;
                store.PutBus(bus with { Doc = doc }, create: false);
            });
        }

        var rule = store.RuleByArn(arn) ?? throw EventsErrors.NotFound($"Rule {parsed.Resource.Split('/')[^1]} does not exist.");
        return (() => rule.Doc["Tags"] as JsonArray ?? [], tags =>
        {
            var doc = (JsonObject)rule.Doc.DeepClone();
            doc["Tags"] = tags;
            store.PutRule(rule with { Doc = doc });
        });
    }

    private JsonObject Tag(JsonObject body)
    {
        var (get, set) = Taggable(Required(body, "ResourceARN"));
        var tags = get().OfType<JsonObject>().ToDictionary(t => t["Key"]!.GetValue<string>(), t => t["Value"]!.GetValue<string>(), StringComparer.Ordinal);
        foreach (var t in TagsOf(body["Tags"]).OfType<JsonObject>())
        {
            tags[t["Key"]!.GetValue<string>()] = t["Value"]!.GetValue<string>();
        }

        if (tags.Count > 50)
        {
            throw new Core.Errors.AwsServiceException("LimitExceededException", "The requested resource exceeds the maximum number allowed.", 400);
        }

        set(new JsonArray(tags.Select(kv => (JsonNode)new JsonObject { ["Key"] = kv.Key, ["Value"] = kv.Value }).ToArray()));
        return [];
    }

    private JsonObject Untag(JsonObject body)
    {
        var (get, set) = Taggable(Required(body, "ResourceARN"));
        var remove = (body["TagKeys"] as JsonArray ?? []).Select(k => k!.GetValue<string>()).ToHashSet(StringComparer.Ordinal);
        set(new JsonArray(get().OfType<JsonObject>().Where(t => !remove.Contains(t["Key"]!.GetValue<string>())).Select(t => t.DeepClone()).ToArray()));
        return [];
    }

    private JsonObject ListTags(JsonObject body)
    {
        var (get, _) = Taggable(Required(body, "ResourceARN"));
        return new JsonObject { ["Tags"] = get().DeepClone() };
    }
}
