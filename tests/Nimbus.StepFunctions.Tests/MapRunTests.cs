using System.Text.Json.Nodes;

namespace Nimbus.StepFunctions.Tests;

public sealed class MapRunTests
{
    private const string Machine = """
        {"StartAt":"Fan","States":{"Fan":{"Type":"Map","ItemsPath":"$.items","MaxConcurrency":3,"ToleratedFailureCount":1,
          "ItemProcessor":{"ProcessorConfig":{"Mode":"DISTRIBUTED","ExecutionType":"STANDARD"},"StartAt":"Check","States":{
            "Check":{"Type":"Choice","Choices":[{"Variable":"$","NumericEquals":3,"Next":"Bad"}],"Default":"Good"},
            "Good":{"Type":"Pass","End":true},
            "Bad":{"Type":"Fail","Error":"Item.Bad"}}},"End":true}}}
        """;

    [Fact]
    public async Task DistributedMapRunsAreDescribedListedUpdatedAndKept()
    {
        using var dir = new TempDir();
        string exec, mapRunArn;
        await using (var host = await ServiceHost.StartAsync(dir.Path))
        {
            var sm = await host.CreateMachineAsync("fan", Machine);
            exec = await host.StartAsync(sm, """{"items":[1,2,3,4,5]}""");
            await host.WaitForStatusAsync(exec, "SUCCEEDED");
            var runs = await host.OkAsync("ListMapRuns", new JsonObject { ["executionArn"] = exec });
            var item = Assert.Single(runs["mapRuns"]!.AsArray())!;
            mapRunArn = item["mapRunArn"]!.GetValue<string>();
            Assert.StartsWith("arn:aws:states:us-east-1:000000000000:mapRun:fan/Fan:", mapRunArn, StringComparison.Ordinal);
            Assert.Equal(sm, item["stateMachineArn"]!.GetValue<string>());

            var d = await host.OkAsync("DescribeMapRun", new JsonObject { ["mapRunArn"] = mapRunArn });
            Assert.Equal("SUCCEEDED", d["status"]!.GetValue<string>());
            Assert.Equal(exec, d["executionArn"]!.GetValue<string>());
            Assert.Equal(3, d["maxConcurrency"]!.GetValue<int>());
            Assert.Equal(1, d["toleratedFailureCount"]!.GetValue<int>());
            Assert.Equal(5, d["itemCounts"]!["total"]!.GetValue<int>());
            Assert.Equal(4, d["itemCounts"]!["succeeded"]!.GetValue<int>());
            Assert.Equal(1, d["itemCounts"]!["failed"]!.GetValue<int>());
            Assert.NotNull(d["stopDate"]);

            await host.OkAsync("UpdateMapRun", new JsonObject { ["mapRunArn"] = mapRunArn, ["maxConcurrency"] = 7, ["toleratedFailurePercentage"] = 50.5 });
            var bad = await host.CallAsync("UpdateMapRun", new JsonObject { ["mapRunArn"] = mapRunArn, ["toleratedFailurePercentage"] = 101 });
            Assert.Equal("ValidationException", bad["__type"]!.GetValue<string>());
            var missing = await host.CallAsync("DescribeMapRun", new JsonObject { ["mapRunArn"] = mapRunArn + "x" });
            Assert.Equal("ResourceNotFound", missing["__type"]!.GetValue<string>());
        }

        await using var second = await ServiceHost.StartAsync(dir.Path);
        var kept = await second.OkAsync("DescribeMapRun", new JsonObject { ["mapRunArn"] = mapRunArn });
        Assert.Equal(7, kept["maxConcurrency"]!.GetValue<int>());
        Assert.Equal(50.5, kept["toleratedFailurePercentage"]!.GetValue<double>());
        Assert.Equal(4, kept["itemCounts"]!["succeeded"]!.GetValue<int>());
    }
}

public sealed class ExpressHistoryTests
{
    [Fact]
    public async Task ExpressExecutionsAreNotBoundByTheStandardHistoryQuota()
    {
        using var dir = new TempDir();
        await using var host = await ServiceHost.StartAsync(dir.Path);
        var sm = await host.CreateMachineAsync("big", """
            {"StartAt":"Fan","States":{"Fan":{"Type":"Map","ItemsPath":"$.items","ItemProcessor":{"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}},"ResultSelector":{"n.$":"States.ArrayLength($)"},"End":true}}}
            """, "EXPRESS");
        var items = new JsonArray([.. Enumerable.Range(0, 7000).Select(i => (JsonNode)i)]);
        var r = await host.OkAsync("StartSyncExecution", new JsonObject { ["stateMachineArn"] = sm, ["input"] = new JsonObject { ["items"] = items }.ToJsonString() });
        Assert.Equal("SUCCEEDED", r["status"]!.GetValue<string>());
        Assert.Equal("""{"n":7000}""", r["output"]!.GetValue<string>());
    }
}
