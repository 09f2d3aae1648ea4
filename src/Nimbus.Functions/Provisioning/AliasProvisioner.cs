using System.Text.Json.Nodes;
using Nimbus.Core.Provisioning;

namespace Nimbus.Functions.Provisioning;

/// <summary><c>AWS::Lambda::Alias</c>: CreateAlias/UpdateAlias/DeleteAlias; Ref is the alias ARN.</summary>
internal sealed class AliasProvisioner(LambdaCalls lambda) : IResourceProvisioner
{
    public string ResourceType => "AWS::Lambda::Alias";

    public bool RequiresReplacement(string property) => property is "FunctionName" or "Name";

    public async Task<ProvisionedResource> CreateAsync(ProvisioningRequest request, CancellationToken cancellationToken)
    {
        var function = Function(request);
        var body = Body(request.Properties);
        body["Name"] = request.String("Name");
        var result = await lambda.CallAsync("POST", $"/2015-03-31/functions/{LambdaCalls.Escape(function)}/aliases", body, request.Caller);
        return Resource(result);
    }

    public async Task<ProvisionedResource> UpdateAsync(ProvisioningRequest request, CancellationToken cancellationToken)
    {
        var body = Body(request.Properties);
        body["RoutingConfig"] ??= new JsonObject { ["AdditionalVersionWeights"] = new JsonObject() };
        body["Description"] ??= "";
        var result = await lambda.CallAsync("PUT", $"/2015-03-31/functions/{LambdaCalls.Escape(Function(request))}/aliases/{LambdaCalls.Escape(request.String("Name")!)}", body, request.Caller);
        return Resource(result);
    }

    public Task DeleteAsync(ProvisioningRequest request, CancellationToken cancellationToken)
    {
        var arn = request.PhysicalId!;
        var cut = arn.LastIndexOf(':');
        return lambda.DeleteAsync($"/2015-03-31/functions/{LambdaCalls.Escape(arn[..cut])}/aliases/{LambdaCalls.Escape(arn[(cut + 1)..])}", request.Caller);
    }

    private static string Function(ProvisioningRequest request) =>
        request.String("FunctionName") ?? throw new ProvisioningException("Properties validation failed for resource: required key [FunctionName] not found");

    /// <summary>CloudFormation writes the weights as a list of <c>{FunctionVersion, FunctionWeight}</c>; the API takes a map.</summary>
    private static JsonObject Body(JsonObject p)
    {
        var body = new JsonObject { ["FunctionVersion"] = p["FunctionVersion"]?.DeepClone() };
        if (p["Description"] is { } d)
        {
            body["Description"] = d.DeepClone();
        }

        if (p["RoutingConfig"]?["AdditionalVersionWeights"] is JsonArray weights)
        {
            body["RoutingConfig"] = new JsonObject
            {
                ["AdditionalVersionWeights"] = new JsonObject(weights.OfType<JsonObject>().Select(w =>
                    KeyValuePair.Create(w["FunctionVersion"]!.ToString(), (JsonNode?)double.Parse(w["FunctionWeight"]!.ToString(), System.Globalization.CultureInfo.InvariantCulture)))),
            };
        }

        return body;
    }

    private static ProvisionedResource Resource(JsonNode? result)
    {
        var arn = result!["AliasArn"]!.GetValue<string>();
        return new ProvisionedResource(arn, new Dictionary<string, JsonNode?> { ["AliasArn"] = arn });
    }
}
