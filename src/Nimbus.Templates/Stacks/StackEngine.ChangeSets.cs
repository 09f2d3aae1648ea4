using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Nimbus.Core.Identity;
using Nimbus.Templates.Intrinsics;

namespace Nimbus.Templates.Stacks;

internal sealed partial class StackEngine
{
    public const string NoChanges = "The submitted information didn't contain changes. Submit different information to create a change set.";

    private const string PendingMarker = "{{Nimbus:Pending:";

    [GeneratedRegex("^[a-zA-Z][-a-zA-Z0-9]{0,127}$")]
    private static partial Regex ChangeSetName();

    public async Task<ChangeSetState> CreateChangeSetAsync(StackRequest request, AwsRequestContext caller)
    {
        var name = request.ChangeSetName ?? throw StackErrors.Validation("1 validation error detected: Value null at 'changeSetName' failed to satisfy constraint: Member must not be null");
        if (!ChangeSetName().IsMatch(name))
        {
            throw StackErrors.Validation($"1 validation error detected: Value '{name}' at 'changeSetName' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z][-a-zA-Z0-9]*");
        }

        var type = request.ChangeSetType ?? "UPDATE";
        if (type is not ("CREATE" or "UPDATE"))
        {
            throw StackErrors.Validation(type == "IMPORT" ? "Resource import is not supported by Nimbus." : $"1 validation error detected: Value '{type}' at 'changeSetType' failed to satisfy constraint: Member must satisfy enum value set: [IMPORT, UPDATE, CREATE]");
        }

        var stack = TryFind(caller, request.StackName);
        if (type == "CREATE")
        {
            CheckName(request.StackName, "stackName");
            if (stack is not null && stack.Status != StackStatus.ReviewInProgress)
            {
                throw StackErrors.Validation($"Stack [{request.StackName}] already exists and cannot be created again with the changeSet [{name}].");
            }
        }
        else if (stack is null)
        {
            throw StackErrors.Validation($"Stack [{request.StackName}] does not exist");
        }
        else if (stack.Status == StackStatus.ReviewInProgress || StackStatus.InProgress(stack.Status))
        {
            throw StackErrors.Validation($"Stack:{stack.StackId} is in {stack.Status} state and can not be updated.");
        }

        if (stack is not null && store.ChangeSets(stack.StackId).Any(c => c.ChangeSetName == name))
        {
            throw new Core.Errors.AwsServiceException("AlreadyExistsException", $"ChangeSet {name} already exists", 400);
        }

        var body = await TemplateBodyAsync(request, stack, caller);
        if (stack is null)
        {
            stack = NewStack(request, caller, StackStatus.ReviewInProgress);
            store.SaveStack(stack);
            store.AddEvent(new StackEventRecord(stack.StackId, Guid.NewGuid().ToString(), stack.StackName, stack.StackName, stack.StackId,
                "AWS::CloudFormation::Stack", time.GetUtcNow(), StackStatus.ReviewInProgress, "User Initiated", null));
        }

        var cs = new ChangeSetState
        {
            ChangeSetId = $"arn:aws:cloudformation:{caller.Region}:{caller.AccountId}:changeSet/{name}/{Guid.NewGuid()}",
            ChangeSetName = name,
            StackId = stack.StackId,
            StackName = stack.StackName,
            ChangeSetType = type,
            Status = "CREATE_COMPLETE",
            ExecutionStatus = "AVAILABLE",
            Description = request.Description,
            CreationTime = time.GetUtcNow(),
            TemplateBody = body,
            Capabilities = request.Capabilities,
            Tags = request.Tags ?? stack.Tags,
        };
        try
        {
            var prepared = await preparer.PrepareAsync(body, request.Parameters, stack.Status == StackStatus.ReviewInProgress ? null : stack.Parameters, caller, CancellationToken.None);
            TemplatePreparer.CheckCapabilities(prepared, request.Capabilities, directWithTransform: false);
            var changes = Plan(stack, prepared, caller);
            cs = cs with { Parameters = prepared.Parameters, Changes = changes };
            if (changes.Count == 0 && type == "UPDATE" && SameParameters(stack.Parameters, prepared.Parameters))
            {
                cs = cs with { Status = "FAILED", ExecutionStatus = "UNAVAILABLE", StatusReason = NoChanges };
            }
        }
        catch (Core.Errors.AwsServiceException e) when (e.Error.Code == "ValidationError")
        {
            cs = cs with { Status = "FAILED", ExecutionStatus = "UNAVAILABLE", StatusReason = e.Message };
        }
        catch (IntrinsicException e)
        {
            cs = cs with { Status = "FAILED", ExecutionStatus = "UNAVAILABLE", StatusReason = e.Message };
        }

        store.SaveChangeSet(cs);
        return cs;
    }

    public ChangeSetState FindChangeSet(AwsRequestContext caller, string nameOrId, string? stackNameOrId)
    {
        if (nameOrId.StartsWith("arn:", StringComparison.Ordinal))
        {
            return store.GetChangeSet(nameOrId) is { } byId && byId.ChangeSetId.Split(':')[3] == caller.Region ? byId : throw StackErrors.ChangeSetNotFound(nameOrId);
        }

        if (stackNameOrId is null)
        {
            throw StackErrors.Validation("StackName must be specified if ChangeSetName is not specified as an ARN.");
        }

        var stack = TryFind(caller, stackNameOrId) ?? throw StackErrors.ChangeSetNotFound(nameOrId);
        return store.ChangeSets(stack.StackId).FirstOrDefault(c => c.ChangeSetName == nameOrId) ?? throw StackErrors.ChangeSetNotFound(nameOrId);
    }

    public async Task ExecuteChangeSetAsync(AwsRequestContext caller, string nameOrId, string? stackNameOrId, bool disableRollback)
    {
        var cs = FindChangeSet(caller, nameOrId, stackNameOrId);
        var stack = store.GetStack(cs.StackId) ?? throw StackErrors.StackNotFound(cs.StackId);
        if (cs.ExecutionStatus != "AVAILABLE")
        {
            throw StackErrors.InvalidChangeSetStatus($"ChangeSet [{cs.ChangeSetId}] cannot be executed in its current execution status of [{cs.ExecutionStatus}]");
        }

        if (cs.ChangeSetType == "UPDATE")
        {
            CheckUpdatable(stack);
        }

        var inputs = cs.Parameters.Select(p => new ParameterInput(p.Key, p.Value, false)).ToList();
        var prepared = await preparer.PrepareAsync(cs.TemplateBody, inputs, null, caller, CancellationToken.None);
        store.SaveChangeSet(cs with { ExecutionStatus = "EXECUTE_IN_PROGRESS" });
        var isCreate = cs.ChangeSetType == "CREATE";
        Start(stack with { DisableRollback = disableRollback }, caller, isCreate ? StackStatus.CreateInProgress : StackStatus.UpdateInProgress, async op =>
        {
            await op.DeployAsync(prepared, isCreate, cs.Capabilities, cs.Tags, cs.ChangeSetId);
            // Once a change set ran, CloudFormation removes every change set of the stack (they describe a state that is gone).
            store.DeleteChangeSetsOf(stack.StackId);
        });
    }

    public void DeleteChangeSet(AwsRequestContext caller, string nameOrId, string? stackNameOrId)
    {
        var cs = FindChangeSet(caller, nameOrId, stackNameOrId);
        if (cs.ExecutionStatus == "EXECUTE_IN_PROGRESS")
        {
            throw StackErrors.InvalidChangeSetStatus($"Cannot delete ChangeSet {cs.ChangeSetId} in status EXECUTE_IN_PROGRESS");
        }

        store.DeleteChangeSet(cs.ChangeSetId);
    }

    /// <summary>The resource changes a template would make to a stack: Add, Modify (with Replacement), Remove.</summary>
    private List<ResourceChangeRecord> Plan(StackState stack, PreparedTemplate template, AwsRequestContext caller)
    {
        var old = store.Resources(stack.StackId).Where(r => r.PhysicalId is not null).ToDictionary(r => r.LogicalId, StringComparer.Ordinal);
        var live = new ConcurrentDictionary<string, ResourceState>(old, StringComparer.Ordinal);
        var evaluator = new IntrinsicEvaluator(new IntrinsicContext
        {
            Region = caller.Region,
            AccountId = caller.AccountId,
            StackName = stack.StackName,
            StackId = stack.StackId,
            Parameters = template.ParameterValues,
            Mappings = template.Processed["Mappings"] as JsonObject,
            Conditions = template.Processed["Conditions"] as JsonObject,
            Resources = new LiveResolver(live, n => store.Exports(caller.AccountId, caller.Region).FirstOrDefault(e => e.Name == n)?.Value, PendingMarker),
        });
        var included = template.Resources.Where(p => p.Value?["Condition"]?.ToString() is not { } c || evaluator.EvaluateCondition(c)).Select(p => p.Key).ToList();
        ResourceGraph.Build(template.Resources, included);
        var changes = new List<ResourceChangeRecord>();
        foreach (var id in included.Order(StringComparer.Ordinal))
        {
            var type = template.Resources[id]!["Type"]!.ToString();
            if (!old.TryGetValue(id, out var before) || before.Type != type)
            {
                changes.Add(new ResourceChangeRecord("Add", id, null, type, null, [], []));
                if (before is not null)
                {
                    changes.Add(new ResourceChangeRecord("Remove", id, before.PhysicalId, before.Type, null, [], []));
                }

                continue;
            }

            var after = evaluator.Evaluate(template.Resources[id]!["Properties"]) as JsonObject ?? [];
            if (JsonNode.DeepEquals(after, before.Properties))
            {
                continue;
            }

            var provisioner = provisioners.Find(type);
            var details = StackOperation.ChangedProperties(before.Properties, after).Select(name =>
            {
                var dynamic = after[name]?.ToJsonString().Contains(PendingMarker, StringComparison.Ordinal) == true;
                var recreate = provisioner?.RequiresReplacement(name) ?? true;
                return new ChangeDetail(name, recreate ? (dynamic ? "Conditionally" : "Always") : "Never", dynamic ? "Dynamic" : "Static", dynamic ? "ResourceAttribute" : "DirectModification");
            }).ToList();
            var replacement = details.Any(d => d.RequiresRecreation == "Always") ? "True" : details.Any(d => d.RequiresRecreation == "Conditionally") ? "Conditional" : "False";
            changes.Add(new ResourceChangeRecord("Modify", id, before.PhysicalId, type, replacement, ["Properties"], details));
        }

        foreach (var (id, r) in old.Where(o => !included.Contains(o.Key)).OrderBy(o => o.Key, StringComparer.Ordinal))
        {
            changes.Add(new ResourceChangeRecord("Remove", id, r.PhysicalId, r.Type, null, [], []));
        }

        return changes;
    }
}
