using System.Text.Json.Nodes;
using Nimbus.Core.Provisioning;

namespace Nimbus.Gateway.Provisioning;

/// <summary><c>AWS::ApiGatewayV2::Api</c>: CreateApi (or ImportApi for <c>Body</c>), UpdateApi, DeleteApi; Ref is the API id.</summary>
internal sealed class HttpApiProvisioner(GatewayCalls gateway) : IResourceProvisioner
{
    private static readonly string[] Fields =
    [
        "Name", "ProtocolType", "Description", "CorsConfiguration", "Target", "RouteKey", "CredentialsArn", "RouteSelectionExpression",
        "DisableExecuteApiEndpoint", "DisableSchemaValidation", "Version", "ApiKeySelectionExpression", "Tags",
    ];

    public string ResourceType => "AWS::ApiGatewayV2::Api";

    public bool RequiresReplacement(string property) => property is "ProtocolType" or "Target" or "RouteKey" or "CredentialsArn";

    public async Task<ProvisionedResource> CreateAsync(ProvisioningRequest request, CancellationToken cancellationToken)
    {
        var p = request.Properties;
        JsonNode? result;
        if (p["Body"] is { } body)
        {
            result = await gateway.CallAsync("PUT", "/v2/apis", new JsonObject { ["body"] = body is JsonValue ? body.ToString() : body.ToJsonString() }, request.Caller);
        }
        else
        {
            var input = GatewayCalls.Camel(p, Fields);
            input["name"] ??= PhysicalNames.Generate(request.StackName, request.LogicalId, 128);
            result = await gateway.CallAsync("POST", "/v2/apis", input, request.Caller);
        }

        return Resource(result);
    }

    public async Task<ProvisionedResource> UpdateAsync(ProvisioningRequest request, CancellationToken cancellationToken)
    {
        var p = request.Properties;
        JsonNode? result;
        if (p["Body"] is { } body)
        {
            result = await gateway.CallAsync("PUT", $"/v2/apis/{request.PhysicalId}", new JsonObject { ["body"] = body is JsonValue ? body.ToString() : body.ToJsonString() }, request.Caller);
        }
        else
        {
            var input = GatewayCalls.Camel(p, Fields.Where(f => f is not ("ProtocolType" or "Target" or "RouteKey" or "CredentialsArn" or "Tags")));
            result = await gateway.CallAsync("PATCH", $"/v2/apis/{request.PhysicalId}", input, request.Caller);
        }

        return Resource(result);
    }

    public Task DeleteAsync(ProvisioningRequest request, CancellationToken cancellationToken) => gateway.DeleteAsync($"/v2/apis/{request.PhysicalId}", request.Caller);

    private static ProvisionedResource Resource(JsonNode? result)
    {
        var id = result!["apiId"]!.GetValue<string>();
        return new ProvisionedResource(id, new Dictionary<string, JsonNode?> { ["ApiId"] = id, ["ApiEndpoint"] = result["apiEndpoint"]?.DeepClone() });
    }
}

/// <summary>A child of an HTTP API (integration, route, stage, deployment) created and changed through its collection.</summary>
internal abstract class HttpApiChildProvisioner(GatewayCalls gateway, string type, string collection, string idField, string[] fields) : IResourceProvisioner
{
    public string ResourceType => type;

    public virtual bool RequiresReplacement(string property) => property == "ApiId";

    protected GatewayCalls Gateway => gateway;

    public async Task<ProvisionedResource> CreateAsync(ProvisioningRequest request, CancellationToken cancellationToken)
    {
        var input = GatewayCalls.Camel(request.Properties, fields);
        var result = await gateway.CallAsync("POST", $"/v2/apis/{request.String("ApiId")}/{collection}", input, request.Caller);
        var id = result![idField]!.ToString();
        return new ProvisionedResource(id, Attributes(result));
    }

    public virtual async Task<ProvisionedResource> UpdateAsync(ProvisioningRequest request, CancellationToken cancellationToken)
    {
        var input = GatewayCalls.Camel(request.Properties, fields.Where(f => !RequiresReplacement(f)));
        var result = await gateway.CallAsync("PATCH", $"/v2/apis/{request.String("ApiId")}/{collection}/{Uri.EscapeDataString(request.PhysicalId!)}", input, request.Caller);
        return new ProvisionedResource(request.PhysicalId!, Attributes(result!));
    }

    public Task DeleteAsync(ProvisioningRequest request, CancellationToken cancellationToken) =>
        gateway.DeleteAsync($"/v2/apis/{request.String("ApiId")}/{collection}/{Uri.EscapeDataString(request.PhysicalId!)}", request.Caller);

    protected virtual Dictionary<string, JsonNode?> Attributes(JsonNode result) => [];
}

internal sealed class HttpIntegrationProvisioner(GatewayCalls gateway) : HttpApiChildProvisioner(gateway, "AWS::ApiGatewayV2::Integration", "integrations", "integrationId",
[
    "IntegrationType", "IntegrationUri", "IntegrationMethod", "PayloadFormatVersion", "TimeoutInMillis", "Description", "ConnectionType",
    "ConnectionId", "CredentialsArn", "RequestParameters", "ResponseParameters", "RequestTemplates", "TemplateSelectionExpression",
    "IntegrationSubtype", "PassthroughBehavior", "ContentHandlingStrategy", "TlsConfig",
]);

internal sealed class HttpRouteProvisioner(GatewayCalls gateway) : HttpApiChildProvisioner(gateway, "AWS::ApiGatewayV2::Route", "routes", "routeId",
[
    "RouteKey", "Target", "AuthorizationType", "AuthorizerId", "AuthorizationScopes", "ApiKeyRequired", "OperationName",
    "RequestParameters", "RequestModels", "RouteResponseSelectionExpression", "ModelSelectionExpression",
]);

internal sealed class HttpStageProvisioner(GatewayCalls gateway) : HttpApiChildProvisioner(gateway, "AWS::ApiGatewayV2::Stage", "stages", "stageName",
[
    "StageName", "AutoDeploy", "DeploymentId", "Description", "StageVariables", "DefaultRouteSettings", "RouteSettings", "AccessLogSettings", "Tags",
])
{
    public override bool RequiresReplacement(string property) => property is "ApiId" or "StageName";
}

internal sealed class HttpDeploymentProvisioner(GatewayCalls gateway) : HttpApiChildProvisioner(gateway, "AWS::ApiGatewayV2::Deployment", "deployments", "deploymentId",
[
    "Description", "StageName",
])
{
    public override bool RequiresReplacement(string property) => property != "Description";

    public override Task<ProvisionedResource> UpdateAsync(ProvisioningRequest request, CancellationToken cancellationToken) =>
        Task.FromResult(new ProvisionedResource(request.PhysicalId!, request.PreviousAttributes));
}
