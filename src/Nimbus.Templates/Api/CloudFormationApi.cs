using System.Globalization;
using System.Text.Json.Nodes;
using System.Xml.Linq;
using Microsoft.AspNetCore.Http;
using Nimbus.Core.Errors;
using Nimbus.Core.Identity;
using Nimbus.Core.Protocols;
using Nimbus.Templates.Stacks;
using static Nimbus.Templates.Api.CfnXml;

namespace Nimbus.Templates.Api;

/// <summary>The CloudFormation API (query protocol, 2010-05-15): stacks, resources, events, templates, change sets, exports.</summary>
internal sealed partial class CloudFormationApi(StackEngine engine) : IQueryProtocolService
{
    private const int PageSize = 100;

    private static readonly HashSet<string> Actions =
    [
        "CreateStack", "UpdateStack", "DeleteStack", "DescribeStacks", "DescribeStackEvents", "DescribeStackResource",
        "DescribeStackResources", "ListStacks", "ListStackResources", "GetTemplate", "GetTemplateSummary", "ValidateTemplate",
        "CreateChangeSet", "DescribeChangeSet", "ExecuteChangeSet", "DeleteChangeSet", "ListChangeSets", "ListExports", "ListImports",
        "UpdateTerminationProtection",
    ];

    public string SigningName => "cloudformation";

    public bool Handles(string action) => Actions.Contains(action);

    private StackStore Store => engine.Store;

    public async Task HandleAsync(HttpContext http, string action, IReadOnlyDictionary<string, string> p, AwsRequestContext caller)
    {
        var id = caller.RequestId;
        switch (action)
        {
            case "CreateStack":
                await WriteAsync(http, action, id, E("StackId", await engine.CreateStackAsync(StackRequestOf(p), caller)));
                break;
            case "UpdateStack":
                await WriteAsync(http, action, id, E("StackId", await engine.UpdateStackAsync(StackRequestOf(p), caller)));
                break;
            case "DeleteStack":
                engine.DeleteStack(caller, p.Required("StackName", "stackName"), p.Strings("RetainResources").ToHashSet(StringComparer.Ordinal));
                await WriteAsync(http, action, id);
                break;
            case "DescribeStacks":
                await DescribeStacks(http, action, p, caller);
                break;
            case "ListStacks":
                await ListStacks(http, action, p, caller);
                break;
            case "DescribeStackEvents":
                await DescribeStackEvents(http, action, p, caller);
                break;
            case "DescribeStackResource":
                await DescribeStackResource(http, action, p, caller);
                break;
            case "DescribeStackResources":
                await DescribeStackResources(http, action, p, caller);
                break;
            case "ListStackResources":
                await ListStackResources(http, action, p, caller);
                break;
            case "GetTemplate":
                await GetTemplate(http, action, p, caller);
                break;
            case "GetTemplateSummary":
                await GetTemplateSummary(http, action, p, caller);
                break;
            case "ValidateTemplate":
                await ValidateTemplate(http, action, p);
                break;
            case "CreateChangeSet":
                var cs = await engine.CreateChangeSetAsync(StackRequestOf(p), caller);
                await WriteAsync(http, action, id, E("Id", cs.ChangeSetId), E("StackId", cs.StackId));
                break;
            case "DescribeChangeSet":
                await DescribeChangeSet(http, action, p, caller);
                break;
            case "ExecuteChangeSet":
                await engine.ExecuteChangeSetAsync(caller, p.Required("ChangeSetName", "changeSetName"), p.Get("StackName"), p.Bool("DisableRollback"));
                await WriteAsync(http, action, id);
                break;
            case "DeleteChangeSet":
                engine.DeleteChangeSet(caller, p.Required("ChangeSetName", "changeSetName"), p.Get("StackName"));
                await WriteAsync(http, action, id);
                break;
            case "ListChangeSets":
                await ListChangeSets(http, action, p, caller);
                break;
            case "ListExports":
                await ListExports(http, action, p, caller);
                break;
            case "ListImports":
                await ListImports(http, action, p, caller);
                break;
            case "UpdateTerminationProtection":
                var stack = engine.Find(caller, p.Required("StackName", "stackName"));
                Store.SaveStack(stack with { TerminationProtection = p.Bool("EnableTerminationProtection") });
                await WriteAsync(http, action, id, E("StackId", stack.StackId));
                break;
            default:
                throw CommonErrors.InvalidAction(action).ToException();
        }
    }

    private static StackRequest StackRequestOf(IReadOnlyDictionary<string, string> p) => new()
    {
        StackName = p.Required("StackName", "stackName"),
        TemplateBody = p.Get("TemplateBody"),
        TemplateUrl = p.Get("TemplateURL"),
        UsePreviousTemplate = p.Bool("UsePreviousTemplate"),
        Parameters = p.Parameters(),
        Capabilities = p.Strings("Capabilities"),
        Tags = p.Tags(),
        NotificationArns = p.Strings("NotificationARNs"),
        DisableRollback = p.Bool("DisableRollback"),
        OnFailure = p.Get("OnFailure"),
        TerminationProtection = p.Bool("EnableTerminationProtection"),
        ChangeSetName = p.Get("ChangeSetName"),
        ChangeSetType = p.Get("ChangeSetType"),
        Description = p.Get("Description"),
    };

    private static (int Start, Func<int, XElement?> Next) Page(IReadOnlyDictionary<string, string> p, int total)
    {
        var start = int.TryParse(p.Get("NextToken"), NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : 0;
        return (start, count => start + count < total ? E("NextToken", (start + count).ToString(CultureInfo.InvariantCulture)) : null);
    }

    private Task DescribeStacks(HttpContext http, string action, IReadOnlyDictionary<string, string> p, AwsRequestContext caller)
    {
        var stacks = p.Get("StackName") is { } name ? [engine.Find(caller, name)] : Store.ListStacks(caller.AccountId, caller.Region, includeDeleted: false);
        var (start, next) = Page(p, stacks.Count);
        var page = stacks.Skip(start).Take(PageSize).ToList();
        return WriteAsync(http, action, caller.RequestId, E("Stacks", page.Select(s => E("member", StackXml(s)))), next(page.Count));
    }

    private static IEnumerable<XElement?> StackXml(StackState s) =>
    [
        E("StackId", s.StackId),
        E("StackName", s.StackName),
        Opt("ChangeSetId", s.ChangeSetId),
        Opt("Description", s.Description),
        E("Parameters", s.Parameters.Select(x => E("member", E("ParameterKey", x.Key), E("ParameterValue", x.NoEcho ? "****" : x.Value)))),
        E("CreationTime", Time(s.CreationTime)),
        Opt("DeletionTime", s.IsDeleted ? s.DeletionTime : null),
        Opt("LastUpdatedTime", s.LastUpdatedTime),
        E("RollbackConfiguration"),
        E("StackStatus", s.Status),
        Opt("StackStatusReason", s.StatusReason),
        E("DisableRollback", s.DisableRollback ? "true" : "false"),
        Members("NotificationARNs", s.NotificationArns),
        Members("Capabilities", s.Capabilities),
        E("Outputs", s.Outputs.Select(o => E("member", E("OutputKey", o.Key), E("OutputValue", o.Value), Opt("Description", o.Description), Opt("ExportName", o.ExportName)))),
        E("Tags", s.Tags.Select(t => E("member", E("Key", t.Key), E("Value", t.Value)))),
        E("EnableTerminationProtection", s.TerminationProtection ? "true" : "false"),
        Opt("ParentId", s.ParentId),
        Opt("RootId", s.RootId),
        E("DriftInformation", E("StackDriftStatus", "NOT_CHECKED")),
    ];

    private Task ListStacks(HttpContext http, string action, IReadOnlyDictionary<string, string> p, AwsRequestContext caller)
    {
        var filter = p.Strings("StackStatusFilter");
        var stacks = Store.ListStacks(caller.AccountId, caller.Region, includeDeleted: true)
            .Where(s => filter.Count == 0 || filter.Contains(s.Status)).ToList();
        var (start, next) = Page(p, stacks.Count);
        var page = stacks.Skip(start).Take(PageSize).ToList();
        return WriteAsync(http, action, caller.RequestId, E("StackSummaries", page.Select(s => E("member",
            E("StackId", s.StackId), E("StackName", s.StackName), Opt("TemplateDescription", s.Description), E("CreationTime", Time(s.CreationTime)),
            Opt("LastUpdatedTime", s.LastUpdatedTime), Opt("DeletionTime", s.IsDeleted ? s.DeletionTime : null), E("StackStatus", s.Status),
            Opt("StackStatusReason", s.StatusReason), Opt("ParentId", s.ParentId), Opt("RootId", s.RootId),
            E("DriftInformation", E("StackDriftStatus", "NOT_CHECKED"))))), next(page.Count));
    }

    private Task DescribeStackEvents(HttpContext http, string action, IReadOnlyDictionary<string, string> p, AwsRequestContext caller)
    {
        var stack = engine.Find(caller, p.Required("StackName", "stackName"));
        var events = Store.Events(stack.StackId);
        var (start, next) = Page(p, events.Count);
        var page = events.Skip(start).Take(PageSize).ToList();
        return WriteAsync(http, action, caller.RequestId, E("StackEvents", page.Select(e => E("member",
            E("StackId", e.StackId), E("EventId", e.EventId), E("StackName", e.StackName), E("LogicalResourceId", e.LogicalId),
            E("PhysicalResourceId", e.PhysicalId ?? ""), E("ResourceType", e.ResourceType), E("Timestamp", Time(e.Timestamp)),
            E("ResourceStatus", e.Status), Opt("ResourceStatusReason", e.Reason), Opt("ResourceProperties", e.Properties)))), next(page.Count));
    }

    private ResourceState Resource(StackState stack, string logicalId) =>
        Store.Resources(stack.StackId).FirstOrDefault(r => r.LogicalId == logicalId)
            ?? throw StackErrors.Validation($"Resource {logicalId} does not exist for stack {stack.StackName}");

    private Task DescribeStackResource(HttpContext http, string action, IReadOnlyDictionary<string, string> p, AwsRequestContext caller)
    {
        var stack = engine.Find(caller, p.Required("StackName", "stackName"));
        var r = Resource(stack, p.Required("LogicalResourceId", "logicalResourceId"));
        return WriteAsync(http, action, caller.RequestId, E("StackResourceDetail",
            E("StackName", stack.StackName), E("StackId", stack.StackId), E("LogicalResourceId", r.LogicalId), Opt("PhysicalResourceId", r.PhysicalId),
            E("ResourceType", r.Type), E("LastUpdatedTimestamp", Time(r.Timestamp)), E("ResourceStatus", r.Status), Opt("ResourceStatusReason", r.StatusReason),
            Opt("Description", r.Description), Opt("Metadata", r.Metadata?.ToJsonString()), E("DriftInformation", E("StackResourceDriftStatus", "NOT_CHECKED"))));
    }

    private Task DescribeStackResources(HttpContext http, string action, IReadOnlyDictionary<string, string> p, AwsRequestContext caller)
    {
        IEnumerable<(StackState Stack, ResourceState Resource)> found;
        if (p.Get("PhysicalResourceId") is { } physical)
        {
            var match = Store.ListStacks(caller.AccountId, caller.Region, includeDeleted: false)
                .SelectMany(s => Store.Resources(s.StackId).Select(r => (s, r))).FirstOrDefault(x => x.r.PhysicalId == physical);
            if (match.s is null)
            {
                throw StackErrors.Validation($"Stack for {physical} does not exist");
            }

            found = [match];
        }
        else
        {
            var stack = engine.Find(caller, p.Required("StackName", "stackName"));
            found = Store.Resources(stack.StackId).Select(r => (stack, r));
        }

        if (p.Get("LogicalResourceId") is { } logical)
        {
            found = found.Where(x => x.Resource.LogicalId == logical);
        }

        return WriteAsync(http, action, caller.RequestId, E("StackResources", found.Select(x => E("member",
            E("StackName", x.Stack.StackName), E("StackId", x.Stack.StackId), E("LogicalResourceId", x.Resource.LogicalId),
            Opt("PhysicalResourceId", x.Resource.PhysicalId), E("ResourceType", x.Resource.Type), E("Timestamp", Time(x.Resource.Timestamp)),
            E("ResourceStatus", x.Resource.Status), Opt("ResourceStatusReason", x.Resource.StatusReason), Opt("Description", x.Resource.Description),
            E("DriftInformation", E("StackResourceDriftStatus", "NOT_CHECKED"))))));
    }

    private Task ListStackResources(HttpContext http, string action, IReadOnlyDictionary<string, string> p, AwsRequestContext caller)
    {
        var stack = engine.Find(caller, p.Required("StackName", "stackName"));
        var resources = Store.Resources(stack.StackId);
        var (start, next) = Page(p, resources.Count);
        var page = resources.Skip(start).Take(PageSize).ToList();
        return WriteAsync(http, action, caller.RequestId, E("StackResourceSummaries", page.Select(r => E("member",
            E("LogicalResourceId", r.LogicalId), Opt("PhysicalResourceId", r.PhysicalId), E("ResourceType", r.Type),
            E("LastUpdatedTimestamp", Time(r.Timestamp)), E("ResourceStatus", r.Status), Opt("ResourceStatusReason", r.StatusReason),
            E("DriftInformation", E("StackResourceDriftStatus", "NOT_CHECKED"))))), next(page.Count));
    }

    private Task GetTemplate(HttpContext http, string action, IReadOnlyDictionary<string, string> p, AwsRequestContext caller)
    {
        string body;
        var processed = p.Get("TemplateStage") == "Processed";
        if (p.Get("ChangeSetName") is { } csName)
        {
            body = engine.FindChangeSet(caller, csName, p.Get("StackName")).TemplateBody;
        }
        else
        {
            var stack = engine.Find(caller, p.Required("StackName", "stackName"));
            body = processed ? JsonNode.Parse(stack.ProcessedTemplate)!.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true }) : stack.TemplateBody;
        }

        return WriteAsync(http, action, caller.RequestId, E("TemplateBody", body), Members("StagesAvailable", ["Original", "Processed"]));
    }
}
