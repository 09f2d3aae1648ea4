using System.Collections.Concurrent;
using System.Security.Cryptography;

namespace Nimbus.Templates.CodeDeploy;

/// <summary>The CodeDeploy deployments that gradual alias updates run, and the lifecycle hooks waiting for their status.</summary>
/// <remarks>In memory: a deployment lives as long as the stack operation that runs it, and a restart fails that operation.</remarks>
internal sealed class DeploymentTracker(TimeProvider time)
{
    private readonly ConcurrentDictionary<string, DeploymentInfo> _deployments = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, (string DeploymentId, TaskCompletionSource<string> Status)> _hooks = new(StringComparer.Ordinal);

    public DeploymentInfo Start(string application, string group, string config)
    {
        var info = new DeploymentInfo("d-" + RandomNumberGenerator.GetString("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", 9), application, group, config, "InProgress", time.GetUtcNow(), null);
        _deployments[info.DeploymentId] = info;
        return info;
    }

    public void Finish(string deploymentId, string status) =>
        _deployments.AddOrUpdate(deploymentId, _ => throw new InvalidOperationException(), (_, d) => d with { Status = status, CompleteTime = time.GetUtcNow() });

    public DeploymentInfo? Get(string deploymentId) => _deployments.GetValueOrDefault(deploymentId);

    /// <summary>Registers a hook execution; the task completes with the status the hook reports.</summary>
    public (string HookExecutionId, Task<string> Status) Expect(string deploymentId)
    {
        var id = Guid.NewGuid().ToString();
        var tcs = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        _hooks[id] = (deploymentId, tcs);
        return (id, tcs.Task);
    }

    /// <summary>Records a hook's status; false when no such hook execution is waiting for that deployment.</summary>
    public bool Report(string deploymentId, string hookExecutionId, string status)
    {
        if (!_hooks.TryGetValue(hookExecutionId, out var hook) || hook.DeploymentId != deploymentId)
        {
            return false;
        }

        _hooks.TryRemove(hookExecutionId, out _);
        return hook.Status.TrySetResult(status);
    }
}

/// <summary>One CodeDeploy deployment of a Lambda alias.</summary>
internal sealed record DeploymentInfo(string DeploymentId, string ApplicationName, string DeploymentGroupName, string DeploymentConfigName, string Status, DateTimeOffset CreateTime, DateTimeOffset? CompleteTime);
