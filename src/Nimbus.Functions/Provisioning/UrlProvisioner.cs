using System.Text.Json.Nodes;
using Nimbus.Core.Errors;
using Nimbus.Core.Provisioning;

namespace Nimbus.Functions.Provisioning;

/// <summary><c>AWS::Lambda::Url</c>: Create/Update/DeleteFunctionUrlConfig; Ref and <c>FunctionArn</c> are the (qualified)
/// function ARN, <c>FunctionUrl</c> the URL.</summary>
/// <remarks><c>TargetFunctionArn</c> may be a name or an ARN, with an alias in it (SAM's <c>AutoPublishAlias</c> passes the
/// alias ARN) or in <c>Qualifier</c>. Changing either replaces the URL (a new URL id), as CloudFormation does.</remarks>
internal sealed class UrlProvisioner(LambdaCalls lambda) : IResourceProvisioner
{
    public string ResourceType => "AWS::Lambda::Url";

    public bool RequiresReplacement(string property) => property is "TargetFunctionArn" or "Qualifier";

    public async Task<ProvisionedResource> CreateAsync(ProvisioningRequest request, CancellationToken cancellationToken)
    {
        var body = Body(request.Properties);
        if (body["AuthType"] is null)
        {
            throw new ProvisioningException("Properties validation failed for resource: required key [AuthType] not found");
        }

        var result = await lambda.CallAsync("POST", Path(request), body, request.Caller);
        return Resource(result);
    }

    public async Task<ProvisionedResource> UpdateAsync(ProvisioningRequest request, CancellationToken cancellationToken)
    {
        var body = Body(request.Properties);

        // A property removed from the template goes back to its default.
        body["Cors"] ??= new JsonObject();
        body["InvokeMode"] ??= "BUFFERED";
        var result = await lambda.CallAsync("PUT", Path(request), body, request.Caller);
        return Resource(result);
    }

    public async Task DeleteAsync(ProvisioningRequest request, CancellationToken cancellationToken)
    {
        try
        {
            await lambda.DeleteAsync(Path(request), request.Caller);
        }
        catch (AwsServiceException e) when (e.Error.Code == "ValidationException")
        {
            // The target is no longer a valid name (nothing was created for it).
        }
    }

    private static string Path(ProvisioningRequest request)
    {
        var target = request.String("TargetFunctionArn") ?? throw new ProvisioningException("Properties validation failed for resource: required key [TargetFunctionArn] not found");
        var path = $"/2021-10-31/functions/{LambdaCalls.Escape(target)}/url";
        return request.String("Qualifier") is { Length: > 0 } qualifier ? $"{path}?Qualifier={Uri.EscapeDataString(qualifier)}" : path;
    }

    private static JsonObject Body(JsonObject p)
    {
        var body = new JsonObject();
        foreach (var key in new[] { "AuthType", "Cors", "InvokeMode" }.Where(k => p[k] is not null))
        {
            body[key] = p[key]!.DeepClone();
        }

        return body;
    }

    private static ProvisionedResource Resource(JsonNode? result)
    {
        var arn = result!["FunctionArn"]!.GetValue<string>();
        return new ProvisionedResource(arn, new Dictionary<string, JsonNode?>
        {
            ["FunctionArn"] = arn,
            ["FunctionUrl"] = result["FunctionUrl"]!.GetValue<string>(),
        });
    }
}
