using System.Text.Json.Nodes;
using Nimbus.Core.Errors;
using Nimbus.Core.Provisioning;

namespace Nimbus.Messaging.Provisioning;

/// <summary><c>AWS::Events::Rule</c> through PutRule, PutTargets/RemoveTargets and DeleteRule.</summary>
/// <remarks>Ref is the rule name on the default bus and <c>{bus}|{rule}</c> on another bus, as CloudFormation returns it.</remarks>
internal sealed class RuleProvisioner(MessagingCalls aws) : IResourceProvisioner
{
    public string ResourceType => "AWS::Events::Rule";

    public bool RequiresReplacement(string property) => property is "Name" or "EventBusName";

    public async Task<ProvisionedResource> CreateAsync(ProvisioningRequest request, CancellationToken cancellationToken)
    {
        var name = request.NameOr("Name", 64);
        var result = await Put(name, request, null, cancellationToken);
        return result;
    }

    public async Task<ProvisionedResource> UpdateAsync(ProvisioningRequest request, CancellationToken cancellationToken)
    {
        var (_, name) = Split(request.PhysicalId!);
        return await Put(name, request, request.PreviousProperties, cancellationToken);
    }

    public async Task DeleteAsync(ProvisioningRequest request, CancellationToken cancellationToken)
    {
        var (bus, name) = Split(request.PhysicalId!);
        try
        {
            var ids = (request.Properties["Targets"] as JsonArray ?? []).Select(t => (JsonNode?)t?["Id"]?.ToString()).ToArray();
            if (ids.Length > 0)
            {
                await aws.CallAsync("events", "RemoveTargets", new JsonObject { ["Rule"] = name, ["EventBusName"] = bus, ["Ids"] = new JsonArray(ids), ["Force"] = true }, request.Caller, cancellationToken);
            }

            await aws.CallAsync("events", "DeleteRule", new JsonObject { ["Name"] = name, ["EventBusName"] = bus, ["Force"] = true }, request.Caller, cancellationToken);
        }
        catch (AwsServiceException e) when (e.Error.Code == "ResourceNotFoundException")
        {
        }
    }

    private async Task<ProvisionedResource> Put(string name, ProvisioningRequest request, JsonObject? before, CancellationToken cancellationToken)
    {
        var p = request.Properties;
        var bus = BusName(request.String("EventBusName"));
        var input = new JsonObject { ["Name"] = name, ["EventBusName"] = bus };
        foreach (var key in new[] { "Description", "ScheduleExpression", "State", "RoleArn" }.Where(k => p[k] is not null))
        {
            input[key] = CfnValues.Text(p[key]!);
        }

        if (p["EventPattern"] is { } pattern)
        {
            input["EventPattern"] = CfnValues.Text(pattern);
        }

        var rule = await aws.CallAsync("events", "PutRule", input, request.Caller, cancellationToken);
        var targets = p["Targets"] as JsonArray ?? [];
        var removed = (before?["Targets"] as JsonArray ?? []).Select(t => t?["Id"]?.ToString()).OfType<string>()
            .Except(targets.Select(t => t?["Id"]?.ToString()).OfType<string>()).Select(id => (JsonNode?)id).ToArray();
        if (removed.Length > 0)
        {
            await aws.CallAsync("events", "RemoveTargets", new JsonObject { ["Rule"] = name, ["EventBusName"] = bus, ["Ids"] = new JsonArray(removed) }, request.Caller, cancellationToken);
        }

        if (targets.Count > 0)
        {
            var result = await aws.CallAsync("events", "PutTargets", new JsonObject { ["Rule"] = name, ["EventBusName"] = bus, ["Targets"] = targets.DeepClone() }, request.Caller, cancellationToken);
            if (result?["FailedEntryCount"]?.GetValue<int>() > 0)
            {
                throw new ProvisioningException($"PutTargets failed: {result["FailedEntries"]?.ToJsonString()}");
            }
        }

        var id = bus == "default" ? name : $"{bus}|{name}";
        return new ProvisionedResource(id, new Dictionary<string, JsonNode?> { ["Arn"] = rule?["RuleArn"]?.DeepClone() });
    }

    private static string BusName(string? bus) => bus is null ? "default" : bus.StartsWith("arn:", StringComparison.Ordinal) ? bus[(bus.LastIndexOf('/') + 1)..] : bus;

    private static (string Bus, string Name) Split(string physicalId)
    {
        var bar = physicalId.IndexOf('|', StringComparison.Ordinal);
        return bar < 0 ? ("default", physicalId) : (physicalId[..bar], physicalId[(bar + 1)..]);
    }
}
