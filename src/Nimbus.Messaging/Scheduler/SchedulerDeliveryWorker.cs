using System.Globalization;
using Microsoft.Extensions.Logging;
using Nimbus.Core.Identity;
using Nimbus.Core.Targets;
using Nimbus.Messaging.Delivery;

namespace Nimbus.Messaging.Scheduler;

/// <summary>Drains the Scheduler outbox into <see cref="IArnTargets"/>, retrying per the target's RetryPolicy, then to its dead-letter queue.</summary>
/// <remarks>
/// The payload is the target's <c>Input</c> with the context attributes <c>&lt;aws.scheduler.schedule-arn&gt;</c>,
/// <c>&lt;aws.scheduler.scheduled-time&gt;</c>, <c>&lt;aws.scheduler.execution-id&gt;</c> and
/// <c>&lt;aws.scheduler.attempt-number&gt;</c> filled in; without an Input the target receives <c>{}</c>. Retries back off
/// exponentially (1 s doubling, at most a minute) until MaximumRetryAttempts or MaximumEventAgeInSeconds is reached; the
/// payload then goes to <c>DeadLetterConfig.Arn</c> with the ERROR_CODE, ERROR_MESSAGE, EXHAUSTED_RETRY_CONDITION,
/// RETRY_ATTEMPTS, SCHEDULE_ARN and TARGET_ARN message attributes, or is dropped. An entry is removed only after that,
/// so a restart loses nothing.
/// </remarks>
internal sealed partial class SchedulerDeliveryWorker(
    SchedulerStore store, SchedulerSignal signal, IArnTargets targets, TimeProvider time, ILogger<SchedulerDeliveryWorker> logger) : OutboxWorker<ScheduleInvocation>(signal, time)
{
    protected override IReadOnlyList<ScheduleInvocation> Due(long now, int limit) => store.Due(now, limit);

    protected override long? NextDue() => store.NextDue();

    protected override void LoopFailed(Exception exception) => Log.LoopFailed(logger, exception);

    protected override async Task DeliverOneAsync(ScheduleInvocation d, CancellationToken cancellationToken)
    {
        var caller = new AwsRequestContext(d.Account, d.Region, Guid.NewGuid().ToString());
        var targetArn = d.Target["Arn"]!.GetValue<string>();
        var payload = Payload(d, d.Attempts + 1);
        try
        {
            await targets.DeliverAsync(targetArn, Message(d, payload, caller), cancellationToken);
            store.Complete(d.Id);
        }
        catch (Exception e) when (e is ArnDeliveryException or Core.Errors.AwsServiceException or HttpRequestException)
        {
            var attempts = d.Attempts + 1;
            var next = Time.GetUtcNow().AddSeconds(Math.Min(60, Math.Pow(2, attempts - 1)));
            var retriesLeft = attempts <= d.MaxAttempts;
            if (retriesLeft && next.ToUnixTimeMilliseconds() < d.Expires)
            {
                store.Retry(d.Id, attempts, next.ToUnixTimeMilliseconds(), e.Message);
                return;
            }

            var code = e switch
            {
                ArnDeliveryException a => a.ErrorCode,
                Core.Errors.AwsServiceException s => s.Error.Code,
                _ => "InternalFailure",
            };
            Log.GaveUp(logger, d.ScheduleArn, targetArn, attempts, e.Message);
            if (d.Target["DeadLetterConfig"]?["Arn"]?.GetValue<string>() is { } dlq)
            {
                try
                {
                    await targets.DeliverAsync(dlq, new ArnMessage(payload, caller)
                    {
                        Attributes = new Dictionary<string, string>
                        {
                            ["ERROR_CODE"] = code,
                            ["ERROR_MESSAGE"] = e.Message,
                            ["EXHAUSTED_RETRY_CONDITION"] = retriesLeft ? "MaximumEventAgeInSeconds" : "MaximumRetryAttempts",
                            ["RETRY_ATTEMPTS"] = (attempts - 1).ToString(CultureInfo.InvariantCulture),
                            ["SCHEDULE_ARN"] = d.ScheduleArn,
                            ["TARGET_ARN"] = targetArn,
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

    /// <summary>The target's Input with the Scheduler's context attributes filled in, or <c>{}</c>.</summary>
    internal static string Payload(ScheduleInvocation d, int attempt)
    {
        if (d.Target["Input"]?.GetValue<string>() is not { } input)
        {
            return "{}";
        }

        return input
            .Replace("<aws.scheduler.schedule-arn>", d.ScheduleArn, StringComparison.Ordinal)
            .Replace("<aws.scheduler.scheduled-time>", DateTimeOffset.FromUnixTimeMilliseconds(d.ScheduledTime).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture), StringComparison.Ordinal)
            .Replace("<aws.scheduler.execution-id>", d.ExecutionId, StringComparison.Ordinal)
            .Replace("<aws.scheduler.attempt-number>", attempt.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal);
    }

    /// <summary>The message for the target: SQS takes SqsParameters.MessageGroupId, EventBridge the event's source and detail-type.</summary>
    private static ArnMessage Message(ScheduleInvocation d, string payload, AwsRequestContext caller) => new(payload, caller)
    {
        MessageGroupId = d.Target["SqsParameters"]?["MessageGroupId"]?.GetValue<string>(),
        EventSource = d.Target["EventBridgeParameters"]?["Source"]?.GetValue<string>(),
        DetailType = d.Target["EventBridgeParameters"]?["DetailType"]?.GetValue<string>(),
    };

    private static partial class Log
    {
        [LoggerMessage(EventId = 6311, Level = LogLevel.Warning, Message = "EventBridge Scheduler gave up invoking {TargetArn} for {ScheduleArn} after {Attempts} attempts: {Error}")]
        public static partial void GaveUp(ILogger logger, string scheduleArn, string targetArn, int attempts, string error);

        [LoggerMessage(EventId = 6312, Level = LogLevel.Warning, Message = "EventBridge Scheduler could not send to the dead-letter queue {DeadLetterArn}: {Error}")]
        public static partial void DeadLetterFailed(ILogger logger, string deadLetterArn, string error);

        [LoggerMessage(EventId = 6313, Level = LogLevel.Error, Message = "The EventBridge Scheduler delivery loop failed")]
        public static partial void LoopFailed(ILogger logger, Exception exception);
    }
}
