using Nimbus.Core.Errors;
using Nimbus.Core.Identity;
using Nimbus.Core.Targets;

namespace Nimbus.StepFunctions.Service;

/// <summary>
/// Delivers to a state machine ARN (EventBridge targets, Lambda destinations…): starts an execution with the message body as
/// its input; the result id is the execution ARN. A version or alias ARN runs that version/alias.
/// </summary>
internal sealed class StateMachineArnTarget(StepFunctionsApi api) : IArnTarget
{
    public string Service => "states";

    public Task<ArnDeliveryResult> DeliverAsync(Arn arn, ArnMessage message, CancellationToken cancellationToken)
    {
        try
        {
            var input = string.IsNullOrWhiteSpace(message.Body) ? "{}" : message.Body;
            var execution = api.Start(arn.ToString(), null, input, null);
            return Task.FromResult(new ArnDeliveryResult(execution.Arn));
        }
        catch (AwsServiceException e)
        {
            throw new ArnDeliveryException(e.Error.Code, e.Error.Message);
        }
    }
}
