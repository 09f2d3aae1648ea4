using System.Text.Json.Nodes;
using Nimbus.Core.Errors;
using Nimbus.Core.Provisioning;

namespace Nimbus.Messaging.Provisioning;

/// <summary><c>AWS::SNS::Subscription</c> through Subscribe, SetSubscriptionAttributes and Unsubscribe; Ref is the subscription ARN.</summary>
internal sealed class SubscriptionProvisioner(MessagingCalls aws) : IResourceProvisioner
{
    private static readonly string[] Attributes = ["FilterPolicyScope", "FilterPolicy", "RawMessageDelivery", "RedrivePolicy", "DeliveryPolicy", "SubscriptionRoleArn", "ReplayPolicy"];

    public string ResourceType => "AWS::SNS::Subscription";

    public bool RequiresReplacement(string property) => property is "Endpoint" or "Protocol" or "TopicArn" or "Region";

    public async Task<ProvisionedResource> CreateAsync(ProvisioningRequest request, CancellationToken cancellationToken)
    {
        var p = request.Properties;
        var input = new Dictionary<string, string>
        {
            ["TopicArn"] = request.String("TopicArn") ?? "", ["Protocol"] = request.String("Protocol") ?? "", ["Endpoint"] = request.String("Endpoint") ?? "",
            ["ReturnSubscriptionArn"] = "true",
        };
        var n = 0;
        foreach (var key in Attributes.Where(k => p[k] is not null))
        {
            n++;
            input[$"Attributes.entry.{n}.key"] = key;
            input[$"Attributes.entry.{n}.value"] = CfnValues.Text(p[key]!);
        }

        var result = await aws.SnsAsync("Subscribe", input, request.Caller, cancellationToken);
        var arn = result!.Elements().First(e => e.Name.LocalName == "SubscriptionArn").Value;
        return new ProvisionedResource(arn, new Dictionary<string, JsonNode?> { ["Arn"] = arn });
    }

    public async Task<ProvisionedResource> UpdateAsync(ProvisioningRequest request, CancellationToken cancellationToken)
    {
        var before = request.PreviousProperties ?? [];
        foreach (var key in Attributes.Where(k => !JsonNode.DeepEquals(request.Properties[k], before[k])))
        {
            await aws.SnsAsync("SetSubscriptionAttributes", new Dictionary<string, string>
            {
                ["SubscriptionArn"] = request.PhysicalId!, ["AttributeName"] = key,
                ["AttributeValue"] = request.Properties[key] is { } v ? CfnValues.Text(v) : "",
            }, request.Caller, cancellationToken);
        }

        return new ProvisionedResource(request.PhysicalId!, new Dictionary<string, JsonNode?> { ["Arn"] = request.PhysicalId });
    }

    public async Task DeleteAsync(ProvisioningRequest request, CancellationToken cancellationToken)
    {
        try
        {
            await aws.SnsAsync("Unsubscribe", new Dictionary<string, string> { ["SubscriptionArn"] = request.PhysicalId! }, request.Caller, cancellationToken);
        }
        catch (AwsServiceException e) when (e.Error.Code == "NotFound")
        {
        }
    }
}
