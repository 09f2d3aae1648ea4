using System.Text.Json.Nodes;
using Nimbus.Core.Errors;
using Nimbus.Core.Identity;
using Nimbus.Core.Services;
using Nimbus.Core.Targets;
using Nimbus.StepFunctions.Tasks;

namespace Nimbus.StepFunctions.Tests;

public sealed class AwsServiceIntegrationsTests
{
    private static readonly AwsRequestContext Context = new("123456789012", "us-east-1", "req-1");

    [Theory]
    [InlineData("arn:aws:states:::aws-sdk:dynamodb:getItem", true)]
    [InlineData("arn:aws:states:::dynamodb:putItem", true)]
    [InlineData("arn:aws:states:::sqs:sendMessage", true)]
    [InlineData("arn:aws:states:::sns:publish", true)]
    [InlineData("arn:aws:states:::events:putEvents", true)]
    [InlineData("arn:aws:states:::lambda:invoke", false)]
    [InlineData("arn:aws:states:::states:startExecution", false)]
    [InlineData("arn:aws:lambda:us-east-1:123456789012:function:f", false)]
    public void Handles_KnowsItsResources(string resource, bool expected) => Assert.Equal(expected, AwsServiceIntegrations.Handles(resource));

    [Fact]
    public async Task SdkIntegration_CallsTheOperationInPascalCase_AndReturnsItsOutputAsIs()
    {
        var caller = new FakeCaller(_ => new JsonObject { ["Item"] = new JsonObject { ["id"] = new JsonObject { ["S"] = "1" } } });
        var integrations = new AwsServiceIntegrations(caller, null);

        var result = await integrations.InvokeAsync(
            "arn:aws:states:::aws-sdk:dynamodb:getItem", JsonNode.Parse("""{"TableName":"t","Key":{"id":{"S":"1"}}}"""), Context, default);

        Assert.True(result.Succeeded);
        Assert.Equal(("dynamodb", "GetItem"), (caller.Calls[0].Service, caller.Calls[0].Operation));
        Assert.Equal("""{"TableName":"t","Key":{"id":{"S":"1"}}}""", caller.Calls[0].Input.ToJsonString());
        Assert.Equal("""{"Item":{"id":{"S":"1"}}}""", result.Output!.ToJsonString());
    }

    [Fact]
    public async Task Errors_AreNamedAsAwsNamesThem_ForSdkAndOptimizedIntegrations()
    {
        var caller = new FakeCaller(_ => throw new AwsError("ConditionalCheckFailedException", "The conditional request failed").ToException());
        var integrations = new AwsServiceIntegrations(caller, null);

        var sdk = await integrations.InvokeAsync("arn:aws:states:::aws-sdk:dynamodb:putItem", new JsonObject(), Context, default);
        var optimized = await integrations.InvokeAsync("arn:aws:states:::dynamodb:putItem", new JsonObject(), Context, default);

        Assert.Equal("DynamoDb.ConditionalCheckFailedException", sdk.Error);
        Assert.Equal("DynamoDB.ConditionalCheckFailedException", optimized.Error);
        Assert.Equal(
            "The conditional request failed (Service: DynamoDB, Status Code: 400, Error Code: ConditionalCheckFailedException, Request ID: req-1)",
            optimized.Cause);
    }

    [Fact]
    public async Task SqsSendMessage_SerializesAJsonBody_AndAddsSdkMetadata()
    {
        var caller = new FakeCaller(_ => new JsonObject { ["MessageId"] = "m-1", ["MD5OfMessageBody"] = "abc" });
        var integrations = new AwsServiceIntegrations(caller, null);

        var result = await integrations.InvokeAsync(
            "arn:aws:states:::sqs:sendMessage", JsonNode.Parse("""{"QueueUrl":"http://q","MessageBody":{"order":7}}"""), Context, default);

        Assert.Equal("""{"order":7}""", caller.Calls[0].Input["MessageBody"]!.GetValue<string>());
        Assert.Equal("m-1", result.Output!["MessageId"]!.GetValue<string>());
        Assert.Equal(200, result.Output["SdkHttpMetadata"]!["HttpStatusCode"]!.GetValue<int>());
        Assert.Equal("req-1", result.Output["SdkResponseMetadata"]!["RequestId"]!.GetValue<string>());
    }

    [Fact]
    public async Task SnsPublish_GoesThroughArnTargets()
    {
        var target = new FakeTarget();
        var integrations = new AwsServiceIntegrations(null, new ArnTargets([target]));

        var result = await integrations.InvokeAsync(
            "arn:aws:states:::sns:publish",
            JsonNode.Parse("""{"TopicArn":"arn:aws:sns:us-east-1:123456789012:t","Message":{"a":1},"Subject":"s","MessageAttributes":{"k":{"DataType":"String","StringValue":"v"}}}"""),
            Context, default);

        Assert.True(result.Succeeded);
        Assert.Equal("msg-1", result.Output!["MessageId"]!.GetValue<string>());
        var (arn, message) = Assert.Single(target.Delivered);
        Assert.Equal(("t", """{"a":1}""", "s", "v"), (arn.Resource, message.Body, message.Subject, message.Attributes!["k"]));
    }

    [Fact]
    public async Task MissingService_FailsWithStatesRuntime_NeverSilently()
    {
        var integrations = new AwsServiceIntegrations(new FakeCaller(_ => null, has: false), null);

        var sdk = await integrations.InvokeAsync("arn:aws:states:::aws-sdk:ec2:describeInstances", new JsonObject(), Context, default);
        var sns = await integrations.InvokeAsync("arn:aws:states:::sns:publish", JsonNode.Parse("""{"TopicArn":"arn:aws:sns:us-east-1:1:t","Message":"m"}"""), Context, default);

        Assert.Equal("States.Runtime", sdk.Error);
        Assert.Contains("ec2:describeInstances", sdk.Cause, StringComparison.Ordinal);
        Assert.Equal("States.Runtime", sns.Error);
    }

    private sealed class FakeCaller(Func<JsonObject, JsonNode?> handler, bool has = true) : IAwsServiceCaller
    {
        public List<(string Service, string Operation, JsonObject Input)> Calls { get; } = [];

        public bool Has(string service) => has;

        public Task<JsonNode?> CallAsync(string service, string operation, JsonObject input, AwsRequestContext caller, CancellationToken cancellationToken = default)
        {
            Calls.Add((service, operation, input));
            return Task.FromResult(handler(input));
        }
    }

    private sealed class FakeTarget : IArnTarget
    {
        public List<(Arn Arn, ArnMessage Message)> Delivered { get; } = [];

        public string Service => "sns";

        public Task<ArnDeliveryResult> DeliverAsync(Arn arn, ArnMessage message, CancellationToken cancellationToken)
        {
            Delivered.Add((arn, message));
            return Task.FromResult(new ArnDeliveryResult("msg-1"));
        }
    }
}
