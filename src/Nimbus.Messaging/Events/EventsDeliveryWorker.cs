using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Nimbus.Core.Identity;
using Nimbus.Core.Targets;
using Nimbus.Messaging.Delivery;

namespace Nimbus.Messaging.Events;

/// <summary>Drains the EventBridge outbox into <see cref="IArnTargets"/>, retrying per the target's RetryPolicy, then to its DLQ.</summary>
/// <remarks>
/// Retries back off exponentially (1 s doubling, at most a minute) until MaximumRetryAttempts or MaximumEventAgeInSeconds
/// is reached; then the event goes to <c>DeadLetterConfig.Arn</c> with the RULE_ARN, TARGET_ARN, ERROR_CODE and
/// ERROR_MESSAGE attributes AWS sets, or is dropped. An entry is removed only after that, so a restart loses nothing.
/// </remarks>
internal sealed partial class EventsDeliveryWorker(
    EventsStore store, EventsDeliverySignal signal, IArnTargets targets, TimeProvider time, ILogger<EventsDeliveryWorker> logger) : OutboxWorker<EventDelivery>(signal, time)
{
    protected override IReadOnlyList<EventDelivery> Due(long now, int limit) => store.Due(now, limit);

    protected override long? NextDue() => store.NextDue();

    protected override void LoopFailed(Exception exception) => Log.LoopFailed(logger, exception);

    protected override async Task DeliverOneAsync(EventDelivery d, CancellationToken cancellationToken)
    {
        var caller = new AwsRequestContext(d.Account, d.Region, Guid.NewGuid().ToString());
        try
        {
            await targets.DeliverAsync(d.TargetArn, Message(d, caller), cancellationToken);
            store.Complete(d.Id);
        }
        catch (Exception e) when (e is ArnDeliveryException or Core.Errors.AwsServiceException or HttpRequestException)
        {
            var attempts = d.Attempts + 1;
            var next = Time.GetUtcNow().AddSeconds(Math.Min(60, Math.Pow(2, attempts - 1)));
            if (attempts <= d.MaxAttempts && next.ToUnixTimeMilliseconds() < d.Expires)
            {
                store.Retry(d.Id, attempts, next.ToUnixTimeMilliseconds(), e.Message);
                return;
            }

            var code = e is ArnDeliveryException a ? a.ErrorCode : "SDK_CLIENT_ERROR";
            Log.GaveUp(logger, d.RuleArn, d.TargetArn, attempts, e.Message);
            if (d.DeadLetterArn is { } dlq)
            {
                try
                {
                    await targets.DeliverAsync(dlq, new ArnMessage(d.Event, caller)
                    {
                        Attributes = new Dictionary<string, string>
                        {
                            ["RULE_ARN"] = d.RuleArn,
                            ["TARGET_ARN"] = d.TargetArn,
                            ["ERROR_CODE"] = code,
                            ["ERROR_MESSAGE"] = e.Message,
                        },
                    }, cancellationToken);
                }
                catch (ArnDeliveryException dl)
                {
                    Log.DeadLetterFailed(logger, dlq, dl.Message);
                }
            }

            store.Complete(d.Id);
        }
    }

    /// <summary>The message for the target: an event for another bus keeps its source, detail-type and detail.</summary>
    private static ArnMessage Message(EventDelivery d, AwsRequestContext caller)
    {
        if (d.TargetArn.Contains(":events:", StringComparison.Ordinal) && JsonNode.Parse(d.Payload) is JsonObject e && e["detail"] is JsonObject detail)
        {
            return new ArnMessage(detail.ToJsonString(), caller)
            {
                EventSource = e["source"]?.GetValue<string>(),
                DetailType = e["detail-type"]?.GetValue<string>(),
            };
        }

        return new ArnMessage(d.Payload, caller);
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 6201, Level = LogLevel.Warning, Message = "EventBridge gave up delivering from {RuleArn} to {TargetArn} after {Attempts} attempts: {Error}")]
        public static partial void GaveUp(ILogger logger, string ruleArn, string targetArn, int attempts, string error);

        [LoggerMessage(EventId = 6202, Level = LogLevel.Warning, Message = "EventBridge could not send to the dead-letter queue {DeadLetterArn}: {Error}")]
        public static partial void DeadLetterFailed(ILogger logger, string deadLetterArn, string error);

        [LoggerMessage(EventId = 6203, Level = LogLevel.Error, Message = "The EventBridge delivery loop failed")]
        public static partial void LoopFailed(ILogger logger, Exception exception);
    }
}
