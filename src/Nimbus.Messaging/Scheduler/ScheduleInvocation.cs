using System.Text.Json.Nodes;

namespace Nimbus.Messaging.Scheduler;

/// <summary>One firing of a schedule on its way to the target: the target as it was when the schedule fired, with its retry budget.</summary>
/// <param name="ScheduledTime">Unix ms of the firing (<c>&lt;aws.scheduler.scheduled-time&gt;</c>).</param>
/// <param name="Expires">Unix ms after which the invocation is too old to retry (RetryPolicy.MaximumEventAgeInSeconds).</param>
internal sealed record ScheduleInvocation(
    long Id, string ScheduleArn, JsonObject Target, string Account, string Region, long ScheduledTime, string ExecutionId,
    int MaxAttempts, long Expires, int Attempts, long Due);
