using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Nimbus.Core.Errors;
using Nimbus.Core.Provisioning;
using Nimbus.Messaging.Scheduler;

namespace Nimbus.Messaging.Provisioning;

/// <summary><c>AWS::Scheduler::Schedule</c> through CreateSchedule, UpdateSchedule and DeleteSchedule; Ref is the schedule name.</summary>
/// <remarks>A new Name or GroupName replaces the schedule (a schedule cannot move between groups). Numbers that arrive as
/// strings (template parameters) are read as the integers the API takes.</remarks>
internal sealed class ScheduleProvisioner(SchedulerService scheduler) : IResourceProvisioner
{
    public string ResourceType => "AWS::Scheduler::Schedule";

    public bool RequiresReplacement(string property) => property is "Name" or "GroupName";

    public Task<ProvisionedResource> CreateAsync(ProvisioningRequest request, CancellationToken cancellationToken)
    {
        var name = request.NameOr("Name", 64);
        var result = scheduler.CreateSchedule(request.Caller, Input(request.Properties, name));
        return Task.FromResult(Provisioned(name, result));
    }

    public Task<ProvisionedResource> UpdateAsync(ProvisioningRequest request, CancellationToken cancellationToken)
    {
        var result = scheduler.UpdateSchedule(request.Caller, Input(request.Properties, request.PhysicalId!));
        return Task.FromResult(Provisioned(request.PhysicalId!, result));
    }

    public Task DeleteAsync(ProvisioningRequest request, CancellationToken cancellationToken)
    {
        try
        {
            var input = new JsonObject { ["Name"] = request.PhysicalId };
            if (request.String("GroupName") is { } group)
            {
                input["GroupName"] = group;
            }

            scheduler.DeleteSchedule(request.Caller, input);
        }
        catch (AwsServiceException e) when (e.Error.Code == "ResourceNotFoundException")
        {
        }

        return Task.CompletedTask;
    }

    private static ProvisionedResource Provisioned(string name, JsonObject result) =>
        new(name, new Dictionary<string, JsonNode?> { ["Arn"] = result["ScheduleArn"]?.DeepClone() });

    private static JsonObject Input(JsonObject properties, string name)
    {
        var input = (JsonObject)properties.DeepClone();
        input["Name"] = name;
        foreach (var path in new[] { ("FlexibleTimeWindow", "MaximumWindowInMinutes"), ("RetryPolicy", "MaximumEventAgeInSeconds"), ("RetryPolicy", "MaximumRetryAttempts") })
        {
            var owner = path.Item1 == "RetryPolicy" ? input["Target"]?["RetryPolicy"] as JsonObject : input[path.Item1] as JsonObject;
            if (owner?[path.Item2] is JsonValue v && v.GetValueKind() is JsonValueKind.String or JsonValueKind.Number &&
                double.TryParse(v.ToString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var number))
            {
                owner[path.Item2] = (int)number;
            }
        }

        return input;
    }
}
