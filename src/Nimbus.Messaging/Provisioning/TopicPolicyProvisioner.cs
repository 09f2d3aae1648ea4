using Nimbus.Core.Errors;
using Nimbus.Core.Provisioning;

namespace Nimbus.Messaging.Provisioning;

/// <summary><c>AWS::SNS::TopicPolicy</c>: sets the <c>Policy</c> attribute of each listed topic (stored, not enforced).</summary>
internal sealed class TopicPolicyProvisioner(MessagingCalls aws) : IResourceProvisioner
{
    public string ResourceType => "AWS::SNS::TopicPolicy";

    public bool RequiresReplacement(string property) => false;

    public async Task<ProvisionedResource> CreateAsync(ProvisioningRequest request, CancellationToken cancellationToken)
    {
        var policy = request.Properties["PolicyDocument"] is { } doc ? CfnValues.Text(doc) : "";
        foreach (var topic in (request.Properties["Topics"] as System.Text.Json.Nodes.JsonArray ?? []).Select(t => t?.ToString()).OfType<string>())
        {
            await aws.SnsAsync("SetTopicAttributes", new Dictionary<string, string> { ["TopicArn"] = topic, ["AttributeName"] = "Policy", ["AttributeValue"] = policy }, request.Caller, cancellationToken);
        }

        return new ProvisionedResource(request.PhysicalId ?? PhysicalNames.Generate(request.StackName, request.LogicalId, 128));
    }

    public Task<ProvisionedResource> UpdateAsync(ProvisioningRequest request, CancellationToken cancellationToken) => CreateAsync(request, cancellationToken);

    public async Task DeleteAsync(ProvisioningRequest request, CancellationToken cancellationToken)
    {
        foreach (var topic in (request.Properties["Topics"] as System.Text.Json.Nodes.JsonArray ?? []).Select(t => t?.ToString()).OfType<string>())
        {
            try
            {
                await aws.SnsAsync("SetTopicAttributes", new Dictionary<string, string> { ["TopicArn"] = topic, ["AttributeName"] = "Policy", ["AttributeValue"] = "" }, request.Caller, cancellationToken);
            }
            catch (AwsServiceException)
            {
                // The topic went first, or SNS refuses an empty policy: either way there is nothing left to detach.
            }
        }
    }
}
