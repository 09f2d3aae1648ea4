namespace Nimbus.Functions.Sandboxes;

/// <summary>What a sandbox produced for one invocation: a result, a function error, or a platform failure.</summary>
/// <param name="ErrorType">The function's or the platform's <c>errorType</c> for failures.</param>
internal sealed record InvocationOutcome(OutcomeKind Kind, ReadOnlyMemory<byte> Payload, string? ErrorType = null)
{
    /// <summary>True when the sandbox can serve another invocation afterwards.</summary>
    public bool SandboxReusable => Kind is OutcomeKind.Success or OutcomeKind.FunctionError;
}
