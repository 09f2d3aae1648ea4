using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Nimbus.Core.Functions;
using Nimbus.Core.Identity;
using Nimbus.Core.Messaging;

namespace Nimbus.Functions.EventSources;

/// <summary>The pollers of one SQS event source mapping: they receive batches, invoke the function, and delete what succeeded.</summary>
/// <remarks>
/// Starts with one poller; a poller that receives a full batch starts another (up to <c>MaximumConcurrency</c>, default 20),
/// and a poller that finds the queue empty retires while others remain — so concurrency follows the backlog.
/// Messages are deleted only after the function succeeded (or, with <c>ReportBatchItemFailures</c>, only those it did not
/// report); failed ones become visible again after the visibility timeout, so the queue's redrive policy applies.
/// Records that match none of the mapping's filters are deleted without an invocation, as AWS does.
/// </remarks>
internal sealed partial class SqsPollerGroup
{
    private const int DefaultMaximumConcurrency = 20;
    private static readonly TimeSpan LongPoll = TimeSpan.FromSeconds(20);

    private readonly EventSourceMapping _mapping;
    private readonly IMessageQueues _queues;
    private readonly IFunctionInvoker _invoker;
    private readonly IReadOnlyList<IEventPattern>? _filters;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stop = new();
    private int _active;

    public SqsPollerGroup(
        EventSourceMapping mapping, IMessageQueues queues, IFunctionInvoker invoker, IReadOnlyList<IEventPattern>? filters,
        TimeProvider time, ILogger logger)
    {
        _mapping = mapping;
        _queues = queues;
        _invoker = invoker;
        _filters = filters;
        _time = time;
        _logger = logger;
    }

    public int ActivePollers => Volatile.Read(ref _active);

    private int MaximumConcurrency => _mapping.MaximumConcurrency ?? DefaultMaximumConcurrency;

    public void Start() => Spawn();

    public void Stop()
    {
        _stop.Cancel();
    }

    private void Spawn()
    {
        Interlocked.Increment(ref _active);
        _ = Task.Run(() => PollAsync(_stop.Token));
    }

    /// <summary>Leaves the group if another poller stays; false when this is the last one.</summary>
    private bool TryRetire()
    {
        while (true)
        {
            var active = Volatile.Read(ref _active);
            if (active <= 1)
            {
                return false;
            }

            if (Interlocked.CompareExchange(ref _active, active - 1, active) == active)
            {
                return true;
            }
        }
    }

    private async Task PollAsync(CancellationToken stop)
    {
        try
        {
            while (!stop.IsCancellationRequested)
            {
                List<QueueMessage> batch;
                try
                {
                    batch = await CollectAsync(stop);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    Log.PollFailed(_logger, _mapping.Uuid, e.Message);
                    await Task.Delay(TimeSpan.FromSeconds(5), _time, stop);
                    continue;
                }

                if (batch.Count == 0)
                {
                    if (TryRetire())
                    {
                        return;
                    }

                    continue;
                }

                if (batch.Count >= Math.Min(_mapping.BatchSize, 10) && ActivePollers < MaximumConcurrency)
                {
                    Spawn();
                }

                try
                {
                    await ProcessAsync(batch, stop);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    Log.PollFailed(_logger, _mapping.Uuid, e.Message);
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Mapping disabled, updated or deleted: the messages in flight become visible again by themselves.
        }

        Interlocked.Decrement(ref _active);
    }

    /// <summary>Receives one batch: up to BatchSize messages, gathering for up to the batching window once the first arrived.</summary>
    private async Task<List<QueueMessage>> CollectAsync(CancellationToken stop)
    {
        var batch = new List<QueueMessage>();
        var first = await _queues.ReceiveAsync(_mapping.EventSourceArn, Math.Min(10, _mapping.BatchSize), null, LongPoll, stop);
        batch.AddRange(first);
        if (batch.Count == 0 || _mapping.MaximumBatchingWindowInSeconds == 0)
        {
            return batch;
        }

        var deadline = _time.GetUtcNow().AddSeconds(_mapping.MaximumBatchingWindowInSeconds);
        while (batch.Count < _mapping.BatchSize)
        {
            var left = deadline - _time.GetUtcNow();
            if (left <= TimeSpan.Zero)
            {
                break;
            }

            var more = await _queues.ReceiveAsync(
                _mapping.EventSourceArn, Math.Min(10, _mapping.BatchSize - batch.Count), null, left < LongPoll ? left : LongPoll, stop);
            batch.AddRange(more);
        }

        return batch;
    }

    private async Task ProcessAsync(List<QueueMessage> batch, CancellationToken stop)
    {
        var records = new List<(QueueMessage Message, JsonObject Record)>(batch.Count);
        foreach (var message in batch)
        {
            var record = Record(message);
            if (_filters is { Count: > 0 } && !_filters.Any(f => f.Matches(FilterView(record))))
            {
                await _queues.DeleteAsync(_mapping.EventSourceArn, message.ReceiptHandle, stop);
                continue;
            }

            records.Add((message, record));
        }

        if (records.Count == 0)
        {
            return;
        }

        var payload = new JsonObject { ["Records"] = new JsonArray([.. records.Select(r => (JsonNode)r.Record)]) };
        var caller = new AwsRequestContext(_mapping.AccountId, _mapping.Region, RequestIds.New());
        var result = await _invoker.InvokeAsync(
            new FunctionInvocation(_mapping.FunctionArn, null, InvocationType.RequestResponse, Encoding.UTF8.GetBytes(payload.ToJsonString()), caller),
            stop);
        if (result.Error is not null || result.FunctionError is not null)
        {
            // Left in the queue: visible again after the visibility timeout, then retried or redriven.
            Log.BatchFailed(_logger, _mapping.Uuid, records.Count, result.Error?.Code ?? result.FunctionError!);
            return;
        }

        var failed = _mapping.ReportsBatchItemFailures ? FailedItems(result.Payload, records.Select(r => r.Message.MessageId)) : [];
        if (failed is null)
        {
            Log.BatchFailed(_logger, _mapping.Uuid, records.Count, "invalid batchItemFailures response");
            return;
        }

        foreach (var (message, _) in records)
        {
            if (!failed.Contains(message.MessageId))
            {
                await _queues.DeleteAsync(_mapping.EventSourceArn, message.ReceiptHandle, stop);
            }
        }
    }

    /// <summary>The ids a partial batch response reports as failed; null when the response is not a valid one
    /// (then, as on AWS, the whole batch counts as failed).</summary>
    internal static HashSet<string>? FailedItems(ReadOnlyMemory<byte> response, IEnumerable<string> batchIds)
    {
        var ids = batchIds.ToHashSet(StringComparer.Ordinal);
        JsonNode? node;
        try
        {
            node = response.Length == 0 ? null : JsonNode.Parse(response.Span);
        }
        catch (JsonException)
        {
            return null;
        }

        if (node is not JsonObject o || o["batchItemFailures"] is not { } failures)
        {
            // null, "", {} or an object without the member: every record succeeded.
            return node is null or JsonObject || node is JsonValue v && v.TryGetValue<string>(out var s) && s.Length == 0 ? [] : null;
        }

        if (failures is not JsonArray items)
        {
            return null;
        }

        var failed = new HashSet<string>(StringComparer.Ordinal);
        foreach (var item in items)
        {
            var id = item is JsonObject i && i["itemIdentifier"] is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;
            if (string.IsNullOrEmpty(id) || !ids.Contains(id))
            {
                return null;
            }

            failed.Add(id);
        }

        return failed;
    }

    /// <summary>The SQS record as Lambda delivers it.</summary>
    private JsonObject Record(QueueMessage message)
    {
        var attributes = new JsonObject();
        foreach (var (k, v) in message.Attributes)
        {
            attributes[k] = v;
        }

        var messageAttributes = new JsonObject();
        foreach (var a in message.MessageAttributes)
        {
            var value = new JsonObject();
            if (a.StringValue is not null)
            {
                value["stringValue"] = a.StringValue;
            }

            if (a.BinaryValue is not null)
            {
                value["binaryValue"] = Convert.ToBase64String(a.BinaryValue);
            }

            value["stringListValues"] = new JsonArray();
            value["binaryListValues"] = new JsonArray();
            value["dataType"] = a.DataType;
            messageAttributes[a.Name] = value;
        }

        var record = new JsonObject
        {
            ["messageId"] = message.MessageId,
            ["receiptHandle"] = message.ReceiptHandle,
            ["body"] = message.Body,
            ["attributes"] = attributes,
            ["messageAttributes"] = messageAttributes,
            ["md5OfBody"] = message.Md5OfBody,
        };
        if (message.Md5OfMessageAttributes is not null)
        {
            record["md5OfMessageAttributes"] = message.Md5OfMessageAttributes;
        }

        record["eventSource"] = "aws:sqs";
        record["eventSourceARN"] = _mapping.EventSourceArn;
        record["awsRegion"] = _mapping.Region;
        return record;
    }

    /// <summary>What filters see: the record with a JSON body parsed, so patterns can match inside it.</summary>
    private static JsonObject FilterView(JsonObject record)
    {
        var view = (JsonObject)record.DeepClone();
        var body = record["body"]!.GetValue<string>();
        try
        {
            if (JsonNode.Parse(body) is JsonObject parsed)
            {
                view["body"] = parsed;
            }
        }
        catch (JsonException)
        {
            // A plain-text body is matched as a string.
        }

        return view;
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 1301, Level = LogLevel.Warning, Message = "Event source mapping {Uuid}: polling failed: {Reason}")]
        public static partial void PollFailed(ILogger logger, string uuid, string reason);

        [LoggerMessage(EventId = 1302, Level = LogLevel.Information, Message = "Event source mapping {Uuid}: batch of {Count} failed ({Reason}); messages return to the queue")]
        public static partial void BatchFailed(ILogger logger, string uuid, int count, string reason);
    }
}
