using System.Text.Json.Nodes;
using Nimbus.Core.Provisioning;

namespace Nimbus.Functions.Provisioning;

/// <summary><c>AWS::Lambda::EventInvokeConfig</c>: Put/DeleteFunctionEventInvokeConfig for a function and qualifier.</summary>
internal sealed class EventInvokeConfigProvisioner(LambdaCalls lambda) : IResourceProvisioner
{
    public string ResourceType => "AWS::Lambda::EventInvokeConfig";

    public bool RequiresReplacement(string property) => property is "FunctionName" or "Qualifier";

    public async Task<ProvisionedResource> CreateAsync(ProvisioningRequest request, CancellationToken cancellationToken)
    {
        var body = new JsonObject();
        foreach (var key in new[] { "MaximumRetryAttempts", "MaximumEventAgeInSeconds", "DestinationConfig" }.Where(k => request.Properties[k] is not null))
        {
            body[key] = request.Properties[key]!.DeepClone();
        }

        await lambda.CallAsync("PUT", Path(request), body, request.Caller);
        return new ProvisionedResource(PhysicalNames.Generate(request.StackName, request.LogicalId, 128));
    }

    public async Task<ProvisionedResource> UpdateAsync(ProvisioningRequest request, CancellationToken cancellationToken)
    {
        await CreateAsync(request, cancellationToken);
        return new ProvisionedResource(request.PhysicalId!);
    }

    public Task DeleteAsync(ProvisioningRequest request, CancellationToken cancellationToken) => lambda.DeleteAsync(Path(request), request.Caller);

    private static string Path(ProvisioningRequest request) =>
        $"/2019-09-25/functions/{LambdaCalls.Escape(request.String("FunctionName") ?? "")}/event-invoke-config?Qualifier={Uri.EscapeDataString(request.String("Qualifier") ?? "$LATEST")}";
}
