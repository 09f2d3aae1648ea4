using System.Text.Json.Nodes;
using Nimbus.Core.Provisioning;

namespace Nimbus.Functions.Provisioning;

/// <summary><c>AWS::Lambda::EventSourceMapping</c>: Create/Update/DeleteEventSourceMapping; Ref is the mapping's UUID.</summary>
internal sealed class EventSourceMappingProvisioner(LambdaCalls lambda) : IResourceProvisioner
{
    private static readonly HashSet<string> Replacing =
    [
        "EventSourceArn", "StartingPosition", "StartingPositionTimestamp", "SelfManagedEventSource", "AmazonManagedKafkaEventSourceConfig",
        "SelfManagedKafkaEventSourceConfig", "Queues", "Topics",
    ];

    public string ResourceType => "AWS::Lambda::EventSourceMapping";

    public bool RequiresReplacement(string property) => Replacing.Contains(property);

    public async Task<ProvisionedResource> CreateAsync(ProvisioningRequest request, CancellationToken cancellationToken)
    {
        var body = request.Properties.DeepClone().AsObject();
        body.Remove("Tags");
        var result = await lambda.CallAsync("POST", "/2015-03-31/event-source-mappings", body, request.Caller);
        return Resource(result);
    }

    public async Task<ProvisionedResource> UpdateAsync(ProvisioningRequest request, CancellationToken cancellationToken)
    {
        var body = request.Properties.DeepClone().AsObject();
        foreach (var key in Replacing.Append("Tags"))
        {
            body.Remove(key);
        }

        body["Enabled"] ??= true;
        var result = await lambda.CallAsync("PUT", $"/2015-03-31/event-source-mappings/{request.PhysicalId}", body, request.Caller);
        return Resource(result);
    }

    public Task DeleteAsync(ProvisioningRequest request, CancellationToken cancellationToken) =>
        lambda.DeleteAsync($"/2015-03-31/event-source-mappings/{request.PhysicalId}", request.Caller);

    private static ProvisionedResource Resource(JsonNode? result)
    {
        var id = result!["UUID"]!.GetValue<string>();
        return new ProvisionedResource(id, new Dictionary<string, JsonNode?> { ["Id"] = id, ["EventSourceMappingArn"] = result["EventSourceMappingArn"]?.DeepClone() });
    }
}
