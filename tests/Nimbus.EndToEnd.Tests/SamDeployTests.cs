using System.Text.Json.Nodes;

namespace Nimbus.EndToEnd.Tests;

/// <summary><c>nimbus deploy / outputs / delete</c> against a running Nimbus's CloudFormation API, as <c>sam deploy</c> drives AWS.</summary>
[Collection("nimbus")]
public sealed class SamDeployTests(NimbusFixture fixture) : IDisposable
{
    private readonly string _temp = Directory.CreateTempSubdirectory("nimbus-samdeploy-").FullName;

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

    [Fact]
    public async Task Deploy_CreateNoOpUpdateOutputsAndDelete_Work()
    {
        File.WriteAllText(Path.Combine(_temp, "template.yaml"), """
            Transform: AWS::Serverless-2016-10-31
            Parameters:
              Greeting:
                Type: String
                Default: hello
            Resources:
              Jobs:
                Type: AWS::SQS::Queue
              Greeter:
                Type: AWS::Serverless::Function
                Properties:
                  Runtime: nodejs20.x
                  Handler: index.handler
                  InlineCode: |
                    exports.handler = async () => ({ greeting: process.env.GREETING, queue: process.env.QUEUE });
                  Environment:
                    Variables:
                      GREETING: !Ref Greeting
                      QUEUE: !Ref Jobs
            Outputs:
              FunctionName:
                Description: The greeter
                Value: !Ref Greeter
              QueueUrl:
                Value: !Ref Jobs
            """);
        var endpoint = fixture.Nimbus.Endpoint;
        var stack = "samcli-" + Guid.NewGuid().ToString("N")[..8];

        var created = await Cli(["deploy", "--stack-name", stack, "--endpoint-url", endpoint]);
        Assert.Contains("+ Add           Greeter", created.Stdout, StringComparison.Ordinal);
        Assert.Contains("CREATE_COMPLETE             AWS::Lambda::Function             Greeter", created.Stdout, StringComparison.Ordinal);
        Assert.Contains($"Successfully created/updated stack - {stack} in us-east-1", created.Stdout, StringComparison.Ordinal);
        Assert.Contains("Description         The greeter", created.Stdout, StringComparison.Ordinal);

        var outputs = JsonNode.Parse((await Cli(["outputs", "--stack-name", stack, "--endpoint-url", endpoint, "--output", "json"])).Stdout)!.AsArray();
        var function = outputs.Single(o => o!["OutputKey"]!.ToString() == "FunctionName")!["OutputValue"]!.ToString();
        var queue = outputs.Single(o => o!["OutputKey"]!.ToString() == "QueueUrl")!["OutputValue"]!.ToString();
        Assert.StartsWith($"{stack}-Greeter-", function, StringComparison.Ordinal);
        var invoked = JsonNode.Parse((await Cli(["invoke", function, "--endpoint", endpoint])).Stdout)!;
        Assert.Equal("hello", invoked["greeting"]!.ToString());
        Assert.Equal(queue, invoked["queue"]!.ToString());

        var noop = await Cli(["deploy", "--stack-name", stack, "--endpoint-url", endpoint]);
        Assert.Contains($"No changes to deploy. Stack {stack} is up to date", noop.Stdout, StringComparison.Ordinal);

        var review = await Cli(["deploy", "--stack-name", stack, "--endpoint-url", endpoint, "--parameter-overrides", "Greeting=hi", "--no-execute-changeset"]);
        Assert.Contains("* Modify        Greeter", review.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("UPDATE_COMPLETE", review.Stdout, StringComparison.Ordinal);
        Assert.Equal("hello", JsonNode.Parse((await Cli(["invoke", function, "--endpoint", endpoint])).Stdout)!["greeting"]!.ToString());

        var updated = await Cli(["deploy", "--stack-name", stack, "--endpoint-url", endpoint, "--parameter-overrides", "Greeting=hi"]);
        Assert.Contains("UPDATE_COMPLETE             AWS::Lambda::Function             Greeter", updated.Stdout, StringComparison.Ordinal);
        Assert.Equal("hi", JsonNode.Parse((await Cli(["invoke", function, "--endpoint", endpoint])).Stdout)!["greeting"]!.ToString());

        var deleted = await Cli(["delete", "--stack-name", stack, "--endpoint-url", endpoint]);
        Assert.Contains("Deleted successfully", deleted.Stdout, StringComparison.Ordinal);
        var gone = await NimbusCli.RunAsync(_temp, ["outputs", "--stack-name", stack, "--endpoint-url", endpoint]);
        Assert.Equal(1, gone.ExitCode);
        Assert.Contains("does not exist", gone.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Deploy_FailingResource_RollsBackAndExitsNonZero()
    {
        File.WriteAllText(Path.Combine(_temp, "template.yaml"), """
            Resources:
              Fine:
                Type: AWS::SQS::Queue
              Broken:
                Type: AWS::Lambda::Function
                Properties:
                  Runtime: nodejs20.x
                  Handler: index.handler
                  Role: arn:aws:iam::000000000000:role/r
                  Code:
                    S3Bucket: no-such-bucket-anywhere
                    S3Key: code.zip
            """);
        var stack = "samcli-fail-" + Guid.NewGuid().ToString("N")[..8];
        var result = await NimbusCli.RunAsync(_temp, ["deploy", "--stack-name", stack, "--endpoint-url", fixture.Nimbus.Endpoint]);
        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Contains("CREATE_FAILED               AWS::Lambda::Function             Broken", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("ROLLBACK_COMPLETE", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("the stack ended in ROLLBACK_COMPLETE", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Deploy_Connectors_ProvisionTheirPoliciesAndPermissions()
    {
        File.WriteAllText(Path.Combine(_temp, "template.yaml"), """
            Transform: AWS::Serverless-2016-10-31
            Resources:
              Inbox:
                Type: AWS::SQS::Queue
              Jobs:
                Type: AWS::SQS::Queue
              Alerts:
                Type: AWS::SNS::Topic
                Connectors:
                  ToInbox:
                    Properties:
                      Destination: {Id: Inbox}
                      Permissions: [Write]
                  ToWorker:
                    Properties:
                      Destination: {Id: Worker}
                      Permissions: [Write]
              InboxSubscription:
                Type: AWS::SNS::Subscription
                Properties:
                  TopicArn: !Ref Alerts
                  Protocol: sqs
                  Endpoint: !GetAtt Inbox.Arn
              Worker:
                Type: AWS::Serverless::Function
                Properties:
                  Runtime: nodejs20.x
                  Handler: index.handler
                  InlineCode: |
                    exports.handler = async (event) => ({ records: (event.Records || []).length });
                  Events:
                    Work:
                      Type: SQS
                      Properties:
                        Queue: !GetAtt Jobs.Arn
                Connectors:
                  ToInbox:
                    Properties:
                      Destination: {Id: Inbox}
                      Permissions: [Read, Write]
              JobsToWorker:
                Type: AWS::Serverless::Connector
                Properties:
                  Source: {Id: Jobs}
                  Destination: {Id: Worker}
                  Permissions: [Read, Write]
            Outputs:
              InboxUrl:
                Value: !Ref Inbox
            """);
        var endpoint = fixture.Nimbus.Endpoint;
        var stack = "samconn-" + Guid.NewGuid().ToString("N")[..8];

        var created = await Cli(["deploy", "--stack-name", stack, "--endpoint-url", endpoint]);
        foreach (var (type, logicalId) in new[]
        {
            ("AWS::SQS::QueuePolicy", "AlertsToInboxQueuePolicy"),
            ("AWS::Lambda::Permission", "AlertsToWorkerWriteLambdaPermission"),
            ("AWS::IAM::ManagedPolicy", "WorkerToInboxPolicy"),
            ("AWS::IAM::ManagedPolicy", "JobsToWorkerPolicy"),
            ("AWS::Lambda::EventSourceMapping", "WorkerWork"),
        })
        {
            Assert.Matches($@"CREATE_COMPLETE\s+{System.Text.RegularExpressions.Regex.Escape(type)}\s+{logicalId}\b", created.Stdout);
        }

        // The connector's queue policy is the queue's Policy attribute: SNS may send to it, from that topic only.
        var outputs = JsonNode.Parse((await Cli(["outputs", "--stack-name", stack, "--endpoint-url", endpoint, "--output", "json"])).Stdout)!.AsArray();
        var inbox = outputs.Single(o => o!["OutputKey"]!.ToString() == "InboxUrl")!["OutputValue"]!.ToString();
        using var sqs = new Amazon.SQS.AmazonSQSClient(new Amazon.Runtime.BasicAWSCredentials("test", "test"),
            new Amazon.SQS.AmazonSQSConfig { ServiceURL = endpoint, AuthenticationRegion = "us-east-1", MaxErrorRetry = 0 });
        var attributes = await sqs.GetQueueAttributesAsync(new Amazon.SQS.Model.GetQueueAttributesRequest { QueueUrl = inbox, AttributeNames = ["Policy"] });
        var statement = JsonNode.Parse(attributes.Attributes["Policy"])!["Statement"]!.AsArray().Single()!;
        Assert.Equal("sqs:SendMessage", statement["Action"]!.ToString());
        Assert.Equal("sns.amazonaws.com", statement["Principal"]!["Service"]!.ToString());
        Assert.StartsWith("arn:aws:sns:", statement["Condition"]!["ArnEquals"]!["aws:SourceArn"]!.ToString(), StringComparison.Ordinal);

        var deleted = await Cli(["delete", "--stack-name", stack, "--endpoint-url", endpoint]);
        Assert.Contains("Deleted successfully", deleted.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Deploy_NestedStack_PackagesTheChildTemplateAndReadsItsOutputs()
    {
        Directory.CreateDirectory(Path.Combine(_temp, "child"));
        File.WriteAllText(Path.Combine(_temp, "child", "queue.yaml"), """
            Parameters:
              Suffix:
                Type: String
            Resources:
              Jobs:
                Type: AWS::SQS::Queue
                Properties:
                  QueueName: !Sub "nested-${Suffix}"
            Outputs:
              QueueUrl:
                Value: !Ref Jobs
            """);
        var suffix = Guid.NewGuid().ToString("N")[..8];
        File.WriteAllText(Path.Combine(_temp, "template.yaml"), $$"""
            Parameters:
              Suffix:
                Type: String
                Default: {{suffix}}
            Resources:
              Child:
                Type: AWS::CloudFormation::Stack
                Properties:
                  TemplateURL: child/queue.yaml
                  Parameters:
                    Suffix: !Ref Suffix
            Outputs:
              ChildQueue:
                Value: !GetAtt Child.Outputs.QueueUrl
              ChildStack:
                Value: !Ref Child
            """);
        var endpoint = fixture.Nimbus.Endpoint;
        var stack = "nested-" + suffix;

        var created = await Cli(["deploy", "--stack-name", stack, "--endpoint-url", endpoint]);
        Assert.Contains($"Successfully created/updated stack - {stack}", created.Stdout, StringComparison.Ordinal);
        var outputs = JsonNode.Parse((await Cli(["outputs", "--stack-name", stack, "--endpoint-url", endpoint, "--output", "json"])).Stdout)!.AsArray();
        var queueUrl = outputs.Single(o => o!["OutputKey"]!.ToString() == "ChildQueue")!["OutputValue"]!.ToString();
        var childId = outputs.Single(o => o!["OutputKey"]!.ToString() == "ChildStack")!["OutputValue"]!.ToString();
        Assert.EndsWith("/nested-" + suffix, queueUrl, StringComparison.Ordinal);
        Assert.Contains($":stack/{stack}-Child-", childId, StringComparison.Ordinal);

        // The child is a stack of its own, and it goes with its parent.
        var child = JsonNode.Parse((await Cli(["outputs", "--stack-name", childId, "--endpoint-url", endpoint, "--output", "json"])).Stdout)!.AsArray();
        Assert.Equal(queueUrl, child.Single()!["OutputValue"]!.ToString());
        var parentXml = await DescribeStacksXmlAsync(endpoint, stack);
        var parentId = parentXml.Descendants().First(e => e.Name.LocalName == "StackId").Value;
        Assert.DoesNotContain(parentXml.Descendants(), e => e.Name.LocalName == "ParentId");
        var childXml = await DescribeStacksXmlAsync(endpoint, childId);
        Assert.Equal(parentId, childXml.Descendants().Single(e => e.Name.LocalName == "ParentId").Value);
        Assert.Equal(parentId, childXml.Descendants().Single(e => e.Name.LocalName == "RootId").Value);
        var deleted = await Cli(["delete", "--stack-name", stack, "--endpoint-url", endpoint]);
        Assert.Contains("Deleted successfully", deleted.Stdout, StringComparison.Ordinal);
        using var sqs = new Amazon.SQS.AmazonSQSClient(new Amazon.Runtime.BasicAWSCredentials("test", "test"),
            new Amazon.SQS.AmazonSQSConfig { ServiceURL = endpoint, AuthenticationRegion = "us-east-1" });
        await Assert.ThrowsAsync<Amazon.SQS.Model.QueueDoesNotExistException>(() => sqs.GetQueueUrlAsync("nested-" + suffix));
    }

    private static async Task<System.Xml.Linq.XDocument> DescribeStacksXmlAsync(string endpoint, string stackName)
    {
        using var http = new HttpClient();
        using var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["Action"] = "DescribeStacks", ["Version"] = "2010-05-15", ["StackName"] = stackName,
        });
        using var response = await http.PostAsync(new Uri(endpoint + "/"), form);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, body);
        return System.Xml.Linq.XDocument.Parse(body);
    }

    private async Task<NimbusCli.Result> Cli(string[] args)
    {
        var result = await NimbusCli.RunAsync(_temp, args);
        Assert.True(result.ExitCode == 0, result.ToString());
        return result;
    }
}
