namespace Nimbus.Functions.Invocation;

/// <summary>An accepted Event invocation waiting in the durable queue.</summary>
/// <param name="Attempts">Throttled or failed-to-start attempts so far (exponential backoff).</param>
/// <param name="Retries">Retries after function errors so far (at most the config's MaximumRetryAttempts).</param>
/// <param name="DueAtMs">When the next attempt may run (Unix ms); 0 for at once.</param>
internal sealed record AsyncInvocation(
    string Id,
    string AccountId,
    string Region,
    string FunctionName,
    string? Qualifier,
    byte[] Payload,
    string? ClientContext,
    long EnqueuedAtMs,
    int Attempts,
    int Retries = 0,
    long DueAtMs = 0);
