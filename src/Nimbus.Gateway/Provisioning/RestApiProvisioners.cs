using System.Text.Json.Nodes;
using Nimbus.Core.Provisioning;

namespace Nimbus.Gateway.Provisioning;

/// <summary><c>AWS::ApiGateway::RestApi</c>: CreateRestApi/UpdateRestApi/DeleteRestApi, or ImportRestApi/PutRestApi for an inline
/// <c>Body</c>; Ref is the API id, <c>RootResourceId</c> its "/".</summary>
internal sealed class RestApiProvisioner(GatewayCalls gateway) : IResourceProvisioner
{
    public string ResourceType => "AWS::ApiGateway::RestApi";

    public bool RequiresReplacement(string property) => property is "BodyS3Location";

    public async Task<ProvisionedResource> CreateAsync(ProvisioningRequest request, CancellationToken cancellationToken)
    {
        if (request.Properties["BodyS3Location"] is not null)
        {
            throw new ProvisioningException("RestApi BodyS3Location is not supported by Nimbus yet; inline the OpenAPI definition as Body.");
        }

        string id;
        if (Definition(request) is { } definition)
        {
            // ImportRestApi with the inline OpenAPI definition; Name/Description given as properties override the document's.
            var result = await gateway.CallAsync("POST", "/restapis?" + ImportQuery(request, "import"), definition, request.Caller);
            id = result!["id"]!.GetValue<string>();
            await PatchNameAndDescription(id, request);
        }
        else
        {
            var input = GatewayCalls.Camel(request.Properties, ["Name", "Description", "BinaryMediaTypes", "EndpointConfiguration", "ApiKeySourceType", "MinimumCompressionSize", "DisableExecuteApiEndpoint", "Tags"]);
            input["name"] ??= PhysicalNames.Generate(request.StackName, request.LogicalId, 128);
            var result = await gateway.CallAsync("POST", "/restapis", input, request.Caller);
            id = result!["id"]!.GetValue<string>();
        }

        return new ProvisionedResource(id, await Attributes(id, request));
    }

    public async Task<ProvisionedResource> UpdateAsync(ProvisioningRequest request, CancellationToken cancellationToken)
    {
        if (Definition(request) is { } definition)
        {
            // PutRestApi: CloudFormation's Mode (overwrite by default here, as a changed template means the new document).
            var mode = request.String("Mode") is "merge" ? "merge" : "overwrite";
            await gateway.CallAsync("PUT", $"/restapis/{request.PhysicalId}?" + ImportQuery(request, mode), definition, request.Caller);
        }

        await PatchNameAndDescription(request.PhysicalId!, request);
        return new ProvisionedResource(request.PhysicalId!, await Attributes(request.PhysicalId!, request));
    }

    private async Task PatchNameAndDescription(string id, ProvisioningRequest request)
    {
        var ops = new JsonArray();
        foreach (var key in new[] { "Name", "Description" }.Where(k => request.String(k) is not null))
        {
            ops.Add(new JsonObject { ["op"] = "replace", ["path"] = "/" + char.ToLowerInvariant(key[0]) + key[1..], ["value"] = request.String(key) });
        }

        if (ops.Count > 0)
        {
            await gateway.CallAsync("PATCH", $"/restapis/{id}", new JsonObject { ["patchOperations"] = ops }, request.Caller);
        }
    }

    /// <summary>The inline <c>Body</c>: a JSON object, or a JSON/YAML document as a string.</summary>
    private static JsonObject? Definition(ProvisioningRequest request) => request.Properties["Body"] switch
    {
        JsonObject o => o,
        JsonValue v when v.TryGetValue<string>(out var text) => Management.RestApiImporter.Parse(text),
        _ => null,
    };

    private static string ImportQuery(ProvisioningRequest request, string mode)
    {
        var query = new List<string> { "mode=" + mode };
        if (request.Properties["FailOnWarnings"] is JsonValue fail && fail.ToString().Equals("true", StringComparison.OrdinalIgnoreCase))
        {
            query.Add("failonwarnings=true");
        }

        if (request.Properties["EndpointConfiguration"]?["Types"] is JsonArray { Count: > 0 } types)
        {
            query.Add("endpointConfigurationTypes=" + Uri.EscapeDataString(types[0]!.ToString()));
        }

        foreach (var (key, value) in request.Properties["Parameters"] as JsonObject ?? [])
        {
            query.Add(Uri.EscapeDataString(key) + "=" + Uri.EscapeDataString(value?.ToString() ?? ""));
        }

        return string.Join('&', query);
    }

    public Task DeleteAsync(ProvisioningRequest request, CancellationToken cancellationToken) => gateway.DeleteAsync($"/restapis/{request.PhysicalId}", request.Caller);

    private async Task<Dictionary<string, JsonNode?>> Attributes(string id, ProvisioningRequest request)
    {
        var resources = await gateway.CallAsync("GET", $"/restapis/{id}/resources", null, request.Caller);
        var root = (resources?["item"] as JsonArray ?? []).FirstOrDefault(r => r?["path"]?.ToString() == "/")?["id"]?.ToString();
        return new Dictionary<string, JsonNode?> { ["RootResourceId"] = root, ["RestApiId"] = id };
    }
}

/// <summary><c>AWS::ApiGateway::Resource</c>: CreateResource/DeleteResource; every change replaces it.</summary>
internal sealed class RestResourceProvisioner(GatewayCalls gateway) : IResourceProvisioner
{
    public string ResourceType => "AWS::ApiGateway::Resource";

    public bool RequiresReplacement(string property) => true;

    public async Task<ProvisionedResource> CreateAsync(ProvisioningRequest request, CancellationToken cancellationToken)
    {
        var result = await gateway.CallAsync("POST", $"/restapis/{request.String("RestApiId")}/resources/{request.String("ParentId")}",
            new JsonObject { ["pathPart"] = request.String("PathPart") }, request.Caller);
        var id = result!["id"]!.GetValue<string>();
        return new ProvisionedResource(id, new Dictionary<string, JsonNode?> { ["ResourceId"] = id });
    }

    public Task<ProvisionedResource> UpdateAsync(ProvisioningRequest request, CancellationToken cancellationToken) => CreateAsync(request, cancellationToken);

    public Task DeleteAsync(ProvisioningRequest request, CancellationToken cancellationToken) =>
        gateway.DeleteAsync($"/restapis/{request.String("RestApiId")}/resources/{request.PhysicalId}", request.Caller);
}

/// <summary><c>AWS::ApiGateway::Method</c>: PutMethod, PutIntegration and their responses; an update puts them again.</summary>
internal sealed class RestMethodProvisioner(GatewayCalls gateway) : IResourceProvisioner
{
    public string ResourceType => "AWS::ApiGateway::Method";

    public bool RequiresReplacement(string property) => property is "RestApiId" or "ResourceId" or "HttpMethod";

    public async Task<ProvisionedResource> CreateAsync(ProvisioningRequest request, CancellationToken cancellationToken)
    {
        var p = request.Properties;
        var path = Path(request);
        var method = GatewayCalls.Camel(p, ["AuthorizationType", "AuthorizerId", "ApiKeyRequired", "OperationName", "RequestParameters", "RequestModels", "RequestValidatorId", "AuthorizationScopes"]);
        method["authorizationType"] ??= "NONE";
        await gateway.CallAsync("PUT", path, method, request.Caller);
        foreach (var response in (p["MethodResponses"] as JsonArray ?? []).OfType<JsonObject>())
        {
            await gateway.CallAsync("PUT", $"{path}/responses/{response["StatusCode"]}", GatewayCalls.Camel(response, ["ResponseParameters", "ResponseModels"]), request.Caller);
        }

        if (p["Integration"] is JsonObject integration)
        {
            var body = GatewayCalls.Camel(integration, ["Type", "Uri", "Credentials", "RequestParameters", "RequestTemplates", "PassthroughBehavior", "ContentHandling", "TimeoutInMillis", "CacheKeyParameters", "CacheNamespace", "ConnectionType", "ConnectionId"]);
            if (integration["IntegrationHttpMethod"] is { } httpMethod)
            {
                body["httpMethod"] = httpMethod.DeepClone();
            }

            await gateway.CallAsync("PUT", path + "/integration", body, request.Caller);
            foreach (var response in (integration["IntegrationResponses"] as JsonArray ?? []).OfType<JsonObject>())
            {
                await gateway.CallAsync("PUT", $"{path}/integration/responses/{response["StatusCode"]}",
                    GatewayCalls.Camel(response, ["SelectionPattern", "ResponseParameters", "ResponseTemplates", "ContentHandling"]), request.Caller);
            }
        }

        return new ProvisionedResource(PhysicalNames.Generate(request.StackName, request.LogicalId, 128));
    }

    public async Task<ProvisionedResource> UpdateAsync(ProvisioningRequest request, CancellationToken cancellationToken)
    {
        await gateway.DeleteAsync(Path(request), request.Caller);
        await CreateAsync(request, cancellationToken);
        return new ProvisionedResource(request.PhysicalId!);
    }

    public Task DeleteAsync(ProvisioningRequest request, CancellationToken cancellationToken) => gateway.DeleteAsync(Path(request), request.Caller);

    private static string Path(ProvisioningRequest r) => $"/restapis/{r.String("RestApiId")}/resources/{r.String("ResourceId")}/methods/{r.String("HttpMethod")}";
}

/// <summary><c>AWS::ApiGateway::Deployment</c>: CreateDeployment (with an optional stage)/DeleteDeployment; Ref is the deployment id.</summary>
internal sealed class RestDeploymentProvisioner(GatewayCalls gateway) : IResourceProvisioner
{
    public string ResourceType => "AWS::ApiGateway::Deployment";

    public bool RequiresReplacement(string property) => property != "Description" && property != "StageDescription";

    public async Task<ProvisionedResource> CreateAsync(ProvisioningRequest request, CancellationToken cancellationToken)
    {
        var input = GatewayCalls.Camel(request.Properties, ["StageName", "Description"]);
        var result = await gateway.CallAsync("POST", $"/restapis/{request.String("RestApiId")}/deployments", input, request.Caller);
        var id = result!["id"]!.GetValue<string>();
        return new ProvisionedResource(id, new Dictionary<string, JsonNode?> { ["DeploymentId"] = id });
    }

    public Task<ProvisionedResource> UpdateAsync(ProvisioningRequest request, CancellationToken cancellationToken) =>
        Task.FromResult(new ProvisionedResource(request.PhysicalId!, request.PreviousAttributes));

    public async Task DeleteAsync(ProvisioningRequest request, CancellationToken cancellationToken)
    {
        try
        {
            await gateway.DeleteAsync($"/restapis/{request.String("RestApiId")}/deployments/{request.PhysicalId}", request.Caller);
        }
        catch (Core.Errors.AwsServiceException e) when (e.Error.Code == "BadRequestException")
        {
            // A stage still points at it (the stage the deployment created): it goes with the API.
        }
    }
}

/// <summary><c>AWS::ApiGateway::Stage</c>: CreateStage/UpdateStage/DeleteStage; Ref is the stage name.</summary>
internal sealed class RestStageProvisioner(GatewayCalls gateway) : IResourceProvisioner
{
    public string ResourceType => "AWS::ApiGateway::Stage";

    public bool RequiresReplacement(string property) => property is "RestApiId" or "StageName";

    public async Task<ProvisionedResource> CreateAsync(ProvisioningRequest request, CancellationToken cancellationToken)
    {
        var input = GatewayCalls.Camel(request.Properties, ["StageName", "DeploymentId", "Description", "Variables", "Tags", "TracingEnabled", "CacheClusterEnabled"]);
        await gateway.CallAsync("POST", $"/restapis/{request.String("RestApiId")}/stages", input, request.Caller);
        return new ProvisionedResource(request.String("StageName")!);
    }

    public async Task<ProvisionedResource> UpdateAsync(ProvisioningRequest request, CancellationToken cancellationToken)
    {
        var ops = new JsonArray();
        if (request.String("DeploymentId") is { } deployment)
        {
            ops.Add(new JsonObject { ["op"] = "replace", ["path"] = "/deploymentId", ["value"] = deployment });
        }

        ops.Add(new JsonObject { ["op"] = "replace", ["path"] = "/description", ["value"] = request.String("Description") ?? "" });
        foreach (var (k, v) in request.Properties["Variables"] as JsonObject ?? [])
        {
            ops.Add(new JsonObject { ["op"] = "replace", ["path"] = "/variables/" + k, ["value"] = v?.ToString() });
        }

        await gateway.CallAsync("PATCH", $"/restapis/{request.String("RestApiId")}/stages/{request.PhysicalId}", new JsonObject { ["patchOperations"] = ops }, request.Caller);
        return new ProvisionedResource(request.PhysicalId!);
    }

    public Task DeleteAsync(ProvisioningRequest request, CancellationToken cancellationToken) =>
        gateway.DeleteAsync($"/restapis/{request.String("RestApiId")}/stages/{request.PhysicalId}", request.Caller);
}
