using System.Text.Json.Nodes;
using Nimbus.Core.Provisioning;

namespace Nimbus.Functions.Provisioning;

/// <summary><c>AWS::Lambda::Function</c> through CreateFunction, UpdateFunctionConfiguration/Code, PutFunctionConcurrency and DeleteFunction.</summary>
internal sealed class FunctionProvisioner(LambdaCalls lambda) : IResourceProvisioner
{
    private static readonly string[] ConfigurationProperties =
    [
        "Handler", "Runtime", "Role", "Description", "MemorySize", "Timeout", "Environment", "Layers", "DeadLetterConfig", "TracingConfig",
        "KmsKeyArn", "VpcConfig", "EphemeralStorage", "FileSystemConfigs", "ImageConfig", "LoggingConfig", "SnapStart", "RuntimeManagementConfig",
    ];

    public string ResourceType => "AWS::Lambda::Function";

    public bool RequiresReplacement(string property) => property is "FunctionName" or "PackageType";

    public async Task<ProvisionedResource> CreateAsync(ProvisioningRequest request, CancellationToken cancellationToken)
    {
        var p = request.Properties;
        var name = request.NameOr("FunctionName", 64);
        var body = Configuration(p);
        body["FunctionName"] = name;
        body["Code"] = await lambda.CodeAsync(p["Code"], p["Runtime"]?.ToString(), request.Caller);
        if (p["Architectures"] is { } arch)
        {
            body["Architectures"] = arch.DeepClone();
        }

        if (p["PackageType"] is { } packageType)
        {
            body["PackageType"] = packageType.DeepClone();
        }

        if (LambdaCalls.Tags(p["Tags"]) is { } tags)
        {
            body["Tags"] = tags;
        }

        var result = await lambda.CallAsync("POST", "/2015-03-31/functions", body, request.Caller);
        try
        {
            await Concurrency(name, p, null, request);
        }
        catch
        {
            await lambda.DeleteAsync($"/2015-03-31/functions/{LambdaCalls.Escape(name)}", request.Caller);
            throw;
        }

        return Resource(name, result);
    }

    public async Task<ProvisionedResource> UpdateAsync(ProvisioningRequest request, CancellationToken cancellationToken)
    {
        var name = request.PhysicalId!;
        var p = request.Properties;
        var before = request.PreviousProperties ?? [];
        var path = $"/2015-03-31/functions/{LambdaCalls.Escape(name)}";
        if (!JsonNode.DeepEquals(p["Code"], before["Code"]) || !JsonNode.DeepEquals(p["Architectures"], before["Architectures"]))
        {
            var code = await lambda.CodeAsync(p["Code"], p["Runtime"]?.ToString(), request.Caller);
            if (p["Architectures"] is { } arch)
            {
                code["Architectures"] = arch.DeepClone();
            }

            await lambda.CallAsync("PUT", path + "/code", code, request.Caller);
        }

        var body = Configuration(p);
        foreach (var property in ConfigurationProperties.Where(k => p[k] is null && before[k] is not null))
        {
            // A property removed from the template goes back to its default.
            body[property] = property switch
            {
                "Environment" => new JsonObject { ["Variables"] = new JsonObject() },
                "Layers" => new JsonArray(),
                "MemorySize" => 128,
                "Timeout" => 3,
                "Description" => "",
                "TracingConfig" => new JsonObject { ["Mode"] = "PassThrough" },
                _ => null,
            };
            if (body[property] is null)
            {
                body.Remove(property);
            }
        }

        var result = await lambda.CallAsync("PUT", path + "/configuration", body, request.Caller);
        await Concurrency(name, p, before, request);
        if (!JsonNode.DeepEquals(p["Tags"], before["Tags"]) && LambdaCalls.Tags(p["Tags"]) is { } tags)
        {
            await lambda.CallAsync("POST", $"/2017-03-31/tags/{result!["FunctionArn"]}", new JsonObject { ["Tags"] = tags }, request.Caller);
        }

        return Resource(name, result);
    }

    public Task DeleteAsync(ProvisioningRequest request, CancellationToken cancellationToken) =>
        lambda.DeleteAsync($"/2015-03-31/functions/{LambdaCalls.Escape(request.PhysicalId!)}", request.Caller);

    private static JsonObject Configuration(JsonObject p)
    {
        var body = new JsonObject();
        foreach (var key in ConfigurationProperties.Where(k => p[k] is not null))
        {
            body[key == "KmsKeyArn" ? "KMSKeyArn" : key] = p[key]!.DeepClone();
        }

        return body;
    }

    private async Task Concurrency(string name, JsonObject p, JsonObject? before, ProvisioningRequest request)
    {
        var path = $"/2017-10-31/functions/{LambdaCalls.Escape(name)}/concurrency";
        if (p["ReservedConcurrentExecutions"] is { } reserved)
        {
            if (before is null || !JsonNode.DeepEquals(reserved, before["ReservedConcurrentExecutions"]))
            {
                await lambda.CallAsync("PUT", path, new JsonObject { ["ReservedConcurrentExecutions"] = reserved.DeepClone() }, request.Caller);
            }
        }
        else if (before?["ReservedConcurrentExecutions"] is not null)
        {
            await lambda.DeleteAsync(path, request.Caller);
        }
    }

    private static ProvisionedResource Resource(string name, JsonNode? result) => new(name, new Dictionary<string, JsonNode?>
    {
        ["Arn"] = result?["FunctionArn"]?.GetValue<string>().Split(':').Take(7) is { } parts ? string.Join(':', parts) : null,
        ["SnapStartResponse.ApplyOn"] = "None",
    });
}
