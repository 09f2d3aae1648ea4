using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Nimbus.Core.Identity;
using Nimbus.Core.Provisioning;
using Nimbus.Templates.Intrinsics;

namespace Nimbus.Templates.Stacks;

/// <summary>One create, update or delete of one stack: applies resources in dependency order, rolls back on failure, writes events.</summary>
/// <remarks>
/// Runs on a background task; the stack's record, its resources and events are written to the store as they change, so
/// DescribeStacks/DescribeStackEvents show progress and a restart finds the resources that exist. Resources whose
/// dependencies are done run concurrently; the stack record is only written by the orchestrating flow.
/// </remarks>
internal sealed partial class StackOperation(StackStore store, ProvisionerRegistry provisioners, TimeProvider time, StackState stack, AwsRequestContext caller)
{
    private readonly ConcurrentDictionary<string, ResourceState> _live = new(StringComparer.Ordinal);

    public StackState Stack { get; private set; } = stack;

    private DateTimeOffset Now => time.GetUtcNow();

    private void SetStatus(string status, string? reason, Func<StackState, StackState>? change = null)
    {
        var next = (change?.Invoke(Stack) ?? Stack) with { Status = status, StatusReason = reason };
        Stack = next;
        store.SaveStack(next);
        store.AddEvent(new StackEventRecord(next.StackId, Guid.NewGuid().ToString(), next.StackName, next.StackName, next.StackId,
            "AWS::CloudFormation::Stack", Now, status, reason, null));
    }

    private ResourceState Record(ResourceState r, string? properties = null)
    {
        _live[r.LogicalId] = r;
        store.SaveResource(Stack.StackId, r);
        store.AddEvent(new StackEventRecord(Stack.StackId, $"{r.LogicalId}-{r.Status}-{r.Timestamp:yyyy-MM-ddTHH:mm:ss.fffZ}", Stack.StackName, r.LogicalId,
            r.PhysicalId ?? "", r.Type, r.Timestamp, r.Status, r.StatusReason, properties));
        return r;
    }

    private ProvisioningRequest Request(string logicalId, string type, JsonObject properties) =>
        new(logicalId, type, properties, caller, Stack.StackName, Stack.StackId);

    private IntrinsicEvaluator Evaluator(PreparedTemplate template, string? pending = null) => new(new IntrinsicContext
    {
        Region = caller.Region,
        AccountId = caller.AccountId,
        StackName = Stack.StackName,
        StackId = Stack.StackId,
        Parameters = template.ParameterValues,
        Mappings = template.Processed["Mappings"] as JsonObject,
        Conditions = template.Processed["Conditions"] as JsonObject,
        Resources = new LiveResolver(_live, ExportValue, pending),
    });

    private string? ExportValue(string name) =>
        store.Exports(caller.AccountId, caller.Region).FirstOrDefault(e => e.Name == name)?.Value;

    /// <summary>The resources whose Condition holds.</summary>
    private static List<string> Included(PreparedTemplate template, IntrinsicEvaluator evaluator) =>
        template.Resources.Where(p => p.Value?["Condition"]?.ToString() is not { } c || evaluator.EvaluateCondition(c)).Select(p => p.Key).ToList();

    private static string Reason(Exception e) => e switch
    {
        Core.Errors.AwsServiceException a => $"{a.Message} (Service: {a.Error.Code}; Status Code: {a.Error.StatusCode})",
        AggregateException { InnerException: { } inner } => Reason(inner),
        _ => e.Message,
    };
}
