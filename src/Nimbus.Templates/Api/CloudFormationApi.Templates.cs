using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Nimbus.Core.Identity;
using Nimbus.Templates.Stacks;
using static Nimbus.Templates.Api.CfnXml;

namespace Nimbus.Templates.Api;

/// <summary>ValidateTemplate, GetTemplateSummary, change sets, exports and imports.</summary>
internal sealed partial class CloudFormationApi
{
    private async Task<JsonObject> TemplateOf(IReadOnlyDictionary<string, string> p, AwsRequestContext caller)
    {
        if (p.Get("StackName") is { } name && p.Get("TemplateBody") is null && p.Get("TemplateURL") is null)
        {
            return TemplatePreparer.Parse(engine.Find(caller, name).TemplateBody);
        }

        if (p.Get("TemplateBody") is { } body)
        {
            return TemplatePreparer.Parse(body);
        }

        if (p.Get("TemplateURL") is { } url)
        {
            var stackless = new StackRequest { StackName = "validate", TemplateUrl = url };
            return TemplatePreparer.Parse(await engine.TemplateBodyForAsync(stackless, caller));
        }

        throw StackErrors.Validation("Either Template URL or Template Body must be specified.");
    }

    private async Task ValidateTemplate(HttpContext http, string action, IReadOnlyDictionary<string, string> p)
    {
        var caller = CallerResolver.Resolve(http);
        var template = await TemplateOf(p, caller);
        var transforms = TemplatePreparer.Transforms(template);
        if (template["Resources"] is not JsonObject { Count: > 0 })
        {
            throw StackErrors.Validation("Template format error: At least one Resources member must be defined.");
        }

        var capabilities = TemplatePreparer.Capabilities(template);
        await WriteAsync(http, action, caller.RequestId,
            E("Parameters", ((template["Parameters"] as JsonObject) ?? []).Select(x => E("member",
                E("ParameterKey", x.Key), Opt("DefaultValue", x.Value?["Default"]?.ToString()),
                E("NoEcho", x.Value?["NoEcho"]?.ToString().Equals("true", StringComparison.OrdinalIgnoreCase) == true ? "true" : "false"),
                Opt("Description", x.Value?["Description"]?.ToString())))),
            Opt("Description", template["Description"]?.ToString()),
            Members("Capabilities", capabilities),
            capabilities.Count > 0 ? E("CapabilitiesReason", "The following resource(s) require capabilities: [" + string.Join(", ", IamResourceTypes(template)) + "]") : null,
            Members("DeclaredTransforms", transforms));
    }

    private static IEnumerable<string> IamResourceTypes(JsonObject template) =>
        ((template["Resources"] as JsonObject) ?? []).Select(r => r.Value?["Type"]?.ToString() ?? "").Where(t => t.StartsWith("AWS::IAM::", StringComparison.Ordinal)).Distinct();

    private async Task GetTemplateSummary(HttpContext http, string action, IReadOnlyDictionary<string, string> p, AwsRequestContext caller)
    {
        var template = await TemplateOf(p, caller);
        var resources = (template["Resources"] as JsonObject) ?? [];
        await WriteAsync(http, action, caller.RequestId,
            E("Parameters", ((template["Parameters"] as JsonObject) ?? []).Select(x => E("member",
                E("ParameterKey", x.Key), Opt("DefaultValue", x.Value?["Default"]?.ToString()), E("ParameterType", x.Value?["Type"]?.ToString() ?? "String"),
                E("NoEcho", x.Value?["NoEcho"]?.ToString().Equals("true", StringComparison.OrdinalIgnoreCase) == true ? "true" : "false"),
                Opt("Description", x.Value?["Description"]?.ToString()),
                E("ParameterConstraints", x.Value?["AllowedValues"] is JsonArray allowed ? Members("AllowedValues", allowed.Select(a => a?.ToString())) : null)))),
            Opt("Description", template["Description"]?.ToString()),
            Members("Capabilities", TemplatePreparer.Capabilities(template)),
            Members("ResourceTypes", resources.Select(r => r.Value?["Type"]?.ToString()).Distinct()),
            Opt("Version", template["AWSTemplateFormatVersion"]?.ToString()),
            Opt("Metadata", template["Metadata"]?.ToJsonString()),
            Members("DeclaredTransforms", TemplatePreparer.Transforms(template)));
    }

    private Task DescribeChangeSet(HttpContext http, string action, IReadOnlyDictionary<string, string> p, AwsRequestContext caller)
    {
        var cs = engine.FindChangeSet(caller, p.Required("ChangeSetName", "changeSetName"), p.Get("StackName"));
        return WriteAsync(http, action, caller.RequestId,
            E("ChangeSetName", cs.ChangeSetName), E("ChangeSetId", cs.ChangeSetId), E("StackId", cs.StackId), E("StackName", cs.StackName),
            Opt("Description", cs.Description),
            E("Parameters", cs.Parameters.Select(x => E("member", E("ParameterKey", x.Key), E("ParameterValue", x.NoEcho ? "****" : x.Value)))),
            E("CreationTime", Time(cs.CreationTime)), E("ExecutionStatus", cs.ExecutionStatus), E("Status", cs.Status), Opt("StatusReason", cs.StatusReason),
            E("NotificationARNs"), E("RollbackConfiguration"), Members("Capabilities", cs.Capabilities),
            E("Tags", cs.Tags.Select(t => E("member", E("Key", t.Key), E("Value", t.Value)))),
            E("Changes", cs.Changes.Select(c => E("member", E("Type", "Resource"), E("ResourceChange",
                E("Action", c.Action), E("LogicalResourceId", c.LogicalId), Opt("PhysicalResourceId", c.PhysicalId), E("ResourceType", c.ResourceType),
                Opt("Replacement", c.Replacement), Members("Scope", c.Scope),
                E("Details", c.Details.Select(d => E("member",
                    E("Target", E("Attribute", "Properties"), E("Name", d.Name), E("RequiresRecreation", d.RequiresRecreation)),
                    E("Evaluation", d.Evaluation), E("ChangeSource", d.ChangeSource)))))))),
            E("IncludeNestedStacks", "false"));
    }

    private Task ListChangeSets(HttpContext http, string action, IReadOnlyDictionary<string, string> p, AwsRequestContext caller)
    {
        var stack = engine.Find(caller, p.Required("StackName", "stackName"));
        return WriteAsync(http, action, caller.RequestId, E("Summaries", Store.ChangeSets(stack.StackId).Select(cs => E("member",
            E("StackId", cs.StackId), E("StackName", cs.StackName), E("ChangeSetId", cs.ChangeSetId), E("ChangeSetName", cs.ChangeSetName),
            E("ExecutionStatus", cs.ExecutionStatus), E("Status", cs.Status), Opt("StatusReason", cs.StatusReason), E("CreationTime", Time(cs.CreationTime)),
            Opt("Description", cs.Description), E("IncludeNestedStacks", "false")))));
    }

    private Task ListExports(HttpContext http, string action, IReadOnlyDictionary<string, string> p, AwsRequestContext caller)
    {
        var exports = Store.Exports(caller.AccountId, caller.Region);
        var (start, next) = Page(p, exports.Count);
        var page = exports.Skip(start).Take(PageSize).ToList();
        return WriteAsync(http, action, caller.RequestId, E("Exports", page.Select(e => E("member",
            E("ExportingStackId", e.StackId), E("Name", e.Name), E("Value", e.Value)))), next(page.Count));
    }

    private Task ListImports(HttpContext http, string action, IReadOnlyDictionary<string, string> p, AwsRequestContext caller)
    {
        var name = p.Required("ExportName", "exportName");
        if (Store.Exports(caller.AccountId, caller.Region).All(e => e.Name != name))
        {
            throw StackErrors.Validation($"Export '{name}' does not exist.");
        }

        return WriteAsync(http, action, caller.RequestId, Members("Imports", Store.Importers(caller.AccountId, caller.Region, name)));
    }
}
