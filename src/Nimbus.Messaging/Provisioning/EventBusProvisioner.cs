using System.Text.Json.Nodes;
using Nimbus.Core.Errors;
using Nimbus.Core.Provisioning;

namespace Nimbus.Messaging.Provisioning;

/// <summary><c>AWS::Events::EventBus</c> through CreateEventBus and DeleteEventBus; Ref is the bus name.</summary>
internal sealed class EventBusProvisioner(MessagingCalls aws) : IResourceProvisioner
{
    public string ResourceType => "AWS::Events::EventBus";

    public bool RequiresReplacement(string property) => property is "Name" or "EventSourceName";

    public async Task<ProvisionedResource> CreateAsync(ProvisioningRequest request, CancellationToken cancellationToken)
    {
        var name = request.String("Name") ?? throw new ProvisioningException("Properties validation failed for resource: required key [Name] not found");
        var input = new JsonObject { ["Name"] = name };
        if (request.String("Description") is { } d)
        {
            input["Description"] = d;
        }

        if (CfnValues.Tags(request.Properties["Tags"]) is { } tags)
        {
            input["Tags"] = new JsonArray(tags.Select(t => (JsonNode?)new JsonObject { ["Key"] = t.Key, ["Value"] = t.Value?.ToString() }).ToArray());
        }

        var result = await aws.CallAsync("events", "CreateEventBus", input, request.Caller, cancellationToken);
        var arn = result?["EventBusArn"]?.ToString();
        return new ProvisionedResource(name, new Dictionary<string, JsonNode?> { ["Arn"] = arn, ["Name"] = name });
    }

    public Task<ProvisionedResource> UpdateAsync(ProvisioningRequest request, CancellationToken cancellationToken) =>
        Task.FromResult(new ProvisionedResource(request.PhysicalId!, request.PreviousAttributes));

    public async Task DeleteAsync(ProvisioningRequest request, CancellationToken cancellationToken)
    {
        try
        {
            await aws.CallAsync("events", "DeleteEventBus", new JsonObject { ["Name"] = request.PhysicalId }, request.Caller, cancellationToken);
        }
        catch (AwsServiceException e) when (e.Error.Code == "ResourceNotFoundException")
        {
        }
    }
}
