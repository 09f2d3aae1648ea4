using System.Collections.Concurrent;
using System.Text.Json.Nodes;

namespace Nimbus.Templates.Stacks;

internal sealed partial class StackOperation
{
    /// <summary>What happens to the resource records of deleted resources.</summary>
    private enum RecordMode
    {
        /// <summary>Keep them, with their DELETE_COMPLETE/DELETE_SKIPPED status (a deleted stack's resources).</summary>
        Keep,

        /// <summary>Remove them (resources removed from the template, rollback of created ones).</summary>
        Remove,

        /// <summary>Write only events: the logical id's record now describes its replacement.</summary>
        EventsOnly,
    }

    /// <summary>Deletes the stack's resources (dependents first, independent ones in parallel) and the stack.</summary>
    public async Task DeleteAsync(IReadOnlySet<string> retain)
    {
        SetStatus(StackStatus.DeleteInProgress, "User Initiated", s => s with { DeletionTime = Now });
        var resources = store.Resources(Stack.StackId);
        foreach (var r in resources)
        {
            _live[r.LogicalId] = r;
        }

        var failures = await DeleteAllAsync(resources, DeletionOrder(Stack, resources), RecordMode.Keep, retain);
        if (failures.Count > 0)
        {
            SetStatus(StackStatus.DeleteFailed, $"The following resource(s) failed to delete: [{string.Join(", ", failures.Order(StringComparer.Ordinal))}]. ");
            return;
        }

        store.SetExportsAndImports(Stack, [], []);
        store.DeleteChangeSetsOf(Stack.StackId);
        SetStatus(StackStatus.DeleteComplete, null, s => s with { DeletionTime = Now });
    }

    /// <summary>For each resource, the resources of the set that depend on it in the stack's template (deleted before it).</summary>
    private static Dictionary<string, HashSet<string>> DeletionOrder(StackState stack, IReadOnlyCollection<ResourceState> resources)
    {
        var template = JsonNode.Parse(stack.ProcessedTemplate) as JsonObject;
        var defined = template?["Resources"] as JsonObject ?? [];
        var ids = resources.Select(r => r.LogicalId).Where(defined.ContainsKey).ToList();
        var order = ids.Count == 0 ? [] : ResourceGraph.Build(defined, ids).Dependents();
        foreach (var r in resources)
        {
            order.TryAdd(r.LogicalId, []);
        }

        return order;
    }

    private async Task<List<string>> DeleteAllAsync(
        IReadOnlyCollection<ResourceState> resources, Dictionary<string, HashSet<string>> order, RecordMode mode, IReadOnlySet<string>? retain = null, bool createRollback = false)
    {
        var byId = resources.ToDictionary(r => r.LogicalId, StringComparer.Ordinal);
        var prerequisites = byId.Keys.ToDictionary(k => k, k => order.GetValueOrDefault(k)?.Where(byId.ContainsKey).ToHashSet(StringComparer.Ordinal) ?? [], StringComparer.Ordinal);
        var failed = new ConcurrentBag<string>();
        await ResourceGraph.RunAsync(prerequisites, async id =>
        {
            var r = byId[id];
            if (prerequisites[id].Any(failed.Contains))
            {
                failed.Add(id);
                return;
            }

            if (r.DeletionPolicy == "Retain" || (r.DeletionPolicy == "RetainExceptOnCreate" && !createRollback) || retain?.Contains(id) == true)
            {
                Save(r with { Status = StackStatus.DeleteSkipped, StatusReason = null, Timestamp = Now }, mode);
                if (mode == RecordMode.Remove)
                {
                    _live.TryRemove(id, out _);
                    store.RemoveResource(Stack.StackId, id);
                }

                return;
            }

            Save(r with { Status = StackStatus.DeleteInProgress, StatusReason = null, Timestamp = Now }, mode);
            try
            {
                if (r.PhysicalId is not null && provisioners.Find(r.Type) is { } provisioner)
                {
                    await provisioner.DeleteAsync(Request(id, r.Type, r.Properties ?? []) with
                    {
                        PhysicalId = r.PhysicalId,
                        PreviousProperties = r.Properties,
                        PreviousAttributes = r.Attributes,
                    }, CancellationToken.None);
                }

                Save(r with { Status = StackStatus.DeleteComplete, Timestamp = Now }, mode);
                if (mode == RecordMode.Remove)
                {
                    _live.TryRemove(id, out _);
                    store.RemoveResource(Stack.StackId, id);
                }
            }
            catch (Exception e)
            {
                failed.Add(id);
                Save(r with { Status = StackStatus.DeleteFailed, StatusReason = Reason(e), Timestamp = Now }, mode);
            }
        });
        return failed.ToList();
    }

    private void Save(ResourceState r, RecordMode mode)
    {
        if (mode == RecordMode.EventsOnly)
        {
            store.AddEvent(new StackEventRecord(Stack.StackId, $"{r.LogicalId}-{r.Status}-{r.Timestamp:yyyy-MM-ddTHH:mm:ss.fffZ}", Stack.StackName, r.LogicalId,
                r.PhysicalId ?? "", r.Type, r.Timestamp, r.Status, r.StatusReason, null));
            return;
        }

        Record(r);
    }
}
