using System.Text.Json.Nodes;
using Nimbus.Core.Provisioning;

namespace Nimbus.Functions.Provisioning;

/// <summary><c>AWS::Lambda::Version</c>: PublishVersion; Ref is the version ARN. Versions are immutable, so every change replaces.</summary>
internal sealed class VersionProvisioner(LambdaCalls lambda) : IResourceProvisioner
{
    public string ResourceType => "AWS::Lambda::Version";

    public bool RequiresReplacement(string property) => property != "ProvisionedConcurrencyConfig";

    public async Task<ProvisionedResource> CreateAsync(ProvisioningRequest request, CancellationToken cancellationToken)
    {
        var function = request.String("FunctionName") ?? throw new ProvisioningException("Properties validation failed for resource: required key [FunctionName] not found");
        var body = new JsonObject();
        if (request.String("Description") is { } d)
        {
            body["Description"] = d;
        }

        if (request.String("CodeSha256") is { } sha)
        {
            body["CodeSha256"] = sha;
        }

        var result = await lambda.CallAsync("POST", $"/2015-03-31/functions/{LambdaCalls.Escape(function)}/versions", body, request.Caller);
        var arn = result!["FunctionArn"]!.GetValue<string>();
        return new ProvisionedResource(arn, new Dictionary<string, JsonNode?> { ["Version"] = result["Version"]?.DeepClone(), ["FunctionArn"] = arn });
    }

    public Task<ProvisionedResource> UpdateAsync(ProvisioningRequest request, CancellationToken cancellationToken) =>
        Task.FromResult(new ProvisionedResource(request.PhysicalId!, request.PreviousAttributes));

    public Task DeleteAsync(ProvisioningRequest request, CancellationToken cancellationToken)
    {
        var arn = request.PhysicalId!;
        var cut = arn.LastIndexOf(':');
        return lambda.DeleteAsync($"/2015-03-31/functions/{LambdaCalls.Escape(arn[..cut])}?Qualifier={arn[(cut + 1)..]}", request.Caller);
    }
}
