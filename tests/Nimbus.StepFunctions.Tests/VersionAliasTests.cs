using System.Text.Json.Nodes;

namespace Nimbus.StepFunctions.Tests;

public sealed class VersionAliasTests
{
    private const string V1 = """{"StartAt":"A","States":{"A":{"Type":"Pass","Result":"v1","End":true}}}""";
    private const string V2 = """{"StartAt":"A","States":{"A":{"Type":"Pass","Result":"v2","End":true}}}""";

    private static string Type(JsonObject r) => r["__type"]?.GetValue<string>() ?? "";

    private static async Task<string> CreateWithVersionAsync(ServiceHost host, string name)
    {
        var created = await host.OkAsync("CreateStateMachine", new JsonObject
        {
            ["name"] = name, ["definition"] = V1, ["roleArn"] = "arn:aws:iam::000000000000:role/sfn", ["publish"] = true, ["versionDescription"] = "first",
        });
        Assert.Equal(created["stateMachineArn"]!.GetValue<string>() + ":1", created["stateMachineVersionArn"]!.GetValue<string>());
        return created["stateMachineArn"]!.GetValue<string>();
    }

    [Fact]
    public async Task VersionsArePublishedIdempotentlyPerRevisionAndNumbersAreNeverReused()
    {
        using var dir = new TempDir();
        await using var host = await ServiceHost.StartAsync(dir.Path);
        var sm = await CreateWithVersionAsync(host, "versioned");

        // Same revision → same version; a stale revisionId → ConflictException.
        var again = await host.OkAsync("PublishStateMachineVersion", new JsonObject { ["stateMachineArn"] = sm });
        Assert.Equal(sm + ":1", again["stateMachineVersionArn"]!.GetValue<string>());
        var oldRevision = (await host.OkAsync("DescribeStateMachine", new JsonObject { ["stateMachineArn"] = sm }))["revisionId"]!.GetValue<string>();
        var update = await host.OkAsync("UpdateStateMachine", new JsonObject { ["stateMachineArn"] = sm, ["definition"] = V2, ["publish"] = true, ["versionDescription"] = "second" });
        Assert.Equal(sm + ":2", update["stateMachineVersionArn"]!.GetValue<string>());
        Assert.NotEqual(oldRevision, update["revisionId"]!.GetValue<string>());
        var stale = await host.CallAsync("PublishStateMachineVersion", new JsonObject { ["stateMachineArn"] = sm, ["revisionId"] = oldRevision });
        Assert.Equal("ConflictException", Type(stale));

        var v1 = await host.OkAsync("DescribeStateMachine", new JsonObject { ["stateMachineArn"] = sm + ":1" });
        Assert.Equal(V1, v1["definition"]!.GetValue<string>());
        Assert.Equal("first", v1["description"]!.GetValue<string>());
        Assert.Equal(sm + ":1", v1["stateMachineArn"]!.GetValue<string>());
        Assert.Equal(oldRevision, v1["revisionId"]!.GetValue<string>());
        Assert.Equal(V2, (await host.OkAsync("DescribeStateMachine", new JsonObject { ["stateMachineArn"] = sm }))["definition"]!.GetValue<string>());

        var list = await host.OkAsync("ListStateMachineVersions", new JsonObject { ["stateMachineArn"] = sm });
        Assert.Equal([sm + ":2", sm + ":1"], list["stateMachineVersions"]!.AsArray().Select(v => v!["stateMachineVersionArn"]!.GetValue<string>()));

        await host.OkAsync("DeleteStateMachineVersion", new JsonObject { ["stateMachineVersionArn"] = sm + ":2" });
        await host.OkAsync("DeleteStateMachineVersion", new JsonObject { ["stateMachineVersionArn"] = sm + ":2" });
        Assert.Equal("StateMachineDoesNotExist", Type(await host.CallAsync("DescribeStateMachine", new JsonObject { ["stateMachineArn"] = sm + ":2" })));
        await host.OkAsync("UpdateStateMachine", new JsonObject { ["stateMachineArn"] = sm, ["definition"] = V1 });
        var v3 = await host.OkAsync("PublishStateMachineVersion", new JsonObject { ["stateMachineArn"] = sm, ["description"] = "third" });
        Assert.Equal(sm + ":3", v3["stateMachineVersionArn"]!.GetValue<string>());

        var noPublish = await host.CallAsync("UpdateStateMachine", new JsonObject { ["stateMachineArn"] = sm, ["definition"] = V2, ["versionDescription"] = "x" });
        Assert.Equal("ValidationException", Type(noPublish));
    }

    [Fact]
    public async Task ExecutionsOnAVersionOrAliasRunThatVersionAndRecordIt()
    {
        using var dir = new TempDir();
        await using var host = await ServiceHost.StartAsync(dir.Path);
        var sm = await CreateWithVersionAsync(host, "routed");
        await host.OkAsync("UpdateStateMachine", new JsonObject { ["stateMachineArn"] = sm, ["definition"] = V2, ["publish"] = true });

        var onVersion = await host.StartAsync(sm + ":1");
        var d = await host.WaitForStatusAsync(onVersion, "SUCCEEDED");
        Assert.Equal("\"v1\"", d["output"]!.GetValue<string>());
        Assert.Equal(sm + ":1", d["stateMachineVersionArn"]!.GetValue<string>());
        Assert.Equal(sm, d["stateMachineArn"]!.GetValue<string>());
        Assert.Null(d["stateMachineAliasArn"]);

        var alias = (await host.OkAsync("CreateStateMachineAlias", new JsonObject
        {
            ["name"] = "live", ["description"] = "prod",
            ["routingConfiguration"] = new JsonArray(new JsonObject { ["stateMachineVersionArn"] = sm + ":2", ["weight"] = 100 }),
        }))["stateMachineAliasArn"]!.GetValue<string>();
        Assert.Equal(sm + ":live", alias);
        var viaAlias = await host.StartAsync(alias);
        var a = await host.WaitForStatusAsync(viaAlias, "SUCCEEDED");
        Assert.Equal("\"v2\"", a["output"]!.GetValue<string>());
        Assert.Equal(alias, a["stateMachineAliasArn"]!.GetValue<string>());
        Assert.Equal(sm + ":2", a["stateMachineVersionArn"]!.GetValue<string>());
        var started = (await host.HistoryAsync(viaAlias))[0]["executionStartedEventDetails"]!;
        Assert.Equal(alias, started["stateMachineAliasArn"]!.GetValue<string>());
        Assert.Equal(sm + ":2", started["stateMachineVersionArn"]!.GetValue<string>());

        // Weighted routing splits executions between the two versions.
        await host.OkAsync("UpdateStateMachineAlias", new JsonObject
        {
            ["stateMachineAliasArn"] = alias,
            ["routingConfiguration"] = new JsonArray(
                new JsonObject { ["stateMachineVersionArn"] = sm + ":1", ["weight"] = 50 },
                new JsonObject { ["stateMachineVersionArn"] = sm + ":2", ["weight"] = 50 }),
        });
        var outputs = new List<string>();
        for (var i = 0; i < 40; i++)
        {
            var e = await host.StartAsync(alias);
            outputs.Add((await host.WaitForStatusAsync(e, "SUCCEEDED"))["output"]!.GetValue<string>());
        }

        Assert.Contains("\"v1\"", outputs);
        Assert.Contains("\"v2\"", outputs);

        var byVersion = await host.OkAsync("ListExecutions", new JsonObject { ["stateMachineArn"] = sm + ":1" });
        Assert.All(byVersion["executions"]!.AsArray(), x => Assert.Equal(sm + ":1", x!["stateMachineVersionArn"]!.GetValue<string>()));
        Assert.Equal(1 + outputs.Count(o => o == "\"v1\""), byVersion["executions"]!.AsArray().Count);
        var byAlias = await host.OkAsync("ListExecutions", new JsonObject { ["stateMachineArn"] = alias, ["maxResults"] = 1000 });
        Assert.Equal(41, byAlias["executions"]!.AsArray().Count);
        Assert.Equal("StateMachineDoesNotExist", Type(await host.CallAsync("StartExecution", new JsonObject { ["stateMachineArn"] = sm + ":9" })));
    }

    [Fact]
    public async Task AliasesValidateTheirRoutingAndProtectTheirVersions()
    {
        using var dir = new TempDir();
        await using var host = await ServiceHost.StartAsync(dir.Path);
        var sm = await CreateWithVersionAsync(host, "aliased");
        var other = await CreateWithVersionAsync(host, "other");
        JsonArray Route(params (string Arn, int Weight)[] r) => new([.. r.Select(x => (JsonNode)new JsonObject { ["stateMachineVersionArn"] = x.Arn, ["weight"] = x.Weight })]);
        async Task<string> CreateAlias(string name, JsonArray routing, string? description = null)
        {
            var body = new JsonObject { ["name"] = name, ["routingConfiguration"] = routing };
            if (description is not null)
            {
                body["description"] = description;
            }

            var r = await host.CallAsync("CreateStateMachineAlias", body);
            return Type(r) is { Length: > 0 } t ? t : r["stateMachineAliasArn"]!.GetValue<string>();
        }

        Assert.Equal("ValidationException", await CreateAlias("bad", Route((sm + ":1", 60))));
        Assert.Equal("ValidationException", await CreateAlias("bad", Route((sm + ":1", 50), (other + ":1", 50))));
        Assert.Equal("ResourceNotFound", await CreateAlias("bad", Route((sm + ":7", 100))));
        Assert.Equal("InvalidName", await CreateAlias("123", Route((sm + ":1", 100))));
        Assert.Equal("ValidationException", await CreateAlias("bad", Route((sm + ":1", 50), (sm + ":1", 50))));

        var alias = await CreateAlias("prod", Route((sm + ":1", 100)), "d");
        Assert.Equal(alias, await CreateAlias("prod", Route((sm + ":1", 100)), "d"));
        Assert.Equal("ConflictException", await CreateAlias("prod", Route((sm + ":1", 100)), "other description"));

        var deleteUsed = await host.CallAsync("DeleteStateMachineVersion", new JsonObject { ["stateMachineVersionArn"] = sm + ":1" });
        Assert.Equal("ConflictException", Type(deleteUsed));
        Assert.Contains(alias, deleteUsed["message"]!.GetValue<string>(), StringComparison.Ordinal);

        var described = await host.OkAsync("DescribeStateMachineAlias", new JsonObject { ["stateMachineAliasArn"] = alias });
        Assert.Equal("prod", described["name"]!.GetValue<string>());
        Assert.Equal("d", described["description"]!.GetValue<string>());
        Assert.Equal(100, described["routingConfiguration"]![0]!["weight"]!.GetValue<int>());
        var listed = await host.OkAsync("ListStateMachineAliases", new JsonObject { ["stateMachineArn"] = sm });
        Assert.Equal(alias, listed["stateMachineAliases"]![0]!["stateMachineAliasArn"]!.GetValue<string>());

        await host.OkAsync("DeleteStateMachineAlias", new JsonObject { ["stateMachineAliasArn"] = alias });
        Assert.Equal("ResourceNotFound", Type(await host.CallAsync("DescribeStateMachineAlias", new JsonObject { ["stateMachineAliasArn"] = alias })));
        Assert.Equal("ResourceNotFound", Type(await host.CallAsync("DeleteStateMachineAlias", new JsonObject { ["stateMachineAliasArn"] = alias })));
        await host.OkAsync("DeleteStateMachineVersion", new JsonObject { ["stateMachineVersionArn"] = sm + ":1" });
    }

    [Fact]
    public async Task VersionsAndAliasesSurviveARestartAndGoWithTheirStateMachine()
    {
        using var dir = new TempDir();
        string sm;
        await using (var first = await ServiceHost.StartAsync(dir.Path))
        {
            sm = await CreateWithVersionAsync(first, "kept");
            await first.OkAsync("CreateStateMachineAlias", new JsonObject
            {
                ["name"] = "a", ["routingConfiguration"] = new JsonArray(new JsonObject { ["stateMachineVersionArn"] = sm + ":1", ["weight"] = 100 }),
            });
        }

        await using var second = await ServiceHost.StartAsync(dir.Path);
        Assert.Equal(V1, (await second.OkAsync("DescribeStateMachine", new JsonObject { ["stateMachineArn"] = sm + ":1" }))["definition"]!.GetValue<string>());
        var exec = await second.StartAsync(sm + ":a");
        Assert.Equal("\"v1\"", (await second.WaitForStatusAsync(exec, "SUCCEEDED"))["output"]!.GetValue<string>());

        await second.OkAsync("DeleteStateMachine", new JsonObject { ["stateMachineArn"] = sm });
        Assert.Equal("StateMachineDoesNotExist", Type(await second.CallAsync("DescribeStateMachine", new JsonObject { ["stateMachineArn"] = sm + ":1" })));
        Assert.Equal("ResourceNotFound", Type(await second.CallAsync("DescribeStateMachineAlias", new JsonObject { ["stateMachineAliasArn"] = sm + ":a" })));
    }
}
