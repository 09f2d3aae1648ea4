using System.Text.Json;
using System.Text.Json.Nodes;
using Nimbus.Core.Errors;
using Nimbus.Core.Identity;

namespace Nimbus.Messaging.Events;

/// <summary>Rules and their targets.</summary>
internal sealed partial class EventsApi
{
    private const int MaxTargets = 5;

    private EventRule RequireRule(JsonObject body, AwsRequestContext caller)
    {
        var name = Required(body, "Name");
        var bus = Bus(caller, Str(body, "EventBusName") ?? "default");
        return store.Rule(caller.AccountId, caller.Region, bus.Name, name) ?? throw EventsErrors.RuleNotFound(name, bus.Name);
    }

    private JsonObject PutRule(JsonObject body, AwsRequestContext caller)
    {
        var name = Required(body, "Name");
        if (!NameRegex().IsMatch(name))
        {
            throw EventsErrors.Validation($"1 validation error detected: Value '{name}' at 'name' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\.\\-_A-Za-z0-9]+");
        }

        var bus = Bus(caller, Str(body, "EventBusName") ?? "default");
        var pattern = Str(body, "EventPattern");
        var schedule = Str(body, "ScheduleExpression");
        if (pattern is null && schedule is null)
        {
            throw EventsErrors.Validation("Parameter(s) EventPattern or ScheduleExpression must be specified.");
        }

        if (pattern is not null)
        {
            _ = Compile(pattern);
        }

        if (schedule is not null)
        {
            if (bus.Name != "default")
            {
                throw EventsErrors.Validation("ScheduleExpression is supported only on the default event bus.");
            }

            _ = Schedule.Parse(schedule);
        }

        var state = Str(body, "State") ?? "ENABLED";
        if (state is not "ENABLED" and not "DISABLED")
        {
            throw EventsErrors.Validation($"1 validation error detected: Value '{state}' at 'state' failed to satisfy constraint: Member must satisfy enum value set: [ENABLED, DISABLED]");
        }

        var existing = store.Rule(caller.AccountId, caller.Region, bus.Name, name);
        var doc = new JsonObject
        {
            ["State"] = state,
            ["Created"] = existing?.Doc["Created"]?.DeepClone() ?? time.GetUtcNow().ToUnixTimeMilliseconds(),
            ["Targets"] = existing?.Targets.DeepClone() ?? new JsonArray(),
            ["Tags"] = existing?.Doc["Tags"]?.DeepClone() ?? TagsOf(body["Tags"]),
        };
        foreach (var key in new[] { "EventPattern", "ScheduleExpression", "Description", "RoleArn" })
        {
            if (Str(body, key) is { } v)
            {
                doc[key] = v;
            }
        }

        var rule = store.PutRule(new EventRule(EventRule.ArnFor(caller.Region, caller.AccountId, bus.Name, name), name, bus.Name, caller.AccountId, caller.Region, doc));
        return new JsonObject { ["RuleArn"] = rule.Arn };
    }

    private static JsonObject DescribeRule(EventRule rule)
    {
        var o = new JsonObject { ["Name"] = rule.Name, ["Arn"] = rule.Arn };
        foreach (var key in new[] { "EventPattern", "ScheduleExpression", "State", "Description", "RoleArn" })
        {
            if (rule.Doc[key] is { } v)
            {
                o[key] = v.DeepClone();
            }
        }

        o["EventBusName"] = rule.Bus;
        o["CreatedBy"] = rule.Account;
        return o;
    }

    private JsonObject ListRules(JsonObject body, AwsRequestContext caller)
    {
        var bus = Bus(caller, Str(body, "EventBusName") ?? "default");
        var prefix = Str(body, "NamePrefix") ?? "";
        var rules = store.Rules(caller.AccountId, caller.Region, bus.Name).Where(r => r.Name.StartsWith(prefix, StringComparison.Ordinal)).ToList();
        var (page, next) = Page(rules, body);
        return WithToken(new JsonObject
        {
            ["Rules"] = new JsonArray(page.Select(r =>
            {
                var o = DescribeRule(r);
                o.Remove("CreatedBy");
                return (JsonNode)o;
            }).ToArray()),
        }, next);
    }

    private JsonObject DeleteRule(JsonObject body, AwsRequestContext caller)
    {
        var name = Required(body, "Name");
        var bus = Bus(caller, Str(body, "EventBusName") ?? "default");
        if (store.Rule(caller.AccountId, caller.Region, bus.Name, name) is not { } rule)
        {
            return [];
        }

        if (rule.Targets.Count > 0)
        {
            throw EventsErrors.Validation("Rule can't be deleted since it has targets.");
        }

        store.DeleteRule(rule);
        return [];
    }

    private JsonObject SetState(JsonObject body, AwsRequestContext caller, string state)
    {
        var rule = RequireRule(body, caller);
        var doc = (JsonObject)rule.Doc.DeepClone();
        doc["State"] = state;
        store.PutRule(rule with { Doc = doc });
        return [];
    }

    private JsonObject PutTargets(JsonObject body, AwsRequestContext caller)
    {
        var name = Required(body, "Rule");
        var bus = Bus(caller, Str(body, "EventBusName") ?? "default");
        var rule = store.Rule(caller.AccountId, caller.Region, bus.Name, name) ?? throw EventsErrors.RuleNotFound(name, bus.Name);
        if (body["Targets"] is not JsonArray targets || targets.Count is 0 or > 10)
        {
            throw EventsErrors.Validation("1 validation error detected: Value at 'targets' failed to satisfy constraint: Member must have length less than or equal to 10 and greater than or equal to 1");
        }

        var merged = rule.Targets.OfType<JsonObject>().ToDictionary(t => t["Id"]!.GetValue<string>(), t => (JsonObject)t.DeepClone(), StringComparer.Ordinal);
        var failed = new JsonArray();
        foreach (var t in targets.OfType<JsonObject>())
        {
            ValidateTarget(t);
            merged[t["Id"]!.GetValue<string>()] = (JsonObject)t.DeepClone();
        }

        if (merged.Count > MaxTargets)
        {
            throw new AwsServiceException("LimitExceededException", $"The requested resource exceeds the maximum number allowed.", 400);
        }

        var doc = (JsonObject)rule.Doc.DeepClone();
        doc["Targets"] = new JsonArray(merged.Values.Select(v => (JsonNode)v).ToArray());
        store.PutRule(rule with { Doc = doc });
        return new JsonObject { ["FailedEntryCount"] = failed.Count, ["FailedEntries"] = failed };
    }

    private static void ValidateTarget(JsonObject t)
    {
        var id = Str(t, "Id") ?? "";
        if (!NameRegex().IsMatch(id))
        {
            throw EventsErrors.Validation($"1 validation error detected: Value '{id}' at 'targets.1.member.id' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\.\\-_A-Za-z0-9]+");
        }

        var arn = Str(t, "Arn");
        if (arn is null || !Arn.TryParse(arn, out _))
        {
            throw EventsErrors.Validation($"Parameter {arn} is not valid. Reason: Provided Arn is not in correct format.");
        }

        var inputs = new[] { "Input", "InputPath", "InputTransformer" }.Count(k => t[k] is not null);
        if (inputs > 1)
        {
            throw EventsErrors.Validation($"Only one of Input, InputPath, or InputTransformer must be provided for target {id}.");
        }

        if (Str(t, "Input") is { } input && !IsJson(input))
        {
            throw EventsErrors.Validation($"Input for target {id} contains invalid JSON.");
        }

        if (Str(t, "InputPath") is { } path && !TargetInput.IsValidPath(path))
        {
            throw EventsErrors.Validation($"InputPath for target {id} is invalid.");
        }

        if (t["InputTransformer"] is JsonObject transformer)
        {
            if (Str(transformer, "InputTemplate") is null)
            {
                throw EventsErrors.Validation("1 validation error detected: Value null at 'targets.1.member.inputTransformer.inputTemplate' failed to satisfy constraint: Member must not be null");
            }

            foreach (var (key, value) in transformer["InputPathsMap"] as JsonObject ?? [])
            {
                if (key.StartsWith("aws.", StringComparison.Ordinal))
                {
                    throw EventsErrors.Validation($"Input path key '{key}' is reserved.");
                }

                if (value is not JsonValue v || v.GetValueKind() != JsonValueKind.String || !TargetInput.IsValidPath(v.GetValue<string>()))
                {
                    throw EventsErrors.Validation($"Input path '{value?.ToJsonString()}' for key '{key}' is invalid.");
                }
            }
        }

        if (t["RetryPolicy"] is JsonObject retry)
        {
            if (retry["MaximumRetryAttempts"]?.GetValue<int>() is < 0 or > 185)
            {
                throw EventsErrors.Validation("1 validation error detected: Value at 'targets.1.member.retryPolicy.maximumRetryAttempts' failed to satisfy constraint: Member must have value between 0 and 185");
            }

            if (retry["MaximumEventAgeInSeconds"]?.GetValue<int>() is < 60 or > 86400)
            {
                throw EventsErrors.Validation("1 validation error detected: Value at 'targets.1.member.retryPolicy.maximumEventAgeInSeconds' failed to satisfy constraint: Member must have value between 60 and 86400");
            }
        }
    }

    private static bool IsJson(string text)
    {
        try
        {
            JsonNode.Parse(text);
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private JsonObject RemoveTargets(JsonObject body, AwsRequestContext caller)
    {
        var name = Required(body, "Rule");
        var bus = Bus(caller, Str(body, "EventBusName") ?? "default");
        var rule = store.Rule(caller.AccountId, caller.Region, bus.Name, name) ?? throw EventsErrors.RuleNotFound(name, bus.Name);
        var ids = (body["Ids"] as JsonArray ?? []).Select(i => i!.GetValue<string>()).ToHashSet(StringComparer.Ordinal);
        var doc = (JsonObject)rule.Doc.DeepClone();
        doc["Targets"] = new JsonArray(rule.Targets.OfType<JsonObject>().Where(t => !ids.Contains(t["Id"]!.GetValue<string>())).Select(t => (JsonNode)t.DeepClone()).ToArray());
        store.PutRule(rule with { Doc = doc });
        return new JsonObject { ["FailedEntryCount"] = 0, ["FailedEntries"] = new JsonArray() };
    }

    private JsonObject ListTargets(JsonObject body, AwsRequestContext caller)
    {
        var name = Required(body, "Rule");
        var bus = Bus(caller, Str(body, "EventBusName") ?? "default");
        var rule = store.Rule(caller.AccountId, caller.Region, bus.Name, name) ?? throw EventsErrors.RuleNotFound(name, bus.Name);
        var (page, next) = Page(rule.Targets.OfType<JsonObject>().ToList(), body);
        return WithToken(new JsonObject { ["Targets"] = new JsonArray(page.Select(t => t.DeepClone()).ToArray()) }, next);
    }

    private JsonObject ListRuleNamesByTarget(JsonObject body, AwsRequestContext caller)
    {
        var target = Required(body, "TargetArn");
        var bus = Bus(caller, Str(body, "EventBusName") ?? "default");
        var names = store.Rules(caller.AccountId, caller.Region, bus.Name)
            .Where(r => r.Targets.OfType<JsonObject>().Any(t => Str(t, "Arn") == target)).Select(r => r.Name).ToList();
        var (page, next) = Page(names, body);
        return WithToken(new JsonObject { ["RuleNames"] = new JsonArray(page.Select(n => (JsonNode)n).ToArray()) }, next);
    }
}
