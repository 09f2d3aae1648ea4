using System.Collections.Immutable;
using Nimbus.Core.Identity;

namespace Nimbus.Messaging.Sns;

/// <summary>An SNS topic: its ARN, the attributes set on it and its tags (an immutable snapshot).</summary>
internal sealed record Topic(string Arn, string Name, string Account, string Region, ImmutableSortedDictionary<string, string> Attributes, ImmutableSortedDictionary<string, string> Tags)
{
    public bool IsFifo => Name.EndsWith(".fifo", StringComparison.Ordinal);

    public bool ContentBasedDeduplication => Attributes.GetValueOrDefault("ContentBasedDeduplication") == "true";

    public static string ArnFor(AwsRequestContext caller, string name) => $"arn:aws:sns:{caller.Region}:{caller.AccountId}:{name}";
}
