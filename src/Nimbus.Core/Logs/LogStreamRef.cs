namespace Nimbus.Core.Logs;

/// <summary>Names one log stream of one log group in one account and region.</summary>
public sealed record LogStreamRef(string AccountId, string Region, string GroupName, string StreamName);
