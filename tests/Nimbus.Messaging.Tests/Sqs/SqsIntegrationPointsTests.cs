using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Nimbus.Core.Identity;
using Nimbus.Core.Messaging;
using Nimbus.Core.Targets;
using Nimbus.Messaging.Sqs.Protocol;

namespace Nimbus.Messaging.Tests.Sqs;

public sealed class SqsIntegrationPointsTests : IDisposable
{
    private static readonly AwsRequestContext Caller = new("000000000000", "us-east-1", "r");
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task ArnTarget_DeliversWithStringAttributes_AndFifoIds()
    {
        await using var host = SqsHost.Start(_dir.Path);
        var target = host.Services.GetServices<IArnTarget>().Single(t => t.Service == "sqs");
        var url = await host.CreateQueueAsync("t.fifo", new JsonObject { ["FifoQueue"] = "true" });
        Arn.TryParse("arn:aws:sqs:us-east-1:000000000000:t.fifo", out var arn);
        var result = await target.DeliverAsync(arn, new ArnMessage("{\"a\":1}", Caller)
        {
            Attributes = new Dictionary<string, string> { ["source"] = "sns" },
            MessageGroupId = "g",
            DeduplicationId = "d",
        }, CancellationToken.None);
        var m = Assert.Single(await host.ReceiveAsync(url));
        Assert.Equal(result.Id, m["MessageId"]!.GetValue<string>());
        Assert.Equal("sns", m["MessageAttributes"]!["source"]!["StringValue"]!.GetValue<string>());
        Assert.Equal("g", m["Attributes"]!["MessageGroupId"]!.GetValue<string>());
    }

    [Fact]
    public async Task ArnTarget_MissingQueue_ThrowsNonExistentQueue()
    {
        await using var host = SqsHost.Start(_dir.Path);
        var target = host.Services.GetServices<IArnTarget>().Single(t => t.Service == "sqs");
        Arn.TryParse("arn:aws:sqs:us-east-1:000000000000:nope", out var arn);
        var e = await Assert.ThrowsAsync<ArnDeliveryException>(() => target.DeliverAsync(arn, new ArnMessage("x", Caller), CancellationToken.None));
        Assert.Equal("AWS.SimpleQueueService.NonExistentQueue", e.ErrorCode);
    }

    [Fact]
    public async Task MessageQueues_ReceiveCountsAndDeletes()
    {
        await using var host = SqsHost.Start(_dir.Path);
        var queues = host.Services.GetRequiredService<IMessageQueues>();
        await host.CreateQueueAsync("esm", new JsonObject { ["VisibilityTimeout"] = "40" });
        const string arn = "arn:aws:sqs:us-east-1:000000000000:esm";
        var description = await queues.DescribeAsync(arn);
        Assert.Equal(TimeSpan.FromSeconds(40), description!.VisibilityTimeout);
        Assert.Null(await queues.DescribeAsync(arn + "x"));

        var polling = queues.ReceiveAsync(arn, 10, null, TimeSpan.FromSeconds(10));
        await host.CallAsync("SendMessage", new JsonObject
        {
            ["QueueUrl"] = description.QueueUrl, ["MessageBody"] = "event",
            ["MessageAttributes"] = new JsonObject { ["k"] = new JsonObject { ["DataType"] = "String", ["StringValue"] = "v" } },
        });
        var m = Assert.Single(await polling.WaitAsync(TimeSpan.FromSeconds(5)));
        Assert.Equal("1", m.Attributes["ApproximateReceiveCount"]);
        Assert.Equal("v", Assert.Single(m.MessageAttributes).StringValue);
        Assert.NotNull(m.Md5OfMessageAttributes);
        await queues.ChangeVisibilityAsync(arn, m.ReceiptHandle, TimeSpan.Zero);
        var again = Assert.Single(await queues.ReceiveAsync(arn, 1, TimeSpan.FromSeconds(5), TimeSpan.Zero));
        Assert.Equal("2", again.Attributes["ApproximateReceiveCount"]);
        await queues.DeleteAsync(arn, again.ReceiptHandle);
        Assert.Equal("0", await host.AttributeAsync(description.QueueUrl, "ApproximateNumberOfMessagesNotVisible"));
    }

    [Fact]
    public void QueryShapes_ReadsFlattenedMapsAndLists()
    {
        var input = QueryShapes.Sqs.ReadInput("SendMessageBatch", new Dictionary<string, string>
        {
            ["QueueUrl"] = "u",
            ["SendMessageBatchRequestEntry.1.Id"] = "a",
            ["SendMessageBatchRequestEntry.1.MessageBody"] = "b",
            ["SendMessageBatchRequestEntry.1.DelaySeconds"] = "5",
            ["SendMessageBatchRequestEntry.1.MessageAttribute.1.Name"] = "n",
            ["SendMessageBatchRequestEntry.1.MessageAttribute.1.Value.DataType"] = "String",
            ["SendMessageBatchRequestEntry.1.MessageAttribute.1.Value.StringValue"] = "v",
            ["SendMessageBatchRequestEntry.2.Id"] = "c",
            ["SendMessageBatchRequestEntry.2.MessageBody"] = "d",
        });
        Assert.Equal(
            """{"Entries":[{"DelaySeconds":5,"Id":"a","MessageAttributes":{"n":{"DataType":"String","StringValue":"v"}},"MessageBody":"b"},{"Id":"c","MessageBody":"d"}],"QueueUrl":"u"}""",
            input.ToJsonString());
    }

    [Fact]
    public void QueryShapes_WritesFlattenedResultsInTheQueueNamespace()
    {
        var xml = QueryShapes.Sqs.WriteResponse("GetQueueAttributes", new JsonObject { ["Attributes"] = new JsonObject { ["VisibilityTimeout"] = "30" } }, SqsQueryApi.Namespace, "rid");
        Assert.Equal(
            "<?xml version=\"1.0\"?><GetQueueAttributesResponse xmlns=\"http://queue.amazonaws.com/doc/2012-11-05/\"><GetQueueAttributesResult>"
            + "<Attribute><Name>VisibilityTimeout</Name><Value>30</Value></Attribute></GetQueueAttributesResult>"
            + "<ResponseMetadata><RequestId>rid</RequestId></ResponseMetadata></GetQueueAttributesResponse>",
            xml);
        var empty = QueryShapes.Sqs.WriteResponse("DeleteQueue", [], SqsQueryApi.Namespace, "rid");
        Assert.DoesNotContain("DeleteQueueResult", empty, StringComparison.Ordinal);
    }

    [Fact]
    public void JsonErrors_UseModelShapeAndQueryErrorHeader()
    {
        var e = SqsJsonApi.ToJsonError(new Nimbus.Core.Errors.AwsError("AWS.SimpleQueueService.NonExistentQueue", "The specified queue does not exist."));
        Assert.Equal("com.amazonaws.sqs#QueueDoesNotExist", e.Error.Code);
        Assert.Equal("AWS.SimpleQueueService.NonExistentQueue;Sender", e.Error.Headers!["x-amzn-query-error"]);
        var unmodeled = SqsJsonApi.ToJsonError(new Nimbus.Core.Errors.AwsError("InvalidParameterValue", "bad"));
        Assert.Equal("InvalidParameterValue;Sender", unmodeled.Error.Headers!["x-amzn-query-error"]);
    }
}
