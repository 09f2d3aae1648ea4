using System.Text.Json.Nodes;
using Nimbus.Core.Errors;
using Nimbus.Core.Provisioning;

namespace Nimbus.Messaging.Provisioning;

/// <summary><c>AWS::SNS::Topic</c> through CreateTopic, SetTopicAttributes, Subscribe and DeleteTopic; Ref is the topic ARN.</summary>
internal sealed class TopicProvisioner(MessagingCalls aws) : IResourceProvisioner
{
    private static readonly string[] SettableAttributes = ["DisplayName", "KmsMasterKeyId", "ContentBasedDeduplication", "SignatureVersion", "TracingConfig", "DeliveryPolicy"];

    public string ResourceType => "AWS::SNS::Topic";

    public bool RequiresReplacement(string property) => property is "TopicName" or "FifoTopic";

    public async Task<ProvisionedResource> CreateAsync(ProvisioningRequest request, CancellationToken cancellationToken)
    {
        var p = request.Properties;
        var fifo = CfnValues.IsTrue(p["FifoTopic"]);
        var name = request.String("TopicName") ?? PhysicalNames.Generate(request.StackName, request.LogicalId, fifo ? 251 : 256) + (fifo ? ".fifo" : "");
        var input = new Dictionary<string, string> { ["Name"] = name };
        var n = 0;
        foreach (var key in SettableAttributes.Append("FifoTopic").Where(k => p[k] is not null))
        {
            n++;
            input[$"Attributes.entry.{n}.key"] = key;
            input[$"Attributes.entry.{n}.value"] = CfnValues.Text(p[key]!);
        }

        var t = 0;
        foreach (var tag in p["Tags"] as JsonArray ?? [])
        {
            t++;
            input[$"Tags.member.{t}.Key"] = tag?["Key"]?.ToString() ?? "";
            input[$"Tags.member.{t}.Value"] = tag?["Value"]?.ToString() ?? "";
        }

        var result = await aws.SnsAsync("CreateTopic", input, request.Caller, cancellationToken);
        var arn = result!.Elements().First(e => e.Name.LocalName == "TopicArn").Value;
        try
        {
            await Subscribe(arn, p["Subscription"], null, request, cancellationToken);
        }
        catch
        {
            await DeleteAsync(request with { PhysicalId = arn }, cancellationToken);
            throw;
        }

        return Resource(arn);
    }

    public async Task<ProvisionedResource> UpdateAsync(ProvisioningRequest request, CancellationToken cancellationToken)
    {
        var arn = request.PhysicalId!;
        var p = request.Properties;
        var before = request.PreviousProperties ?? [];
        foreach (var key in SettableAttributes.Where(k => !JsonNode.DeepEquals(p[k], before[k])))
        {
            await aws.SnsAsync("SetTopicAttributes", new Dictionary<string, string>
            {
                ["TopicArn"] = arn, ["AttributeName"] = key, ["AttributeValue"] = p[key] is { } v ? CfnValues.Text(v) : "",
            }, request.Caller, cancellationToken);
        }

        await Subscribe(arn, p["Subscription"], before["Subscription"], request, cancellationToken);
        return Resource(arn);
    }

    public async Task DeleteAsync(ProvisioningRequest request, CancellationToken cancellationToken)
    {
        try
        {
            await aws.SnsAsync("DeleteTopic", new Dictionary<string, string> { ["TopicArn"] = request.PhysicalId! }, request.Caller, cancellationToken);
        }
        catch (AwsServiceException e) when (e.Error.Code == "NotFound")
        {
        }
    }

    /// <summary>Subscribes the endpoints listed in <c>Subscription</c> that were not listed before.</summary>
    private async Task Subscribe(string arn, JsonNode? subscriptions, JsonNode? before, ProvisioningRequest request, CancellationToken cancellationToken)
    {
        var old = (before as JsonArray ?? []).Select(s => s?.ToJsonString()).ToHashSet();
        foreach (var s in (subscriptions as JsonArray ?? []).OfType<JsonObject>().Where(s => !old.Contains(s.ToJsonString())))
        {
            await aws.SnsAsync("Subscribe", new Dictionary<string, string>
            {
                ["TopicArn"] = arn, ["Protocol"] = s["Protocol"]?.ToString() ?? "", ["Endpoint"] = s["Endpoint"]?.ToString() ?? "",
            }, request.Caller, cancellationToken);
        }
    }

    private static ProvisionedResource Resource(string arn) => new(arn, new Dictionary<string, JsonNode?>
    {
        ["TopicArn"] = arn,
        ["TopicName"] = arn.Split(':')[5],
    });
}
