using System.Text.Json.Nodes;
using Nimbus.Core.Errors;
using Nimbus.Core.Provisioning;

namespace Nimbus.Data.Provisioning;

/// <summary><c>AWS::DynamoDB::Table</c> through CreateTable, UpdateTable, UpdateTimeToLive and DeleteTable; Ref is the table name.</summary>
internal sealed class TableProvisioner(IServiceProvider services) : IResourceProvisioner
{
    private static readonly string[] CreateProperties =
    [
        "AttributeDefinitions", "KeySchema", "BillingMode", "ProvisionedThroughput", "GlobalSecondaryIndexes", "LocalSecondaryIndexes",
        "StreamSpecification", "SSESpecification", "Tags", "DeletionProtectionEnabled", "TableClass",
    ];

    public string ResourceType => "AWS::DynamoDB::Table";

    public bool RequiresReplacement(string property) => property is "TableName" or "KeySchema" or "LocalSecondaryIndexes";

    private Task<JsonNode?> Call(string operation, JsonObject input, ProvisioningRequest request, CancellationToken cancellationToken) =>
        InProcessApi.JsonAsync(services, "DynamoDB_20120810", operation, input, request.Caller, cancellationToken);

    public async Task<ProvisionedResource> CreateAsync(ProvisioningRequest request, CancellationToken cancellationToken)
    {
        var p = request.Properties;
        var name = request.NameOr("TableName", 255);
        var input = new JsonObject { ["TableName"] = name };
        foreach (var key in CreateProperties.Where(k => p[k] is not null))
        {
            input[key] = p[key]!.DeepClone();
        }

        if (input["StreamSpecification"] is JsonObject stream)
        {
            stream["StreamEnabled"] = true;
        }

        input["BillingMode"] ??= input["ProvisionedThroughput"] is null ? "PAY_PER_REQUEST" : "PROVISIONED";
        var result = await Call("CreateTable", input, request, cancellationToken);
        try
        {
            await TimeToLive(name, p["TimeToLiveSpecification"], null, request, cancellationToken);
        }
        catch
        {
            await DeleteAsync(request with { PhysicalId = name }, cancellationToken);
            throw;
        }

        return Resource(name, result?["TableDescription"]);
    }

    public async Task<ProvisionedResource> UpdateAsync(ProvisioningRequest request, CancellationToken cancellationToken)
    {
        var name = request.PhysicalId!;
        var p = request.Properties;
        var before = request.PreviousProperties ?? [];
        var input = new JsonObject { ["TableName"] = name };
        foreach (var key in new[] { "BillingMode", "ProvisionedThroughput", "DeletionProtectionEnabled", "AttributeDefinitions" }.Where(k => p[k] is not null && !JsonNode.DeepEquals(p[k], before[k])))
        {
            input[key] = p[key]!.DeepClone();
        }

        if (!JsonNode.DeepEquals(p["StreamSpecification"], before["StreamSpecification"]))
        {
            input["StreamSpecification"] = p["StreamSpecification"] is JsonObject s
                ? new JsonObject { ["StreamEnabled"] = true, ["StreamViewType"] = s["StreamViewType"]?.DeepClone() }
                : new JsonObject { ["StreamEnabled"] = false };
        }

        if (!JsonNode.DeepEquals(p["GlobalSecondaryIndexes"], before["GlobalSecondaryIndexes"]))
        {
            throw new ProvisioningException("Changing GlobalSecondaryIndexes of an existing table is not supported by Nimbus yet; rename the table to replace it.");
        }

        JsonNode? result = null;
        if (input.Count > 1)
        {
            result = (await Call("UpdateTable", input, request, cancellationToken))?["TableDescription"];
        }

        await TimeToLive(name, p["TimeToLiveSpecification"], before["TimeToLiveSpecification"], request, cancellationToken);
        result ??= (await Call("DescribeTable", new JsonObject { ["TableName"] = name }, request, cancellationToken))?["Table"];
        return Resource(name, result);
    }

    public async Task DeleteAsync(ProvisioningRequest request, CancellationToken cancellationToken)
    {
        try
        {
            await Call("DeleteTable", new JsonObject { ["TableName"] = request.PhysicalId }, request, cancellationToken);
        }
        catch (AwsServiceException e) when (e.Error.Code == "ResourceNotFoundException")
        {
        }
    }

    private async Task TimeToLive(string name, JsonNode? spec, JsonNode? before, ProvisioningRequest request, CancellationToken cancellationToken)
    {
        if (JsonNode.DeepEquals(spec, before))
        {
            return;
        }

        var enabled = spec?["Enabled"]?.ToString() is "true" or "True";
        var attribute = spec?["AttributeName"]?.ToString() ?? before?["AttributeName"]?.ToString();
        if (attribute is null || (!enabled && before is null))
        {
            return;
        }

        await Call("UpdateTimeToLive", new JsonObject
        {
            ["TableName"] = name,
            ["TimeToLiveSpecification"] = new JsonObject { ["Enabled"] = enabled, ["AttributeName"] = attribute },
        }, request, cancellationToken);
    }

    private static ProvisionedResource Resource(string name, JsonNode? description) => new(name, new Dictionary<string, JsonNode?>
    {
        ["Arn"] = description?["TableArn"]?.DeepClone(),
        ["StreamArn"] = description?["LatestStreamArn"]?.DeepClone(),
    });
}
