using System.Text.Json.Nodes;
using System.Xml.Linq;

namespace Nimbus.Messaging.Tests.Sns;

public sealed class SnsServiceTests : IDisposable
{
    private const string Queue = "arn:aws:sqs:us-east-1:000000000000:orders";
    private const string Function = "arn:aws:lambda:us-east-1:000000000000:function:handler";
    private readonly Harness _h = new();

    public void Dispose() => _h.Dispose();

    private static string Value(string xml, string element) =>
        XDocument.Parse(xml).Descendants().First(e => e.Name.LocalName == element).Value;

    private async Task<string> TopicAsync(string name = "orders")
    {
        var (status, body) = await _h.SnsAsync("CreateTopic", ("Name", name));
        Assert.Equal(200, status);
        return Value(body, "TopicArn");
    }

    [Fact]
    public async Task Publish_SqsSubscription_DeliversEnvelopeAfterPublishReturns()
    {
        var topic = await TopicAsync();
        await _h.SnsAsync("Subscribe", ("TopicArn", topic), ("Protocol", "sqs"), ("Endpoint", Queue));
        var (_, body) = await _h.SnsAsync("Publish", ("TopicArn", topic), ("Message", "hi"), ("Subject", "s"),
            ("MessageAttributes.entry.1.Name", "k"), ("MessageAttributes.entry.1.Value.DataType", "String"), ("MessageAttributes.entry.1.Value.StringValue", "v"));
        var messageId = Value(body, "MessageId");
        Assert.Empty(_h.Sqs.Deliveries);

        Assert.Equal(1, await _h.SnsWorker.DrainAsync());
        var (arn, message) = Assert.Single(_h.Sqs.Deliveries);
        Assert.Equal(Queue, arn.ToString());
        var envelope = JsonNode.Parse(message.Body)!;
        Assert.Equal("Notification", envelope["Type"]!.GetValue<string>());
        Assert.Equal(messageId, envelope["MessageId"]!.GetValue<string>());
        Assert.Equal(topic, envelope["TopicArn"]!.GetValue<string>());
        Assert.Equal("s", envelope["Subject"]!.GetValue<string>());
        Assert.Equal("hi", envelope["Message"]!.GetValue<string>());
        Assert.Equal("2026-01-05T10:00:00.000Z", envelope["Timestamp"]!.GetValue<string>());
        Assert.Equal("v", envelope["MessageAttributes"]!["k"]!["Value"]!.GetValue<string>());
        Assert.StartsWith("http://localhost:4566/?Action=Unsubscribe", envelope["UnsubscribeURL"]!.GetValue<string>());
    }

    [Fact]
    public async Task Publish_RawDelivery_SendsBodyAndAttributes()
    {
        var topic = await TopicAsync();
        await _h.SnsAsync("Subscribe", ("TopicArn", topic), ("Protocol", "sqs"), ("Endpoint", Queue),
            ("Attributes.entry.1.key", "RawMessageDelivery"), ("Attributes.entry.1.value", "true"));
        await _h.SnsAsync("Publish", ("TopicArn", topic), ("Message", "raw"),
            ("MessageAttributes.entry.1.Name", "k"), ("MessageAttributes.entry.1.Value.DataType", "String"), ("MessageAttributes.entry.1.Value.StringValue", "v"));
        await _h.SnsWorker.DrainAsync();
        var (_, message) = Assert.Single(_h.Sqs.Deliveries);
        Assert.Equal("raw", message.Body);
        Assert.Equal("v", message.Attributes!["k"]);
    }

    [Fact]
    public async Task Publish_LambdaSubscription_SendsSnsEventShape()
    {
        var topic = await TopicAsync();
        var (_, sub) = await _h.SnsAsync("Subscribe", ("TopicArn", topic), ("Protocol", "lambda"), ("Endpoint", Function));
        await _h.SnsAsync("Publish", ("TopicArn", topic), ("Message", "to lambda"));
        await _h.SnsWorker.DrainAsync();
        var record = JsonNode.Parse(Assert.Single(_h.Lambda.Deliveries).Message.Body)!["Records"]![0]!;
        Assert.Equal("aws:sns", record["EventSource"]!.GetValue<string>());
        Assert.Equal("1.0", record["EventVersion"]!.GetValue<string>());
        Assert.Equal(Value(sub, "SubscriptionArn"), record["EventSubscriptionArn"]!.GetValue<string>());
        Assert.Equal("to lambda", record["Sns"]!["Message"]!.GetValue<string>());
        Assert.NotNull(record["Sns"]!["SigningCertUrl"]);
    }

    [Fact]
    public async Task Publish_FilterPolicy_SkipsNonMatchingSubscriptions()
    {
        var topic = await TopicAsync();
        await _h.SnsAsync("Subscribe", ("TopicArn", topic), ("Protocol", "sqs"), ("Endpoint", Queue),
            ("Attributes.entry.1.key", "FilterPolicy"), ("Attributes.entry.1.value", """{"kind": ["a"]}"""));
        foreach (var kind in new[] { "a", "b" })
        {
            await _h.SnsAsync("Publish", ("TopicArn", topic), ("Message", kind),
                ("MessageAttributes.entry.1.Name", "kind"), ("MessageAttributes.entry.1.Value.DataType", "String"), ("MessageAttributes.entry.1.Value.StringValue", kind));
        }

        await _h.SnsWorker.DrainAsync();
        Assert.Equal("a", JsonNode.Parse(Assert.Single(_h.Sqs.Deliveries).Message.Body)!["Message"]!.GetValue<string>());
    }

    [Fact]
    public async Task Delivery_FailingQueue_RetriesThenRedrivesToDeadLetterQueue()
    {
        var topic = await TopicAsync();
        const string dlq = "arn:aws:sqs:us-east-1:000000000000:dlq";
        await _h.SnsAsync("Subscribe", ("TopicArn", topic), ("Protocol", "sqs"), ("Endpoint", Queue),
            ("Attributes.entry.1.key", "RedrivePolicy"), ("Attributes.entry.1.value", $$"""{"deadLetterTargetArn": "{{dlq}}"}"""));
        _h.Sqs.Failing.Add(Queue);
        await _h.SnsAsync("Publish", ("TopicArn", topic), ("Message", "m"));
        for (var i = 0; i < 12; i++)
        {
            await _h.SnsWorker.DrainAsync();
            _h.Clock.Advance(TimeSpan.FromMinutes(2));
        }

        var (arn, message) = Assert.Single(_h.Sqs.Deliveries);
        Assert.Equal(dlq, arn.ToString());
        Assert.Equal("m", JsonNode.Parse(message.Body)!["Message"]!.GetValue<string>());
        Assert.Null(_h.SnsStore.NextDue());
    }

    [Fact]
    public async Task Outbox_SurvivesARestart()
    {
        var topic = await TopicAsync();
        await _h.SnsAsync("Subscribe", ("TopicArn", topic), ("Protocol", "sqs"), ("Endpoint", Queue));
        await _h.SnsAsync("Publish", ("TopicArn", topic), ("Message", "durable"));

        using var restarted = new Harness(_h.Directory, _h.Clock);
        Assert.Equal(1, await restarted.SnsWorker.DrainAsync());
        Assert.Equal("durable", JsonNode.Parse(Assert.Single(restarted.Sqs.Deliveries).Message.Body)!["Message"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("Publish", "InvalidParameter: Invalid parameter: Empty message")]
    [InlineData("Subscribe", "InvalidParameter: Invalid parameter: SQS endpoint ARN")]
    public async Task Errors_AreAwsShaped(string action, string expected)
    {
        var topic = await TopicAsync();
        var (status, body) = action == "Publish"
            ? await _h.SnsAsync("Publish", ("TopicArn", topic), ("Message", ""))
            : await _h.SnsAsync("Subscribe", ("TopicArn", topic), ("Protocol", "sqs"), ("Endpoint", "not-an-arn"));
        Assert.Equal(400, status);
        Assert.Equal(expected, body);
    }

    [Fact]
    public async Task Publish_UnknownTopic_IsNotFound404()
    {
        var (status, body) = await _h.SnsAsync("Publish", ("TopicArn", "arn:aws:sns:us-east-1:000000000000:nope"), ("Message", "x"));
        Assert.Equal((404, "NotFound: Topic does not exist"), (status, body));
    }

    [Fact]
    public async Task SnsArnTarget_PublishesToTopic()
    {
        var topic = await TopicAsync();
        await _h.SnsAsync("Subscribe", ("TopicArn", topic), ("Protocol", "sqs"), ("Endpoint", Queue));
        await _h.Targets.DeliverAsync(topic, new Core.Targets.ArnMessage("via target", Harness.Caller));
        await _h.SnsWorker.DrainAsync();
        Assert.Equal("via target", JsonNode.Parse(Assert.Single(_h.Sqs.Deliveries).Message.Body)!["Message"]!.GetValue<string>());
    }

    [Fact]
    public async Task Arns_WithTooFewElements_AreRejectedAsSnsDoes()
    {
        Assert.Equal((400, "InvalidParameter: Invalid parameter: SubscriptionArn Reason: An ARN must have at least 6 elements, not 1"),
            await _h.SnsAsync("GetSubscriptionAttributes", ("SubscriptionArn", "PendingConfirmation")));
        Assert.Equal((400, "InvalidParameter: Invalid parameter: TopicArn Reason: An ARN must have at least 6 elements, not 2"),
            await _h.SnsAsync("Publish", ("TopicArn", "arn:x"), ("Message", "m")));
    }

    [Fact]
    public async Task Unsubscribe_Twice_Succeeds()
    {
        var topic = await TopicAsync();
        var sub = Value((await _h.SnsAsync("Subscribe", ("TopicArn", topic), ("Protocol", "sqs"), ("Endpoint", Queue))).Body, "SubscriptionArn");
        Assert.Equal(200, (await _h.SnsAsync("Unsubscribe", ("SubscriptionArn", sub))).Status);
        Assert.Equal(200, (await _h.SnsAsync("Unsubscribe", ("SubscriptionArn", sub))).Status);
        Assert.Equal(404, (await _h.SnsAsync("GetSubscriptionAttributes", ("SubscriptionArn", sub))).Status);
    }

    [Fact]
    public async Task Fifo_ContentDedupAndSequenceNumbers()
    {
        var (_, created) = await _h.SnsAsync("CreateTopic", ("Name", "o.fifo"), ("Attributes.entry.1.key", "FifoTopic"), ("Attributes.entry.1.value", "true"),
            ("Attributes.entry.2.key", "ContentBasedDeduplication"), ("Attributes.entry.2.value", "true"));
        var topic = Value(created, "TopicArn");
        const string fifoQueue = "arn:aws:sqs:us-east-1:000000000000:o.fifo";
        await _h.SnsAsync("Subscribe", ("TopicArn", topic), ("Protocol", "sqs"), ("Endpoint", fifoQueue));
        var a = await _h.SnsAsync("Publish", ("TopicArn", topic), ("Message", "one"), ("MessageGroupId", "g"));
        var b = await _h.SnsAsync("Publish", ("TopicArn", topic), ("Message", "one"), ("MessageGroupId", "g"));
        var c = await _h.SnsAsync("Publish", ("TopicArn", topic), ("Message", "two"), ("MessageGroupId", "g"));
        Assert.Equal(Value(a.Body, "MessageId"), Value(b.Body, "MessageId"));
        Assert.True(string.CompareOrdinal(Value(a.Body, "SequenceNumber"), Value(c.Body, "SequenceNumber")) < 0);
        await _h.SnsWorker.DrainAsync();
        Assert.Equal(2, _h.Sqs.Deliveries.Count);
        Assert.All(_h.Sqs.Deliveries, d => Assert.Equal("g", d.Message.MessageGroupId));
        Assert.Equal(["one", "two"], _h.Sqs.Deliveries.Select(d => JsonNode.Parse(d.Message.Body)!["Message"]!.GetValue<string>()));
        Assert.Equal(400, (await _h.SnsAsync("Publish", ("TopicArn", topic), ("Message", "x"))).Status);
    }
}
