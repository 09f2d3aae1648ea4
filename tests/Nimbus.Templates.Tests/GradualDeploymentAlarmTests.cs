using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Nimbus.Core.Functions;
using Nimbus.Core.Metrics;
using Nimbus.Core.Provisioning;
using Nimbus.Templates.CodeDeploy;
using Nimbus.Templates.Stacks;

namespace Nimbus.Templates.Tests;

/// <summary>Gradual deployments watching the deployment group's AlarmConfiguration, as CodeDeploy does.</summary>
public sealed class GradualDeploymentAlarmTests : IDisposable
{
    private readonly FakeAlarms _alarms = new();
    private readonly AliasRecorder _aliases;
    private readonly StackTestbed _bed;

    public GradualDeploymentAlarmTests()
    {
        _aliases = new AliasRecorder(_alarms);
        var options = new TemplatesOptions { TimeScale = 6000 };
        _bed = new StackTestbed(null, _ => new GradualDeployments(new DeploymentTracker(TimeProvider.System), new NoInvoker(), options, TimeProvider.System, _alarms), _aliases);
    }

    public void Dispose() => _bed.Dispose();

    private static string Template(string version, JsonObject? alarmConfiguration) => new JsonObject
    {
        ["Resources"] = new JsonObject
        {
            ["App"] = new JsonObject { ["Type"] = "AWS::CodeDeploy::Application" },
            ["Group"] = new JsonObject
            {
                ["Type"] = "AWS::CodeDeploy::DeploymentGroup",
                ["Properties"] = new JsonObject
                {
                    ["ApplicationName"] = new JsonObject { ["Ref"] = "App" },
                    ["DeploymentConfigName"] = "CodeDeployDefault.LambdaLinear10PercentEvery1Minute",
                    ["AlarmConfiguration"] = alarmConfiguration,
                },
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
                    },
                },
            },
        },
    }.ToJsonString();

    private static JsonObject Alarms(bool enabled, bool ignorePollFailure, params string[] names) => new()
    {
        ["Enabled"] = enabled,
        ["IgnorePollAlarmFailure"] = ignorePollFailure,
        ["Alarms"] = new JsonArray(names.Select(n => (JsonNode)new JsonObject { ["Name"] = n }).ToArray()),
    };

    [Fact]
    public async Task AliasUpdate_AlarmFiresDuringTheShift_StopsRollsTheAliasBackAndNamesTheAlarm()
    {
        _alarms.Known.Add("errors-alarm");
        _alarms.Known.Add("latency-alarm");
        await _bed.CreateAsync("alarmed", Template("1", Alarms(true, false, "errors-alarm", "latency-alarm")));
        _aliases.FireAt = "update 1 + 2@0.3";

        var updated = await _bed.UpdateAsync("alarmed", Template("2", Alarms(true, false, "errors-alarm", "latency-alarm")));

        Assert.Equal(StackStatus.UpdateRollbackComplete, updated.Status);
        Assert.Equal("update 1", _aliases.Calls.Last());
        Assert.DoesNotContain("update 2", _aliases.Calls);
        // (How many more 10 % steps slip in before the next poll depends on the machine's load at this time scale: not asserted.)
        var failure = _bed.Store.Events(updated.StackId).First(e => e.Status == StackStatus.UpdateFailed);
        Assert.Contains("Activated alarms: <errors-alarm>", failure.Reason, StringComparison.Ordinal);
        Assert.Contains("errors-alarm in ALARM state", failure.Reason, StringComparison.Ordinal);
        Assert.Contains("rolled back to version 1", failure.Reason, StringComparison.Ordinal);
        Assert.All(_alarms.Polls, p => Assert.Equal(["errors-alarm", "latency-alarm"], p));
    }

    [Fact]
    public async Task AliasUpdate_AlarmConfigurationDisabled_IgnoresTheAlarms()
    {
        _alarms.Known.Add("errors-alarm");
        _alarms.InAlarm.Add("errors-alarm");
        await _bed.CreateAsync("disabled", Template("1", Alarms(false, false, "errors-alarm")));

        var updated = await _bed.UpdateAsync("disabled", Template("2", Alarms(false, false, "errors-alarm")));

        Assert.Equal(StackStatus.UpdateComplete, updated.Status);
        Assert.Equal("update 2", _aliases.Calls.Last());
        Assert.Empty(_alarms.Polls);
    }

    [Theory]
    [InlineData(false, StackStatus.UpdateRollbackComplete)]
    [InlineData(true, StackStatus.UpdateComplete)]
    public async Task AliasUpdate_AlarmThatDoesNotExist_StopsUnlessIgnorePollAlarmFailure(bool ignore, string expected)
    {
        await _bed.CreateAsync("missing", Template("1", Alarms(true, ignore, "no-such-alarm")));

        var updated = await _bed.UpdateAsync("missing", Template("2", Alarms(true, ignore, "no-such-alarm")));

        Assert.Equal(expected, updated.Status);
        if (!ignore)
        {
            var failure = _bed.Store.Events(updated.StackId).First(e => e.Status == StackStatus.UpdateFailed);
            Assert.Contains("could not retrieve the state of alarm(s) no-such-alarm", failure.Reason, StringComparison.Ordinal);
        }
    }

    /// <summary>Alarm states the test sets; records each poll's names.</summary>
    private sealed class FakeAlarms : IAlarmStates
    {
        public ConcurrentBag<string> Known { get; } = [];

        public ConcurrentBag<string> InAlarm { get; } = [];

        public ConcurrentQueue<string[]> Polls { get; } = new();

        public AlarmPoll Poll(string accountId, string region, IReadOnlyCollection<string> alarmNames, DateTimeOffset since)
        {
            Polls.Enqueue([.. alarmNames]);
            return new AlarmPoll(alarmNames.Where(InAlarm.Contains).ToList(), alarmNames.Where(n => !Known.Contains(n)).ToList());
        }
    }

    /// <summary>Records alias states; puts errors-alarm into ALARM once the alias reaches <see cref="FireAt"/>.</summary>
    private sealed class AliasRecorder(FakeAlarms alarms) : IResourceProvisioner
    {
        public ConcurrentQueue<string> Calls { get; } = new();

        public string? FireAt { get; set; }

        public string ResourceType => "AWS::Lambda::Alias";

        public bool RequiresReplacement(string property) => property is "FunctionName" or "Name";

        public Task<ProvisionedResource> CreateAsync(ProvisioningRequest request, CancellationToken cancellationToken)
        {
            Calls.Enqueue("create " + Describe(request.Properties));
            return Task.FromResult(new ProvisionedResource("arn:aws:lambda:us-east-1:000000000000:function:fn:live"));
        }

        public Task<ProvisionedResource> UpdateAsync(ProvisioningRequest request, CancellationToken cancellationToken)
        {
            var state = "update " + Describe(request.Properties);
            Calls.Enqueue(state);
            if (state == FireAt)
            {
                alarms.InAlarm.Add("errors-alarm");
            }

            return Task.FromResult(new ProvisionedResource(request.PhysicalId!));
        }

        public Task DeleteAsync(ProvisioningRequest request, CancellationToken cancellationToken) => Task.CompletedTask;

        private static string Describe(JsonObject p) =>
            p["FunctionVersion"] + (p["RoutingConfig"]?["AdditionalVersionWeights"]?[0] is { } w ? $" + {w["FunctionVersion"]}@{w["FunctionWeight"]!.GetValue<double>():0.0}" : "");
    }

    private sealed class NoInvoker : IFunctionInvoker
    {
        public ValueTask<FunctionInvocationResult> InvokeAsync(FunctionInvocation invocation, CancellationToken cancellationToken = default) =>
            ValueTask.FromResult(new FunctionInvocationResult(202, ReadOnlyMemory<byte>.Empty, null, null, null));
    }
}
