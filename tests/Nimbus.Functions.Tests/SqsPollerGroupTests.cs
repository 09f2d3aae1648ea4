using System.Collections.Concurrent;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging.Abstractions;
using Nimbus.Core.Functions;
using Nimbus.Core.Messaging;
using Nimbus.Functions.EventSources;

namespace Nimbus.Functions.Tests;

public sealed class SqsPollerGroupTests
{
    private const string QueueArn = "arn:aws:sqs:us-east-1:123456789012:orders";

    private static EventSourceMapping Mapping(bool reportFailures = false, int batchSize = 10, IReadOnlyList<string>? filters = null) =>
        new("uuid-1", "123456789012", "us-east-1", QueueArn, "arn:aws:lambda:us-east-1:123456789012:function:worker",
            batchSize, 0, true, reportFailures ? ["ReportBatchItemFailures"] : [], null, filters, 0);

    private static async Task<(FakeQueues Queues, FakeInvoker Invoker)> RunAsync(
        EventSourceMapping mapping, Func<JsonObject, FunctionInvocationResult> handler, int messages, Func<FakeQueues, FakeInvoker, bool> until,
        IReadOnlyList<IEventPattern>? filters = null)
    {
        var queues = new FakeQueues();
        for (var i = 0; i < messages; i++)
        {
            queues.Send($"m{i}", i % 2 == 0 ? $"{{\"n\":{i}}}" : $"plain {i}");
        }

        var invoker = new FakeInvoker(handler);
        var group = new SqsPollerGroup(mapping, queues, invoker, filters, TimeProvider.System, NullLogger.Instance);
        group.Start();
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!until(queues, invoker) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
        }

        group.Stop();
        Assert.True(until(queues, invoker), "the pollers did not reach the expected state in time");
        return (queues, invoker);
    }

    private static FunctionInvocationResult Ok(string payload = "null") =>
        new(200, Encoding.UTF8.GetBytes(payload), null, "$LATEST", null);

    [Fact]
    public async Task Success_DeletesEveryMessage_AndSendsLambdasSqsEventShape()
    {
        var (queues, invoker) = await RunAsync(Mapping(), _ => Ok(), 3, (q, _) => q.Deleted.Count == 3);

        var record = invoker.Events.SelectMany(e => e["Records"]!.AsArray()).First(r => r!["messageId"]!.GetValue<string>() == "m0")!;
        Assert.Equal(
            ["messageId", "receiptHandle", "body", "attributes", "messageAttributes", "md5OfBody", "md5OfMessageAttributes", "eventSource", "eventSourceARN", "awsRegion"],
            record.AsObject().Select(p => p.Key));
        Assert.Equal("aws:sqs", record["eventSource"]!.GetValue<string>());
        Assert.Equal(QueueArn, record["eventSourceARN"]!.GetValue<string>());
        Assert.Equal("{\"n\":0}", record["body"]!.GetValue<string>());
        Assert.Equal("1", record["attributes"]!["ApproximateReceiveCount"]!.GetValue<string>());
        var attribute = record["messageAttributes"]!["color"]!;
        Assert.Equal("{\"stringValue\":\"blue\",\"stringListValues\":[],\"binaryListValues\":[],\"dataType\":\"String\"}", attribute.ToJsonString());
        Assert.Empty(queues.Visible);
    }

    [Fact]
    public async Task FunctionError_DeletesNothing()
    {
        var (queues, _) = await RunAsync(
            Mapping(), _ => new FunctionInvocationResult(200, Encoding.UTF8.GetBytes("{\"errorType\":\"Error\"}"), "Unhandled", "$LATEST", null),
            2, (_, i) => i.Events.Count >= 1);

        Assert.Empty(queues.Deleted);
    }

    [Fact]
    public async Task ReportBatchItemFailures_KeepsOnlyTheReportedMessages()
    {
        var (queues, _) = await RunAsync(
            Mapping(reportFailures: true), _ => Ok("{\"batchItemFailures\":[{\"itemIdentifier\":\"m1\"}]}"), 3,
            (q, _) => q.Deleted.Count == 2);

        Assert.Equal(["m0", "m2"], queues.Deleted.Order());
    }

    [Fact]
    public async Task ReportBatchItemFailures_InvalidResponse_FailsTheWholeBatch()
    {
        var (queues, _) = await RunAsync(
            Mapping(reportFailures: true), _ => Ok("{\"batchItemFailures\":[{\"itemIdentifier\":\"not-in-batch\"}]}"), 2,
            (_, i) => i.Events.Count >= 1);

        Assert.Empty(queues.Deleted);
    }

    [Fact]
    public async Task Filters_NonMatchingRecords_AreDeletedWithoutAnInvocation()
    {
        var even = new BodyHasN();
        var (queues, invoker) = await RunAsync(Mapping(filters: ["{}"]), _ => Ok(), 4, (q, _) => q.Deleted.Count == 4, [even]);

        var invoked = invoker.Events.SelectMany(e => e["Records"]!.AsArray()).Select(r => r!["messageId"]!.GetValue<string>()).Order();
        Assert.Equal(["m0", "m2"], invoked);
    }

    [Theory]
    [InlineData("", "")]
    [InlineData("null", "")]
    [InlineData("{}", "")]
    [InlineData("{\"batchItemFailures\":[]}", "")]
    [InlineData("{\"batchItemFailures\":[{\"itemIdentifier\":\"a\"},{\"itemIdentifier\":\"b\"}]}", "a,b")]
    [InlineData("{\"batchItemFailures\":[{\"itemIdentifier\":\"\"}]}", null)]
    [InlineData("{\"batchItemFailures\":[{\"itemIdentifier\":null}]}", null)]
    [InlineData("{\"batchItemFailures\":[{\"itemIdentifier\":\"zzz\"}]}", null)]
    [InlineData("{\"batchItemFailures\":\"a\"}", null)]
    [InlineData("not json", null)]
    [InlineData("42", null)]
    public void FailedItems_FollowsLambdasPartialBatchRules(string response, string? expected)
    {
        var failed = SqsPollerGroup.FailedItems(Encoding.UTF8.GetBytes(response), ["a", "b", "c"]);

        Assert.Equal(expected, failed is null ? null : string.Join(",", failed.Order()));
    }

    /// <summary>Matches records whose body was parsed into an object with "n" (the filter view parses JSON bodies).</summary>
    private sealed class BodyHasN : IEventPattern
    {
        public bool Matches(JsonNode? document) => document?["body"] is JsonObject body && body.ContainsKey("n");
    }

    private sealed class FakeInvoker(Func<JsonObject, FunctionInvocationResult> handler) : IFunctionInvoker
    {
        public ConcurrentQueue<JsonObject> Events { get; } = new();

        public ValueTask<FunctionInvocationResult> InvokeAsync(FunctionInvocation invocation, CancellationToken cancellationToken = default)
        {
            var e = JsonNode.Parse(invocation.Payload.Span)!.AsObject();
            Events.Enqueue(e);
            return ValueTask.FromResult(handler(e));
        }
    }

    private sealed class FakeQueues : IMessageQueues
    {
        private readonly Lock _gate = new();
        private readonly List<QueueMessage> _visible = [];

        public ConcurrentBag<string> Deleted { get; } = [];

        public IReadOnlyList<QueueMessage> Visible
        {
            get
            {
                lock (_gate)
                {
                    return [.. _visible];
                }
            }
        }

        public void Send(string id, string body)
        {
            lock (_gate)
            {
                _visible.Add(new QueueMessage(
                    id, "rh-" + id, body, "md5", new Dictionary<string, string> { ["ApproximateReceiveCount"] = "1", ["SentTimestamp"] = "1" },
                    [new QueueMessageAttribute("color", "String", "blue", null)], "md5attrs"));
            }
        }

        public ValueTask<QueueDescription?> DescribeAsync(string queueArn, CancellationToken cancellationToken = default) =>
            ValueTask.FromResult<QueueDescription?>(new QueueDescription(queueArn, "http://q", false, TimeSpan.FromSeconds(30)));

        public async Task<IReadOnlyList<QueueMessage>> ReceiveAsync(string queueArn, int maxMessages, TimeSpan? visibilityTimeout, TimeSpan wait, CancellationToken cancellationToken = default)
        {
            lock (_gate)
            {
                if (_visible.Count > 0)
                {
                    var batch = _visible.Take(maxMessages).ToList();
                    _visible.RemoveRange(0, batch.Count);
                    return batch;
                }
            }

            await Task.Delay(20, cancellationToken);
            return [];
        }

        public Task DeleteAsync(string queueArn, string receiptHandle, CancellationToken cancellationToken = default)
        {
            Deleted.Add(receiptHandle[3..]);
            return Task.CompletedTask;
        }

        public Task ChangeVisibilityAsync(string queueArn, string receiptHandle, TimeSpan visibilityTimeout, CancellationToken cancellationToken = default) =>
            Task.CompletedTask;
    }
}
