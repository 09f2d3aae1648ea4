using Amazon.Runtime;
using Amazon.SQS;
using Amazon.SQS.Model;

namespace Nimbus.EndToEnd.Tests;

/// <summary>SQS driven by AWSSDK.SQS 4 (JSON protocol), which verifies body and message-attribute MD5s itself.</summary>
[Collection("nimbus")]
public sealed class SqsDotNetSdkTests(NimbusFixture fixture)
{
    private AmazonSQSClient Client() => new(
        new BasicAWSCredentials("test", "test"),
        new AmazonSQSConfig { ServiceURL = fixture.Nimbus.Endpoint, AuthenticationRegion = "us-east-1", MaxErrorRetry = 0 });

    [Fact]
    public async Task SendReceiveDelete_WithAttributes_SdkVerifiesDigests()
    {
        using var sqs = Client();
        var url = (await sqs.CreateQueueAsync(new CreateQueueRequest { QueueName = "dotnet-" + Guid.NewGuid().ToString("N")[..8] })).QueueUrl;
        var sent = await sqs.SendMessageAsync(new SendMessageRequest
        {
            QueueUrl = url,
            MessageBody = "héllo from .NET",
            MessageAttributes = new Dictionary<string, MessageAttributeValue>
            {
                ["text"] = new() { DataType = "String", StringValue = "värde" },
                ["count"] = new() { DataType = "Number", StringValue = "42" },
                ["raw"] = new() { DataType = "Binary", BinaryValue = new MemoryStream([1, 2, 3, 255]) },
            },
        });
        Assert.NotNull(sent.MD5OfMessageAttributes);

        var received = await sqs.ReceiveMessageAsync(new ReceiveMessageRequest
        {
            QueueUrl = url,
            MaxNumberOfMessages = 10,
            WaitTimeSeconds = 1,
            MessageAttributeNames = ["All"],
            MessageSystemAttributeNames = ["All"],
        });
        var m = Assert.Single(received.Messages);
        Assert.Equal(sent.MessageId, m.MessageId);
        Assert.Equal("héllo from .NET", m.Body);
        Assert.Equal("värde", m.MessageAttributes["text"].StringValue);
        Assert.Equal([1, 2, 3, 255], m.MessageAttributes["raw"].BinaryValue.ToArray());
        Assert.Equal("1", m.Attributes["ApproximateReceiveCount"]);
        await sqs.DeleteMessageAsync(url, m.ReceiptHandle);

        var attributes = await sqs.GetQueueAttributesAsync(url, ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"]);
        Assert.Equal(0, attributes.ApproximateNumberOfMessages);
        Assert.Equal(0, attributes.ApproximateNumberOfMessagesNotVisible);
        await sqs.DeleteQueueAsync(url);
    }

    [Fact]
    public async Task Batches_AndFifoOrdering_AndErrors()
    {
        using var sqs = Client();
        var name = "dotnet-" + Guid.NewGuid().ToString("N")[..8] + ".fifo";
        var url = (await sqs.CreateQueueAsync(new CreateQueueRequest
        {
            QueueName = name,
            Attributes = new Dictionary<string, string> { ["FifoQueue"] = "true", ["ContentBasedDeduplication"] = "true" },
        })).QueueUrl;
        var batch = await sqs.SendMessageBatchAsync(new SendMessageBatchRequest
        {
            QueueUrl = url,
            Entries = Enumerable.Range(1, 5).Select(i => new SendMessageBatchRequestEntry
            {
                Id = $"e{i}",
                MessageBody = $"m{i}",
                MessageGroupId = "g",
                MessageAttributes = new Dictionary<string, MessageAttributeValue> { ["i"] = new() { DataType = "Number", StringValue = i.ToString(System.Globalization.CultureInfo.InvariantCulture) } },
            }).ToList(),
        });
        Assert.Equal(5, batch.Successful.Count);
        Assert.True(batch.Failed is null || batch.Failed.Count == 0);

        var bodies = new List<string>();
        while (bodies.Count < 5)
        {
            var got = await sqs.ReceiveMessageAsync(new ReceiveMessageRequest { QueueUrl = url, MaxNumberOfMessages = 2, MessageAttributeNames = ["All"] });
            Assert.NotNull(got.Messages);
            bodies.AddRange(got.Messages.Select(m => m.Body));
            var deleted = await sqs.DeleteMessageBatchAsync(url, got.Messages.Select((m, i) => new DeleteMessageBatchRequestEntry($"d{i}", m.ReceiptHandle)).ToList());
            Assert.Equal(got.Messages.Count, deleted.Successful.Count);
        }

        Assert.Equal(["m1", "m2", "m3", "m4", "m5"], bodies);

        var missing = await Assert.ThrowsAsync<QueueDoesNotExistException>(() => sqs.GetQueueUrlAsync("no-such-queue-" + Guid.NewGuid().ToString("N")));
        Assert.Equal("AWS.SimpleQueueService.NonExistentQueue", missing.ErrorCode);
        await Assert.ThrowsAsync<EmptyBatchRequestException>(() => sqs.SendMessageBatchAsync(new SendMessageBatchRequest { QueueUrl = url, Entries = [] }));
        await sqs.DeleteQueueAsync(url);
    }
}
