using System.Collections.Concurrent;
using Nimbus.Core.Provisioning;

namespace Nimbus.Templates.Stacks;

internal sealed partial class StackOperation
{
    private async Task RollbackCreateAsync(PreparedTemplate template, IReadOnlyCollection<string> included, string reason)
    {
        if (Stack.DisableRollback)
        {
            SetStatus(StackStatus.CreateFailed, reason, s => s with { TemplateBody = template.Body, ProcessedTemplate = template.Processed.ToJsonString(), Parameters = template.Parameters });
            return;
        }

        SetStatus(StackStatus.RollbackInProgress, reason + "Rollback requested by user.", s => s with
        {
            TemplateBody = template.Body,
            ProcessedTemplate = template.Processed.ToJsonString(),
            Parameters = template.Parameters,
        });
        var touched = _live.Values.ToList();
        var failures = await DeleteAllAsync(touched, DeletionOrder(Stack, touched), RecordMode.Remove, createRollback: true);
        if (failures.Count > 0)
        {
            SetStatus(StackStatus.RollbackFailed, $"The following resource(s) failed to delete: [{string.Join(", ", failures.Order(StringComparer.Ordinal))}]. ");
            return;
        }

        SetStatus(StackStatus.RollbackComplete, null);
    }

    private async Task RollbackUpdateAsync(StackState previous, Dictionary<string, ResourceState> old, ConcurrentStack<Change> changes, string reason)
    {
        SetStatus(StackStatus.UpdateRollbackInProgress, reason);
        var restored = new Dictionary<string, ResourceState>(old, StringComparer.Ordinal);
        var toDelete = new List<ResourceState>();
        var failures = new List<string>();
        while (changes.TryPop(out var change))
        {
            switch (change.Kind)
            {
                case Applied.Updated when change.Old is { } before:
                    Record(before with { Status = StackStatus.UpdateInProgress, StatusReason = null, Timestamp = Now });
                    try
                    {
                        var result = await provisioners.Require(before.Type).UpdateAsync(Request(before.LogicalId, before.Type, before.Properties ?? []) with
                        {
                            PhysicalId = before.PhysicalId,
                            PreviousProperties = change.New.Properties,
                            PreviousAttributes = change.New.Attributes,
                        }, CancellationToken.None);
                        restored[before.LogicalId] = Record(before with
                        {
                            Status = StackStatus.UpdateComplete,
                            Timestamp = Now,
                            Attributes = new(result.Attributes),
                        });
                    }
                    catch (Exception e) when (e is not OutOfMemoryException)
                    {
                        failures.Add(before.LogicalId);
                        Record(before with { Status = StackStatus.UpdateFailed, StatusReason = Reason(e), Timestamp = Now });
                    }

                    break;
                case Applied.Replaced or Applied.Created:
                    toDelete.Add(change.New);
                    if (change.Old is { } replaced)
                    {
                        restored[replaced.LogicalId] = Record(replaced with { Status = StackStatus.UpdateComplete, StatusReason = null, Timestamp = Now });
                    }

                    break;
            }
        }

        if (failures.Count > 0)
        {
            SetStatus(StackStatus.UpdateRollbackFailed, $"The following resource(s) failed to update: [{string.Join(", ", failures)}]. ");
            return;
        }

        SetStatus(StackStatus.UpdateRollbackCleanup, null);
        await DeleteAllAsync(toDelete, DeletionOrder(Stack, toDelete), RecordMode.EventsOnly);
        store.ReplaceResources(Stack.StackId, restored.Values);
        SetStatus(StackStatus.UpdateRollbackComplete, null, s => s with
        {
            TemplateBody = previous.TemplateBody,
            ProcessedTemplate = previous.ProcessedTemplate,
            Parameters = previous.Parameters,
            Outputs = previous.Outputs,
        });
    }
}
