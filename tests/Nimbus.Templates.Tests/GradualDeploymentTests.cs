using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using Nimbus.Core.Functions;
using Nimbus.Core.Provisioning;
using Nimbus.Templates.CodeDeploy;
using Nimbus.Templates.Stacks;

namespace Nimbus.Templates.Tests;

public sealed class GradualDeploymentTests : IDisposable
{
    private readonly DeploymentTracker _tracker = new(TimeProvider.System);
    private readonly AliasRecorder _aliases = new();
    private readonly HookInvoker _hooks;
    private readonly StackTestbed _bed;

    public GradualDeploymentTests()
    {
        _hooks = new HookInvoker(_tracker);
        var options = new TemplatesOptions { TimeScale = 6000 };
        _bed = new StackTestbed(null, _ => new GradualDeployments(_tracker, _hooks, options, TimeProvider.System), _aliases);
    }

    public void Dispose() => _bed.Dispose();

    private static string Template(string version, string config) => new JsonObject
    {
        ["Resources"] = new JsonObject
        {
            ["App"] = new JsonObject { ["Type"] = "AWS::CodeDeploy::Application" },
            ["Group"] = new JsonObject
            {
                ["Type"] = "AWS::CodeDeploy::DeploymentGroup",
                ["Properties"] = new JsonObject { ["ApplicationName"] = new JsonObject { ["Ref"] = "App" }, ["DeploymentConfigName"] = config },
            },
            ["Live"] = new JsonObject
            {
                ["Type"] = "AWS::Lambda::Alias",
                ["Properties"] = new JsonObject { ["FunctionName"] = "fn", ["Name"] = "live", ["FunctionVersion"] = version },
                ["UpdatePolicy"] = new JsonObject
                {
                    ["CodeDeployLambdaAliasUpdate"] = new JsonObject
                    {
                        ["ApplicationName"] = new JsonObject { ["Ref"] = "App" },
                        ["DeploymentGroupName"] = new JsonObject { ["Ref"] = "Group" },
                        ["BeforeAllowTrafficHook"] = "pre-hook",
                        ["AfterAllowTrafficHook"] = "post-hook",
                    },
                },
            },
        },
    }.ToJsonString();

    [Fact]
    public async Task AliasUpdate_Linear10PercentEvery1Minute_ShiftsInTenStepsBetweenTheHooks()
    {
        await _bed.CreateAsync("gradual", Template("1", "CodeDeployDefault.LambdaLinear10PercentEvery1Minute"));
        Assert.Equal(["create 1"], _aliases.Calls);

        var updated = await _bed.UpdateAsync("gradual", Template("2", "CodeDeployDefault.LambdaLinear10PercentEvery1Minute"));

        Assert.Equal(StackStatus.UpdateComplete, updated.Status);
        Assert.Equal(["pre-hook", "post-hook"], _hooks.Invoked);
        var expected = Enumerable.Range(1, 9).Select(n => $"update 1 + 2@{n / 10.0:0.0}").Append("update 2").Prepend("create 1");
        Assert.Equal(expected, _aliases.Calls);
        Assert.Contains(_bed.Store.Events(updated.StackId), e => e.Reason?.Contains("50% of traffic on version 2", StringComparison.Ordinal) == true);
    }

    [Fact]
    public async Task AliasUpdate_PostTrafficHookFails_MovesTheAliasBackAndRollsTheStackBack()
    {
        await _bed.CreateAsync("failing", Template("1", "CodeDeployDefault.LambdaCanary10Percent5Minutes"));
        _hooks.Fail.Add("post-hook");

        var updated = await _bed.UpdateAsync("failing", Template("2", "CodeDeployDefault.LambdaCanary10Percent5Minutes"));

        Assert.Equal(StackStatus.UpdateRollbackComplete, updated.Status);
        Assert.Equal("update 1", _aliases.Calls.Last());
        Assert.Contains("update 1 + 2@0.1", _aliases.Calls);
        var failure = _bed.Store.Events(updated.StackId).First(e => e.Status == StackStatus.UpdateFailed);
        Assert.Contains("The AfterAllowTraffic hook post-hook reported Failed.", failure.Reason, StringComparison.Ordinal);
        Assert.Contains("rolled back to version 1", failure.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("CodeDeployDefault.LambdaAllAtOnce", "100@0")]
    [InlineData("CodeDeployDefault.LambdaCanary10Percent30Minutes", "10@30,100@0")]
    [InlineData("CodeDeployDefault.LambdaLinear10PercentEvery10Minutes", "10@10,20@10,30@10,40@10,50@10,60@10,70@10,80@10,90@10,100@0")]
    public void Steps_PredefinedConfigurations_FollowTheirNames(string name, string steps) =>
        Assert.Equal(steps, string.Join(',', TrafficShifting.Steps(name)!.Select(s => $"{s.Percent}@{s.Wait.TotalMinutes}")));

    /// <summary>Records alias states as "update {version} + {extra}@{weight}".</summary>
    private sealed class AliasRecorder : IResourceProvisioner
    {
        public ConcurrentQueue<string> Calls { get; } = new();

        public string ResourceType => "AWS::Lambda::Alias";

        public bool RequiresReplacement(string property) => property is "FunctionName" or "Name";

        public Task<ProvisionedResource> CreateAsync(ProvisioningRequest request, CancellationToken cancellationToken)
        {
            Calls.Enqueue("create " + Describe(request.Properties));
            return Task.FromResult(new ProvisionedResource("arn:aws:lambda:us-east-1:000000000000:function:fn:live"));
        }

        public Task<ProvisionedResource> UpdateAsync(ProvisioningRequest request, CancellationToken cancellationToken)
        {
            Calls.Enqueue("update " + Describe(request.Properties));
            return Task.FromResult(new ProvisionedResource(request.PhysicalId!));
        }

        public Task DeleteAsync(ProvisioningRequest request, CancellationToken cancellationToken) => Task.CompletedTask;

        private static string Describe(JsonObject p) =>
            p["FunctionVersion"] + (p["RoutingConfig"]?["AdditionalVersionWeights"]?[0] is { } w ? $" + {w["FunctionVersion"]}@{w["FunctionWeight"]!.GetValue<double>():0.0}" : "");
    }

    /// <summary>Hook functions: report Succeeded (or Failed for those listed) for the execution id they are given.</summary>
    private sealed class HookInvoker(DeploymentTracker tracker) : IFunctionInvoker
    {
        public ConcurrentQueue<string> Invoked { get; } = new();

        public HashSet<string> Fail { get; } = [];

        public ValueTask<FunctionInvocationResult> InvokeAsync(FunctionInvocation invocation, CancellationToken cancellationToken = default)
        {
            Invoked.Enqueue(invocation.FunctionName);
            var e = JsonDocument.Parse(invocation.Payload).RootElement;
            _ = Task.Run(() => tracker.Report(e.GetProperty("DeploymentId").GetString()!, e.GetProperty("LifecycleEventHookExecutionId").GetString()!,
                Fail.Contains(invocation.FunctionName) ? "Failed" : "Succeeded"), cancellationToken);
            return ValueTask.FromResult(new FunctionInvocationResult(202, ReadOnlyMemory<byte>.Empty, null, null, null));
        }
    }
}
