using System.Text.Json.Nodes;

namespace Nimbus.Templates.Sam;

/// <summary>The CodeDeploy application and service role that functions' DeploymentPreference share.</summary>
internal sealed partial class TranslationContext
{
    private void AddCodeDeployResources(JsonObject resources)
    {
        if (NeedsDeploymentApplication)
        {
            // When every enabled preference passes a condition through, the shared resources exist only under those conditions.
            string? sharedCondition = null;
            if (DeploymentConditions.Count > 0 && DeploymentConditions.All(c => c is not null))
            {
                var distinct = DeploymentConditions.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).Select(c => c!).ToList();
                sharedCondition = distinct.Count == 1 ? distinct[0] : "ServerlessCodeDeployCondition";
                if (distinct.Count > 1)
                {
                    Apis.AddCombinedCondition(sharedCondition, distinct);
                }
            }

            resources["ServerlessDeploymentApplication"] = NewResource("AWS::CodeDeploy::Application", new JsonObject { ["ComputePlatform"] = "Lambda" });
            if (sharedCondition is not null)
            {
                resources["ServerlessDeploymentApplication"]!["Condition"] = sharedCondition;
            }

            if (NeedsCodeDeployRole)
            {
                resources["CodeDeployServiceRole"] = NewResource("AWS::IAM::Role", new JsonObject
                {
                    ["AssumeRolePolicyDocument"] = new JsonObject
                    {
                        ["Version"] = "2012-10-17",
                        ["Statement"] = new JsonArray(new JsonObject
                        {
                            ["Action"] = new JsonArray("sts:AssumeRole"),
                            ["Effect"] = "Allow",
                            ["Principal"] = new JsonObject { ["Service"] = new JsonArray("codedeploy.amazonaws.com") },
                        }),
                    },
                    ["ManagedPolicyArns"] = new JsonArray(ManagedPolicyArn("service-role/AWSCodeDeployRoleForLambda")),
                });
                if (sharedCondition is not null)
                {
                    resources["CodeDeployServiceRole"]!["Condition"] = sharedCondition;
                }
            }
        }
    }
}
