using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Nimbus.Server;

namespace Nimbus.StepFunctions.Tests;

public sealed class EdgeTests
{
    [Fact]
    public async Task TheServiceAnswersOnTheNimbusEdge()
    {
        using var dir = new TempDir();
        var app = NimbusServer.Build(new NimbusOptions { Port = 0, StateDirectory = dir.Path });
        await app.StartAsync();
        try
        {
            using var client = new HttpClient { BaseAddress = new Uri(app.Urls.First()) };

            async Task<(int Status, JsonObject Body)> CallAsync(string op, JsonObject body)
            {
                using var content = new StringContent(body.ToJsonString(), Encoding.UTF8);
                content.Headers.ContentType = new MediaTypeHeaderValue("application/x-amz-json-1.0");
                using var request = new HttpRequestMessage(HttpMethod.Post, "/") { Content = content };
                request.Headers.Add("X-Amz-Target", "AWSStepFunctions." + op);
                using var response = await client.SendAsync(request);
                return ((int)response.StatusCode, JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject());
            }

            var (status, created) = await CallAsync("CreateStateMachine", new JsonObject
            {
                ["name"] = "edge", ["definition"] = """{"StartAt":"A","States":{"A":{"Type":"Pass","End":true}}}""", ["roleArn"] = "arn:aws:iam::000000000000:role/r",
            });
            Assert.Equal(200, status);
            var (_, started) = await CallAsync("StartExecution", new JsonObject { ["stateMachineArn"] = created["stateMachineArn"]!.DeepClone(), ["input"] = """{"a":1}""" });
            var arn = started["executionArn"]!.GetValue<string>();
            var done = await ServiceHost.PollAsync(
                async () => (await CallAsync("DescribeExecution", new JsonObject { ["executionArn"] = arn })).Body,
                d => d["status"]!.GetValue<string>() == "SUCCEEDED",
                "the execution to succeed");
            Assert.Equal("""{"a":1}""", done["output"]!.GetValue<string>());

            var (errorStatus, error) = await CallAsync("DescribeExecution", new JsonObject { ["executionArn"] = arn + "x" });
            Assert.Equal(400, errorStatus);
            Assert.Equal("ExecutionDoesNotExist", error["__type"]!.GetValue<string>());
        }
        finally
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }
}
