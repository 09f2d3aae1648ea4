using Nimbus.Core.Errors;

namespace Nimbus.Core.Functions;

/// <summary>The outcome of an invocation: either an API error, or a status with the function's payload.</summary>
/// <param name="StatusCode">200 for RequestResponse, 202 for Event, 204 for DryRun.</param>
/// <param name="FunctionError"><c>Unhandled</c> or <c>Handled</c> when the function failed, else null.</param>
public sealed record FunctionInvocationResult(
    int StatusCode,
    ReadOnlyMemory<byte> Payload,
    string? FunctionError,
    string? ExecutedVersion,
    string? LogTail)
{
    /// <summary>An AWS API error (throttle, not found, too large…), when the invocation did not happen.</summary>
    public AwsError? Error { get; init; }

    public static FunctionInvocationResult Failed(AwsError error) =>
        new(error.StatusCode, ReadOnlyMemory<byte>.Empty, null, null, null) { Error = error };
}
