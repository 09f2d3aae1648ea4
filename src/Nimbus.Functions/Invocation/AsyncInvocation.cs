namespace Nimbus.Functions.Invocation;

/// <summary>An accepted Event invocation waiting in the durable queue.</summary>
internal sealed record AsyncInvocation(
    string Id,
    string AccountId,
    string Region,
    string FunctionName,
    string? Qualifier,
    byte[] Payload,
    string? ClientContext,
    long EnqueuedAtMs,
    int Attempts);
