using System.Text.Json.Nodes;
using System.Xml.Linq;
using Nimbus.Core.Errors;
using Nimbus.Core.Provisioning;

namespace Nimbus.Data.Provisioning;

/// <summary><c>AWS::S3::Bucket</c> through CreateBucket, PutBucketVersioning/Tagging/NotificationConfiguration and DeleteBucket.</summary>
/// <remarks>Ref is the bucket name. Deleting a bucket that still has objects fails as in AWS ("The bucket you tried to delete is not empty").</remarks>
internal sealed class BucketProvisioner(S3Calls s3) : IResourceProvisioner
{
    private static readonly XNamespace Ns = "http://s3.amazonaws.com/doc/2006-03-01/";

    public string ResourceType => "AWS::S3::Bucket";

    public bool RequiresReplacement(string property) => property is "BucketName" or "ObjectLockEnabled";

    public async Task<ProvisionedResource> CreateAsync(ProvisioningRequest request, CancellationToken cancellationToken)
    {
        var name = request.NameOr("BucketName", 63, lowerCase: true);
        await s3.SendAsync("PUT", "/" + name, null, null, request.Caller, cancellationToken);
        try
        {
            await Configure(name, request.Properties, null, request, cancellationToken);
        }
        catch
        {
            await DeleteAsync(request with { PhysicalId = name }, cancellationToken);
            throw;
        }

        return Resource(name, request);
    }

    public async Task<ProvisionedResource> UpdateAsync(ProvisioningRequest request, CancellationToken cancellationToken)
    {
        await Configure(request.PhysicalId!, request.Properties, request.PreviousProperties ?? [], request, cancellationToken);
        return Resource(request.PhysicalId!, request);
    }

    public async Task DeleteAsync(ProvisioningRequest request, CancellationToken cancellationToken)
    {
        try
        {
            await s3.SendAsync("DELETE", "/" + request.PhysicalId, null, null, request.Caller, cancellationToken);
        }
        catch (AwsServiceException e) when (e.Error.Code == "NoSuchBucket")
        {
        }
    }

    private async Task Configure(string name, JsonObject p, JsonObject? before, ProvisioningRequest request, CancellationToken cancellationToken)
    {
        bool Changed(string key) => before is null ? p[key] is not null : !JsonNode.DeepEquals(p[key], before[key]);
        if (Changed("VersioningConfiguration"))
        {
            var status = p["VersioningConfiguration"]?["Status"]?.ToString() ?? "Suspended";
            await s3.SendAsync("PUT", "/" + name, "?versioning", new XElement(Ns + "VersioningConfiguration", new XElement(Ns + "Status", status)), request.Caller, cancellationToken);
        }

        if (Changed("Tags"))
        {
            var tags = new XElement(Ns + "Tagging", new XElement(Ns + "TagSet", (p["Tags"] as JsonArray ?? []).Select(t =>
                new XElement(Ns + "Tag", new XElement(Ns + "Key", t?["Key"]?.ToString()), new XElement(Ns + "Value", t?["Value"]?.ToString())))));
            await s3.SendAsync("PUT", "/" + name, "?tagging", tags, request.Caller, cancellationToken);
        }

        if (Changed("NotificationConfiguration"))
        {
            await s3.SendAsync("PUT", "/" + name, "?notification", Notification(p["NotificationConfiguration"] as JsonObject), request.Caller, cancellationToken);
        }
    }

    /// <summary>CloudFormation's NotificationConfiguration as S3's XML (Lambda, queue and topic configurations with key filters).</summary>
    private static XElement Notification(JsonObject? config)
    {
        var root = new XElement(Ns + "NotificationConfiguration");
        if (config is null)
        {
            return root;
        }

        foreach (var (list, element, target, property) in new[]
        {
            ("LambdaConfigurations", "CloudFunctionConfiguration", "CloudFunction", "Function"),
            ("QueueConfigurations", "QueueConfiguration", "Queue", "Queue"),
            ("TopicConfigurations", "TopicConfiguration", "Topic", "Topic"),
        })
        {
            foreach (var c in (config[list] as JsonArray ?? []).OfType<JsonObject>())
            {
                var rules = (c["Filter"]?["S3Key"]?["Rules"] as JsonArray ?? []).OfType<JsonObject>()
                    .Select(r => new XElement(Ns + "FilterRule", new XElement(Ns + "Name", r["Name"]?.ToString()), new XElement(Ns + "Value", r["Value"]?.ToString())))
                    .ToList();
                root.Add(new XElement(Ns + element,
                    new XElement(Ns + target, c[property]?.ToString()),
                    new XElement(Ns + "Event", c["Event"]?.ToString()),
                    rules.Count > 0 ? new XElement(Ns + "Filter", new XElement(Ns + "S3Key", rules)) : null));
            }
        }

        if (config["EventBridgeConfiguration"] is not null)
        {
            root.Add(new XElement(Ns + "EventBridgeConfiguration"));
        }

        return root;
    }

    private static ProvisionedResource Resource(string name, ProvisioningRequest request) => new(name, new Dictionary<string, JsonNode?>
    {
        ["Arn"] = $"arn:aws:s3:::{name}",
        ["DomainName"] = $"{name}.s3.amazonaws.com",
        ["RegionalDomainName"] = $"{name}.s3.{request.Caller.Region}.amazonaws.com",
        ["DualStackDomainName"] = $"{name}.s3.dualstack.{request.Caller.Region}.amazonaws.com",
        ["WebsiteURL"] = $"http://{name}.s3-website-{request.Caller.Region}.amazonaws.com",
    });
}
