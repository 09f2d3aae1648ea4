using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Nimbus.Core.Functions;
using Nimbus.Core.Metrics;
using Nimbus.Core.Provisioning;

namespace Nimbus.Templates.CodeDeploy;

/// <summary>Updates a Lambda alias with a <c>CodeDeployLambdaAliasUpdate</c> update policy the way CodeDeploy does: PreTraffic hook,
/// traffic shifted to the new version on the configuration's schedule, PostTraffic hook; back to the old version on failure.</summary>
/// <remarks>Hooks are invoked asynchronously with <c>{DeploymentId, LifecycleEventHookExecutionId}</c> and report through
/// <see cref="CodeDeployApi"/>'s PutLifecycleEventHookExecutionStatus. Intervals and the hook timeout follow <see cref="TemplatesOptions.TimeScale"/>.
/// The deployment group's AlarmConfiguration is watched throughout (<see cref="AlarmWatch"/>): an alarm in ALARM stops the deployment.</remarks>
internal sealed class GradualDeployments(DeploymentTracker tracker, IFunctionInvoker invoker, TemplatesOptions options, TimeProvider time, IAlarmStates? alarms = null)
{
    /// <summary>How often the deployment group's alarms are polled, before scaling.</summary>
    public static readonly TimeSpan AlarmPollInterval = TimeSpan.FromSeconds(10);

    /// <summary>Runs the deployment; returns the alias as finally updated, or throws with the reason after moving the alias back.</summary>
    /// <param name="progress">Receives one line per step, for the stack's events.</param>
    /// <param name="alarmConfiguration">The deployment group's AlarmConfiguration, or null.</param>
    public async Task<ProvisionedResource> DeployAsync(
        IResourceProvisioner aliases, ProvisioningRequest request, JsonObject policy, string configName, JsonObject? customRouting, Action<string> progress,
        JsonObject? alarmConfiguration = null)
    {
        var oldVersion = request.PreviousProperties?["FunctionVersion"]?.ToString() ?? "";
        var newVersion = request.Properties["FunctionVersion"]?.ToString() ?? "";
        var steps = TrafficShifting.Steps(configName, customRouting)
            ?? throw new ProvisioningException($"Deployment configuration {configName} is not a Lambda configuration Nimbus knows (predefined CodeDeployDefault.Lambda* or a custom TrafficRoutingConfig).");
        var deployment = tracker.Start(policy["ApplicationName"]?.ToString() ?? "", policy["DeploymentGroupName"]?.ToString() ?? "", configName);
        var current = request.PreviousProperties ?? [];
        using var watch = AlarmWatch.Start(alarmConfiguration, alarms, request.Caller, time, options.Scaled(AlarmPollInterval));
        var stopped = watch?.Stopped ?? CancellationToken.None;
        try
        {
            watch?.ThrowIfStopped();
            if (policy["BeforeAllowTrafficHook"]?.ToString() is { Length: > 0 } before)
            {
                progress($"CodeDeploy deployment {deployment.DeploymentId}: running the BeforeAllowTraffic hook {before}");
                await HookAsync(deployment.DeploymentId, before, "BeforeAllowTraffic", request, stopped);
                watch?.ThrowIfStopped();
            }

            ProvisionedResource result = new(request.PhysicalId!, request.PreviousAttributes);
            foreach (var (percent, wait) in steps)
            {
                var properties = request.Properties.DeepClone().AsObject();
                if (percent < 100)
                {
                    properties["FunctionVersion"] = oldVersion;
                    properties["RoutingConfig"] = new JsonObject
                    {
                        ["AdditionalVersionWeights"] = new JsonArray(new JsonObject { ["FunctionVersion"] = newVersion, ["FunctionWeight"] = percent / 100.0 }),
                    };
                }
                else
                {
                    properties.Remove("RoutingConfig");
                }

                result = await aliases.UpdateAsync(request with { Properties = properties, PreviousProperties = current }, CancellationToken.None);
                current = properties;
                progress($"CodeDeploy deployment {deployment.DeploymentId}: {percent}% of traffic on version {newVersion}"
                    + (wait > TimeSpan.Zero ? $", next step in {wait.TotalMinutes.ToString(CultureInfo.InvariantCulture)} minute(s)" : ""));
                if (wait > TimeSpan.Zero)
                {
                    await Task.Delay(options.Scaled(wait), time, stopped);
                }

                watch?.ThrowIfStopped();
            }

            if (policy["AfterAllowTrafficHook"]?.ToString() is { Length: > 0 } after)
            {
                progress($"CodeDeploy deployment {deployment.DeploymentId}: running the AfterAllowTraffic hook {after}");
                await HookAsync(deployment.DeploymentId, after, "AfterAllowTraffic", request, stopped);
            }

            watch?.ThrowIfStopped();

            tracker.Finish(deployment.DeploymentId, "Succeeded");
            return result;
        }
        catch (Exception e)
        {
            var reason = watch?.Failure ?? e.Message;
            tracker.Finish(deployment.DeploymentId, watch?.Failure is null ? "Failed" : "Stopped");
            await aliases.UpdateAsync(request with { Properties = request.PreviousProperties ?? [], PreviousProperties = current }, CancellationToken.None);
            throw new ProvisioningException($"CodeDeploy deployment {deployment.DeploymentId} failed: {reason} The alias was rolled back to version {oldVersion}.", e);
        }
    }

    private async Task HookAsync(string deploymentId, string function, string lifecycle, ProvisioningRequest request, CancellationToken stopped)
    {
        var (hookId, status) = tracker.Expect(deploymentId);
        var payload = Encoding.UTF8.GetBytes(new JsonObject { ["DeploymentId"] = deploymentId, ["LifecycleEventHookExecutionId"] = hookId }.ToJsonString());
        var invoked = await invoker.InvokeAsync(new FunctionInvocation(function, null, InvocationType.Event, payload, request.Caller));
        if (invoked.Error is { } error)
        {
            throw new ProvisioningException($"The {lifecycle} hook {function} could not be invoked: {error.Message}.");
        }

        string reported;
        try
        {
            reported = await status.WaitAsync(options.Scaled(options.HookTimeout), time, stopped);
        }
        catch (TimeoutException)
        {
            throw new ProvisioningException($"The {lifecycle} hook {function} did not report a status in time (PutLifecycleEventHookExecutionStatus).");
        }

        if (reported != "Succeeded" && reported != "Skipped")
        {
            throw new ProvisioningException($"The {lifecycle} hook {function} reported {reported}.");
        }
    }
}
