using System.Text.Json.Nodes;
using Nimbus.Core.Provisioning;

namespace Nimbus.Functions.Provisioning;

/// <summary><c>AWS::Lambda::Permission</c>: recorded, not enforced (Nimbus runs no resource policies); the function must exist.</summary>
/// <remarks>Every invoke path in Nimbus (API Gateway, SNS, S3, EventBridge) already reaches the function, so the statement only
/// needs to exist for <c>Ref</c> and dependency order; checking the function keeps a typo from passing silently.</remarks>
internal sealed class PermissionProvisioner(LambdaCalls lambda) : IResourceProvisioner
{
    public string ResourceType => "AWS::Lambda::Permission";

    public bool RequiresReplacement(string property) => true;

    public async Task<ProvisionedResource> CreateAsync(ProvisioningRequest request, CancellationToken cancellationToken)
    {
        var function = request.String("FunctionName") ?? throw new ProvisioningException("Properties validation failed for resource: required key [FunctionName] not found");
        await lambda.CallAsync("GET", $"/2015-03-31/functions/{LambdaCalls.Escape(function)}/configuration", null, request.Caller);
        return new ProvisionedResource(PhysicalNames.Generate(request.StackName, request.LogicalId, 100), new Dictionary<string, JsonNode?>());
    }

    public Task<ProvisionedResource> UpdateAsync(ProvisioningRequest request, CancellationToken cancellationToken) => CreateAsync(request, cancellationToken);

    public Task DeleteAsync(ProvisioningRequest request, CancellationToken cancellationToken) => Task.CompletedTask;
}
