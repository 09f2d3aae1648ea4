using System.Text;
using Nimbus.Core.Functions;
using Nimbus.Core.Identity;
using Nimbus.Core.Targets;

namespace Nimbus.Functions.Invocation;

/// <summary>Delivers a message to a function as an Event invocation (destinations, SNS subscriptions, EventBridge targets).</summary>
internal sealed class LambdaArnTarget(FunctionInvoker invoker) : IArnTarget
{
    public string Service => "lambda";

    public async Task<ArnDeliveryResult> DeliverAsync(Arn arn, ArnMessage message, CancellationToken cancellationToken)
    {
        var result = await invoker.InvokeAsync(
            new FunctionInvocation(arn.ToString(), null, InvocationType.Event, Encoding.UTF8.GetBytes(message.Body), message.Caller),
            cancellationToken);
        if (result.Error is { } error)
        {
            throw new ArnDeliveryException(error.Code, error.Message);
        }

        return new ArnDeliveryResult(null);
    }
}
