using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Nimbus.Core.Errors;
using Nimbus.Core.Provisioning;

namespace Nimbus.StepFunctions.Provisioning;

/// <summary><c>AWS::StepFunctions::StateMachine</c> through Create/Update/DeleteStateMachine; Ref is the state machine ARN.</summary>
/// <remarks>The definition comes from <c>Definition</c> (an object), <c>DefinitionString</c> or <c>DefinitionS3Location</c> (Nimbus's S3),
/// with <c>DefinitionSubstitutions</c> applied to <c>${name}</c> placeholders, as CloudFormation does.</remarks>
internal sealed class StateMachineProvisioner(IServiceProvider services) : IResourceProvisioner
{
    public string ResourceType => "AWS::StepFunctions::StateMachine";

    public bool RequiresReplacement(string property) => property is "StateMachineName" or "StateMachineType";

    private Task<JsonNode?> Call(string operation, JsonObject input, ProvisioningRequest request, CancellationToken cancellationToken) =>
        InProcessApi.JsonAsync(services, "AWSStepFunctions", operation, input, request.Caller, cancellationToken);

    public async Task<ProvisionedResource> CreateAsync(ProvisioningRequest request, CancellationToken cancellationToken)
    {
        var p = request.Properties;
        var name = request.NameOr("StateMachineName", 80);
        var input = new JsonObject
        {
            ["name"] = name,
            ["definition"] = await DefinitionAsync(request, cancellationToken),
            ["roleArn"] = request.String("RoleArn") ?? $"arn:aws:iam::{request.Caller.AccountId}:role/{request.StackName}-{request.LogicalId}-Role",
            ["type"] = request.String("StateMachineType") ?? "STANDARD",
        };
        Options(p, input);
        if (p["Tags"] is JsonArray tags)
        {
            input["tags"] = new JsonArray(tags.Select(t => (JsonNode?)new JsonObject { ["key"] = t?["Key"]?.ToString(), ["value"] = t?["Value"]?.ToString() }).ToArray());
        }

        var result = await Call("CreateStateMachine", input, request, cancellationToken);
        return Resource(result!["stateMachineArn"]!.GetValue<string>(), name, result["stateMachineVersionArn"]);
    }

    public async Task<ProvisionedResource> UpdateAsync(ProvisioningRequest request, CancellationToken cancellationToken)
    {
        var input = new JsonObject
        {
            ["stateMachineArn"] = request.PhysicalId,
            ["definition"] = await DefinitionAsync(request, cancellationToken),
        };
        if (request.String("RoleArn") is { } role)
        {
            input["roleArn"] = role;
        }

        Options(request.Properties, input);
        await Call("UpdateStateMachine", input, request, cancellationToken);
        return Resource(request.PhysicalId!, request.PhysicalId!.Split(':')[6], null);
    }

    public async Task DeleteAsync(ProvisioningRequest request, CancellationToken cancellationToken)
    {
        try
        {
            await Call("DeleteStateMachine", new JsonObject { ["stateMachineArn"] = request.PhysicalId }, request, cancellationToken);
        }
        catch (AwsServiceException e) when (e.Error.Code == "StateMachineDoesNotExist")
        {
        }
    }

    private static void Options(JsonObject p, JsonObject input)
    {
        if (p["LoggingConfiguration"] is JsonObject logging)
        {
            input["loggingConfiguration"] = Camel(logging);
        }

        if (p["TracingConfiguration"] is JsonObject tracing)
        {
            input["tracingConfiguration"] = Camel(tracing);
        }
    }

    /// <summary>CloudFormation's PascalCase property names as the API's camelCase ones.</summary>
    private static JsonNode? Camel(JsonNode? node) => node switch
    {
        JsonObject o => new JsonObject(o.Select(kv => KeyValuePair.Create(char.ToLowerInvariant(kv.Key[0]) + kv.Key[1..], Camel(kv.Value)))),
        JsonArray a => new JsonArray(a.Select(Camel).ToArray()),
        _ => node?.DeepClone(),
    };

    private async Task<string> DefinitionAsync(ProvisioningRequest request, CancellationToken cancellationToken)
    {
        var p = request.Properties;
        string text;
        if (p["Definition"] is JsonObject definition)
        {
            text = definition.ToJsonString();
        }
        else if (request.String("DefinitionString") is { } s)
        {
            text = s;
        }
        else if (p["DefinitionS3Location"] is JsonObject location)
        {
            var reader = services.GetService<IObjectReader>() ?? throw new ProvisioningException("DefinitionS3Location needs Nimbus's S3 service.");
            var bytes = await reader.ReadAsync(location["Bucket"]?.ToString() ?? "", location["Key"]?.ToString() ?? "", location["Version"]?.ToString(), request.Caller, cancellationToken)
                ?? throw new ProvisioningException($"S3 object s3://{location["Bucket"]}/{location["Key"]} does not exist.");
            text = Encoding.UTF8.GetString(bytes);
        }
        else
        {
            throw new ProvisioningException("Properties validation failed for resource: one of Definition, DefinitionString or DefinitionS3Location is required.");
        }

        foreach (var (key, value) in p["DefinitionSubstitutions"] as JsonObject ?? [])
        {
            text = text.Replace("${" + key + "}", value is JsonValue v && v.TryGetValue<string>(out var str) ? str : value?.ToJsonString(), StringComparison.Ordinal);
        }

        return text;
    }

    private static ProvisionedResource Resource(string arn, string name, JsonNode? version) => new(arn, new Dictionary<string, JsonNode?>
    {
        ["Arn"] = arn,
        ["Name"] = name,
        ["StateMachineRevisionId"] = version?.DeepClone() ?? arn,
    });
}
