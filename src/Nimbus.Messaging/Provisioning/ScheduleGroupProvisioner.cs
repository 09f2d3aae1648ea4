using System.Globalization;
using System.Text.Json.Nodes;
using Nimbus.Core.Errors;
using Nimbus.Core.Provisioning;
using Nimbus.Messaging.Scheduler;

namespace Nimbus.Messaging.Provisioning;

/// <summary><c>AWS::Scheduler::ScheduleGroup</c> through CreateScheduleGroup, TagResource/UntagResource and DeleteScheduleGroup; Ref is the group name.</summary>
/// <remarks>GetAtt: Arn, CreationDate, LastModificationDate (ISO 8601) and State. Deleting a group deletes its schedules.</remarks>
internal sealed class ScheduleGroupProvisioner(SchedulerService scheduler) : IResourceProvisioner
{
    public string ResourceType => "AWS::Scheduler::ScheduleGroup";

    public bool RequiresReplacement(string property) => property is "Name";

    public Task<ProvisionedResource> CreateAsync(ProvisioningRequest request, CancellationToken cancellationToken)
    {
        var name = request.NameOr("Name", 64);
        var input = new JsonObject { ["Name"] = name };
        if (request.Properties["Tags"] is JsonArray tags)
        {
            input["Tags"] = tags.DeepClone();
        }

        scheduler.CreateScheduleGroup(request.Caller, input);
        return Task.FromResult(Describe(request, name));
    }

    public Task<ProvisionedResource> UpdateAsync(ProvisioningRequest request, CancellationToken cancellationToken)
    {
        var name = request.PhysicalId!;
        var arn = ScheduleGroup.ArnFor(request.Caller.Region, request.Caller.AccountId, name);
        var now = CfnValues.Tags(request.Properties["Tags"]) ?? [];
        var before = CfnValues.Tags(request.PreviousProperties?["Tags"]) ?? [];
        var removed = before.Select(t => t.Key).Where(k => !now.ContainsKey(k)).Select(k => (JsonNode?)k).ToArray();
        if (removed.Length > 0)
        {
            scheduler.UntagResource(request.Caller, new JsonObject { ["ResourceArn"] = arn, ["TagKeys"] = new JsonArray(removed) });
        }

        if (now.Count > 0)
        {
            scheduler.TagResource(request.Caller, new JsonObject
            {
                ["ResourceArn"] = arn,
                ["Tags"] = new JsonArray(now.Select(t => (JsonNode?)new JsonObject { ["Key"] = t.Key, ["Value"] = t.Value?.ToString() }).ToArray()),
            });
        }

        return Task.FromResult(Describe(request, name));
    }

    public Task DeleteAsync(ProvisioningRequest request, CancellationToken cancellationToken)
    {
        try
        {
            scheduler.DeleteScheduleGroup(request.Caller, new JsonObject { ["Name"] = request.PhysicalId });
        }
        catch (AwsServiceException e) when (e.Error.Code == "ResourceNotFoundException")
        {
        }

        return Task.CompletedTask;
    }

    private ProvisionedResource Describe(ProvisioningRequest request, string name)
    {
        var group = scheduler.GetScheduleGroup(request.Caller, new JsonObject { ["Name"] = name });
        return new ProvisionedResource(name, new Dictionary<string, JsonNode?>
        {
            ["Arn"] = group["Arn"]?.DeepClone(),
            ["CreationDate"] = Iso(group["CreationDate"]),
            ["LastModificationDate"] = Iso(group["LastModificationDate"]),
            ["State"] = group["State"]?.DeepClone(),
        });
    }

    private static string? Iso(JsonNode? epochSeconds) => epochSeconds is null
        ? null
        : ScheduleDefinition.FromEpochSeconds(epochSeconds.GetValue<double>()).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
}
