using Nimbus.Core.Functions;

namespace Nimbus.Gateway.Serving;

/// <summary>How the gateway waits for a Lambda invocation.</summary>
internal static class InvocationWait
{
    /// <summary>
    /// Waits for the invocation until <paramref name="cancellationToken"/> fires (the integration timeout or the client going
    /// away), then throws <see cref="OperationCanceledException"/>. The function itself runs on, as on AWS: API Gateway stops
    /// waiting at its integration timeout, Lambda does not stop the function.
    /// </summary>
    public static ValueTask<FunctionInvocationResult> Until(this ValueTask<FunctionInvocationResult> invocation, CancellationToken cancellationToken) =>
        invocation.IsCompleted || !cancellationToken.CanBeCanceled ? invocation : new(invocation.AsTask().WaitAsync(cancellationToken));
}
