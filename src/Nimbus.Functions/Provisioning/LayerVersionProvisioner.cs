using System.Text.Json.Nodes;
using Nimbus.Core.Provisioning;

namespace Nimbus.Functions.Provisioning;

/// <summary><c>AWS::Lambda::LayerVersion</c>: PublishLayerVersion/DeleteLayerVersion; Ref is the layer version ARN; every change publishes a new one.</summary>
internal sealed class LayerVersionProvisioner(LambdaCalls lambda) : IResourceProvisioner
{
    public string ResourceType => "AWS::Lambda::LayerVersion";

    public bool RequiresReplacement(string property) => true;

    public async Task<ProvisionedResource> CreateAsync(ProvisioningRequest request, CancellationToken cancellationToken)
    {
        var p = request.Properties;
        var name = request.NameOr("LayerName", 64);
        var body = new JsonObject { ["Content"] = await lambda.CodeAsync(p["Content"], null, request.Caller) };
        foreach (var key in new[] { "Description", "CompatibleRuntimes", "CompatibleArchitectures", "LicenseInfo" }.Where(k => p[k] is not null))
        {
            body[key] = p[key]!.DeepClone();
        }

        var result = await lambda.CallAsync("POST", $"/2018-10-31/layers/{LambdaCalls.Escape(name)}/versions", body, request.Caller);
        var arn = result!["LayerVersionArn"]!.GetValue<string>();
        return new ProvisionedResource(arn, new Dictionary<string, JsonNode?> { ["LayerVersionArn"] = arn });
    }

    public Task<ProvisionedResource> UpdateAsync(ProvisioningRequest request, CancellationToken cancellationToken) => CreateAsync(request, cancellationToken);

    public Task DeleteAsync(ProvisioningRequest request, CancellationToken cancellationToken)
    {
        var parts = request.PhysicalId!.Split(':');
        return lambda.DeleteAsync($"/2018-10-31/layers/{LambdaCalls.Escape(parts[6])}/versions/{parts[7]}", request.Caller);
    }
}
