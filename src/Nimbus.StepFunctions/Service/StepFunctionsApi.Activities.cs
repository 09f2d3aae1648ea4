using System.Text.Json.Nodes;
using Nimbus.Core.Identity;

namespace Nimbus.StepFunctions.Service;

/// <summary>Activity operations: Create/Describe/Delete/List and the workers' long poll GetActivityTask.</summary>
internal sealed partial class StepFunctionsApi
{
    /// <summary>How long GetActivityTask holds the request when no task is waiting (AWS: 60 s).</summary>
    private static readonly TimeSpan ActivityPollTime = TimeSpan.FromSeconds(60);

    private JsonObject CreateActivity(JsonObject body, AwsRequestContext caller)
    {
        var name = Required(body, "name");
        ValidateName(name);
        var tags = ReadTags(body);
        var arn = $"arn:aws:states:{caller.Region}:{caller.AccountId}:activity:{name}";

        // Idempotent by name: a repeated request (even with other tags) returns the existing activity unchanged.
        var stored = _store.InsertActivity(new ActivityRecord(arn, name, Now()), caller.AccountId, caller.Region, tags);
        return new JsonObject { ["activityArn"] = stored.Arn, ["creationDate"] = SfnJson.Epoch(stored.Created) };
    }

    private ActivityRecord Activity(string arn)
    {
        ParseArn(arn, "activity");
        return _store.Activity(arn) ?? throw SfnErrors.ActivityDoesNotExist(arn);
    }

    private JsonObject DescribeActivity(JsonObject body)
    {
        var a = Activity(Required(body, "activityArn"));
        return new JsonObject
        {
            ["activityArn"] = a.Arn,
            ["name"] = a.Name,
            ["creationDate"] = SfnJson.Epoch(a.Created),
            ["encryptionConfiguration"] = new JsonObject { ["type"] = "AWS_OWNED_KEY" },
        };
    }

    private JsonObject DeleteActivity(JsonObject body)
    {
        var arn = Required(body, "activityArn");
        ParseArn(arn, "activity");
        _store.DeleteActivity(arn);
        return [];
    }

    private JsonObject ListActivities(JsonObject body, AwsRequestContext caller)
    {
        var size = PageSize(body);
        var offset = Offset(Optional(body, "nextToken"));
        var all = _store.Activities(caller.AccountId, caller.Region);
        var result = new JsonObject
        {
            ["activities"] = new JsonArray([.. all.Skip(offset).Take(size).Select(a => (JsonNode)new JsonObject
            {
                ["activityArn"] = a.Arn,
                ["name"] = a.Name,
                ["creationDate"] = SfnJson.Epoch(a.Created),
            })]),
        };
        if (offset + size < all.Count)
        {
            result["nextToken"] = OffsetToken(offset + size);
        }

        return result;
    }

    /// <summary>
    /// The workers' long poll: returns the oldest task scheduled for the activity, or waits (woken by the next schedule)
    /// up to 60 s and then answers without a token.
    /// </summary>
    private async Task<JsonObject> GetActivityTaskAsync(JsonObject body, CancellationToken ct)
    {
        var arn = Required(body, "activityArn");
        var worker = Optional(body, "workerName");
        if (worker is { Length: > 80 })
        {
            throw SfnErrors.Validation("1 validation error detected: Value at 'workerName' failed to satisfy constraint: Member must have length less than or equal to 80");
        }

        Activity(arn);
        var deadline = time.GetUtcNow() + ActivityPollTime;
        while (true)
        {
            var remaining = deadline - time.GetUtcNow();
            if (remaining <= TimeSpan.Zero)
            {
                return [];
            }

            var task = await engine.Activities.PollAsync(arn, remaining, time, ct);
            if (task is null)
            {
                return [];
            }

            if (task.TryStart(worker))
            {
                return new JsonObject { ["taskToken"] = task.Token, ["input"] = task.Input };
            }
        }
    }
}
