using System.Text.Json.Nodes;
using Nimbus.Core.Errors;
using Nimbus.Core.Provisioning;

namespace Nimbus.StepFunctions.Provisioning;

/// <summary><c>AWS::StepFunctions::Activity</c> through CreateActivity and DeleteActivity; Ref is the activity ARN.</summary>
internal sealed class ActivityProvisioner(IServiceProvider services) : IResourceProvisioner
{
    public string ResourceType => "AWS::StepFunctions::Activity";

    public bool RequiresReplacement(string property) => property == "Name";

    public async Task<ProvisionedResource> CreateAsync(ProvisioningRequest request, CancellationToken cancellationToken)
    {
        var name = request.String("Name") ?? throw new ProvisioningException("Properties validation failed for resource: required key [Name] not found");
        var result = await InProcessApi.JsonAsync(services, "AWSStepFunctions", "CreateActivity", new JsonObject { ["name"] = name }, request.Caller, cancellationToken);
        var arn = result!["activityArn"]!.GetValue<string>();
        return new ProvisionedResource(arn, new Dictionary<string, JsonNode?> { ["Arn"] = arn, ["Name"] = name });
    }

    public Task<ProvisionedResource> UpdateAsync(ProvisioningRequest request, CancellationToken cancellationToken) =>
        Task.FromResult(new ProvisionedResource(request.PhysicalId!, request.PreviousAttributes));

    public async Task DeleteAsync(ProvisioningRequest request, CancellationToken cancellationToken)
    {
        try
        {
            await InProcessApi.JsonAsync(services, "AWSStepFunctions", "DeleteActivity", new JsonObject { ["activityArn"] = request.PhysicalId }, request.Caller, cancellationToken);
        }
        catch (AwsServiceException e) when (e.Error.Code == "ActivityDoesNotExist")
        {
        }
    }
}
