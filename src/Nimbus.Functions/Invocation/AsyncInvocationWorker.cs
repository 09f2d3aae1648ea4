using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Nimbus.Core.Errors;
using Nimbus.Core.Functions;
using Nimbus.Core.Identity;
using Nimbus.Core.Targets;
using Nimbus.Functions.Registry;

namespace Nimbus.Functions.Invocation;

/// <summary>Runs queued Event invocations with AWS's retry rules, and sends their outcomes to destinations and dead-letter queues.</summary>
/// <remarks>
/// Function errors are retried <c>MaximumRetryAttempts</c> times (default 2), one minute before the first retry and two
/// before the second; throttles and failures to start are retried with exponential backoff from 1 s up to 5 minutes.
/// Either way an event older than <c>MaximumEventAgeInSeconds</c> (default 6 h) is given up. A given-up event goes to the
/// <c>OnFailure</c> destination (with condition <c>RetriesExhausted</c> or <c>EventAgeExceeded</c>) and to the function's
/// dead-letter queue; a success goes to <c>OnSuccess</c>. Delays are divided by <see cref="FunctionsOptions.TimeScale"/>.
/// </remarks>
internal sealed partial class AsyncInvocationWorker(
    AsyncInvocationQueue queue,
    FunctionInvoker invoker,
    IArnTargets targets,
    FunctionsOptions options,
    TimeProvider time,
    ILogger<AsyncInvocationWorker> logger) : BackgroundService
{
    private const int Consumers = 32;
    private const int MaxDlqErrorMessage = 1024;

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(Enumerable.Range(0, Consumers).Select(_ => ConsumeAsync(stoppingToken)));

    private async Task ConsumeAsync(CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var item in queue.Reader.ReadAllAsync(stoppingToken))
            {
                try
                {
                    await HandleAsync(item);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    Log.EventDropped(logger, item.FunctionName, item.Id, e.Message);
                    queue.Complete(item.Id);
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Shutting down: unfinished items stay in the store for the next start.
        }
    }

    internal async Task HandleAsync(AsyncInvocation item)
    {
        var caller = new AwsRequestContext(item.AccountId, item.Region, item.Id);
        FunctionState state;
        FunctionConfig config;
        string arn;
        try
        {
            (state, config, arn) = invoker.Resolve(item.FunctionName, item.Qualifier, caller);
        }
        catch (AwsServiceException e)
        {
            Log.EventDropped(logger, item.FunctionName, item.Id, e.Error.Message);
            queue.Complete(item.Id);
            return;
        }

        var settings = state.EventInvokeConfigFor(item.Qualifier);
        var maxAgeMs = (settings?.EventAgeSeconds ?? EventInvokeConfig.DefaultEventAgeSeconds) * 1000L;
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var outcome = new Outcome(item, state, config, caller);
        if (now - item.EnqueuedAtMs > maxAgeMs)
        {
            await GiveUpAsync(outcome, settings, "EventAgeExceeded", null);
            return;
        }

        var result = await invoker.RunAsync(state, config, arn, item.Payload, item.ClientContext, null, tail: false, requestId: item.Id);
        if (result.Error is not null)
        {
            // Throttled, or the sandbox could not start: back off exponentially (1 s … 5 min) within the event's age.
            var delay = Scaled(TimeSpan.FromSeconds(Math.Min(300, Math.Pow(2, Math.Min(item.Attempts, 9)))));
            await RetryOrGiveUpAsync(outcome, settings, item with { Attempts = item.Attempts + 1 }, delay, maxAgeMs, null);
            return;
        }

        if (result.FunctionError is not null)
        {
            Log.EventFailed(logger, item.FunctionName, item.Id);
            if (item.Retries < (settings?.RetryAttempts ?? EventInvokeConfig.DefaultRetryAttempts))
            {
                var delay = Scaled(TimeSpan.FromMinutes(item.Retries + 1));
                await RetryOrGiveUpAsync(outcome, settings, item with { Retries = item.Retries + 1 }, delay, maxAgeMs, result);
                return;
            }

            await GiveUpAsync(outcome, settings, "RetriesExhausted", result);
            return;
        }

        if (settings?.OnSuccess is { } destination)
        {
            await DeliverAsync(destination, Record(outcome, "Success", result), outcome, success: true);
        }

        queue.Complete(item.Id);
    }

    private async Task RetryOrGiveUpAsync(
        Outcome outcome, EventInvokeConfig? settings, AsyncInvocation next, TimeSpan delay, long maxAgeMs, FunctionInvocationResult? result)
    {
        var due = time.GetUtcNow().Add(delay).ToUnixTimeMilliseconds();
        if (due - next.EnqueuedAtMs > maxAgeMs)
        {
            await GiveUpAsync(outcome, settings, "EventAgeExceeded", result);
            return;
        }

        queue.Reschedule(next with { DueAtMs = due });
    }

    private async Task GiveUpAsync(Outcome outcome, EventInvokeConfig? settings, string condition, FunctionInvocationResult? result)
    {
        Log.EventGivenUp(logger, outcome.Item.FunctionName, outcome.Item.Id, condition);
        if (settings?.OnFailure is { } destination)
        {
            await DeliverAsync(destination, Record(outcome, condition, result), outcome, success: false);
        }

        if (outcome.Config.DeadLetterConfig?.TargetArn is { Length: > 0 } dlq)
        {
            var attributes = new Dictionary<string, string>
            {
                ["RequestID"] = outcome.Item.Id,
                ["ErrorCode"] = result is null ? "429" : result.StatusCode.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["ErrorMessage"] = Truncate(ErrorMessage(result) ?? condition),
            };
            await DeliverAsync(dlq, Encoding.UTF8.GetString(outcome.Item.Payload), outcome, success: false, attributes);
        }

        queue.Complete(outcome.Item.Id);
    }

    private async Task DeliverAsync(string arn, string body, Outcome outcome, bool success, Dictionary<string, string>? attributes = null)
    {
        var message = new ArnMessage(body, outcome.Caller) { Attributes = attributes };
        if (Arn.TryParse(arn, out var parsed) && parsed.Service == "events")
        {
            message = message with
            {
                EventSource = "lambda",
                DetailType = success ? "Lambda Function Invocation Result - Success" : "Lambda Function Invocation Result - Failure",
            };
        }

        try
        {
            await targets.DeliverAsync(arn, message);
        }
        catch (ArnDeliveryException e)
        {
            Log.DestinationFailed(logger, outcome.Item.FunctionName, outcome.Item.Id, arn, e.ErrorCode, e.Message);
        }
    }

    /// <summary>AWS's invocation record, as destinations receive it.</summary>
    private string Record(Outcome outcome, string condition, FunctionInvocationResult? result)
    {
        var item = outcome.Item;
        var record = new JsonObject
        {
            ["version"] = "1.0",
            ["timestamp"] = time.GetUtcNow().UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", System.Globalization.CultureInfo.InvariantCulture),
            ["requestContext"] = new JsonObject
            {
                ["requestId"] = item.Id,
                ["functionArn"] = outcome.State.Key.ArnFor(item.Qualifier ?? "$LATEST"),
                ["condition"] = condition,
                ["approximateInvokeCount"] = result is null ? item.Retries + item.Attempts : item.Retries + 1,
            },
            ["requestPayload"] = ParseOrString(item.Payload),
        };
        if (result is not null)
        {
            var response = new JsonObject { ["statusCode"] = result.StatusCode, ["executedVersion"] = result.ExecutedVersion };
            if (result.FunctionError is not null)
            {
                response["functionError"] = result.FunctionError;
            }

            record["responseContext"] = response;
            record["responsePayload"] = ParseOrString(result.Payload.ToArray());
        }

        return record.ToJsonString();
    }

    private static JsonNode? ParseOrString(byte[] payload)
    {
        if (payload.Length == 0)
        {
            return null;
        }

        try
        {
            return JsonNode.Parse(payload);
        }
        catch (JsonException)
        {
            return JsonValue.Create(Encoding.UTF8.GetString(payload));
        }
    }

    private static string? ErrorMessage(FunctionInvocationResult? result)
    {
        if (result is null || result.Payload.Length == 0)
        {
            return null;
        }

        try
        {
            return JsonNode.Parse(result.Payload.Span)?["errorMessage"]?.GetValue<string>();
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            return Encoding.UTF8.GetString(result.Payload.Span);
        }
    }

    private static string Truncate(string s) => s.Length <= MaxDlqErrorMessage ? s : s[..MaxDlqErrorMessage];

    private TimeSpan Scaled(TimeSpan delay) => options.TimeScale is > 0 and not 1 ? delay / options.TimeScale : delay;

    private sealed record Outcome(AsyncInvocation Item, FunctionState State, FunctionConfig Config, AwsRequestContext Caller);

    private static partial class Log
    {
        [LoggerMessage(EventId = 1201, Level = LogLevel.Information, Message = "Event invocation {Id} of {Function} ended in a function error")]
        public static partial void EventFailed(ILogger logger, string function, string id);

        [LoggerMessage(EventId = 1202, Level = LogLevel.Warning, Message = "Event invocation {Id} of {Function} dropped: {Reason}")]
        public static partial void EventDropped(ILogger logger, string function, string id, string reason);

        [LoggerMessage(EventId = 1203, Level = LogLevel.Information, Message = "Event invocation {Id} of {Function} given up: {Condition}")]
        public static partial void EventGivenUp(ILogger logger, string function, string id, string condition);

        [LoggerMessage(EventId = 1204, Level = LogLevel.Warning, Message = "Event invocation {Id} of {Function}: delivery to {Destination} failed: {Code} {Reason}")]
        public static partial void DestinationFailed(ILogger logger, string function, string id, string destination, string code, string reason);
    }
}
