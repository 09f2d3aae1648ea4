using System.Text.Json.Nodes;
using Nimbus.Core.Identity;

namespace Nimbus.Messaging.Scheduler;

/// <summary>Schedules: create, update, get, delete, list.</summary>
internal sealed partial class SchedulerService
{
    public JsonObject CreateSchedule(AwsRequestContext caller, JsonObject input)
    {
        var errors = new ConstraintErrors();
        var name = errors.Text(input["Name"], "name", required: true, max: 64, pattern: NameRegex(), patternText: NamePattern)!;
        var groupName = errors.Text(input["GroupName"], "groupName", required: false, max: 64, pattern: NameRegex(), patternText: NamePattern);
        var (doc, recurrence) = Read(input, errors, creating: true);
        var group = RequireGroup(caller, groupName);
        if (store.Schedule(caller.AccountId, caller.Region, group.Name, name) is { } existing)
        {
            if (input["ClientToken"]?.GetValue<string>() is { } token && existing.Doc["ClientToken"]?.GetValue<string>() == token)
            {
                return new JsonObject { ["ScheduleArn"] = existing.Arn };
            }

            throw SchedulerErrors.Conflict($"Schedule {name} already exists.");
        }

        var now = time.GetUtcNow();
        doc["CreationDate"] = ScheduleDefinition.EpochSeconds(now);
        doc["LastModificationDate"] = ScheduleDefinition.EpochSeconds(now);
        var next = recurrence.NextFrom(now, now)?.ToUnixTimeMilliseconds();
        var schedule = store.PutSchedule(
            new ScheduleDefinition(ScheduleDefinition.ArnFor(caller.Region, caller.AccountId, group.Name, name), name, group.Name, caller.AccountId, caller.Region, doc, next),
            create: true) ?? throw SchedulerErrors.Conflict($"Schedule {name} already exists.");
        signal.Notify();
        return new JsonObject { ["ScheduleArn"] = schedule.Arn };
    }

    /// <summary>Replaces every setting of a schedule: members left out return to their defaults, as AWS documents.</summary>
    public JsonObject UpdateSchedule(AwsRequestContext caller, JsonObject input)
    {
        var errors = new ConstraintErrors();
        var name = errors.Text(input["Name"], "name", required: true, max: 64, pattern: NameRegex(), patternText: NamePattern)!;
        var groupName = errors.Text(input["GroupName"], "groupName", required: false, max: 64, pattern: NameRegex(), patternText: NamePattern);
        var (doc, recurrence) = Read(input, errors, creating: false);
        var group = RequireGroup(caller, groupName);
        var existing = store.Schedule(caller.AccountId, caller.Region, group.Name, name) ?? throw SchedulerErrors.ScheduleNotFound(name);
        var now = time.GetUtcNow();
        doc["CreationDate"] = existing.Doc["CreationDate"]!.DeepClone();
        doc["LastModificationDate"] = ScheduleDefinition.EpochSeconds(now);
        var next = recurrence.NextFrom(now, existing.Anchor)?.ToUnixTimeMilliseconds();
        store.PutSchedule(existing with { Doc = doc, NextFire = next }, create: false);
        signal.Notify();
        return new JsonObject { ["ScheduleArn"] = existing.Arn };
    }

    public JsonObject GetSchedule(AwsRequestContext caller, JsonObject input)
    {
        var name = RequireName(input["Name"], "name");
        var group = RequireGroup(caller, OptionalGroupName(input["GroupName"], "groupName"));
        var schedule = store.Schedule(caller.AccountId, caller.Region, group.Name, name) ?? throw SchedulerErrors.ScheduleNotFound(name);
        var result = new JsonObject { ["Arn"] = schedule.Arn, ["GroupName"] = schedule.Group, ["Name"] = schedule.Name };
        foreach (var (key, value) in schedule.Doc)
        {
            if (key != "ClientToken")
            {
                result[key] = value?.DeepClone();
            }
        }

        return result;
    }

    public JsonObject DeleteSchedule(AwsRequestContext caller, JsonObject input)
    {
        var name = RequireName(input["Name"], "name");
        var group = RequireGroup(caller, OptionalGroupName(input["GroupName"], "groupName"));
        store.DeleteSchedule(store.Schedule(caller.AccountId, caller.Region, group.Name, name) ?? throw SchedulerErrors.ScheduleNotFound(name));
        return [];
    }

    public JsonObject ListSchedules(AwsRequestContext caller, JsonObject input)
    {
        var errors = new ConstraintErrors();
        var groupName = errors.Text(input["GroupName"], "groupName", required: false, max: 64, pattern: NameRegex(), patternText: NamePattern);
        var prefix = errors.Text(input["NamePrefix"], "namePrefix", required: false, max: 64, pattern: NameRegex(), patternText: NamePattern) ?? "";
        var state = errors.Enum(input["State"], "state", required: false, "ENABLED", "DISABLED");
        errors.ThrowIfAny();
        var (start, limit) = Page(input);
        if (groupName is not null)
        {
            _ = RequireGroup(caller, groupName);
        }

        var schedules = store.Schedules(caller.AccountId, caller.Region)
            .Where(s => (groupName is null || s.Group == groupName) && s.Name.StartsWith(prefix, StringComparison.Ordinal) && (state is null || s.Doc["State"]?.GetValue<string>() == state))
            .ToList();
        var page = schedules.Skip(start).Take(limit).Select(s => (JsonNode)new JsonObject
        {
            ["Arn"] = s.Arn,
            ["Name"] = s.Name,
            ["GroupName"] = s.Group,
            ["State"] = s.Doc["State"]?.DeepClone(),
            ["CreationDate"] = s.Doc["CreationDate"]?.DeepClone(),
            ["LastModificationDate"] = s.Doc["LastModificationDate"]?.DeepClone(),
            ["Target"] = new JsonObject { ["Arn"] = s.Target["Arn"]?.DeepClone() },
        }).ToArray();
        return WithToken(new JsonObject { ["Schedules"] = new JsonArray(page) }, start, limit, schedules.Count);
    }

    /// <summary>Validates a CreateSchedule/UpdateSchedule input; returns the stored document (defaults filled in) and its recurrence.</summary>
    /// <remarks>Dates in the past are refused on create only, so a stack update can resend the StartDate it was created with.</remarks>
    private (JsonObject Doc, ScheduleRecurrence Recurrence) Read(JsonObject input, ConstraintErrors errors, bool creating)
    {
        var expression = errors.Text(input["ScheduleExpression"], "scheduleExpression", required: true, max: 256);
        var timezone = errors.Text(input["ScheduleExpressionTimezone"], "scheduleExpressionTimezone", required: false, max: 50);
        var description = errors.Text(input["Description"], "description", required: false, min: 0, max: 512);
        var state = errors.Enum(input["State"], "state", required: false, "ENABLED", "DISABLED") ?? "ENABLED";
        var after = errors.Enum(input["ActionAfterCompletion"], "actionAfterCompletion", required: false, "NONE", "DELETE") ?? "NONE";
        var kms = errors.Text(input["KmsKeyArn"], "kmsKeyArn", required: false, max: 2048);
        var window = errors.Object(input["FlexibleTimeWindow"], "flexibleTimeWindow", required: true);
        var mode = window is null ? null : errors.Enum(window["Mode"], "flexibleTimeWindow.mode", required: true, "OFF", "FLEXIBLE");
        var minutes = window is null ? null : errors.Integer(window["MaximumWindowInMinutes"], "flexibleTimeWindow.maximumWindowInMinutes", 1, 1440);
        var target = ReadTarget(errors, input["Target"]);
        errors.ThrowIfAny();

        if (mode == "FLEXIBLE" && minutes is null)
        {
            throw SchedulerErrors.Validation("MaximumWindowInMinutes is required when the FlexibleTimeWindow Mode is FLEXIBLE.");
        }

        if (mode == "OFF" && minutes is not null)
        {
            throw SchedulerErrors.Validation("MaximumWindowInMinutes must not be set when the FlexibleTimeWindow Mode is OFF.");
        }

        var start = ConstraintErrors.Timestamp(input["StartDate"], "startDate");
        var end = ConstraintErrors.Timestamp(input["EndDate"], "endDate");
        var recurrence = ScheduleRecurrence.Parse(expression!, timezone, start, end);
        var now = time.GetUtcNow();
        if (!recurrence.OneTime)
        {
            if (creating && start is { } s && s < now.AddMinutes(-5))
            {
                throw SchedulerErrors.Validation("The StartDate you specify cannot be earlier than 5 minutes ago.");
            }

            if (creating && end is { } e && e <= now)
            {
                throw SchedulerErrors.Validation("The EndDate you specify cannot be earlier than the current time.");
            }

            if (start is { } s2 && end is { } e2 && e2 <= s2)
            {
                throw SchedulerErrors.Validation("The EndDate you specify must be later than the StartDate.");
            }
        }

        CheckTarget(target);
        var doc = new JsonObject
        {
            ["ScheduleExpression"] = expression,
            ["ScheduleExpressionTimezone"] = timezone ?? "UTC",
            ["State"] = state,
            ["ActionAfterCompletion"] = after,
            ["FlexibleTimeWindow"] = minutes is { } m ? new JsonObject { ["Mode"] = mode, ["MaximumWindowInMinutes"] = m } : new JsonObject { ["Mode"] = mode },
            ["Target"] = target,
        };
        if (start is { } startDate)
        {
            doc["StartDate"] = ScheduleDefinition.EpochSeconds(startDate);
        }

        if (end is { } endDate)
        {
            doc["EndDate"] = ScheduleDefinition.EpochSeconds(endDate);
        }

        foreach (var (key, value) in new[] { ("Description", description), ("KmsKeyArn", kms), ("ClientToken", input["ClientToken"]?.GetValue<string>()) })
        {
            if (value is not null)
            {
                doc[key] = value;
            }
        }

        return (doc, recurrence);
    }
}
