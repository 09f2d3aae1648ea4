using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging.Abstractions;
using Nimbus.Core.Functions;
using Nimbus.Core.Messaging;
using Nimbus.Core.Targets;
using Nimbus.Functions.EventSources;

namespace Nimbus.Functions.Tests;

public sealed class StreamPollerTests : IDisposable
{
    private const string StreamArn = "arn:aws:dynamodb:us-east-1:123456789012:table/t/stream/2026-01-01T00:00:00.000";
    private const string DestinationArn = "arn:aws:sqs:us-east-1:123456789012:failures";
    private readonly TestState _state = new();
    private readonly StreamCheckpoints _checkpoints;

    public StreamPollerTests() => _checkpoints = new StreamCheckpoints(_state.Store, TimeProvider.System);

    public void Dispose() => _state.Dispose();

    private static EventSourceMapping Mapping(int batchSize = 10, bool reportFailures = false, bool bisect = false, int retries = -1, string? startingPosition = "TRIM_HORIZON") =>
        new EventSourceMapping("uuid-s", "123456789012", "us-east-1", StreamArn, "arn:aws:lambda:us-east-1:123456789012:function:f",
            batchSize, 0, true, reportFailures ? ["ReportBatchItemFailures"] : [], null, null, 0)
        {
            StartingPosition = startingPosition,
            BisectBatchOnFunctionError = bisect,
            MaximumRetryAttempts = retries,
            MaximumRecordAgeInSeconds = -1,
            OnFailureDestination = DestinationArn,
        };

    private static FunctionInvocationResult Ok(string payload = "null") => new(200, Encoding.UTF8.GetBytes(payload), null, "$LATEST", null);

    private static FunctionInvocationResult Fails() => new(200, Encoding.UTF8.GetBytes("{\"errorType\":\"Error\"}"), "Unhandled", "$LATEST", null);

    private async Task<(FakeInvoker Invoker, FakeTargets Targets)> RunAsync(
        EventSourceMapping mapping, FakeStream stream, Func<List<string>, FunctionInvocationResult> handler, Func<FakeInvoker, FakeTargets, bool> until,
        IReadOnlyList<IEventPattern>? filters = null)
    {
        var invoker = new FakeInvoker(handler);
        var targets = new FakeTargets();
        var poller = new StreamPoller(mapping, stream, invoker, targets, filters, _checkpoints, TimeProvider.System, NullLogger.Instance);
        poller.Start();
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (!until(invoker, targets) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
        }

        await Task.Delay(100);
        await poller.StopAsync();
        Assert.True(until(invoker, targets), "the poller did not reach the expected state in time");
        return (invoker, targets);
    }

    [Fact]
    public async Task Success_DeliversLambdasDynamoDbEventShape_InOrder_AndCheckpoints()
    {
        var stream = new FakeStream(5);
        var (invoker, _) = await RunAsync(Mapping(batchSize: 2), stream, _ => Ok(), (i, _) => i.Delivered.Count == 5);

        Assert.Equal(["k0", "k1", "k2", "k3", "k4"], invoker.Delivered);
        Assert.All(invoker.Batches, b => Assert.True(b.Count <= 2));
        var record = invoker.Events[0]["Records"]![0]!.AsObject();
        Assert.Equal(["eventID", "eventName", "eventVersion", "eventSource", "awsRegion", "dynamodb", "eventSourceARN"], record.Select(p => p.Key));
        Assert.Equal(StreamArn, record["eventSourceARN"]!.GetValue<string>());
        Assert.Equal((true, FakeStream.Seq(5)), _checkpoints.Get("uuid-s", FakeStream.Shard));
    }

    [Fact]
    public async Task Restart_ResumesAfterTheCheckpoint()
    {
        var stream = new FakeStream(3);
        await RunAsync(Mapping(), stream, _ => Ok(), (i, _) => i.Delivered.Count == 3);
        stream.Add(2);
        var (second, _) = await RunAsync(Mapping(), stream, _ => Ok(), (i, _) => i.Delivered.Count == 2);
        Assert.Equal(["k3", "k4"], second.Delivered);
    }

    [Fact]
    public async Task Latest_StartsAfterWhatIsAlreadyThere()
    {
        var stream = new FakeStream(3);
        var invoker = new FakeInvoker(_ => Ok());
        var poller = new StreamPoller(Mapping(startingPosition: "LATEST"), stream, invoker, null, null, _checkpoints, TimeProvider.System, NullLogger.Instance);
        poller.Start();
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!_checkpoints.Get("uuid-s", FakeStream.Shard).Found && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
        }

        stream.Add(1);
        while (invoker.Delivered.Count < 1 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
        }

        await poller.StopAsync();
        Assert.Equal(["k3"], invoker.Delivered);
    }

    [Fact]
    public async Task ReportBatchItemFailures_CheckpointsBeforeTheFirstFailure_AndRetriesFromIt()
    {
        var stream = new FakeStream(4);
        var calls = 0;
        var (invoker, _) = await RunAsync(
            Mapping(reportFailures: true), stream,
            keys => Interlocked.Increment(ref calls) == 1
                ? Ok($"{{\"batchItemFailures\":[{{\"itemIdentifier\":\"{FakeStream.Seq(3)}\"}}]}}")
                : Ok(),
            (i, _) => i.Batches.Count >= 2);

        Assert.Equal(["k0", "k1", "k2", "k3"], invoker.Batches[0]);
        Assert.Equal(["k2", "k3"], invoker.Batches[1]);
        Assert.Equal((true, FakeStream.Seq(4)), _checkpoints.Get("uuid-s", FakeStream.Shard));
    }

    [Fact]
    public async Task Bisect_IsolatesTheBadRecord_WhichGoesToTheOnFailureDestination()
    {
        var stream = new FakeStream(4);
        var (invoker, targets) = await RunAsync(
            Mapping(bisect: true, retries: 1), stream,
            keys => keys.Contains("k2") ? Fails() : Ok(),
            (i, t) => t.Messages.Count == 1 && i.Delivered.Contains("k3"));

        // [k0..k3] fails → [k0,k1] ok, [k2,k3] fails → [k2] fails twice (1 retry) → destination, [k3] ok.
        Assert.Equal([["k0", "k1", "k2", "k3"], ["k0", "k1"], ["k2", "k3"], ["k2"], ["k2"], ["k3"]], invoker.Batches);
        var (arn, body) = targets.Messages.Single();
        Assert.Equal(DestinationArn, arn);
        var failure = JsonNode.Parse(body)!;
        Assert.Equal(["requestContext", "responseContext", "version", "timestamp", "DDBStreamBatchInfo"], failure.AsObject().Select(p => p.Key));
        Assert.Equal("RetryAttemptsExhausted", failure["requestContext"]!["condition"]!.GetValue<string>());
        Assert.Equal(2, failure["requestContext"]!["approximateInvokeCount"]!.GetValue<int>());
        Assert.Equal("Unhandled", failure["responseContext"]!["functionError"]!.GetValue<string>());
        var info = failure["DDBStreamBatchInfo"]!;
        Assert.Equal(FakeStream.Seq(3), info["startSequenceNumber"]!.GetValue<string>());
        Assert.Equal(FakeStream.Seq(3), info["endSequenceNumber"]!.GetValue<string>());
        Assert.Equal(1, info["batchSize"]!.GetValue<int>());
        Assert.Equal(FakeStream.Shard, info["shardId"]!.GetValue<string>());
        Assert.Equal(StreamArn, info["streamArn"]!.GetValue<string>());
        Assert.Equal((true, FakeStream.Seq(4)), _checkpoints.Get("uuid-s", FakeStream.Shard));
    }

    [Fact]
    public async Task WithoutBisect_TheWholeBatchIsRetriedThenSkipped()
    {
        var stream = new FakeStream(3);
        var (invoker, targets) = await RunAsync(Mapping(retries: 2), stream, _ => Fails(), (_, t) => t.Messages.Count == 1);
        Assert.Equal(3, invoker.Batches.Count);
        Assert.Equal(3, JsonNode.Parse(targets.Messages.Single().Body)!["DDBStreamBatchInfo"]!["batchSize"]!.GetValue<int>());
        Assert.Equal((true, FakeStream.Seq(3)), _checkpoints.Get("uuid-s", FakeStream.Shard));
    }

    [Fact]
    public void FirstFailed_ReadsPartialBatchResponses()
    {
        var records = Enumerable.Range(1, 3).Select(i => FakeStream.Record(i)).ToList();
        Assert.Equal(-1, StreamPoller.FirstFailed(Encoding.UTF8.GetBytes("{\"batchItemFailures\":[]}"), records));
        Assert.Equal(-1, StreamPoller.FirstFailed(Encoding.UTF8.GetBytes("null"), records));
        Assert.Equal(1, StreamPoller.FirstFailed(Encoding.UTF8.GetBytes($"{{\"batchItemFailures\":[{{\"itemIdentifier\":\"{FakeStream.Seq(3)}\"}},{{\"itemIdentifier\":\"{FakeStream.Seq(2)}\"}}]}}"), records));
        Assert.Equal(0, StreamPoller.FirstFailed(Encoding.UTF8.GetBytes("{\"batchItemFailures\":[{\"itemIdentifier\":\"\"}]}"), records));
        Assert.Equal(0, StreamPoller.FirstFailed(Encoding.UTF8.GetBytes("{\"batchItemFailures\":[{\"itemIdentifier\":\"999\"}]}"), records));
    }

    /// <summary>One shard of records k0, k1, … with sequence numbers 1, 2, … (formatted on 21 digits).</summary>
    private sealed class FakeStream : IStreamSources
    {
        public const string Shard = "shardId-00000000000000000001-abcdef01";
        private readonly Lock _gate = new();
        private readonly List<StreamChangeRecord> _records = [];

        public FakeStream(int count) => Add(count);

        public static string Seq(long n) => "1" + n.ToString("D20", CultureInfo.InvariantCulture);

        public static StreamChangeRecord Record(long n) => new(Seq(n), "pk" + (n - 1), DateTimeOffset.UtcNow, 10, new JsonObject
        {
            ["eventID"] = Guid.NewGuid().ToString("N"),
            ["eventName"] = "INSERT",
            ["eventVersion"] = "1.1",
            ["eventSource"] = "aws:dynamodb",
            ["awsRegion"] = "us-east-1",
            ["dynamodb"] = new JsonObject { ["Keys"] = new JsonObject { ["id"] = new JsonObject { ["S"] = "k" + (n - 1) } }, ["SequenceNumber"] = Seq(n) },
        });

        public void Add(int count)
        {
            lock (_gate)
            {
                var start = _records.Count;
                for (var i = 1; i <= count; i++)
                {
                    _records.Add(Record(start + i));
                }
            }
        }

        public ValueTask<StreamSourceDescription?> DescribeAsync(string streamArn, CancellationToken cancellationToken = default) =>
            ValueTask.FromResult<StreamSourceDescription?>(new StreamSourceDescription(streamArn, true, [Shard]));

        public ValueTask<string?> TrimHorizonAsync(string streamArn, string shardId, CancellationToken cancellationToken = default) => ValueTask.FromResult<string?>(null);

        public ValueTask<string?> LatestAsync(string streamArn, string shardId, CancellationToken cancellationToken = default)
        {
            lock (_gate)
            {
                return ValueTask.FromResult(_records.Count == 0 ? null : _records[^1].SequenceNumber);
            }
        }

        public ValueTask<string?> AtTimestampAsync(string streamArn, string shardId, DateTimeOffset timestamp, CancellationToken cancellationToken = default) =>
            ValueTask.FromResult<string?>(null);

        public async Task<StreamRead> ReadAsync(string streamArn, string shardId, string? after, int limit, TimeSpan wait, CancellationToken cancellationToken = default)
        {
            var deadline = DateTime.UtcNow + wait;
            while (true)
            {
                lock (_gate)
                {
                    var found = _records.Where(r => after is null || string.CompareOrdinal(r.SequenceNumber, after) > 0).Take(limit).ToList();
                    if (found.Count > 0 || DateTime.UtcNow >= deadline)
                    {
                        return new StreamRead(found, false, false);
                    }
                }

                await Task.Delay(10, cancellationToken);
            }
        }
    }

    private sealed class FakeInvoker(Func<List<string>, FunctionInvocationResult> handler) : IFunctionInvoker
    {
        private readonly Lock _gate = new();

        public List<JsonObject> Events { get; } = [];

        public List<List<string>> Batches { get; } = [];

        /// <summary>Keys of records in batches that succeeded, in delivery order.</summary>
        public List<string> Delivered { get; } = [];

        public ValueTask<FunctionInvocationResult> InvokeAsync(FunctionInvocation invocation, CancellationToken cancellationToken = default)
        {
            var e = JsonNode.Parse(invocation.Payload.Span)!.AsObject();
            var keys = e["Records"]!.AsArray().Select(r => r!["dynamodb"]!["Keys"]!["id"]!["S"]!.GetValue<string>()).ToList();
            var result = handler(keys);
            lock (_gate)
            {
                Events.Add(e);
                Batches.Add(keys);
                if (result.FunctionError is null)
                {
                    Delivered.AddRange(keys);
                }
            }

            return ValueTask.FromResult(result);
        }
    }

    private sealed class FakeTargets : IArnTargets
    {
        public ConcurrentQueue<(string Arn, string Body)> Messages { get; } = new();

        public bool Supports(string arn) => true;

        public Task<ArnDeliveryResult> DeliverAsync(string arn, ArnMessage message, CancellationToken cancellationToken = default)
        {
            Messages.Enqueue((arn, message.Body));
            return Task.FromResult(new ArnDeliveryResult("id"));
        }
    }
}
