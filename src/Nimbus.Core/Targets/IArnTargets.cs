using Nimbus.Core.Identity;

namespace Nimbus.Core.Targets;

/// <summary>Delivers a message to any ARN: an SQS queue, an SNS topic, a Lambda function, an EventBridge bus, a state machine.</summary>
/// <remarks>
/// Used by Lambda destinations and dead-letter queues, SNS subscriptions, EventBridge targets and Step Functions integrations.
/// Each service registers an <see cref="IArnTarget"/> for its own ARNs; <see cref="ArnTargets"/> routes by the ARN's service.
/// A target whose service Nimbus does not run fails with <see cref="ArnDeliveryException"/> — never silently.
/// </remarks>
public interface IArnTargets
{
    /// <summary>Whether some registered target accepts ARNs of this service (<c>sqs</c>, <c>sns</c>, <c>lambda</c>, <c>events</c>, <c>states</c>).</summary>
    bool Supports(string arn);

    /// <summary>Delivers <paramref name="message"/>; throws <see cref="ArnDeliveryException"/> when the target is missing or refuses it.</summary>
    Task<ArnDeliveryResult> DeliverAsync(string arn, ArnMessage message, CancellationToken cancellationToken = default);
}

/// <summary>One service's delivery endpoint.</summary>
public interface IArnTarget
{
    /// <summary>The ARN service segment this target serves, e.g. <c>sqs</c>.</summary>
    string Service { get; }

    Task<ArnDeliveryResult> DeliverAsync(Arn arn, ArnMessage message, CancellationToken cancellationToken);
}

/// <summary>A message for a target. The body is the payload as the target's consumer sees it (an SQS body, a Lambda event…).</summary>
/// <param name="Body">The message text (JSON for Lambda, Step Functions and EventBridge detail).</param>
/// <param name="Caller">Account, region and request id the delivery acts for.</param>
public sealed record ArnMessage(string Body, AwsRequestContext Caller)
{
    /// <summary>String message attributes (SQS message attributes, SNS message attributes).</summary>
    public IReadOnlyDictionary<string, string>? Attributes { get; init; }

    /// <summary>SNS subject.</summary>
    public string? Subject { get; init; }

    /// <summary>FIFO message group id.</summary>
    public string? MessageGroupId { get; init; }

    /// <summary>FIFO deduplication id.</summary>
    public string? DeduplicationId { get; init; }

    /// <summary>EventBridge: <c>source</c> and <c>detail-type</c> of the event put on a bus (the body is the detail).</summary>
    public string? EventSource { get; init; }

    public string? DetailType { get; init; }
}

/// <summary>What the target made of the message: a message id, an execution ARN, an event id.</summary>
public sealed record ArnDeliveryResult(string? Id);

/// <summary>A delivery that could not be made, with the AWS error code the sender reports (e.g. <c>AWS.SimpleQueueService.NonExistentQueue</c>).</summary>
public sealed class ArnDeliveryException(string errorCode, string message) : Exception(message)
{
    public string ErrorCode { get; } = errorCode;
}
