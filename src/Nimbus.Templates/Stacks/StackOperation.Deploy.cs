using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Nimbus.Core.Provisioning;

namespace Nimbus.Templates.Stacks;

internal sealed partial class StackOperation
{
    private enum Applied
    {
        Created,
        Updated,
        Replaced,
    }

    private sealed record Change(string LogicalId, Applied Kind, ResourceState? Old, ResourceState New);

    /// <summary>Creates or updates the stack's resources to match <paramref name="template"/>; rolls back on failure.</summary>
    public async Task DeployAsync(PreparedTemplate template, bool isCreate, IReadOnlyList<string> capabilities, IReadOnlyDictionary<string, string>? tags, string? changeSetId)
    {
        var old = isCreate ? [] : store.Resources(Stack.StackId).Where(r => r.PhysicalId is not null).ToDictionary(r => r.LogicalId, StringComparer.Ordinal);
        foreach (var (id, r) in old)
        {
            _live[id] = r;
        }

        var previous = Stack;
        SetStatus(isCreate ? StackStatus.CreateInProgress : StackStatus.UpdateInProgress, "User Initiated", s => s with
        {
            LastUpdatedTime = isCreate ? s.LastUpdatedTime : Now,
            ChangeSetId = changeSetId ?? s.ChangeSetId,
        });

        var changes = new ConcurrentStack<Change>();
        var failed = new ConcurrentBag<string>();
        List<string> included = [];
        IReadOnlyList<StackOutput> outputs = [];
        Exception? failure;
        try
        {
            var evaluator = Evaluator(template);
            included = Included(template, evaluator);
            var graph = ResourceGraph.Build(template.Resources, included);
            failure = await ResourceGraph.RunAsync(graph.Dependencies, id => ApplyAsync(template, id, old.GetValueOrDefault(id), changes, failed));
            if (failure is null)
            {
                outputs = Outputs(template);
                CheckExports(outputs);
            }
        }
        catch (Exception e) when (e is ProvisioningException or Intrinsics.IntrinsicException or Core.Errors.AwsServiceException)
        {
            failure = e;
        }

        if (failure is not null)
        {
            var reason = failed.IsEmpty ? Reason(failure) : $"The following resource(s) failed to {(isCreate ? "create" : "update")}: [{string.Join(", ", failed.Order(StringComparer.Ordinal))}]. ";
            if (isCreate)
            {
                await RollbackCreateAsync(template, included, reason);
            }
            else
            {
                await RollbackUpdateAsync(previous, old, changes, reason);
            }

            return;
        }

        if (!isCreate)
        {
            SetStatus(StackStatus.UpdateCompleteCleanup, null);
            var removed = old.Values.Where(r => !included.Contains(r.LogicalId)).ToList();
            var replaced = changes.Where(c => c.Kind == Applied.Replaced || (c.Kind == Applied.Created && c.Old is not null)).Select(c => c.Old!).ToList();
            await DeleteAllAsync(replaced, new Dictionary<string, HashSet<string>>(), RecordMode.EventsOnly);
            await DeleteAllAsync(removed, DeletionOrder(previous, removed), RecordMode.Remove);
        }

        var imports = TemplateReferences.Imports(template.Processed);
        store.SetExportsAndImports(Stack, outputs.Where(o => o.ExportName is not null), imports);
        SetStatus(isCreate ? StackStatus.CreateComplete : StackStatus.UpdateComplete, null, s => s with
        {
            TemplateBody = template.Body,
            ProcessedTemplate = template.Processed.ToJsonString(),
            Parameters = template.Parameters,
            Outputs = outputs,
            Description = template.Description,
            Capabilities = capabilities,
            Tags = tags ?? s.Tags,
        });
    }

    private async Task ApplyAsync(PreparedTemplate template, string id, ResourceState? previous, ConcurrentStack<Change> changes, ConcurrentBag<string> failed)
    {
        var definition = (JsonObject)template.Resources[id]!;
        var type = definition["Type"]!.ToString();
        var policy = definition["DeletionPolicy"]?.ToString();
        var started = false;
        var status = previous is null || previous.Type != type ? StackStatus.CreateInProgress : StackStatus.UpdateInProgress;
        try
        {
            var properties = Evaluator(template).Evaluate(definition["Properties"]) as JsonObject ?? [];
            var provisioner = provisioners.Require(type);
            var request = Request(id, type, properties);
            if (previous is null || previous.Type != type)
            {
                Record(new ResourceState { LogicalId = id, Type = type, Status = status, Timestamp = Now, DeletionPolicy = policy, PhysicalId = previous?.PhysicalId }, properties.ToJsonString());
                started = true;
                var created = await provisioner.CreateAsync(request, CancellationToken.None);
                var done = Record(Done(id, type, created, properties, policy, definition, previous is null ? StackStatus.CreateComplete : StackStatus.UpdateComplete));
                changes.Push(new Change(id, Applied.Created, previous, done));
                return;
            }

            if (JsonNode.DeepEquals(properties, previous.Properties))
            {
                _live[id] = previous with { DeletionPolicy = policy, Metadata = definition["Metadata"]?.DeepClone() };
                return;
            }

            var changed = ChangedProperties(previous.Properties, properties);
            var replace = changed.Any(provisioner.RequiresReplacement);
            Record(previous with
            {
                Status = StackStatus.UpdateInProgress,
                StatusReason = replace ? "Requested update requires the creation of a new physical resource; hence creating one." : null,
                Timestamp = Now,
            }, properties.ToJsonString());
            started = true;
            if (replace)
            {
                var created = await provisioner.CreateAsync(request, CancellationToken.None);
                var done = Record(Done(id, type, created, properties, policy, definition, StackStatus.UpdateComplete));
                changes.Push(new Change(id, Applied.Replaced, previous, done));
            }
            else
            {
                var updated = await provisioner.UpdateAsync(request with
                {
                    PhysicalId = previous.PhysicalId,
                    PreviousProperties = previous.Properties,
                    PreviousAttributes = previous.Attributes,
                }, CancellationToken.None);
                var done = Record(Done(id, type, updated, properties, policy, definition, StackStatus.UpdateComplete));
                changes.Push(new Change(id, Applied.Updated, previous, done));
            }
        }
        catch (Exception e)
        {
            failed.Add(id);
            var failedStatus = status == StackStatus.CreateInProgress ? StackStatus.CreateFailed : StackStatus.UpdateFailed;
            if (!started)
            {
                Record(new ResourceState { LogicalId = id, Type = type, Status = status, Timestamp = Now, DeletionPolicy = policy, PhysicalId = previous?.PhysicalId });
            }

            var current = _live[id];
            Record(current with { Status = failedStatus, StatusReason = Reason(e), Timestamp = Now });
            if (previous is not null)
            {
                // The record keeps the last good state for rollback; only the event shows the failure.
                _live[id] = previous;
                store.SaveResource(Stack.StackId, previous with { Status = failedStatus, StatusReason = Reason(e), Timestamp = Now });
            }

            throw new ProvisioningException(Reason(e), e);
        }
    }

    private ResourceState Done(string id, string type, ProvisionedResource result, JsonObject properties, string? policy, JsonObject definition, string status) => new()
    {
        LogicalId = id,
        Type = type,
        PhysicalId = result.PhysicalId,
        Status = status,
        Timestamp = Now,
        Properties = properties,
        Attributes = new Dictionary<string, JsonNode?>(result.Attributes),
        DeletionPolicy = policy,
        Metadata = definition["Metadata"]?.DeepClone(),
        Description = definition["Description"]?.ToString(),
    };

    public static List<string> ChangedProperties(JsonObject? before, JsonObject after)
    {
        before ??= [];
        return before.Select(p => p.Key).Union(after.Select(p => p.Key))
            .Where(k => !JsonNode.DeepEquals(before[k], after[k]))
            .Order(StringComparer.Ordinal).ToList();
    }

    private IReadOnlyList<StackOutput> Outputs(PreparedTemplate template)
    {
        var evaluator = Evaluator(template);
        var list = new List<StackOutput>();
        foreach (var (key, node) in template.Processed["Outputs"] as JsonObject ?? [])
        {
            if (node is not JsonObject o || (o["Condition"]?.ToString() is { } c && !evaluator.EvaluateCondition(c)))
            {
                continue;
            }

            var value = evaluator.Evaluate(o["Value"]);
            var text = value is JsonArray a ? string.Join(',', a.Select(x => x?.ToString())) : value?.ToString() ?? "";
            var export = o["Export"]?["Name"] is { } n ? evaluator.Evaluate(n)?.ToString() : null;
            list.Add(new StackOutput(key, text, o["Description"]?.ToString(), export));
        }

        return list;
    }

    private void CheckExports(IReadOnlyList<StackOutput> outputs)
    {
        var existing = store.Exports(caller.AccountId, caller.Region);
        foreach (var o in outputs.Where(o => o.ExportName is not null))
        {
            var other = existing.FirstOrDefault(e => e.Name == o.ExportName && e.StackId != Stack.StackId);
            if (other is not null)
            {
                throw new ProvisioningException($"Export with name {o.ExportName} is already exported by stack {other.StackId.Split('/')[1]}");
            }
        }

        foreach (var mine in existing.Where(e => e.StackId == Stack.StackId))
        {
            var kept = outputs.FirstOrDefault(o => o.ExportName == mine.Name);
            var importers = store.Importers(caller.AccountId, caller.Region, mine.Name).Where(n => n != Stack.StackName).ToList();
            if (importers.Count > 0 && (kept is null || kept.Value != mine.Value))
            {
                throw new ProvisioningException($"Cannot {(kept is null ? "delete" : "update")} export {mine.Name} as it is in use by {string.Join(", ", importers)}");
            }
        }
    }
}
