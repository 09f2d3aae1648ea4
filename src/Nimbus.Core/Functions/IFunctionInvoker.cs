namespace Nimbus.Core.Functions;

/// <summary>Invokes a Lambda function by name, partial or full ARN, with an optional version or alias.</summary>
/// <remarks>Used by every service that calls functions (API Gateway, Step Functions, event sources).
/// Never throws for AWS-level failures: they come back as <see cref="FunctionInvocationResult.Error"/>.</remarks>
public interface IFunctionInvoker
{
    ValueTask<FunctionInvocationResult> InvokeAsync(FunctionInvocation invocation, CancellationToken cancellationToken = default);
}
