using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace Nimbus.EndToEnd.Tests;

/// <summary>The SAM-style commands of the built CLI: validate, build, generate-event, local invoke and local start-api on the examples.</summary>
public sealed class SamCliTests : IDisposable
{
    private readonly string _temp = Directory.CreateTempSubdirectory("nimbus-samcli-").FullName;

    private static string Example(string name) => Path.Combine(RepoPaths.Root, "examples", name);

    public void Dispose()
    {
        try
        {
            Directory.Delete(_temp, recursive: true);
        }
        catch (IOException)
        {
            // Best effort.
        }
    }

    [Theory]
    [InlineData("http-api-crud")]
    [InlineData("order-workflow")]
    [InlineData("scheduled-report")]
    [InlineData("queue-worker")]
    public async Task Validate_Examples_AreValid(string example)
    {
        var result = await NimbusCli.RunAsync(Example(example), ["validate"]);
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("template.yaml is a valid SAM Template", result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Validate_BrokenTemplate_ReportsEveryErrorWithLineResourceAndProperty()
    {
        File.WriteAllText(Path.Combine(_temp, "template.yaml"), """
            Transform: AWS::Serverless-2016-10-31
            Resources:
              Fn:
                Type: AWS::Serverless::Function
                Properties:
                  Runtime: nodejs20.x
                  Handler: index.handler
                  CodeUri: src/
                  Environment:
                    Variables:
                      TABLE: !Ref MissingTable
                  Events:
                    Get:
                      Type: Api
                      Properties:
                        Path: items
                        Method: GET
                    Bad:
                      Type: Kinesis
                      Properties: {}
              Other:
                Type: AWS::SQS::Queue
                DependsOn: Nowhere
            """);
        var result = await NimbusCli.RunAsync(_temp, ["validate"]);
        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Contains("template.yaml:11: [Resources/Fn/Properties/Environment/Variables/TABLE] error: Template format error: Unresolved resource dependencies [MissingTable]", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("template.yaml:16: [Resources/Fn/Properties/Events/Get/Properties/Path] error:", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("Path 'items' must start with '/'", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("template.yaml:23: [Resources/Other/DependsOn] error: Template format error: Unresolved resource dependencies [Nowhere]", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("template.yaml:18: [Resources/Fn/Properties/Events/Bad] error: Resource with id [FnBad] is invalid. Missing required property 'Stream'.", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("not a valid SAM Template: 4 error(s)", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Validate_YamlSyntaxError_NamesLineAndColumn()
    {
        File.WriteAllText(Path.Combine(_temp, "t.yaml"), "Resources:\n  A:\n    Type: [unclosed\n");
        var result = await NimbusCli.RunAsync(_temp, ["validate", "-t", "t.yaml"]);
        Assert.Equal(1, result.ExitCode);
        Assert.Matches(@"t\.yaml:\d+:\d+: ", result.Stderr);
    }

    [Fact]
    public async Task GenerateEvent_CommonServices_RenderSamCliShapesWithOptions()
    {
        var sqs = JsonNode.Parse((await NimbusCli.RunAsync(_temp, ["local", "generate-event", "sqs", "receive-message", "--body", "hi \"there\"", "--queue-name", "jobs"])).Stdout)!;
        var record = sqs["Records"]![0]!;
        Assert.Equal("hi \"there\"", record["body"]!.ToString());
        Assert.Equal(Convert.ToHexStringLower(MD5.HashData(Encoding.UTF8.GetBytes("hi \"there\""))), record["md5OfBody"]!.ToString());
        Assert.Equal("arn:aws:sqs:us-east-1:123456789012:jobs", record["eventSourceARN"]!.ToString());

        var proxy = JsonNode.Parse((await NimbusCli.RunAsync(_temp, ["local", "generate-event", "apigateway", "aws-proxy", "--method", "GET", "--path", "items/1", "--body", "{\"a\":1}"])).Stdout)!;
        Assert.Equal("GET", proxy["httpMethod"]!.ToString());
        Assert.Equal("/items/1", proxy["path"]!.ToString());
        Assert.Equal("{\"a\":1}", Encoding.UTF8.GetString(Convert.FromBase64String(proxy["body"]!.ToString())));
        Assert.Equal("bar", proxy["queryStringParameters"]!["foo"]!.ToString());

        var http = JsonNode.Parse((await NimbusCli.RunAsync(_temp, ["local", "generate-event", "apigateway", "http-api", "--path", "x"])).Stdout)!;
        Assert.Equal("2.0", http["version"]!.ToString());
        Assert.Equal("/x", http["rawPath"]!.ToString());

        var s3 = JsonNode.Parse((await NimbusCli.RunAsync(_temp, ["local", "generate-event", "s3", "put", "--bucket", "b1", "--key", "a b/c.txt"])).Stdout)!;
        Assert.Equal("a%20b/c.txt", s3["Records"]![0]!["s3"]!["object"]!["key"]!.ToString());
        Assert.Equal("arn:aws:s3:::b1", s3["Records"]![0]!["s3"]!["bucket"]!["arn"]!.ToString());

        var schedule = JsonNode.Parse((await NimbusCli.RunAsync(_temp, ["local", "generate-event", "eventbridge", "scheduled-event", "--rule", "nightly"])).Stdout)!;
        Assert.Equal("Scheduled Event", schedule["detail-type"]!.ToString());
        Assert.Equal("arn:aws:events:us-east-1:123456789012:rule/nightly", schedule["resources"]![0]!.ToString());

        var dynamo = JsonNode.Parse((await NimbusCli.RunAsync(_temp, ["local", "generate-event", "dynamodb", "update", "--table", "T"])).Stdout)!;
        Assert.Equal(["INSERT", "MODIFY", "REMOVE"], dynamo["Records"]!.AsArray().Select(r => r!["eventName"]!.ToString()));

        var sns = JsonNode.Parse((await NimbusCli.RunAsync(_temp, ["local", "generate-event", "sns", "notification", "--message", "m"])).Stdout)!;
        Assert.Equal("m", sns["Records"]![0]!["Sns"]!["Message"]!.ToString());

        var unknown = await NimbusCli.RunAsync(_temp, ["local", "generate-event", "sqs", "receive-message", "--nope", "1"]);
        Assert.Equal(1, unknown.ExitCode);
        Assert.Contains("has no option --nope", unknown.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Build_CopiesCodeRunsMakefileAndWritesTheBuiltTemplate()
    {
        Directory.CreateDirectory(Path.Combine(_temp, "plain", "node_modules", "junk"));
        File.WriteAllText(Path.Combine(_temp, "plain", "index.js"), "exports.handler = async () => 'plain';");
        Directory.CreateDirectory(Path.Combine(_temp, "made"));
        File.WriteAllText(Path.Combine(_temp, "made", "Makefile"), "build-Made:\n\techo 'exports.handler = async () => \"made\";' > $(ARTIFACTS_DIR)/index.js\n");
        File.WriteAllText(Path.Combine(_temp, "template.yaml"), """
            Transform: AWS::Serverless-2016-10-31
            Resources:
              Plain:
                Type: AWS::Serverless::Function
                Properties: { Runtime: nodejs20.x, Handler: index.handler, CodeUri: plain/, Description: "yes" }
              Made:
                Type: AWS::Serverless::Function
                Properties: { Runtime: nodejs20.x, Handler: index.handler, CodeUri: made }
                Metadata:
                  BuildMethod: makefile
            """);
        var result = await NimbusCli.RunAsync(_temp, ["build"]);
        Assert.True(result.ExitCode == 0, result.ToString());
        var build = Path.Combine(_temp, ".nimbus", "build");
        Assert.True(File.Exists(Path.Combine(build, "Plain", "index.js")));
        Assert.False(Directory.Exists(Path.Combine(build, "Plain", "node_modules")), "node_modules is rebuilt, not copied");
        Assert.Contains("\"made\"", File.ReadAllText(Path.Combine(build, "Made", "index.js")), StringComparison.Ordinal);
        var built = File.ReadAllText(Path.Combine(build, "template.yaml"));
        Assert.Contains("CodeUri: Plain", built, StringComparison.Ordinal);
        Assert.Contains("CodeUri: Made", built, StringComparison.Ordinal);
        Assert.Contains("Description: \"yes\"", built, StringComparison.Ordinal);

        // The local commands prefer the built template, as SAM CLI prefers .aws-sam/build.
        var invoked = await NimbusCli.RunAsync(_temp, ["local", "invoke", "Made", "--sandbox", "process"]);
        Assert.True(invoked.ExitCode == 0, invoked.ToString());
        Assert.Equal("\"made\"", invoked.Stdout.Trim());
    }

    [Fact]
    public async Task LocalInvoke_QueueWorker_ProcessesGoodJobsAndReportsBadOnes()
    {
        var dir = Example("queue-worker");
        var env = NimbusCli.EnvVarsWithSdk(_temp);
        var good = (await NimbusCli.RunAsync(dir, ["local", "generate-event", "sqs", "receive-message", "--body", "{\"jobId\":\"j1\",\"n\":7}"])).Stdout;
        var ok = await NimbusCli.RunAsync(dir, ["local", "invoke", "WorkerFunction", "-e", "-", "-n", env, "--sandbox", "process"], stdin: good);
        Assert.True(ok.ExitCode == 0, ok.ToString());
        Assert.Equal("{\"batchItemFailures\":[]}", ok.Stdout.Trim());
        Assert.Contains("Invoking worker.handler (nodejs20.x)", ok.Stderr, StringComparison.Ordinal);
        Assert.Contains("job j1: 7^2 = 49", ok.Stderr, StringComparison.Ordinal);
        Assert.Contains("REPORT RequestId:", ok.Stderr, StringComparison.Ordinal);

        var eventFile = Path.Combine(_temp, "bad.json");
        File.WriteAllText(eventFile, (await NimbusCli.RunAsync(dir, ["local", "generate-event", "sqs", "receive-message", "--body", "{\"fail\":true}"])).Stdout);
        var bad = await NimbusCli.RunAsync(dir, ["local", "invoke", "-e", eventFile, "-n", env, "--sandbox", "process"]);
        Assert.True(bad.ExitCode == 0, bad.ToString());
        Assert.Contains("\"itemIdentifier\":\"19dd0b57-b21e-4ac1-bd88-01bbb068cb78\"", bad.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LocalInvoke_ScheduledReport_WritesToTheTemplatesBucket()
    {
        var dir = Example("scheduled-report");
        var scheduled = (await NimbusCli.RunAsync(dir, ["local", "generate-event", "cloudwatch", "scheduled-event"])).Stdout;
        var result = await NimbusCli.RunAsync(dir, ["local", "invoke", "ReportFunction", "-e", "-", "-n", NimbusCli.EnvVarsWithSdk(_temp), "--sandbox", "process"], stdin: scheduled);
        Assert.True(result.ExitCode == 0, result.ToString());
        var output = JsonNode.Parse(result.Stdout)!;
        Assert.Equal("reportsbucket", output["bucket"]!.ToString());
        Assert.StartsWith("reports/1970-01-01T00-00-00Z-", output["key"]!.ToString(), StringComparison.Ordinal);
        Assert.True(output["size"]!.GetValue<int>() > 50);
    }

    [Fact]
    public async Task LocalInvoke_UnknownFunction_ListsTheTemplatesFunctions()
    {
        var result = await NimbusCli.RunAsync(Example("order-workflow"), ["local", "invoke", "Nope"]);
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("Function Nope not found. Possible options in your template: [ValidateOrderFunction, ChargePaymentFunction, OrdersApiFunction]", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StartApi_HttpApiCrud_ServesRoutesReusesSandboxesAndReloadsChangedCode()
    {
        CopyFolder(Example("http-api-crud"), _temp);
        var port = FreePort();
        await using var api = new NimbusCli.Background(_temp, ["local", "start-api", "-p", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "-n", NimbusCli.EnvVarsWithSdk(_temp), "--sandbox", "process"]);
        await api.WaitForAsync("Running on", TimeSpan.FromMinutes(1));
        Assert.Contains($"Mounting ItemsFunction at http://127.0.0.1:{port}/items/{{id}} [GET]", api.Output, StringComparison.Ordinal);
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };

        var created = await http.PostAsync("/items", new StringContent("{\"name\":\"apple\"}"));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var id = JsonNode.Parse(await created.Content.ReadAsStringAsync())!["id"]!.ToString();
        Assert.Equal("apple", JsonNode.Parse(await http.GetStringAsync($"/items/{id}"))!["name"]!.ToString());
        var put = await http.PutAsync($"/items/{id}", new StringContent("{\"name\":\"pear\"}"));
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        var list = JsonNode.Parse(await http.GetStringAsync("/items"))!["items"]!.AsArray();
        Assert.Equal("pear", Assert.Single(list)!["name"]!.ToString());
        Assert.Equal(HttpStatusCode.NoContent, (await http.DeleteAsync($"/items/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync($"/items/{id}")).StatusCode);
        var missing = await http.GetAsync("/nowhere");
        Assert.Equal(HttpStatusCode.Forbidden, missing.StatusCode);
        Assert.Equal("{\"message\":\"Missing Authentication Token\"}", await missing.Content.ReadAsStringAsync());

        // Seven requests, one cold start: the sandbox stays warm (function logs are printed as SAM CLI prints them).
        await api.WaitForAsync("REPORT RequestId", TimeSpan.FromSeconds(5));
        Assert.Equal(1, Count(api.Output, "Init Duration"));

        // Edit the handler: the watcher replaces the sandboxes and the next request runs the new code.
        var handler = Path.Combine(_temp, "src", "index.js");
        File.WriteAllText(handler, File.ReadAllText(handler).Replace("not found", "is gone", StringComparison.Ordinal));
        await api.WaitForAsync("Reloaded ItemsFunction", TimeSpan.FromSeconds(30));
        var after = await http.GetAsync($"/items/{id}");
        Assert.Contains("is gone", await after.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task StartApi_OrderWorkflow_RunsTheStateMachineWithLambdaTasksAndSqs()
    {
        var port = FreePort();
        await using var api = new NimbusCli.Background(Example("order-workflow"), ["local", "start-api", "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "-n", NimbusCli.EnvVarsWithSdk(_temp), "--sandbox", "process"]);
        await api.WaitForAsync("Running on", TimeSpan.FromMinutes(1));
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };

        var good = await PlaceAndWaitAsync(http, "{\"items\":[{\"sku\":\"tea\",\"quantity\":2,\"price\":3.5}]}");
        Assert.Equal("SUCCEEDED", good["status"]!.ToString());
        Assert.Equal(7, good["result"]!["validation"]!["total"]!.GetValue<double>());
        Assert.StartsWith("pay-", good["result"]!["payment"]!["paymentId"]!.ToString(), StringComparison.Ordinal);
        Assert.False(string.IsNullOrEmpty(good["result"]!["fulfillment"]!["messageId"]?.ToString()));

        var declined = await PlaceAndWaitAsync(http, "{\"items\":[{\"sku\":\"car\",\"quantity\":1,\"price\":25000}]}");
        Assert.Equal("FAILED", declined["status"]!.ToString());
        Assert.Equal("OrderRejected", declined["error"]!.ToString());
    }

    private static async Task<JsonNode> PlaceAndWaitAsync(HttpClient http, string order)
    {
        var placed = await http.PostAsync("/orders", new StringContent(order));
        Assert.Equal(HttpStatusCode.Accepted, placed.StatusCode);
        var id = JsonNode.Parse(await placed.Content.ReadAsStringAsync())!["orderId"]!.ToString();
        for (var i = 0; i < 200; i++)
        {
            var status = JsonNode.Parse(await http.GetStringAsync($"/orders/{id}"))!;
            if (status["status"]!.ToString() != "RUNNING")
            {
                return status;
            }

            await Task.Delay(50);
        }

        throw new TimeoutException($"order {id} still running");
    }

    private static int Count(string text, string what) => text.Split(what).Length - 1;

    private static void CopyFolder(string from, string to)
    {
        foreach (var dir in Directory.EnumerateDirectories(from, "*", SearchOption.AllDirectories))
        {
            Directory.CreateDirectory(dir.Replace(from, to, StringComparison.Ordinal));
        }

        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            File.Copy(file, file.Replace(from, to, StringComparison.Ordinal), overwrite: true);
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
