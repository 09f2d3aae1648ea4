using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;
using Nimbus.Core.Identity;
using Nimbus.Core.Provisioning;

namespace Nimbus.Templates.Stacks;

/// <summary>CloudFormation's stack operations: validates a request, records the stack and runs the operation in the background.</summary>
/// <remarks>One operation per stack at a time (a second one is a ValidationError, as in AWS). Operations run on background tasks;
/// <see cref="WhenIdleAsync"/> waits for one (tests, shutdown).</remarks>
internal sealed partial class StackEngine(
    StackStore store, ProvisionerRegistry provisioners, TemplatePreparer preparer, TimeProvider time, ILogger<StackEngine> logger,
    IObjectReader? objects = null, CodeDeploy.GradualDeployments? gradual = null)
{
    private readonly ConcurrentDictionary<string, Task> _running = new(StringComparer.Ordinal);

    public StackStore Store => store;

    public Task WhenIdleAsync(string stackId) => _running.TryGetValue(stackId, out var t) ? t : Task.CompletedTask;

    [GeneratedRegex("^[a-zA-Z][-a-zA-Z0-9]{0,127}$")]
    private static partial Regex StackName();

    public StackState? TryFind(AwsRequestContext caller, string nameOrId)
    {
        if (nameOrId.StartsWith("arn:", StringComparison.Ordinal))
        {
            var s = store.GetStack(nameOrId);
            return s is not null && s.Account == caller.AccountId && s.Region == caller.Region ? s : null;
        }

        return store.FindLive(caller.AccountId, caller.Region, nameOrId);
    }

    public StackState Find(AwsRequestContext caller, string nameOrId) => TryFind(caller, nameOrId) ?? throw StackErrors.StackNotFound(nameOrId);

    public async Task<string> CreateStackAsync(StackRequest request, AwsRequestContext caller)
    {
        CheckName(request.StackName, "stackName");
        if (store.FindLive(caller.AccountId, caller.Region, request.StackName) is not null)
        {
            throw StackErrors.AlreadyExists(request.StackName);
        }

        var body = await TemplateBodyAsync(request, null, caller);
        var prepared = await preparer.PrepareAsync(body, request.Parameters, null, caller, CancellationToken.None);
        TemplatePreparer.CheckCapabilities(prepared, request.Capabilities, directWithTransform: true);
        var stack = NewStack(request, caller, StackStatus.CreateInProgress) with
        {
            DisableRollback = request.DisableRollback || request.OnFailure is "DO_NOTHING",
        };
        store.SaveStack(stack);
        Start(stack, caller, StackStatus.CreateInProgress, op => op.DeployAsync(prepared, isCreate: true, request.Capabilities, request.Tags, null));
        return stack.StackId;
    }

    public async Task<string> UpdateStackAsync(StackRequest request, AwsRequestContext caller)
    {
        var stack = Find(caller, request.StackName);
        CheckUpdatable(stack);
        var body = await TemplateBodyAsync(request, stack, caller);
        var prepared = await preparer.PrepareAsync(body, request.Parameters, stack.Parameters, caller, CancellationToken.None);
        TemplatePreparer.CheckCapabilities(prepared, request.Capabilities, directWithTransform: true);
        if (JsonNode.DeepEquals(JsonNode.Parse(stack.ProcessedTemplate), prepared.Processed) && SameParameters(stack.Parameters, prepared.Parameters)
            && (request.Tags is null || request.Tags.Count == stack.Tags.Count && !request.Tags.Except(stack.Tags).Any()))
        {
            throw StackErrors.Validation("No updates are to be performed.");
        }

        Start(stack with { DisableRollback = request.DisableRollback }, caller, StackStatus.UpdateInProgress, op => op.DeployAsync(prepared, isCreate: false, request.Capabilities, request.Tags, null));
        return stack.StackId;
    }

    public void DeleteStack(AwsRequestContext caller, string nameOrId, IReadOnlySet<string> retain)
    {
        var stack = TryFind(caller, nameOrId);
        if (stack is null || stack.IsDeleted)
        {
            return;
        }

        if (StackStatus.InProgress(stack.Status))
        {
            if (stack.Status == StackStatus.DeleteInProgress)
            {
                return;
            }

            throw StackErrors.Validation($"Stack [{stack.StackName}] cannot be deleted while in status {stack.Status}");
        }

        if (stack.TerminationProtection)
        {
            throw StackErrors.Validation($"Stack [{stack.StackName}] cannot be deleted while TerminationProtection is enabled");
        }

        foreach (var export in store.Exports(caller.AccountId, caller.Region).Where(e => e.StackId == stack.StackId))
        {
            var importers = store.Importers(caller.AccountId, caller.Region, export.Name).Where(n => n != stack.StackName).ToList();
            if (importers.Count > 0)
            {
                throw StackErrors.Validation($"Export {export.Name} cannot be deleted as it is in use by {string.Join(", ", importers)}");
            }
        }

        if (stack.Status == StackStatus.ReviewInProgress)
        {
            store.DeleteChangeSetsOf(stack.StackId);
            store.SaveStack(stack with { Status = StackStatus.DeleteComplete, DeletionTime = time.GetUtcNow() });
            return;
        }

        Start(stack, caller, StackStatus.DeleteInProgress, op => op.DeleteAsync(retain));
    }

    private void CheckUpdatable(StackState stack)
    {
        if (!StackStatus.Updatable(stack.Status))
        {
            throw StackErrors.Validation($"Stack:{stack.StackId} is in {stack.Status} state and can not be updated.");
        }
    }

    private static void CheckName(string name, string member)
    {
        if (!StackName().IsMatch(name))
        {
            throw StackErrors.Validation($"1 validation error detected: Value '{name}' at '{member}' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z][-a-zA-Z0-9]*");
        }
    }

    private static bool SameParameters(IReadOnlyList<StackParameter> a, IReadOnlyList<StackParameter> b) =>
        a.Count == b.Count && a.All(p => b.Any(q => q.Key == p.Key && q.Value == p.Value));

    private StackState NewStack(StackRequest request, AwsRequestContext caller, string status) => new()
    {
        StackId = $"arn:aws:cloudformation:{caller.Region}:{caller.AccountId}:stack/{request.StackName}/{Guid.NewGuid()}",
        StackName = request.StackName,
        Account = caller.AccountId,
        Region = caller.Region,
        Status = status,
        CreationTime = time.GetUtcNow(),
        Tags = request.Tags ?? new Dictionary<string, string>(),
        NotificationArns = request.NotificationArns,
        Capabilities = request.Capabilities,
        TerminationProtection = request.TerminationProtection,
        ParentId = request.ParentId,
        RootId = request.RootId,
    };

    /// <summary>Runs an operation on a background task, one per stack; an unexpected crash marks the stack failed with the reason.</summary>
    /// <remarks>The stack shows <paramref name="status"/> before this returns, as AWS answers UpdateStack/DeleteStack with the operation begun.</remarks>
    private void Start(StackState stack, AwsRequestContext caller, string status, Func<StackOperation, Task> run)
    {
        var gate = new TaskCompletionSource();
        var task = Task.Run(async () =>
        {
            await gate.Task;
            var op = new StackOperation(store, provisioners, time, stack, caller, gradual);
            try
            {
                await run(op);
            }
            catch (Exception e)
            {
                Log.OperationCrashed(logger, stack.StackName, e);
                var failed = op.Stack.Status switch
                {
                    StackStatus.CreateInProgress or StackStatus.RollbackInProgress => StackStatus.RollbackFailed,
                    StackStatus.DeleteInProgress => StackStatus.DeleteFailed,
                    _ => StackStatus.UpdateRollbackFailed,
                };
                store.SaveStack(op.Stack with { Status = failed, StatusReason = e.Message });
            }
            finally
            {
                _running.TryRemove(stack.StackId, out _);
            }
        });
        if (!_running.TryAdd(stack.StackId, task))
        {
            throw StackErrors.Validation($"Stack:{stack.StackId} is in {stack.Status} state and can not be updated.");
        }

        store.SaveStack(stack with { Status = status, StatusReason = "User Initiated" });
        gate.SetResult();
    }

    public Task<string> TemplateBodyForAsync(StackRequest request, AwsRequestContext caller) => TemplateBodyAsync(request, null, caller);

    /// <summary>The template of a request: its body, the object its TemplateURL names in Nimbus's S3, or the stack's current one.</summary>
    private async Task<string> TemplateBodyAsync(StackRequest request, StackState? stack, AwsRequestContext caller)
    {
        if (request.UsePreviousTemplate)
        {
            return stack?.TemplateBody ?? throw StackErrors.Validation("UsePreviousTemplate can only be used with an existing stack.");
        }

        if (request.TemplateBody is { } body)
        {
            return body;
        }

        if (request.TemplateUrl is { } url)
        {
            if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || objects is null)
            {
                throw StackErrors.Validation("TemplateURL must be a supported URL.");
            }

            var host = uri.Host;
            var path = Uri.UnescapeDataString(uri.AbsolutePath.TrimStart('/'));
            var (bucket, key) = host.Contains(".s3", StringComparison.Ordinal)
                ? (host[..host.IndexOf(".s3", StringComparison.Ordinal)], path)
                : (path.Split('/', 2)[0], path.Split('/', 2).ElementAtOrDefault(1) ?? "");
            var bytes = await objects.ReadAsync(bucket, key, null, caller)
                ?? throw StackErrors.Validation($"S3 error: The specified key does not exist. ({url})");
            return System.Text.Encoding.UTF8.GetString(bytes);
        }

        throw StackErrors.Validation("Either Template URL or Template Body must be specified.");
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 1, Level = LogLevel.Error, Message = "Stack {StackName}: the operation crashed")]
        public static partial void OperationCrashed(ILogger logger, string stackName, Exception exception);
    }
}
