using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Nimbus.Core.Errors;
using Nimbus.Core.Identity;
using Nimbus.Core.Protocols;

namespace Nimbus.Templates.CodeDeploy;

/// <summary>The part of CodeDeploy (JSON 1.1, <c>CodeDeploy_20141006</c>) that Lambda deployment hooks use:
/// PutLifecycleEventHookExecutionStatus, and GetDeployment to watch a deployment.</summary>
internal sealed class CodeDeployApi(DeploymentTracker tracker) : IJsonProtocolService
{
    private static readonly HashSet<string> Statuses = ["Pending", "InProgress", "Succeeded", "Failed", "Skipped", "Unknown"];

    public string TargetPrefix => "CodeDeploy_20141006";

    public AwsProtocol Protocol => AwsProtocol.AwsJson11;

    public async Task HandleAsync(HttpContext http, string operation, AwsRequestContext caller)
    {
        var body = (await JsonNode.ParseAsync(http.Request.Body) as JsonObject) ?? [];
        var result = operation switch
        {
            "PutLifecycleEventHookExecutionStatus" => PutStatus(body),
            "GetDeployment" => GetDeployment(body),
            _ => throw CommonErrors.UnknownOperation("codedeploy", operation).ToException(),
        };
        http.Response.ContentType = "application/x-amz-json-1.1";
        http.Response.Headers["x-amzn-RequestId"] = caller.RequestId;
        await http.Response.WriteAsync(result.ToJsonString());
    }

    private JsonObject PutStatus(JsonObject body)
    {
        var deploymentId = body["deploymentId"]?.ToString() ?? throw new AwsServiceException("DeploymentIdRequiredException", "Deployment ID is required.");
        var hookId = body["lifecycleEventHookExecutionId"]?.ToString() ?? throw new AwsServiceException("LifecycleEventHookExecutionIdRequiredException", "Lifecycle event hook execution ID is required.");
        var status = body["status"]?.ToString() ?? "";
        if (!Statuses.Contains(status))
        {
            throw new AwsServiceException("InvalidLifecycleEventHookExecutionStatusException", $"Status {status} is not valid. Valid statuses are Pending, InProgress, Succeeded, Failed, Skipped and Unknown.");
        }

        if (tracker.Get(deploymentId) is null)
        {
            throw new AwsServiceException("DeploymentDoesNotExistException", $"Deployment {deploymentId} does not exist.");
        }

        if (status is "Succeeded" or "Failed" or "Skipped" or "Unknown" && !tracker.Report(deploymentId, hookId, status))
        {
            throw new AwsServiceException("LifecycleEventAlreadyCompletedException", $"The lifecycle event hook execution {hookId} has already completed or does not belong to deployment {deploymentId}.");
        }

        return new JsonObject { ["lifecycleEventHookExecutionId"] = hookId };
    }

    private JsonObject GetDeployment(JsonObject body)
    {
        var id = body["deploymentId"]?.ToString() ?? throw new AwsServiceException("DeploymentIdRequiredException", "Deployment ID is required.");
        var d = tracker.Get(id) ?? throw new AwsServiceException("DeploymentDoesNotExistException", $"Deployment {id} does not exist.");
        var info = new JsonObject
        {
            ["deploymentId"] = d.DeploymentId,
            ["applicationName"] = d.ApplicationName,
            ["deploymentGroupName"] = d.DeploymentGroupName,
            ["deploymentConfigName"] = d.DeploymentConfigName,
            ["status"] = d.Status,
            ["computePlatform"] = "Lambda",
            ["creator"] = "user",
            ["createTime"] = d.CreateTime.ToUnixTimeMilliseconds() / 1000.0,
        };
        if (d.CompleteTime is { } done)
        {
            info["completeTime"] = done.ToUnixTimeMilliseconds() / 1000.0;
        }

        return new JsonObject { ["deploymentInfo"] = info };
    }
}
