using System.Globalization;
using System.Numerics;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Nimbus.Core.Functions;
using Nimbus.Core.Identity;
using Nimbus.Core.Messaging;
using Nimbus.Core.Targets;

namespace Nimbus.Functions.EventSources;

/// <summary>The poller of one DynamoDB stream event source mapping: reads the stream's shards in order, invokes the function
/// with batches, and checkpoints after each batch is done with.</summary>
/// <remarks>
/// <para>One batch at a time per shard, so records reach the function in stream order (hence in order per key; a
/// ParallelizationFactor above 1 is accepted but not used to run batches concurrently). The checkpoint (the last sequence
/// number processed, durable in <c>lambda_stream_checkpoints</c>) advances only after a batch succeeded, was filtered out,
/// or was given up on; a restart resumes after it.</para>
/// <para>On a function error the batch is retried; with <c>BisectBatchOnFunctionError</c> it is first split in two (a split
/// does not count as a retry), each half processed in order. With <c>ReportBatchItemFailures</c> the checkpoint moves to
/// just before the first reported sequence number and the rest is retried. After <c>MaximumRetryAttempts</c> retries, or
/// once a record is older than <c>MaximumRecordAgeInSeconds</c>, the batch's description goes to the OnFailure destination
/// and processing moves past it. Throttles and service errors are retried without counting.</para>
/// </remarks>
internal sealed partial class StreamPoller
{
    private const int MaxPayloadBytes = 6 * 1024 * 1024;
    private static readonly TimeSpan ReadWait = TimeSpan.FromSeconds(1);

    private readonly EventSourceMapping _mapping;
    private readonly IStreamSources _sources;
    private readonly IFunctionInvoker _invoker;
    private readonly IArnTargets? _targets;
    private readonly IReadOnlyList<IEventPattern>? _filters;
    private readonly StreamCheckpoints _checkpoints;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stop = new();
    private Task? _run;

    public StreamPoller(
        EventSourceMapping mapping, IStreamSources sources, IFunctionInvoker invoker, IArnTargets? targets, IReadOnlyList<IEventPattern>? filters,
        StreamCheckpoints checkpoints, TimeProvider time, ILogger logger)
    {
        _mapping = mapping;
        _sources = sources;
        _invoker = invoker;
        _targets = targets;
        _filters = filters;
        _checkpoints = checkpoints;
        _time = time;
        _logger = logger;
    }

    /// <summary>The last processing result, as <c>LastProcessingResult</c> reports it.</summary>
    public string LastProcessingResult { get; private set; } = "No records processed";

    /// <summary>The poller's run; completes once it has stopped.</summary>
    public Task Completion => _run ?? Task.CompletedTask;

    /// <summary>Starts polling once <paramref name="after"/> (the previous poller of the same mapping) has stopped, so two
    /// pollers never process the same mapping's records at once.</summary>
    public void Start(Task? after = null) => _run = Task.Run(async () =>
    {
        if (after is not null)
        {
            await after.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        await RunAsync(_stop.Token);
    });

    public void Stop() => _stop.Cancel();

    /// <summary>Stops and waits for the batch in flight to finish (tests).</summary>
    public async Task StopAsync()
    {
        await _stop.CancelAsync();
        if (_run is not null)
        {
            await _run;
        }
    }

    private async Task RunAsync(CancellationToken stop)
    {
        try
        {
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    var stream = await _sources.DescribeAsync(_mapping.EventSourceArn, stop);
                    if (stream is null)
                    {
                        LastProcessingResult = "PROBLEM: Stream not found";
                        await Task.Delay(TimeSpan.FromSeconds(5), _time, stop);
                        continue;
                    }

                    var active = false;
                    foreach (var shard in stream.ShardIds)
                    {
                        active |= await RunShardAsync(shard, stop);
                    }

                    if (!active)
                    {
                        // Every shard closed and read: nothing will ever come again.
                        await Task.Delay(TimeSpan.FromSeconds(5), _time, stop);
                    }
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    Log.PollFailed(_logger, _mapping.Uuid, e.Message);
                    await Task.Delay(TimeSpan.FromSeconds(1), _time, stop);
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Mapping disabled, updated or deleted; the checkpoint holds where it stopped.
        }
    }

    /// <summary>Processes one shard until it is closed and read (false) or the poller stops.</summary>
    private async Task<bool> RunShardAsync(string shard, CancellationToken stop)
    {
        var (found, position) = _checkpoints.Get(_mapping.Uuid, shard);
        if (!found)
        {
            position = _mapping.StartingPosition switch
            {
                "LATEST" => await _sources.LatestAsync(_mapping.EventSourceArn, shard, stop),
                "AT_TIMESTAMP" => await _sources.AtTimestampAsync(
                    _mapping.EventSourceArn, shard, DateTimeOffset.FromUnixTimeMilliseconds(_mapping.StartingPositionTimestampMs ?? 0), stop),
                _ => await _sources.TrimHorizonAsync(_mapping.EventSourceArn, shard, stop),
            };

            // Fixed now, so records written while Nimbus is down are not skipped by a LATEST computed after a restart.
            _checkpoints.Set(_mapping.Uuid, shard, position);
        }

        while (!stop.IsCancellationRequested)
        {
            var read = await _sources.ReadAsync(_mapping.EventSourceArn, shard, position, _mapping.BatchSize, ReadWait, stop);
            if (read.Records.Count == 0)
            {
                if (read.ShardClosed)
                {
                    return false;
                }

                continue;
            }

            var batch = read.Records.ToList();
            if (_mapping.MaximumBatchingWindowInSeconds > 0 && batch.Count < _mapping.BatchSize)
            {
                var deadline = _time.GetUtcNow().AddSeconds(_mapping.MaximumBatchingWindowInSeconds);
                while (batch.Count < _mapping.BatchSize && PayloadSize(batch) < MaxPayloadBytes / 2)
                {
                    var left = deadline - _time.GetUtcNow();
                    if (left <= TimeSpan.Zero)
                    {
                        break;
                    }

                    var more = await _sources.ReadAsync(_mapping.EventSourceArn, shard, batch[^1].SequenceNumber, _mapping.BatchSize - batch.Count, left, stop);
                    batch.AddRange(more.Records);
                    if (more.ShardClosed)
                    {
                        break;
                    }
                }
            }

            position = await ProcessAsync(shard, position, batch, stop);
        }

        return true;
    }

    private static long PayloadSize(List<StreamChangeRecord> batch) => batch.Sum(r => r.SizeBytes + 600);

    /// <summary>Processes a batch to the end (success, filtered out, or given up on) and returns the new checkpoint.</summary>
    private async Task<string?> ProcessAsync(string shard, string? position, List<StreamChangeRecord> batch, CancellationToken stop)
    {
        var matching = _filters is { Count: > 0 } ? batch.Where(r => _filters.Any(f => f.Matches(EventRecord(r)))).ToList() : batch;
        if (matching.Count == 0)
        {
            return Checkpoint(shard, batch[^1].SequenceNumber);
        }

        // Work in stream order: each piece is (records, retries so far).
        var work = new LinkedList<(List<StreamChangeRecord> Records, int Attempts)>();
        foreach (var part in SplitBySize(matching))
        {
            work.AddLast((part, 0));
        }

        while (work.First is { } first)
        {
            work.RemoveFirst();
            var (records, attempts) = first.Value;
            if (Expired(records) is { Count: > 0 } expired)
            {
                await SendToOnFailureAsync(shard, expired, "RecordAgeExceeded", attempts, null, stop);
                position = Checkpoint(shard, expired[^1].SequenceNumber);
                records = records.Skip(expired.Count).ToList();
                if (records.Count == 0)
                {
                    continue;
                }
            }

            var result = await InvokeAsync(records, stop);
            var failedFrom = -1;
            if (result.Error is null && result.FunctionError is null)
            {
                failedFrom = _mapping.ReportsBatchItemFailures ? FirstFailed(result.Payload, records) : -1;
                if (failedFrom == -1)
                {
                    LastProcessingResult = "OK";
                    position = Checkpoint(shard, records[^1].SequenceNumber);
                    continue;
                }
            }
            else if (result.Error is not null && result.FunctionError is null)
            {
                // Throttled or not invocable right now: retried, not counted.
                LastProcessingResult = "PROBLEM: " + result.Error.Code;
                Log.BatchFailed(_logger, _mapping.Uuid, records.Count, result.Error.Code);
                work.AddFirst((records, attempts));
                await Task.Delay(TimeSpan.FromSeconds(1), _time, stop);
                continue;
            }

            LastProcessingResult = "PROBLEM: Function call failed";
            Log.BatchFailed(_logger, _mapping.Uuid, records.Count, result.FunctionError ?? "invalid batchItemFailures response");
            if (failedFrom > 0)
            {
                // Partial batch response: what came before the first failure is done.
                position = Checkpoint(shard, records[failedFrom - 1].SequenceNumber);
                records = records.Skip(failedFrom).ToList();
            }
            else if (_mapping.BisectBatchOnFunctionError == true && records.Count > 1)
            {
                var half = records.Count / 2;
                work.AddFirst((records.Skip(half).ToList(), attempts));
                work.AddFirst((records.Take(half).ToList(), attempts));
                continue;
            }

            attempts++;
            var maxRetries = _mapping.MaximumRetryAttempts ?? -1;
            if (maxRetries >= 0 && attempts > maxRetries)
            {
                await SendToOnFailureAsync(shard, records, "RetryAttemptsExhausted", attempts, result, stop);
                position = Checkpoint(shard, records[^1].SequenceNumber);
                continue;
            }

            work.AddFirst((records, attempts));
            await Task.Delay(TimeSpan.FromMilliseconds(Math.Min(2000, 100 * (1 << Math.Min(attempts, 5)))), _time, stop);
        }

        // The whole batch is done with, including records after the last matching one that the filters left out.
        return position == batch[^1].SequenceNumber ? position : Checkpoint(shard, batch[^1].SequenceNumber);
    }

    private string Checkpoint(string shard, string sequenceNumber)
    {
        _checkpoints.Set(_mapping.Uuid, shard, sequenceNumber);
        return sequenceNumber;
    }

    /// <summary>Pieces of at most 6 MB of payload, in order.</summary>
    private static IEnumerable<List<StreamChangeRecord>> SplitBySize(List<StreamChangeRecord> records)
    {
        var part = new List<StreamChangeRecord>();
        long bytes = 0;
        foreach (var r in records)
        {
            var size = r.SizeBytes + 600;
            if (part.Count > 0 && bytes + size > MaxPayloadBytes - 4096)
            {
                yield return part;
                part = [];
                bytes = 0;
            }

            part.Add(r);
            bytes += size;
        }

        if (part.Count > 0)
        {
            yield return part;
        }
    }

    /// <summary>The leading records older than MaximumRecordAgeInSeconds.</summary>
    private List<StreamChangeRecord> Expired(List<StreamChangeRecord> records)
    {
        if (_mapping.MaximumRecordAgeInSeconds is not { } max || max < 0)
        {
            return [];
        }

        var cut = _time.GetUtcNow().AddSeconds(-max);
        return records.TakeWhile(r => r.ApproximateArrival < cut).ToList();
    }

    private async Task<FunctionInvocationResult> InvokeAsync(List<StreamChangeRecord> records, CancellationToken stop)
    {
        var payload = new JsonObject { ["Records"] = new JsonArray([.. records.Select(r => (JsonNode)EventRecord(r))]) };
        var caller = new AwsRequestContext(_mapping.AccountId, _mapping.Region, RequestIds.New());
        return await _invoker.InvokeAsync(
            new FunctionInvocation(_mapping.FunctionArn, null, InvocationType.RequestResponse, Encoding.UTF8.GetBytes(payload.ToJsonString()), caller), stop);
    }

    /// <summary>The record as the Lambda event carries it: the stream record plus <c>eventSourceARN</c>.</summary>
    private JsonObject EventRecord(StreamChangeRecord record)
    {
        var o = (JsonObject)record.Record.DeepClone();
        o["eventSourceARN"] = _mapping.EventSourceArn;
        return o;
    }

    /// <summary>The index of the first record a partial batch response reports as failed; -1 when none; 0 when the
    /// response is not a valid one (then, as on AWS, the whole batch failed).</summary>
    internal static int FirstFailed(ReadOnlyMemory<byte> response, IReadOnlyList<StreamChangeRecord> records)
    {
        var failed = SqsPollerGroup.FailedItems(response, records.Select(r => r.SequenceNumber));
        if (failed is null)
        {
            return 0;
        }

        if (failed.Count == 0)
        {
            return -1;
        }

        var lowest = failed.Min(s => BigInteger.Parse(s, CultureInfo.InvariantCulture));
        for (var i = 0; i < records.Count; i++)
        {
            if (BigInteger.Parse(records[i].SequenceNumber, CultureInfo.InvariantCulture) >= lowest)
            {
                return i;
            }
        }

        return 0;
    }

    private async Task SendToOnFailureAsync(
        string shard, List<StreamChangeRecord> records, string condition, int attempts, FunctionInvocationResult? result, CancellationToken stop)
    {
        Log.Discarded(_logger, _mapping.Uuid, records.Count, condition);
        if (_mapping.OnFailureDestination is not { } destination || _targets is null)
        {
            return;
        }

        var response = new JsonObject { ["statusCode"] = result?.StatusCode ?? 200, ["executedVersion"] = result?.ExecutedVersion ?? "$LATEST" };
        if (result?.FunctionError is { } functionError)
        {
            response["functionError"] = functionError;
        }

        var message = new JsonObject
        {
            ["requestContext"] = new JsonObject
            {
                ["requestId"] = Guid.NewGuid().ToString(),
                ["functionArn"] = _mapping.FunctionArn,
                ["condition"] = condition,
                ["approximateInvokeCount"] = attempts,
            },
            ["responseContext"] = response,
            ["version"] = "1.0",
            ["timestamp"] = _time.GetUtcNow().UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture),
            ["DDBStreamBatchInfo"] = new JsonObject
            {
                ["shardId"] = shard,
                ["startSequenceNumber"] = records[0].SequenceNumber,
                ["endSequenceNumber"] = records[^1].SequenceNumber,
                ["approximateArrivalOfFirstRecord"] = Iso(records[0].ApproximateArrival),
                ["approximateArrivalOfLastRecord"] = Iso(records[^1].ApproximateArrival),
                ["batchSize"] = records.Count,
                ["streamArn"] = _mapping.EventSourceArn,
            },
        };
        try
        {
            await _targets.DeliverAsync(destination, new ArnMessage(message.ToJsonString(), new AwsRequestContext(_mapping.AccountId, _mapping.Region, RequestIds.New())), stop);
        }
        catch (ArnDeliveryException e)
        {
            Log.DestinationFailed(_logger, _mapping.Uuid, destination, e.Message);
        }
        catch (JsonException e)
        {
            Log.DestinationFailed(_logger, _mapping.Uuid, destination, e.Message);
        }
    }

    private static string Iso(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private static partial class Log
    {
        [LoggerMessage(EventId = 1311, Level = LogLevel.Warning, Message = "Event source mapping {Uuid}: stream polling failed: {Reason}")]
        public static partial void PollFailed(ILogger logger, string uuid, string reason);

        [LoggerMessage(EventId = 1312, Level = LogLevel.Information, Message = "Event source mapping {Uuid}: batch of {Count} stream records failed ({Reason})")]
        public static partial void BatchFailed(ILogger logger, string uuid, int count, string reason);

        [LoggerMessage(EventId = 1313, Level = LogLevel.Warning, Message = "Event source mapping {Uuid}: {Count} stream records skipped ({Condition})")]
        public static partial void Discarded(ILogger logger, string uuid, int count, string condition);

        [LoggerMessage(EventId = 1314, Level = LogLevel.Warning, Message = "Event source mapping {Uuid}: on-failure destination {Destination} refused the record: {Reason}")]
        public static partial void DestinationFailed(ILogger logger, string uuid, string destination, string reason);
    }
}
