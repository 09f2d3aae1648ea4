namespace Nimbus.Core.Identity;

/// <summary>Who is calling and where: the account and region every resource of a request is scoped by.</summary>
public sealed record AwsRequestContext(string AccountId, string Region, string RequestId)
{
    public const string DefaultAccountId = "000000000000";
    public const string DefaultRegion = "us-east-1";
}
