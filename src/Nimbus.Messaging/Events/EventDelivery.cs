namespace Nimbus.Messaging.Events;

/// <summary>One event on its way to one target: the payload the target receives, with its retry budget.</summary>
/// <param name="Expires">Unix ms after which the event is too old to retry (RetryPolicy.MaximumEventAgeInSeconds).</param>
internal sealed record EventDelivery(
    long Id, string RuleArn, string TargetId, string TargetArn, string Payload, string Event, string Account, string Region,
    int MaxAttempts, long Expires, string? DeadLetterArn, int Attempts, long Due);
