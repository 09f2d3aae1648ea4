using System.Text.Json.Nodes;
using Nimbus.Core.Errors;
using Nimbus.Core.Provisioning;

namespace Nimbus.Messaging.Provisioning;

/// <summary><c>AWS::SQS::Queue</c> through CreateQueue, SetQueueAttributes and DeleteQueue; Ref is the queue URL.</summary>
internal sealed class QueueProvisioner(MessagingCalls aws) : IResourceProvisioner
{
    private static readonly Dictionary<string, string> Defaults = new(StringComparer.Ordinal)
    {
        ["DelaySeconds"] = "0", ["MaximumMessageSize"] = "262144", ["MessageRetentionPeriod"] = "345600",
        ["ReceiveMessageWaitTimeSeconds"] = "0", ["VisibilityTimeout"] = "30", ["RedrivePolicy"] = "", ["RedriveAllowPolicy"] = "",
        ["KmsMasterKeyId"] = "", ["SqsManagedSseEnabled"] = "true",
    };

    public string ResourceType => "AWS::SQS::Queue";

    public bool RequiresReplacement(string property) => property is "QueueName" or "FifoQueue";

    public async Task<ProvisionedResource> CreateAsync(ProvisioningRequest request, CancellationToken cancellationToken)
    {
        var fifo = CfnValues.IsTrue(request.Properties["FifoQueue"]);
        var name = request.String("QueueName") ?? PhysicalNames.Generate(request.StackName, request.LogicalId, fifo ? 75 : 80) + (fifo ? ".fifo" : "");
        var input = new JsonObject { ["QueueName"] = name, ["Attributes"] = Attributes(request.Properties) };
        if (CfnValues.Tags(request.Properties["Tags"]) is { } tags)
        {
            input["tags"] = tags;
        }

        var result = await aws.CallAsync("sqs", "CreateQueue", input, request.Caller, cancellationToken);
        return await Describe(result!["QueueUrl"]!.GetValue<string>(), request, cancellationToken);
    }

    public async Task<ProvisionedResource> UpdateAsync(ProvisioningRequest request, CancellationToken cancellationToken)
    {
        var attributes = Attributes(request.Properties);
        foreach (var (key, value) in Defaults.Where(d => attributes[d.Key] is null && request.PreviousProperties?[d.Key] is not null))
        {
            attributes[key] = value;
        }

        if (attributes.Count > 0)
        {
            await aws.CallAsync("sqs", "SetQueueAttributes", new JsonObject { ["QueueUrl"] = request.PhysicalId, ["Attributes"] = attributes }, request.Caller, cancellationToken);
        }

        return await Describe(request.PhysicalId!, request, cancellationToken);
    }

    public async Task DeleteAsync(ProvisioningRequest request, CancellationToken cancellationToken)
    {
        try
        {
            await aws.CallAsync("sqs", "DeleteQueue", new JsonObject { ["QueueUrl"] = request.PhysicalId }, request.Caller, cancellationToken);
        }
        catch (AwsServiceException e) when (e.Error.Code.Contains("NonExistentQueue", StringComparison.Ordinal) || e.Error.Code == "QueueDoesNotExist")
        {
        }
    }

    private static JsonObject Attributes(JsonObject p)
    {
        var attributes = new JsonObject();
        foreach (var (key, value) in p)
        {
            if (key is "QueueName" or "Tags" || value is null)
            {
                continue;
            }

            attributes[key] = CfnValues.Text(value);
        }

        return attributes;
    }

    private async Task<ProvisionedResource> Describe(string url, ProvisioningRequest request, CancellationToken cancellationToken)
    {
        var attributes = await aws.CallAsync("sqs", "GetQueueAttributes", new JsonObject { ["QueueUrl"] = url, ["AttributeNames"] = new JsonArray("QueueArn") }, request.Caller, cancellationToken);
        var arn = attributes!["Attributes"]!["QueueArn"]!.GetValue<string>();
        return new ProvisionedResource(url, new Dictionary<string, JsonNode?>
        {
            ["Arn"] = arn,
            ["QueueName"] = arn.Split(':')[5],
            ["QueueUrl"] = url,
        });
    }
}
