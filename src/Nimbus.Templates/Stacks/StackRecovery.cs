using Microsoft.Extensions.Hosting;

namespace Nimbus.Templates.Stacks;

/// <summary>At start, marks stacks whose operation was cut short by a stop as failed, with a reason, so they can be deleted or updated.</summary>
/// <remarks>The resources written so far are in the store, so a following DeleteStack removes whatever was created.</remarks>
internal sealed class StackRecovery(StackStore store, TimeProvider time) : IHostedService
{
    public const string Reason = "Nimbus stopped while this operation was in progress; the resources created so far are recorded and can be deleted.";

    public Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (var stack in store.InProgress())
        {
            var status = stack.Status switch
            {
                StackStatus.CreateInProgress or StackStatus.RollbackInProgress => StackStatus.RollbackFailed,
                StackStatus.DeleteInProgress => StackStatus.DeleteFailed,
                _ => StackStatus.UpdateRollbackFailed,
            };
            store.SaveStack(stack with { Status = status, StatusReason = Reason });
            store.AddEvent(new StackEventRecord(stack.StackId, Guid.NewGuid().ToString(), stack.StackName, stack.StackName, stack.StackId,
                "AWS::CloudFormation::Stack", time.GetUtcNow(), status, Reason, null));
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
