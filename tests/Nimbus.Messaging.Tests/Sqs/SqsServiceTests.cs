using System.Diagnostics;
using System.Text.Json.Nodes;

namespace Nimbus.Messaging.Tests.Sqs;

public sealed class SqsServiceTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task CreateQueue_SameAttributes_IsIdempotent_DifferentValue_QueueAlreadyExists()
    {
        await using var host = SqsHost.Start(_dir.Path);
        var url = await host.CreateQueueAsync("q", new JsonObject { ["VisibilityTimeout"] = "10" });
        Assert.Equal("http://localhost:4566/000000000000/q", url);
        Assert.Equal(url, await host.CreateQueueAsync("q", new JsonObject { ["VisibilityTimeout"] = "10" }));
        var error = await host.FailAsync("CreateQueue", new JsonObject { ["QueueName"] = "q", ["Attributes"] = new JsonObject { ["VisibilityTimeout"] = "11" } });
        Assert.Equal("QueueAlreadyExists", error.Code);
    }

    [Fact]
    public async Task CreateQueue_InvalidNamesAndAttributes_AwsCodes()
    {
        await using var host = SqsHost.Start(_dir.Path);
        Assert.Equal("InvalidParameterValue", (await host.FailAsync("CreateQueue", new JsonObject { ["QueueName"] = new string('a', 81) })).Code);
        Assert.Equal("InvalidParameterValue", (await host.FailAsync("CreateQueue", new JsonObject { ["QueueName"] = "x.fifo" })).Code);
        Assert.Equal("InvalidAttributeValue", (await host.FailAsync("CreateQueue", new JsonObject { ["QueueName"] = "x", ["Attributes"] = new JsonObject { ["DelaySeconds"] = "901" } })).Code);
        Assert.Equal("InvalidAttributeName", (await host.FailAsync("CreateQueue", new JsonObject { ["QueueName"] = "x", ["Attributes"] = new JsonObject { ["ContentBasedDeduplication"] = "true" } })).Code);
        Assert.Equal("InvalidAttributeValue", (await host.FailAsync("CreateQueue", new JsonObject { ["QueueName"] = "x", ["Attributes"] = new JsonObject { ["MaximumMessageSize"] = "1048577" } })).Code);
    }

    [Fact]
    public async Task Visibility_MessageReturnsAfterTimeout_WithNewReceiptAndCount()
    {
        var clock = new ManualClock();
        await using var host = SqsHost.Start(_dir.Path, clock);
        var url = await host.CreateQueueAsync("vis", new JsonObject { ["VisibilityTimeout"] = "30" });
        await host.SendAsync(url, "m");
        var first = Assert.Single(await host.ReceiveAsync(url));
        clock.Advance(TimeSpan.FromSeconds(29));
        Assert.Empty(await host.ReceiveAsync(url));
        Assert.Equal("1", await host.AttributeAsync(url, "ApproximateNumberOfMessagesNotVisible"));
        clock.Advance(TimeSpan.FromSeconds(2));
        var second = Assert.Single(await host.ReceiveAsync(url));
        Assert.NotEqual(first["ReceiptHandle"]!.GetValue<string>(), second["ReceiptHandle"]!.GetValue<string>());
        Assert.Equal("2", second["Attributes"]!["ApproximateReceiveCount"]!.GetValue<string>());

        // The stale receipt no longer deletes; the latest one does.
        await host.CallAsync("DeleteMessage", new JsonObject { ["QueueUrl"] = url, ["ReceiptHandle"] = first["ReceiptHandle"]!.GetValue<string>() });
        Assert.Equal("1", await host.AttributeAsync(url, "ApproximateNumberOfMessagesNotVisible"));
        await host.CallAsync("DeleteMessage", new JsonObject { ["QueueUrl"] = url, ["ReceiptHandle"] = second["ReceiptHandle"]!.GetValue<string>() });
        Assert.Equal("0", await host.AttributeAsync(url, "ApproximateNumberOfMessagesNotVisible"));
    }

    [Fact]
    public async Task ChangeMessageVisibility_ZeroMakesVisible_NotInflightIsAnError()
    {
        await using var host = SqsHost.Start(_dir.Path);
        var url = await host.CreateQueueAsync("cmv");
        await host.SendAsync(url, "m");
        var m = Assert.Single(await host.ReceiveAsync(url));
        var handle = m["ReceiptHandle"]!.GetValue<string>();
        await host.CallAsync("ChangeMessageVisibility", new JsonObject { ["QueueUrl"] = url, ["ReceiptHandle"] = handle, ["VisibilityTimeout"] = 0 });
        var error = await host.FailAsync("ChangeMessageVisibility", new JsonObject { ["QueueUrl"] = url, ["ReceiptHandle"] = handle, ["VisibilityTimeout"] = 10 });
        Assert.Equal("AWS.SimpleQueueService.MessageNotInflight", error.Code);
        Assert.Single(await host.ReceiveAsync(url));
    }

    [Fact]
    public async Task Fifo_GroupsDeliverInOrder_AndAGroupInFlightIsBlocked()
    {
        await using var host = SqsHost.Start(_dir.Path);
        var url = await host.CreateQueueAsync("o.fifo", new JsonObject { ["FifoQueue"] = "true", ["ContentBasedDeduplication"] = "true" });
        foreach (var (g, b) in new[] { ("a", "a1"), ("b", "b1"), ("a", "a2"), ("a", "a3"), ("b", "b2") })
        {
            await host.SendAsync(url, b, g);
        }

        var first = await host.ReceiveAsync(url, max: 3);
        Assert.Equal(["a1", "b1", "a2"], first.Select(m => m["Body"]!.GetValue<string>()));
        Assert.Empty(await host.ReceiveAsync(url));
        foreach (var m in first.Where(m => m["Attributes"]!["MessageGroupId"]!.GetValue<string>() == "b"))
        {
            await host.CallAsync("DeleteMessage", new JsonObject { ["QueueUrl"] = url, ["ReceiptHandle"] = m["ReceiptHandle"]!.GetValue<string>() });
        }

        var next = await host.ReceiveAsync(url);
        Assert.Equal(["b2"], next.Select(m => m["Body"]!.GetValue<string>()));
        var seq = first.Select(m => decimal.Parse(m["Attributes"]!["SequenceNumber"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(seq.Order(), seq);
    }

    [Fact]
    public async Task Fifo_Deduplication_LastsFiveMinutes_PerQueueOrPerGroup()
    {
        var clock = new ManualClock();
        await using var host = SqsHost.Start(_dir.Path, clock);
        var url = await host.CreateQueueAsync("d.fifo", new JsonObject { ["FifoQueue"] = "true" });
        var one = await host.SendAsync(url, "x", "g", "id-1");
        var dup = await host.SendAsync(url, "different body", "other-group", "id-1");
        Assert.Equal(one["MessageId"]!.GetValue<string>(), dup["MessageId"]!.GetValue<string>());
        Assert.Equal(one["SequenceNumber"]!.GetValue<string>(), dup["SequenceNumber"]!.GetValue<string>());
        clock.Advance(TimeSpan.FromMinutes(5) + TimeSpan.FromSeconds(1));
        var later = await host.SendAsync(url, "x", "g", "id-1");
        Assert.NotEqual(one["MessageId"]!.GetValue<string>(), later["MessageId"]!.GetValue<string>());
        Assert.Equal("2", await host.AttributeAsync(url, "ApproximateNumberOfMessages"));

        var perGroup = await host.CreateQueueAsync("g.fifo", new JsonObject { ["FifoQueue"] = "true", ["DeduplicationScope"] = "messageGroup", ["FifoThroughputLimit"] = "perMessageGroupId" });
        var a = await host.SendAsync(perGroup, "x", "g1", "same");
        var b = await host.SendAsync(perGroup, "x", "g2", "same");
        Assert.NotEqual(a["MessageId"]!.GetValue<string>(), b["MessageId"]!.GetValue<string>());
    }

    [Fact]
    public async Task Fifo_ReceiveRequestAttemptId_RetryReturnsTheSameMessages()
    {
        await using var host = SqsHost.Start(_dir.Path);
        var url = await host.CreateQueueAsync("r.fifo", new JsonObject { ["FifoQueue"] = "true", ["ContentBasedDeduplication"] = "true" });
        await host.SendAsync(url, "1", "g");
        await host.SendAsync(url, "2", "h");
        var first = await host.ReceiveAsync(url, max: 1, attemptId: "attempt");
        var retry = await host.ReceiveAsync(url, max: 1, attemptId: "attempt");
        Assert.Equal(first[0]["ReceiptHandle"]!.GetValue<string>(), retry[0]["ReceiptHandle"]!.GetValue<string>());
        var other = await host.ReceiveAsync(url, max: 1, attemptId: "another");
        Assert.Equal("2", other[0]["Body"]!.GetValue<string>());
    }

    [Fact]
    public async Task RedrivePolicy_MovesMessageOnReceiveAfterMaxReceiveCount()
    {
        await using var host = SqsHost.Start(_dir.Path);
        var dlq = await host.CreateQueueAsync("dead");
        var dlqArn = await host.AttributeAsync(dlq, "QueueArn");
        var src = await host.CreateQueueAsync("src", new JsonObject
        {
            ["VisibilityTimeout"] = "0",
            ["RedrivePolicy"] = new JsonObject { ["deadLetterTargetArn"] = dlqArn, ["maxReceiveCount"] = "3" }.ToJsonString(),
        });
        await host.SendAsync(src, "poison");
        for (var i = 1; i <= 3; i++)
        {
            var m = Assert.Single(await host.ReceiveAsync(src));
            Assert.Equal(i.ToString(System.Globalization.CultureInfo.InvariantCulture), m["Attributes"]!["ApproximateReceiveCount"]!.GetValue<string>());
        }

        Assert.Empty(await host.ReceiveAsync(src));
        Assert.Equal("0", await host.AttributeAsync(src, "ApproximateNumberOfMessages"));
        var dead = Assert.Single(await host.ReceiveAsync(dlq));
        Assert.Equal("poison", dead["Body"]!.GetValue<string>());
        Assert.Equal("arn:aws:sqs:us-east-1:000000000000:src", dead["Attributes"]!["DeadLetterQueueSourceArn"]!.GetValue<string>());
    }

    [Fact]
    public async Task RedrivePolicy_FifoSourceNeedsFifoTarget()
    {
        await using var host = SqsHost.Start(_dir.Path);
        var dlq = await host.CreateQueueAsync("plain");
        var arn = await host.AttributeAsync(dlq, "QueueArn");
        var error = await host.FailAsync("CreateQueue", new JsonObject
        {
            ["QueueName"] = "f.fifo",
            ["Attributes"] = new JsonObject { ["FifoQueue"] = "true", ["RedrivePolicy"] = $$"""{"deadLetterTargetArn":"{{arn}}","maxReceiveCount":1}""" },
        });
        Assert.Equal("InvalidParameterValue", error.Code);
        Assert.Contains("same type", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LongPoll_WakesOnSend_WithoutWaitingForTheTimeout()
    {
        await using var host = SqsHost.Start(_dir.Path);
        var url = await host.CreateQueueAsync("poll");
        var watch = Stopwatch.StartNew();
        var polling = host.ReceiveAsync(url, wait: 20);
        await Task.Delay(200);
        Assert.False(polling.IsCompleted);
        await host.SendAsync(url, "wake");
        var got = await polling.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal("wake", Assert.Single(got)["Body"]!.GetValue<string>());
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task LongPoll_QueueDeleted_ReturnsEmptyAtOnce()
    {
        await using var host = SqsHost.Start(_dir.Path);
        var url = await host.CreateQueueAsync("gone");
        var polling = host.ReceiveAsync(url, wait: 20);
        await Task.Delay(100);
        await host.CallAsync("DeleteQueue", new JsonObject { ["QueueUrl"] = url });
        Assert.Empty(await polling.WaitAsync(TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public async Task Retention_ExpiredMessagesAreDropped()
    {
        var clock = new ManualClock();
        await using var host = SqsHost.Start(_dir.Path, clock);
        var url = await host.CreateQueueAsync("ret", new JsonObject { ["MessageRetentionPeriod"] = "60" });
        await host.SendAsync(url, "old");
        clock.Advance(TimeSpan.FromSeconds(61));
        await host.SendAsync(url, "new");
        Assert.Equal("1", await host.AttributeAsync(url, "ApproximateNumberOfMessages"));
        Assert.Equal("new", Assert.Single(await host.ReceiveAsync(url))["Body"]!.GetValue<string>());
    }

    [Fact]
    public async Task Delay_QueueAndPerMessage()
    {
        var clock = new ManualClock();
        await using var host = SqsHost.Start(_dir.Path, clock);
        var url = await host.CreateQueueAsync("delay", new JsonObject { ["DelaySeconds"] = "10" });
        await host.SendAsync(url, "queue-delay");
        await host.CallAsync("SendMessage", new JsonObject { ["QueueUrl"] = url, ["MessageBody"] = "no-delay", ["DelaySeconds"] = 0 });
        Assert.Equal("1", await host.AttributeAsync(url, "ApproximateNumberOfMessagesDelayed"));
        Assert.Equal("no-delay", Assert.Single(await host.ReceiveAsync(url))["Body"]!.GetValue<string>());
        clock.Advance(TimeSpan.FromSeconds(10));
        Assert.Equal("queue-delay", Assert.Single(await host.ReceiveAsync(url))["Body"]!.GetValue<string>());
    }

    [Fact]
    public async Task SendMessage_SizeLimitIsTheQueuesMaximumMessageSize()
    {
        await using var host = SqsHost.Start(_dir.Path);
        var url = await host.CreateQueueAsync("size", new JsonObject { ["MaximumMessageSize"] = "1024" });
        await host.SendAsync(url, new string('x', 1024));
        var error = await host.FailAsync("SendMessage", new JsonObject { ["QueueUrl"] = url, ["MessageBody"] = new string('x', 1025) });
        Assert.Equal("InvalidParameterValue", error.Code);
        Assert.Contains("shorter than 1024 bytes", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Restart_KeepsMessagesInFlightDeadlinesReceiptsAndDeduplication()
    {
        var clock = new ManualClock();
        string url, fifo, handle;
        string firstId;
        await using (var host = SqsHost.Start(_dir.Path, clock))
        {
            url = await host.CreateQueueAsync("durable", new JsonObject { ["VisibilityTimeout"] = "60" });
            await host.CallAsync("TagQueue", new JsonObject { ["QueueUrl"] = url, ["Tags"] = new JsonObject { ["k"] = "v" } });
            firstId = (await host.SendAsync(url, "one"))["MessageId"]!.GetValue<string>();
            await host.SendAsync(url, "two");
            var m = Assert.Single(await host.ReceiveAsync(url, max: 1));
            Assert.Equal(firstId, m["MessageId"]!.GetValue<string>());
            handle = m["ReceiptHandle"]!.GetValue<string>();
            fifo = await host.CreateQueueAsync("durable.fifo", new JsonObject { ["FifoQueue"] = "true" });
            await host.SendAsync(fifo, "f", "g", "dedup-1");
        }

        await using (var host = SqsHost.Start(_dir.Path, clock))
        {
            Assert.Equal("1", await host.AttributeAsync(url, "ApproximateNumberOfMessagesNotVisible"));
            Assert.Equal("1", await host.AttributeAsync(url, "ApproximateNumberOfMessages"));
            Assert.Equal("60", await host.AttributeAsync(url, "VisibilityTimeout"));
            var tags = await host.CallAsync("ListQueueTags", new JsonObject { ["QueueUrl"] = url });
            Assert.Equal("v", tags["Tags"]!["k"]!.GetValue<string>());
            Assert.Equal("two", Assert.Single(await host.ReceiveAsync(url))["Body"]!.GetValue<string>());

            // The receipt handle from before the restart still deletes its message.
            await host.CallAsync("DeleteMessage", new JsonObject { ["QueueUrl"] = url, ["ReceiptHandle"] = handle });
            Assert.Equal("1", await host.AttributeAsync(url, "ApproximateNumberOfMessagesNotVisible"));
            clock.Advance(TimeSpan.FromSeconds(61));
            Assert.Empty(await host.ReceiveAsync(url).ContinueWith(t => t.Result.Where(m => m["MessageId"]!.GetValue<string>() == firstId).ToList()));

            var again = await host.SendAsync(fifo, "f", "g", "dedup-1");
            Assert.Equal("1", await host.AttributeAsync(fifo, "ApproximateNumberOfMessages"));
            Assert.NotNull(again["SequenceNumber"]);
        }
    }

    [Fact]
    public async Task MoveTask_RedrivesFifoDeadLettersBackDespiteDeduplication()
    {
        await using var host = SqsHost.Start(_dir.Path);
        var dlq = await host.CreateQueueAsync("dl.fifo", new JsonObject { ["FifoQueue"] = "true" });
        var dlqArn = await host.AttributeAsync(dlq, "QueueArn");
        var src = await host.CreateQueueAsync("s.fifo", new JsonObject
        {
            ["FifoQueue"] = "true",
            ["VisibilityTimeout"] = "0",
            ["RedrivePolicy"] = new JsonObject { ["deadLetterTargetArn"] = dlqArn, ["maxReceiveCount"] = 1 }.ToJsonString(),
        });
        await host.SendAsync(src, "m", "g", "d1");
        Assert.Single(await host.ReceiveAsync(src));
        Assert.Empty(await host.ReceiveAsync(src));
        Assert.Equal("1", await host.AttributeAsync(dlq, "ApproximateNumberOfMessages"));

        await host.CallAsync("StartMessageMoveTask", new JsonObject { ["SourceArn"] = dlqArn });
        var moved = await PollAsync(async () => (await host.ReceiveAsync(src)).Count, n => n == 1);
        Assert.Equal(1, moved);
        Assert.Equal("0", await host.AttributeAsync(dlq, "ApproximateNumberOfMessages"));
    }

    private static async Task<T> PollAsync<T>(Func<Task<T>> read, Func<T, bool> done)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (true)
        {
            var value = await read();
            if (done(value) || DateTime.UtcNow > deadline)
            {
                return value;
            }

            await Task.Delay(20);
        }
    }

    [Fact]
    public async Task Batch_WholeRequestErrors()
    {
        await using var host = SqsHost.Start(_dir.Path);
        var url = await host.CreateQueueAsync("b");
        Assert.Equal("AWS.SimpleQueueService.EmptyBatchRequest", (await host.FailAsync("SendMessageBatch", new JsonObject { ["QueueUrl"] = url, ["Entries"] = new JsonArray() })).Code);
        var eleven = new JsonArray(Enumerable.Range(0, 11).Select(i => (JsonNode)new JsonObject { ["Id"] = $"e{i}", ["MessageBody"] = "x" }).ToArray());
        Assert.Equal("AWS.SimpleQueueService.TooManyEntriesInBatchRequest", (await host.FailAsync("SendMessageBatch", new JsonObject { ["QueueUrl"] = url, ["Entries"] = eleven })).Code);
        var dup = new JsonArray(new JsonObject { ["Id"] = "a", ["ReceiptHandle"] = "x" }, new JsonObject { ["Id"] = "a", ["ReceiptHandle"] = "y" });
        Assert.Equal("AWS.SimpleQueueService.BatchEntryIdsNotDistinct", (await host.FailAsync("DeleteMessageBatch", new JsonObject { ["QueueUrl"] = url, ["Entries"] = dup })).Code);
        var big = new string('z', 700 * 1024);
        var tooLong = new JsonArray(new JsonObject { ["Id"] = "a", ["MessageBody"] = big }, new JsonObject { ["Id"] = "b", ["MessageBody"] = big });
        Assert.Equal("AWS.SimpleQueueService.BatchRequestTooLong", (await host.FailAsync("SendMessageBatch", new JsonObject { ["QueueUrl"] = url, ["Entries"] = tooLong })).Code);
        Assert.Equal("0", await host.AttributeAsync(url, "ApproximateNumberOfMessages"));
    }
}
