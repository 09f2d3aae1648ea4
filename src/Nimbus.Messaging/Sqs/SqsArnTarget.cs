using System.Text.Json.Nodes;
using Nimbus.Core.Errors;
using Nimbus.Core.Identity;
using Nimbus.Core.Targets;

namespace Nimbus.Messaging.Sqs;

/// <summary>Delivers <see cref="ArnMessage"/>s to queues by ARN (SNS subscriptions, EventBridge targets, Lambda destinations).</summary>
/// <remarks>The message goes through the same validation as SendMessage: string attributes become <c>String</c> message
/// attributes; FIFO queues take the group and deduplication ids. Failures surface as <see cref="ArnDeliveryException"/>
/// with the SQS error code (<c>AWS.SimpleQueueService.NonExistentQueue</c> for a missing queue).</remarks>
internal sealed class SqsArnTarget(SqsService service) : IArnTarget
{
    public string Service => "sqs";

    public Task<ArnDeliveryResult> DeliverAsync(Arn arn, ArnMessage message, CancellationToken cancellationToken)
    {
        var queue = service.FindByArn(arn.ToString())
            ?? throw new ArnDeliveryException(SqsErrors.NonExistentQueueCode, $"The specified queue does not exist: {arn}");
        var input = new JsonObject { ["MessageBody"] = message.Body };
        if (message.Attributes is { Count: > 0 } attributes)
        {
            var map = new JsonObject();
            foreach (var (k, v) in attributes)
            {
                map[k] = new JsonObject { ["DataType"] = "String", ["StringValue"] = v };
            }

            input["MessageAttributes"] = map;
        }

        if (queue.Fifo)
        {
            input["MessageGroupId"] = message.MessageGroupId;
            input["MessageDeduplicationId"] = message.DeduplicationId;
        }

        try
        {
            var outgoing = OutgoingMessage.Read(input, queue.Settings);
            var sent = service.Enqueue(queue, [outgoing], message.Caller.AccountId)[0];
            return Task.FromResult(new ArnDeliveryResult(sent.MessageId));
        }
        catch (AwsServiceException e)
        {
            throw new ArnDeliveryException(e.Error.Code, e.Error.Message);
        }
    }
}
