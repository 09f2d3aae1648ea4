using System.Text.Json.Nodes;
using Nimbus.Core.Errors;
using Nimbus.Core.Provisioning;

namespace Nimbus.Messaging.Provisioning;

/// <summary><c>AWS::SQS::QueuePolicy</c>: sets the <c>Policy</c> attribute of each listed queue (stored, not enforced).</summary>
internal sealed class QueuePolicyProvisioner(MessagingCalls aws) : IResourceProvisioner
{
    public string ResourceType => "AWS::SQS::QueuePolicy";

    public bool RequiresReplacement(string property) => false;

    public async Task<ProvisionedResource> CreateAsync(ProvisioningRequest request, CancellationToken cancellationToken)
    {
        await Apply(request.Properties, CfnValues.Text(request.Properties["PolicyDocument"] ?? new JsonObject()), request, cancellationToken);
        return new ProvisionedResource(request.PhysicalId ?? PhysicalNames.Generate(request.StackName, request.LogicalId, 128));
    }

    public Task<ProvisionedResource> UpdateAsync(ProvisioningRequest request, CancellationToken cancellationToken) => CreateAsync(request, cancellationToken);

    public Task DeleteAsync(ProvisioningRequest request, CancellationToken cancellationToken) => Apply(request.Properties, "", request, cancellationToken);

    private async Task Apply(JsonObject p, string policy, ProvisioningRequest request, CancellationToken cancellationToken)
    {
        foreach (var url in (p["Queues"] as JsonArray ?? []).Select(q => q?.ToString()).OfType<string>())
        {
            try
            {
                await aws.CallAsync("sqs", "SetQueueAttributes", new JsonObject { ["QueueUrl"] = url, ["Attributes"] = new JsonObject { ["Policy"] = policy } }, request.Caller, cancellationToken);
            }
            catch (AwsServiceException e) when (policy.Length == 0 && e.Error.Code.Contains("NonExistentQueue", StringComparison.Ordinal))
            {
            }
        }
    }
}
