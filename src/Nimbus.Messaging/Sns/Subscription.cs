using System.Collections.Immutable;
using Nimbus.Messaging.Patterns;

namespace Nimbus.Messaging.Sns;

/// <summary>A subscription of an endpoint to a topic (an immutable snapshot; <see cref="Filter"/> is compiled once).</summary>
/// <param name="BaseUrl">The Nimbus endpoint the subscriber was created through: SubscribeURL and UnsubscribeURL point at it.</param>
internal sealed record Subscription(
    string Arn, string TopicArn, string Owner, string Protocol, string Endpoint,
    ImmutableSortedDictionary<string, string> Attributes, bool Pending, string? Token, string BaseUrl)
{
    public bool RawMessageDelivery => Attributes.GetValueOrDefault("RawMessageDelivery") == "true";

    public FilterPolicy? Filter { get; init; }

    public string? DeadLetterTargetArn => SnsAttributes.DeadLetterTarget(Attributes.GetValueOrDefault("RedrivePolicy"));

    /// <summary>Compiles the filter policy from the attributes (the attributes were validated when set).</summary>
    public Subscription WithCompiledFilter() => this with
    {
        Filter = Attributes.TryGetValue("FilterPolicy", out var policy) && policy.Length > 0
            ? FilterPolicy.Parse(policy, Attributes.GetValueOrDefault("FilterPolicyScope") == "MessageBody")
            : null,
    };
}
