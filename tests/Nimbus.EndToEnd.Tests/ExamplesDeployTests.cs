using System.Net.Http.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Nimbus.EndToEnd.Tests;

/// <summary>The four applications in <c>examples/</c> deploy with <c>nimbus deploy</c> (SAM transform, code upload, change sets) and work.</summary>
[Collection("nimbus")]
public sealed partial class ExamplesDeployTests(NimbusFixture fixture)
{
    [Theory]
    [InlineData("queue-worker")]
    [InlineData("scheduled-report")]
    [InlineData("order-workflow")]
    public async Task Example_DeploysAndDeletes(string example)
    {
        var dir = Path.Combine(RepoPaths.Root, "examples", example);
        var stack = $"ex-{example}-{Guid.NewGuid().ToString("N")[..6]}";
        var deployed = await NimbusCli.RunAsync(dir, ["deploy", "--stack-name", stack, "--endpoint-url", fixture.Nimbus.Endpoint], timeout: TimeSpan.FromMinutes(3));
        Assert.True(deployed.ExitCode == 0, deployed.ToString());
        Assert.Contains($"Successfully created/updated stack - {stack}", deployed.Stdout, StringComparison.Ordinal);

        var deleted = await NimbusCli.RunAsync(dir, ["delete", "--stack-name", stack, "--endpoint-url", fixture.Nimbus.Endpoint], timeout: TimeSpan.FromMinutes(2));
        Assert.True(deleted.ExitCode == 0, deleted.ToString());
    }

    [Fact]
    public async Task HttpApiCrud_DeployedStackServesCreateAndListThroughDynamoDb()
    {
        var dir = Path.Combine(RepoPaths.Root, "examples", "http-api-crud");
        var stack = "ex-crud-" + Guid.NewGuid().ToString("N")[..6];
        var deployed = await NimbusCli.RunAsync(dir, ["deploy", "--stack-name", stack, "--endpoint-url", fixture.Nimbus.Endpoint], timeout: TimeSpan.FromMinutes(3));
        Assert.True(deployed.ExitCode == 0, deployed.ToString());

        var outputs = JsonNode.Parse((await NimbusCli.RunAsync(dir, ["outputs", "--stack-name", stack, "--endpoint-url", fixture.Nimbus.Endpoint, "--output", "json"])).Stdout)!.AsArray();
        var apiUrl = outputs.Single(o => o!["OutputKey"]!.ToString() == "ApiUrl")!["OutputValue"]!.ToString();
        var apiId = ApiId().Match(apiUrl).Groups[1].Value;
        Assert.False(string.IsNullOrEmpty(apiId), apiUrl);

        using var http = new HttpClient { BaseAddress = new Uri($"{fixture.Nimbus.Endpoint}/_api/{apiId}/"), Timeout = TimeSpan.FromSeconds(60) };
        using var created = await http.PostAsJsonAsync("items", new { name = "widget" });
        var createdBody = await created.Content.ReadAsStringAsync();
        Assert.True(created.IsSuccessStatusCode, createdBody);
        var id = JsonNode.Parse(createdBody)!["id"]!.ToString();

        var listed = JsonNode.Parse(await http.GetStringAsync("items"))!;
        Assert.Contains(listed["items"]!.AsArray(), item => item!["id"]!.ToString() == id && item["name"]!.ToString() == "widget");

        var deleted = await NimbusCli.RunAsync(dir, ["delete", "--stack-name", stack, "--endpoint-url", fixture.Nimbus.Endpoint], timeout: TimeSpan.FromMinutes(2));
        Assert.True(deleted.ExitCode == 0, deleted.ToString());
    }

    [GeneratedRegex(@"https://([a-z0-9]+)\.execute-api\.")]
    private static partial Regex ApiId();
}
