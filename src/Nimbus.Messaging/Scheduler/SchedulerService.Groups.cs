using System.Text.Json.Nodes;
using Nimbus.Core.Identity;

namespace Nimbus.Messaging.Scheduler;

/// <summary>Schedule groups and their tags.</summary>
internal sealed partial class SchedulerService
{
    public JsonObject CreateScheduleGroup(AwsRequestContext caller, JsonObject input)
    {
        var name = RequireName(input["Name"], "name");
        var tags = Tags(input["Tags"], required: false);
        var existing = store.Group(caller.AccountId, caller.Region, name);
        if (existing is not null)
        {
            if (name != ScheduleGroup.Default && input["ClientToken"]?.GetValue<string>() is { } token && existing.Doc["ClientToken"]?.GetValue<string>() == token)
            {
                return new JsonObject { ["ScheduleGroupArn"] = existing.Arn };
            }

            throw SchedulerErrors.Conflict($"Schedule group {name} already exists.");
        }

        var now = Now();
        var doc = new JsonObject { ["CreationDate"] = now, ["LastModificationDate"] = now, ["Tags"] = tags };
        if (input["ClientToken"]?.GetValue<string>() is { } clientToken)
        {
            doc["ClientToken"] = clientToken;
        }

        var group = store.PutGroup(new ScheduleGroup(ScheduleGroup.ArnFor(caller.Region, caller.AccountId, name), name, caller.AccountId, caller.Region, doc), create: true)
            ?? throw SchedulerErrors.Conflict($"Schedule group {name} already exists.");
        return new JsonObject { ["ScheduleGroupArn"] = group.Arn };
    }

    public JsonObject GetScheduleGroup(AwsRequestContext caller, JsonObject input)
    {
        var name = RequireName(input["Name"], "name");
        return Describe(store.Group(caller.AccountId, caller.Region, name) ?? throw SchedulerErrors.GroupNotFound(name));
    }

    public JsonObject DeleteScheduleGroup(AwsRequestContext caller, JsonObject input)
    {
        var name = RequireName(input["Name"], "name");
        if (name == ScheduleGroup.Default)
        {
            throw SchedulerErrors.Validation("The default schedule group cannot be deleted.");
        }

        store.DeleteGroup(store.Group(caller.AccountId, caller.Region, name) ?? throw SchedulerErrors.GroupNotFound(name));
        return [];
    }

    public JsonObject ListScheduleGroups(AwsRequestContext caller, JsonObject input)
    {
        var prefix = OptionalGroupName(input["NamePrefix"], "namePrefix") ?? "";
        var (start, limit) = Page(input);
        var groups = store.ListGroups(caller.AccountId, caller.Region).Where(g => g.Name.StartsWith(prefix, StringComparison.Ordinal)).ToList();
        var page = groups.Skip(start).Take(limit).Select(g => (JsonNode)Describe(g)).ToArray();
        return WithToken(new JsonObject { ["ScheduleGroups"] = new JsonArray(page) }, start, limit, groups.Count);
    }

    public JsonObject TagResource(AwsRequestContext caller, JsonObject input)
    {
        var group = TaggedGroup(caller, input["ResourceArn"]);
        var tags = Tags(input["Tags"], required: true);
        var merged = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var t in (group.Doc["Tags"] as JsonArray ?? []).Concat(tags).OfType<JsonObject>())
        {
            merged[t["Key"]!.GetValue<string>()] = t["Value"]!.GetValue<string>();
        }

        if (merged.Count > 200)
        {
            throw SchedulerErrors.Validation("A resource can have at most 200 tags.");
        }

        Retag(group, merged);
        return [];
    }

    public JsonObject UntagResource(AwsRequestContext caller, JsonObject input)
    {
        var group = TaggedGroup(caller, input["ResourceArn"]);
        if (input["TagKeys"] is not JsonArray keys)
        {
            throw SchedulerErrors.Validation("1 validation error detected: Value null at 'tagKeys' failed to satisfy constraint: Member must not be null");
        }

        var remove = keys.Select(k => k?.GetValue<string>()).OfType<string>().ToHashSet(StringComparer.Ordinal);
        var kept = (group.Doc["Tags"] as JsonArray ?? []).OfType<JsonObject>()
            .Where(t => !remove.Contains(t["Key"]!.GetValue<string>()))
            .ToDictionary(t => t["Key"]!.GetValue<string>(), t => t["Value"]!.GetValue<string>(), StringComparer.Ordinal);
        Retag(group, kept);
        return [];
    }

    public JsonObject ListTagsForResource(AwsRequestContext caller, JsonObject input) =>
        new() { ["Tags"] = (TaggedGroup(caller, input["ResourceArn"]).Doc["Tags"] as JsonArray ?? []).DeepClone() };

    private void Retag(ScheduleGroup group, Dictionary<string, string> tags)
    {
        var doc = (JsonObject)group.Doc.DeepClone();
        doc["Tags"] = new JsonArray(tags.Select(t => (JsonNode)new JsonObject { ["Key"] = t.Key, ["Value"] = t.Value }).ToArray());
        store.PutGroup(group with { Doc = doc }, create: false);
    }

    /// <summary>The group a tagging ARN names: only schedule groups carry tags.</summary>
    private ScheduleGroup TaggedGroup(AwsRequestContext caller, JsonNode? arnNode)
    {
        var errors = new ConstraintErrors();
        var arn = errors.Text(arnNode, "resourceArn", required: true, max: 1011, pattern: TagArnRegex(),
            patternText: @"^arn:aws(-[a-z]+)?:scheduler:[a-z0-9\-]+:\d{12}:schedule-group\/[0-9a-zA-Z-_.]+$");
        errors.ThrowIfAny();
        var parsed = TagArnRegex().Match(arn!);
        var (region, account, name) = (parsed.Groups["region"].Value, parsed.Groups["account"].Value, parsed.Groups["name"].Value);
        if (account != caller.AccountId || region != caller.Region)
        {
            throw SchedulerErrors.GroupNotFound(name);
        }

        return store.Group(account, region, name) ?? throw SchedulerErrors.GroupNotFound(name);
    }

    private static JsonArray Tags(JsonNode? node, bool required)
    {
        if (node is null)
        {
            return required ? throw SchedulerErrors.Validation("1 validation error detected: Value null at 'tags' failed to satisfy constraint: Member must not be null") : [];
        }

        var errors = new ConstraintErrors();
        var list = node as JsonArray ?? throw SchedulerErrors.Validation("Value at 'tags' must be a list.");
        if (list.Count > 200)
        {
            errors.Add("Value at 'tags' failed to satisfy constraint: Member must have length less than or equal to 200");
        }

        var result = new JsonArray();
        for (var i = 0; i < list.Count; i++)
        {
            var tag = errors.Object(list[i], $"tags.{i + 1}.member", required: true);
            var key = errors.Text(tag?["Key"], $"tags.{i + 1}.member.key", required: true, max: 128);
            var value = errors.Text(tag?["Value"], $"tags.{i + 1}.member.value", required: true, max: 256);
            if (key is not null && value is not null)
            {
                result.Add(new JsonObject { ["Key"] = key, ["Value"] = value });
            }
        }

        errors.ThrowIfAny();
        return result;
    }

    private static JsonObject Describe(ScheduleGroup group) => new()
    {
        ["Arn"] = group.Arn,
        ["Name"] = group.Name,
        ["State"] = "ACTIVE",
        ["CreationDate"] = group.Doc["CreationDate"]?.DeepClone(),
        ["LastModificationDate"] = group.Doc["LastModificationDate"]?.DeepClone(),
    };

    [System.Text.RegularExpressions.GeneratedRegex(@"^arn:aws(-[a-z]+)?:scheduler:(?<region>[a-z0-9\-]+):(?<account>\d{12}):schedule-group\/(?<name>[0-9a-zA-Z-_.]+)$")]
    private static partial System.Text.RegularExpressions.Regex TagArnRegex();
}
