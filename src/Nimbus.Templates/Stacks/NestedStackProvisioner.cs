using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Nimbus.Core.Errors;
using Nimbus.Core.Provisioning;

namespace Nimbus.Templates.Stacks;

/// <summary>
/// <c>AWS::CloudFormation::Stack</c> (and so SAM's <c>AWS::Serverless::Application</c>): a nested stack, created, updated and
/// deleted through the same engine as its parent, with the parent's capabilities.
/// </summary>
/// <remarks>
/// As CloudFormation: the child is named <c>{parent}-{logicalId}-{suffix}</c>, <c>Ref</c> gives its stack id, every output is
/// readable as <c>Fn::GetAtt Child.Outputs.Name</c>, and a child that fails (and rolls back) fails the parent's resource with
/// "Embedded stack … was not successfully created: …". <c>TemplateURL</c> names an object in Nimbus's S3, as
/// <c>nimbus deploy</c> (like <c>sam package</c>) uploads nested templates.
/// </remarks>
internal sealed class NestedStackProvisioner(IServiceProvider services) : IResourceProvisioner
{
    private static readonly string[] AllCapabilities = ["CAPABILITY_IAM", "CAPABILITY_NAMED_IAM", "CAPABILITY_AUTO_EXPAND"];

    public string ResourceType => "AWS::CloudFormation::Stack";

    // Every property of a nested stack updates it in place (CloudFormation: "Update requires: No interruption").
    public bool RequiresReplacement(string property) => false;

    private StackEngine Engine => services.GetRequiredService<StackEngine>();

    public async Task<ProvisionedResource> CreateAsync(ProvisioningRequest request, CancellationToken cancellationToken)
    {
        var name = PhysicalNames.Generate(request.StackName, request.LogicalId, 128);
        string id;
        try
        {
            var root = Engine.Store.GetStack(request.StackId)?.RootId ?? request.StackId;
            id = await Engine.CreateStackAsync(Request(name, request.Properties) with { ParentId = request.StackId, RootId = root }, request.Caller);
        }
        catch (AwsServiceException e)
        {
            throw new ProvisioningException(e.Error.Message);
        }

        return await SettledAsync(id, "created", StackStatus.CreateComplete);
    }

    public async Task<ProvisionedResource> UpdateAsync(ProvisioningRequest request, CancellationToken cancellationToken)
    {
        var id = request.PhysicalId!;
        try
        {
            await Engine.UpdateStackAsync(Request(id, request.Properties), request.Caller);
        }
        catch (AwsServiceException e) when (e.Error.Message == "No updates are to be performed.")
        {
            return Outputs(Engine.Store.GetStack(id)!);
        }
        catch (AwsServiceException e)
        {
            throw new ProvisioningException(e.Error.Message);
        }

        return await SettledAsync(id, "updated", StackStatus.UpdateComplete);
    }

    public async Task DeleteAsync(ProvisioningRequest request, CancellationToken cancellationToken)
    {
        if (request.PhysicalId is not { } id || Engine.Store.GetStack(id) is not { IsDeleted: false })
        {
            return;
        }

        Engine.DeleteStack(request.Caller, id, new HashSet<string>(StringComparer.Ordinal));
        await Engine.WhenIdleAsync(id);
        var after = Engine.Store.GetStack(id);
        if (after is { IsDeleted: false })
        {
            throw new ProvisioningException($"Embedded stack {id} was not successfully deleted: {after.StatusReason}");
        }
    }

    private async Task<ProvisionedResource> SettledAsync(string id, string verb, string success)
    {
        await Engine.WhenIdleAsync(id);
        var child = Engine.Store.GetStack(id) ?? throw new ProvisioningException($"Embedded stack {id} disappeared.");
        return child.Status == success
            ? Outputs(child)
            : throw new ProvisioningException($"Embedded stack {id} was not successfully {verb}: {child.StatusReason ?? child.Status}");
    }

    private static ProvisionedResource Outputs(StackState child)
    {
        var attributes = new Dictionary<string, JsonNode?>(StringComparer.Ordinal);
        foreach (var output in child.Outputs)
        {
            attributes["Outputs." + output.Key] = output.Value;
        }

        return new ProvisionedResource(child.StackId, attributes);
    }

    private static StackRequest Request(string nameOrId, JsonObject properties)
    {
        var url = properties["TemplateURL"]?.GetValue<string>() ?? throw new ProvisioningException("Property TemplateURL cannot be empty.");
        var parameters = (properties["Parameters"] as JsonObject ?? [])
            .Select(p => new ParameterInput(p.Key, p.Value switch
            {
                JsonArray list => string.Join(",", list.Select(v => v?.ToString())),
                null => null,
                var v => v.ToString(),
            }, UsePreviousValue: false))
            .ToList();
        var tags = (properties["Tags"] as JsonArray ?? [])
            .OfType<JsonObject>()
            .Where(t => t["Key"] is not null)
            .ToDictionary(t => t["Key"]!.ToString(), t => t["Value"]?.ToString() ?? "", StringComparer.Ordinal);
        return new StackRequest
        {
            StackName = nameOrId,
            TemplateUrl = url,
            Parameters = parameters,
            Capabilities = AllCapabilities,
            Tags = tags,
            NotificationArns = (properties["NotificationARNs"] as JsonArray ?? []).Select(a => a!.ToString()).ToList(),
        };
    }
}
