using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Nimbus.Core.Targets;
using Nimbus.Messaging.Delivery;

namespace Nimbus.Messaging.Sns;

/// <summary>Drains the SNS outbox: delivers each entry to SQS and Lambda through <see cref="IArnTargets"/> or to http(s) endpoints.</summary>
/// <remarks>
/// An entry is deleted only after its delivery succeeded (or went to the dead-letter queue), so a restart redelivers
/// what was in flight: delivery is at least once, as in AWS. Retries: http(s) follows the subscription's
/// <c>DeliveryPolicy.healthyRetryPolicy</c> (default 3 retries, 20 s apart, as AWS's default HTTP policy); SQS and Lambda
/// retry 10 times with exponential backoff up to a minute (AWS retries for days; Nimbus gives up sooner, then redrives).
/// </remarks>
internal sealed partial class SnsDeliveryWorker(
    SnsStore store, SnsDeliverySignal signal, IArnTargets targets, SnsHttp http, TimeProvider time, ILogger<SnsDeliveryWorker> logger) : OutboxWorker<OutboxEntry>(signal, time)
{
    private const int ManagedRetries = 10;

    protected override IReadOnlyList<OutboxEntry> Due(long now, int limit) => store.Due(now, limit);

    protected override long? NextDue() => store.NextDue();

    protected override void LoopFailed(Exception exception) => Log.LoopFailed(logger, exception);

    // FIFO order matters within a subscription: deliver each subscription's entries in order, subscriptions in parallel.
    protected override Task DeliverBatchAsync(IReadOnlyList<OutboxEntry> due, CancellationToken cancellationToken) =>
        Task.WhenAll(due.GroupBy(e => e.SubscriptionArn).Select(async group =>
        {
            foreach (var entry in group)
            {
                await DeliverOneAsync(entry, cancellationToken);
            }
        }));

    protected override async Task DeliverOneAsync(OutboxEntry entry, CancellationToken cancellationToken)
    {
        var sub = store.Subscription(entry.SubscriptionArn);
        if (sub is null)
        {
            store.Complete(entry.Id);
            return;
        }

        try
        {
            await SendAsync(entry, sub, cancellationToken);
            store.Complete(entry.Id);
        }
        catch (Exception e) when (e is ArnDeliveryException or HttpRequestException or TaskCanceledException or SnsDeliveryFailure)
        {
            var attempts = entry.Attempts + 1;
            var (retries, delay) = RetryPlan(sub, attempts);
            if (attempts <= retries)
            {
                store.Retry(entry.Id, attempts, Time.GetUtcNow().Add(delay).ToUnixTimeMilliseconds(), e.Message);
                return;
            }

            Log.GaveUp(logger, entry.MessageId, entry.Endpoint, attempts, e.Message);
            if (entry.Kind == "Notification" && sub.DeadLetterTargetArn is { } dlq)
            {
                try
                {
                    await targets.DeliverAsync(dlq, new ArnMessage(entry.Body, SnsPublisher.CallerFor(entry)), cancellationToken);
                }
                catch (ArnDeliveryException d)
                {
                    Log.RedriveFailed(logger, entry.MessageId, dlq, d.Message);
                }
            }

            store.Complete(entry.Id);
        }
    }

    private async Task SendAsync(OutboxEntry entry, Subscription sub, CancellationToken cancellationToken)
    {
        switch (entry.Protocol)
        {
            case "sqs":
                await targets.DeliverAsync(entry.Endpoint, new ArnMessage(entry.Body, SnsPublisher.CallerFor(entry))
                {
                    Attributes = entry.Attributes is null ? null : SnsEnvelope.ParseAttributeValues(entry.Attributes),
                    MessageGroupId = entry.GroupId,
                    DeduplicationId = entry.DedupId,
                }, cancellationToken);
                break;
            case "lambda":
                await targets.DeliverAsync(entry.Endpoint, new ArnMessage(entry.Body, SnsPublisher.CallerFor(entry)), cancellationToken);
                break;
            case "http" or "https":
                using (var request = new HttpRequestMessage(HttpMethod.Post, entry.Endpoint))
                {
                    request.Content = new StringContent(entry.Body, Encoding.UTF8, "text/plain");
                    request.Headers.TryAddWithoutValidation("x-amz-sns-message-type", entry.Kind);
                    request.Headers.TryAddWithoutValidation("x-amz-sns-message-id", entry.MessageId);
                    request.Headers.TryAddWithoutValidation("x-amz-sns-topic-arn", sub.TopicArn);
                    if (entry.Kind == "Notification")
                    {
                        request.Headers.TryAddWithoutValidation("x-amz-sns-subscription-arn", sub.Arn);
                    }

                    if (sub.RawMessageDelivery && entry.Kind == "Notification")
                    {
                        request.Headers.TryAddWithoutValidation("x-amz-sns-rawdelivery", "true");
                    }

                    request.Headers.TryAddWithoutValidation("User-Agent", "Amazon Simple Notification Service Agent");
                    using var response = await http.Client.SendAsync(request, cancellationToken);
                    if (!response.IsSuccessStatusCode)
                    {
                        throw new SnsDeliveryFailure($"HTTP {(int)response.StatusCode} from {entry.Endpoint}");
                    }
                }

                break;
            default:
                throw new SnsDeliveryFailure($"Nimbus does not deliver to {entry.Protocol} endpoints.");
        }
    }

    private static (int Retries, TimeSpan Delay) RetryPlan(Subscription sub, int attempts)
    {
        if (sub.Protocol is "http" or "https")
        {
            var retries = 3;
            var delay = 20.0;
            if (sub.Attributes.TryGetValue("DeliveryPolicy", out var policy) && JsonNode.Parse(policy) is JsonObject o && o["healthyRetryPolicy"] is JsonObject h)
            {
                retries = h["numRetries"]?.GetValue<int>() ?? retries;
                delay = h["minDelayTarget"]?.GetValue<double>() ?? delay;
                if (attempts <= (h["numNoDelayRetries"]?.GetValue<int>() ?? 0))
                {
                    delay = 0;
                }
            }

            return (retries, TimeSpan.FromSeconds(delay));
        }

        return (ManagedRetries, TimeSpan.FromSeconds(Math.Min(60, Math.Pow(2, attempts - 1))));
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 6101, Level = LogLevel.Warning, Message = "SNS gave up delivering message {MessageId} to {Endpoint} after {Attempts} attempts: {Error}")]
        public static partial void GaveUp(ILogger logger, string messageId, string endpoint, int attempts, string error);

        [LoggerMessage(EventId = 6102, Level = LogLevel.Warning, Message = "SNS could not redrive message {MessageId} to {DeadLetterQueue}: {Error}")]
        public static partial void RedriveFailed(ILogger logger, string messageId, string deadLetterQueue, string error);

        [LoggerMessage(EventId = 6103, Level = LogLevel.Error, Message = "The SNS delivery loop failed")]
        public static partial void LoopFailed(ILogger logger, Exception exception);
    }
}
