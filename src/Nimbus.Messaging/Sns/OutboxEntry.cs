namespace Nimbus.Messaging.Sns;

/// <summary>One delivery waiting in the outbox: a rendered body for one subscription (or a confirmation request).</summary>
/// <param name="Kind"><c>Notification</c> or <c>SubscriptionConfirmation</c>.</param>
/// <param name="Attributes">Raw delivery's message attributes as JSON (<c>{"name": {"Type": …, "Value": …}}</c>).</param>
internal sealed record OutboxEntry(
    long Id, string Kind, string SubscriptionArn, string Protocol, string Endpoint, string MessageId, string Body,
    string? Attributes, string? Subject, string? GroupId, string? DedupId, string Account, string Region, int Attempts, long Due);
