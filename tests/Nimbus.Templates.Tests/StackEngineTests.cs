using System.Text.Json.Nodes;
using Nimbus.Core.Errors;
using Nimbus.Templates.Stacks;

namespace Nimbus.Templates.Tests;

public sealed class StackEngineTests : IDisposable
{
    private readonly StackTestbed _bed = new();

    public void Dispose() => _bed.Dispose();

    private static string Template(JsonObject resources, JsonObject? parameters = null, JsonObject? outputs = null, JsonObject? conditions = null)
    {
        var t = new JsonObject { ["Resources"] = resources };
        if (parameters is not null)
        {
            t["Parameters"] = parameters;
        }

        if (outputs is not null)
        {
            t["Outputs"] = outputs;
        }

        if (conditions is not null)
        {
            t["Conditions"] = conditions;
        }

        return t.ToJsonString();
    }

    private static JsonObject Thing(JsonObject? properties = null, string? dependsOn = null, string? policy = null, string? condition = null)
    {
        var r = new JsonObject { ["Type"] = "Test::Thing", ["Properties"] = properties ?? [] };
        if (dependsOn is not null)
        {
            r["DependsOn"] = dependsOn;
        }

        if (policy is not null)
        {
            r["DeletionPolicy"] = policy;
        }

        if (condition is not null)
        {
            r["Condition"] = condition;
        }

        return r;
    }

    [Fact]
    public async Task CreateStack_DependentResources_ResolvesRefGetAttAndSubInDependencyOrder()
    {
        var stack = await _bed.CreateAsync("deps", Template(
            new JsonObject
            {
                ["B"] = Thing(new JsonObject { ["Parent"] = new JsonObject { ["Fn::GetAtt"] = new JsonArray("A", "Arn") }, ["Text"] = new JsonObject { ["Fn::Sub"] = "${A}/${AWS::StackName}" } }),
                ["A"] = Thing(new JsonObject { ["Value"] = 1 }),
                ["Role"] = new JsonObject { ["Type"] = "AWS::IAM::Role", ["Properties"] = new JsonObject() },
            },
            outputs: new JsonObject
            {
                ["RoleArn"] = new JsonObject { ["Value"] = new JsonObject { ["Fn::GetAtt"] = new JsonArray("Role", "Arn") } },
                ["B"] = new JsonObject { ["Value"] = new JsonObject { ["Ref"] = "B" }, ["Export"] = new JsonObject { ["Name"] = "b-export" } },
            }));

        Assert.Equal(StackStatus.CreateComplete, stack.Status);
        Assert.Equal(["create A", "create B"], _bed.Things.Calls.Where(c => c.EndsWith(" A", StringComparison.Ordinal) || c.EndsWith(" B", StringComparison.Ordinal)));
        var b = _bed.Things.Live.Values.Single(p => p["Parent"] is not null);
        var a = _bed.Store.Resources(stack.StackId).Single(r => r.LogicalId == "A").PhysicalId;
        Assert.Equal($"arn:test:{a}", b["Parent"]!.GetValue<string>());
        Assert.Equal($"{a}/deps", b["Text"]!.GetValue<string>());
        Assert.Matches("^arn:aws:iam::000000000000:role/deps-Role-[A-Z0-9]{12}$", stack.Outputs.Single(o => o.Key == "RoleArn").Value);
        Assert.Equal("b-export", _bed.Store.Exports("000000000000", "us-east-1").Single().Name);
    }

    [Fact]
    public async Task CreateStack_IndependentResources_RunInParallel()
    {
        var started = 0;
        var bothStarted = new TaskCompletionSource();
        _bed.Things.OnCreate = async _ =>
        {
            if (Interlocked.Increment(ref started) == 2)
            {
                bothStarted.SetResult();
            }

            await bothStarted.Task.WaitAsync(TimeSpan.FromSeconds(5));
        };

        var stack = await _bed.CreateAsync("parallel", Template(new JsonObject { ["A"] = Thing(), ["B"] = Thing() }));

        Assert.Equal(StackStatus.CreateComplete, stack.Status);
    }

    [Fact]
    public async Task CreateStack_FailingResource_RollsBackWhatWasCreatedWithReasons()
    {
        var stack = await _bed.CreateAsync("broken", Template(new JsonObject
        {
            ["A"] = Thing(),
            ["B"] = Thing(new JsonObject { ["Fail"] = true }, dependsOn: "A"),
        }));

        Assert.Equal(StackStatus.RollbackComplete, stack.Status);
        Assert.Empty(_bed.Things.Live);
        var events = _bed.Events(stack);
        Assert.Equal(
            ["broken:CREATE_IN_PROGRESS", "A:CREATE_IN_PROGRESS", "A:CREATE_COMPLETE", "B:CREATE_IN_PROGRESS", "B:CREATE_FAILED", "broken:ROLLBACK_IN_PROGRESS",
             "B:DELETE_IN_PROGRESS", "B:DELETE_COMPLETE", "A:DELETE_IN_PROGRESS", "A:DELETE_COMPLETE", "broken:ROLLBACK_COMPLETE"],
            events);
        var all = _bed.Store.Events(stack.StackId);
        Assert.Equal("B was told to fail", all.First(e => e.Status == StackStatus.CreateFailed).Reason);
        Assert.Equal("The following resource(s) failed to create: [B]. Rollback requested by user.", all.First(e => e.Status == StackStatus.RollbackInProgress).Reason);
    }

    [Fact]
    public async Task CreateStack_UnsupportedType_FailsNamingTheType()
    {
        var stack = await _bed.CreateAsync("vpc", Template(new JsonObject { ["Vpc"] = new JsonObject { ["Type"] = "AWS::EC2::VPC" } }));

        Assert.Equal(StackStatus.RollbackComplete, stack.Status);
        Assert.Contains("Resource type AWS::EC2::VPC is not supported by Nimbus", _bed.Store.Events(stack.StackId).First(e => e.Status == StackStatus.CreateFailed).Reason);
    }

    [Fact]
    public async Task UpdateStack_InPlaceReplacementAddAndRemove_AppliesEachAndCleansUp()
    {
        var created = await _bed.CreateAsync("upd", Template(new JsonObject
        {
            ["Kept"] = Thing(new JsonObject { ["Value"] = 1 }),
            ["Replaced"] = Thing(new JsonObject { ["Name"] = "one" }),
            ["Removed"] = Thing(),
        }));
        var before = _bed.Store.Resources(created.StackId).ToDictionary(r => r.LogicalId);

        var updated = await _bed.UpdateAsync("upd", Template(new JsonObject
        {
            ["Kept"] = Thing(new JsonObject { ["Value"] = 2 }),
            ["Replaced"] = Thing(new JsonObject { ["Name"] = "two" }),
            ["Added"] = Thing(),
        }));

        Assert.Equal(StackStatus.UpdateComplete, updated.Status);
        var after = _bed.Store.Resources(created.StackId).ToDictionary(r => r.LogicalId);
        Assert.Equal(["Added", "Kept", "Replaced"], after.Keys.Order());
        Assert.Equal(before["Kept"].PhysicalId, after["Kept"].PhysicalId);
        Assert.NotEqual(before["Replaced"].PhysicalId, after["Replaced"].PhysicalId);
        Assert.Equal(3, _bed.Things.Live.Count);
        Assert.Contains("update Kept 2", _bed.Things.Calls);
        Assert.Contains("delete Removed", _bed.Things.Calls);
        Assert.Contains("delete Replaced", _bed.Things.Calls);

        var noChange = await Assert.ThrowsAsync<AwsServiceException>(() => _bed.UpdateAsync("upd", Template(new JsonObject
        {
            ["Kept"] = Thing(new JsonObject { ["Value"] = 2 }),
            ["Replaced"] = Thing(new JsonObject { ["Name"] = "two" }),
            ["Added"] = Thing(),
        })));
        Assert.Equal("No updates are to be performed.", noChange.Message);
    }

    [Fact]
    public async Task UpdateStack_FailingResource_RollsBackUpdatesAndCreations()
    {
        var created = await _bed.CreateAsync("rb", Template(new JsonObject { ["A"] = Thing(new JsonObject { ["Value"] = 1 }) }));

        var updated = await _bed.UpdateAsync("rb", Template(new JsonObject
        {
            ["A"] = Thing(new JsonObject { ["Value"] = 2 }),
            ["New"] = Thing(dependsOn: "A"),
            ["Bad"] = Thing(new JsonObject { ["Fail"] = true }, dependsOn: "New"),
        }));

        Assert.Equal(StackStatus.UpdateRollbackComplete, updated.Status);
        Assert.Equal("1", _bed.Things.Live.Values.Single()["Value"]!.ToJsonString());
        Assert.Equal(["A"], _bed.Store.Resources(created.StackId).Select(r => r.LogicalId));
        Assert.Contains("update A 1", _bed.Things.Calls);
        Assert.Contains("delete New", _bed.Things.Calls);
        Assert.Equal(created.ProcessedTemplate, updated.ProcessedTemplate);
    }

    [Fact]
    public async Task DeleteStack_RetainPolicy_SkipsTheResourceAndDeletesTheRestDependentsFirst()
    {
        var stack = await _bed.CreateAsync("del", Template(new JsonObject
        {
            ["Base"] = Thing(),
            ["Top"] = Thing(new JsonObject { ["On"] = new JsonObject { ["Ref"] = "Base" } }),
            ["Kept"] = Thing(policy: "Retain"),
        }));

        var deleted = await _bed.DeleteAsync(stack);

        Assert.Equal(StackStatus.DeleteComplete, deleted.Status);
        Assert.Single(_bed.Things.Live);
        var calls = _bed.Things.Calls.Where(c => c.StartsWith("delete", StringComparison.Ordinal)).ToList();
        Assert.Equal(["delete Top", "delete Base"], calls);
        Assert.Contains("Kept:DELETE_SKIPPED", _bed.Events(stack));
        Assert.Null(_bed.Engine.TryFind(_bed.Caller, "del"));
        Assert.Equal(StackStatus.DeleteComplete, _bed.Engine.TryFind(_bed.Caller, stack.StackId)!.Status);
    }

    [Fact]
    public async Task CreateStack_ParametersAndConditions_AreResolvedAndNoEchoHidden()
    {
        var stack = await _bed.CreateAsync("params", Template(
            new JsonObject
            {
                ["Always"] = Thing(new JsonObject { ["Value"] = new JsonObject { ["Ref"] = "Size" }, ["List"] = new JsonObject { ["Ref"] = "Names" } }),
                ["OnlyInProd"] = Thing(condition: "IsProd"),
            },
            parameters: new JsonObject
            {
                ["Size"] = new JsonObject { ["Type"] = "Number", ["MinValue"] = 1, ["Default"] = 3 },
                ["Env"] = new JsonObject { ["Type"] = "String", ["AllowedValues"] = new JsonArray("dev", "prod"), ["Default"] = "dev" },
                ["Secret"] = new JsonObject { ["Type"] = "String", ["NoEcho"] = true },
                ["Names"] = new JsonObject { ["Type"] = "CommaDelimitedList", ["Default"] = "a,b" },
            },
            conditions: new JsonObject { ["IsProd"] = new JsonObject { ["Fn::Equals"] = new JsonArray(new JsonObject { ["Ref"] = "Env" }, "prod") } }),
            new ParameterInput("Secret", "hunter2", false));

        Assert.Equal(StackStatus.CreateComplete, stack.Status);
        Assert.Equal(["Always"], _bed.Store.Resources(stack.StackId).Select(r => r.LogicalId));
        var props = _bed.Things.Live.Values.Single();
        Assert.Equal("\"3\"", props["Value"]!.ToJsonString());
        Assert.Equal("[\"a\",\"b\"]", props["List"]!.ToJsonString());
        Assert.True(stack.Parameters.Single(p => p.Key == "Secret").NoEcho);

        var tooSmall = await Assert.ThrowsAsync<AwsServiceException>(() => _bed.CreateAsync("p2", Template(
            new JsonObject { ["A"] = Thing() }, parameters: new JsonObject { ["Size"] = new JsonObject { ["Type"] = "Number", ["MinValue"] = 5 } }),
            new ParameterInput("Size", "2", false)));
        Assert.Equal("Parameter 'Size' must be a number not less than 5", tooSmall.Message);
        var unknown = await Assert.ThrowsAsync<AwsServiceException>(() => _bed.CreateAsync("p3", Template(new JsonObject { ["A"] = Thing() }), new ParameterInput("Nope", "x", false)));
        Assert.Equal("Parameters: [Nope] do not exist in the template", unknown.Message);
    }

    [Fact]
    public async Task CreateStack_IamWithoutCapability_IsInsufficientCapabilities()
    {
        var body = Template(new JsonObject { ["Role"] = new JsonObject { ["Type"] = "AWS::IAM::Role", ["Properties"] = new JsonObject { ["RoleName"] = "named" } } });

        var e = await Assert.ThrowsAsync<AwsServiceException>(() => _bed.Engine.CreateStackAsync(new StackRequest { StackName = "iam", TemplateBody = body, Capabilities = ["CAPABILITY_IAM"] }, _bed.Caller));

        Assert.Equal("InsufficientCapabilitiesException", e.Error.Code);
        Assert.Equal("Requires capabilities : [CAPABILITY_NAMED_IAM]", e.Message);
    }

    [Fact]
    public async Task Restart_StackOperationCutShort_IsMarkedFailedAndCanBeDeleted()
    {
        var stack = await _bed.CreateAsync("durable", Template(new JsonObject { ["A"] = Thing() }));
        _bed.Store.SaveStack(stack with { Status = StackStatus.UpdateInProgress });

        using var restarted = new StackTestbed(_bed.Directory);
        await new StackRecovery(restarted.Store, TimeProvider.System).StartAsync(CancellationToken.None);

        var recovered = restarted.Engine.Find(restarted.Caller, "durable");
        Assert.Equal(StackStatus.UpdateRollbackFailed, recovered.Status);
        Assert.Equal(StackRecovery.Reason, recovered.StatusReason);
        Assert.Single(restarted.Store.Resources(stack.StackId));
    }

    [Fact]
    public async Task ChangeSet_UpdateWithoutChanges_FailsWithAwsReason()
    {
        var body = Template(new JsonObject { ["A"] = Thing(new JsonObject { ["Value"] = 1 }) });
        await _bed.CreateAsync("cs", body);

        var same = await _bed.Engine.CreateChangeSetAsync(new StackRequest { StackName = "cs", ChangeSetName = "same", TemplateBody = body }, _bed.Caller);
        var changed = await _bed.Engine.CreateChangeSetAsync(new StackRequest
        {
            StackName = "cs", ChangeSetName = "changed", TemplateBody = Template(new JsonObject { ["A"] = Thing(new JsonObject { ["Value"] = 2, ["Name"] = "x" }) }),
        }, _bed.Caller);

        Assert.Equal("FAILED", same.Status);
        Assert.Equal(StackEngine.NoChanges, same.StatusReason);
        var change = Assert.Single(changed.Changes);
        Assert.Equal(("Modify", "True"), (change.Action, change.Replacement));
        Assert.Equal(["Name:Always", "Value:Never"], change.Details.Select(d => $"{d.Name}:{d.RequiresRecreation}"));
    }
}
