using System.Text.Json.Nodes;
using Nimbus.Core.Provisioning;

namespace Nimbus.Templates.Stacks;

internal sealed partial class StackOperation
{
    /// <summary>An alias update under a <c>CodeDeployLambdaAliasUpdate</c> policy: traffic shifted by the deployment group's configuration.</summary>
    private Task<ProvisionedResource> GradualAsync(PreparedTemplate template, JsonObject definition, IResourceProvisioner provisioner, ProvisioningRequest request, ResourceState previous)
    {
        var policy = Evaluator(template).Evaluate(definition["UpdatePolicy"]!["CodeDeployLambdaAliasUpdate"]) as JsonObject ?? [];
        var groupName = policy["DeploymentGroupName"]?.ToString();
        var group = _live.Values.FirstOrDefault(r => r.Type == "AWS::CodeDeploy::DeploymentGroup" && r.PhysicalId == groupName)
            ?? throw new ProvisioningException($"The deployment group {groupName} of the alias's CodeDeployLambdaAliasUpdate policy is not a resource of this stack.");
        var configName = group.Properties?["DeploymentConfigName"]?.ToString() ?? "CodeDeployDefault.LambdaAllAtOnce";
        var custom = _live.Values.FirstOrDefault(r => r.Type == "AWS::CodeDeploy::DeploymentConfig" && r.PhysicalId == configName)?.Properties?["TrafficRoutingConfig"] as JsonObject;
        return gradual!.DeployAsync(provisioner, request, policy, configName, custom, message =>
            Record(previous with { Status = StackStatus.UpdateInProgress, StatusReason = message, Timestamp = Now }),
            group.Properties?["AlarmConfiguration"] as JsonObject);
    }
}
