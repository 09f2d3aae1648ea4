using System.Text.Json.Nodes;
using Nimbus.Cli.Commands.Sam;
using Nimbus.Templates.Intrinsics;

namespace Nimbus.Cli.Commands.Local;

/// <summary>
/// The template's data resources (DynamoDB tables, SQS queues, S3 buckets, SNS topics) created in the local Nimbus so
/// functions find them, and Ref/GetAtt answered with their real names and ARNs — what SAM CLI cannot do locally.
/// Other resources answer Ref with their logical id, as SAM CLI does.
/// </summary>
internal sealed class LocalResources(LocalNimbus nimbus, LocalTemplate template) : IResourceResolver
{
    private const string Account = "000000000000";
    private readonly Dictionary<string, (string Ref, Dictionary<string, string> Attributes)> _created = new(StringComparer.Ordinal);

    private string Region => nimbus.Client.Region;

    public JsonNode? Ref(string logicalId) =>
        _created.TryGetValue(logicalId, out var r) ? r.Ref
        : template.Functions.Any(f => f.LogicalId == logicalId) ? logicalId
        : logicalId;

    public JsonNode? GetAtt(string logicalId, string attribute)
    {
        if (_created.TryGetValue(logicalId, out var r) && r.Attributes.TryGetValue(attribute, out var value))
        {
            return value;
        }

        return attribute == "Arn" && template.Functions.Any(f => f.LogicalId == logicalId) ? nimbus.FunctionArn(logicalId) : $"{logicalId}.{attribute}";
    }

    /// <summary>Creates every supported resource, dependencies first; returns the logical ids created.</summary>
    public async Task<IReadOnlyList<string>> CreateAsync()
    {
        var pending = (template.Transformed["Resources"] as JsonObject ?? [])
            .Where(r => r.Value?["Type"]?.ToString() is "AWS::DynamoDB::Table" or "AWS::SQS::Queue" or "AWS::S3::Bucket" or "AWS::SNS::Topic" or "AWS::StepFunctions::StateMachine")
            .ToDictionary(r => r.Key, r => r.Value!.AsObject(), StringComparer.Ordinal);
        while (pending.Count > 0)
        {
            var ready = pending.Where(p => References(p.Value["Properties"]).All(d => !pending.ContainsKey(d) || d == p.Key)).ToList();
            if (ready.Count == 0)
            {
                throw new CliException($"Circular references between {string.Join(", ", pending.Keys)}.");
            }

            foreach (var (id, resource) in ready)
            {
                pending.Remove(id);
                var evaluator = new IntrinsicEvaluator(new IntrinsicContext
                {
                    Region = Region,
                    StackName = "local",
                    Parameters = template.Parameters.ToDictionary(kv => kv.Key, kv => (JsonNode?)JsonValue.Create(kv.Value)),
                    Mappings = template.Transformed["Mappings"] as JsonObject,
                    Conditions = template.Transformed["Conditions"] as JsonObject,
                    Resources = this,
                });
                var props = evaluator.Evaluate(resource["Properties"]) as JsonObject ?? [];
                _created[id] = resource["Type"]!.ToString() switch
                {
                    "AWS::DynamoDB::Table" => await TableAsync(id, props),
                    "AWS::SQS::Queue" => await QueueAsync(id, props),
                    "AWS::S3::Bucket" => await BucketAsync(id, props),
                    "AWS::StepFunctions::StateMachine" => await StateMachineAsync(id, props),
                    _ => await TopicAsync(id, props),
                };
            }
        }

        return [.. _created.Keys];
    }

    private async Task<(string, Dictionary<string, string>)> TableAsync(string id, JsonObject props)
    {
        var name = props["TableName"]?.ToString() ?? id;
        var body = new JsonObject { ["TableName"] = name };
        foreach (var key in (string[])["KeySchema", "AttributeDefinitions", "BillingMode", "ProvisionedThroughput", "GlobalSecondaryIndexes", "LocalSecondaryIndexes", "StreamSpecification"])
        {
            if (props[key] is { } value)
            {
                body[key] = value.DeepClone();
            }
        }

        if (body["StreamSpecification"] is JsonObject stream && stream["StreamViewType"] is not null)
        {
            stream["StreamEnabled"] = true;
        }

        body["BillingMode"] ??= body["ProvisionedThroughput"] is null ? "PAY_PER_REQUEST" : "PROVISIONED";
        var created = await nimbus.Client.JsonAsync("dynamodb", "DynamoDB_20120810.CreateTable", body);
        var arn = created["TableDescription"]?["TableArn"]?.ToString() ?? $"arn:aws:dynamodb:{Region}:{Account}:table/{name}";
        var attributes = new Dictionary<string, string> { ["Arn"] = arn };
        if (created["TableDescription"]?["LatestStreamArn"]?.ToString() is { } streamArn)
        {
            attributes["StreamArn"] = streamArn;
        }

        return (name, attributes);
    }

    private async Task<(string, Dictionary<string, string>)> QueueAsync(string id, JsonObject props)
    {
        var fifo = props["FifoQueue"]?.ToString() is "true" or "True";
        var name = props["QueueName"]?.ToString() ?? (fifo ? id + ".fifo" : id);
        var attributes = new JsonObject();
        foreach (var (k, v) in props)
        {
            if (k is "QueueName" or "Tags" || v is null)
            {
                continue;
            }

            attributes[k] = v is JsonObject ? v.ToJsonString() : v.ToString();
        }

        var created = await nimbus.Client.JsonAsync("sqs", "AmazonSQS.CreateQueue", new JsonObject { ["QueueName"] = name, ["Attributes"] = attributes });
        var url = created["QueueUrl"]!.ToString();
        return (url, new Dictionary<string, string> { ["Arn"] = $"arn:aws:sqs:{Region}:{Account}:{name}", ["QueueName"] = name, ["QueueUrl"] = url });
    }

    private async Task<(string, Dictionary<string, string>)> BucketAsync(string id, JsonObject props)
    {
        var name = props["BucketName"]?.ToString() ?? id.ToLowerInvariant();
        using var request = new HttpRequestMessage(HttpMethod.Put, $"/{name}");
        nimbus.Client.Sign(request, "s3");
        using var response = await nimbus.Client.Http.SendAsync(request);
        if (!response.IsSuccessStatusCode)
        {
            throw new CliException($"Creating bucket {name} for {id} failed: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }

        return (name, new Dictionary<string, string>
        {
            ["Arn"] = $"arn:aws:s3:::{name}",
            ["DomainName"] = $"{name}.s3.amazonaws.com",
            ["RegionalDomainName"] = $"{name}.s3.{Region}.amazonaws.com",
        });
    }

    private async Task<(string, Dictionary<string, string>)> StateMachineAsync(string id, JsonObject props)
    {
        var name = props["StateMachineName"]?.ToString() ?? id;
        var definition = props["DefinitionString"]?.ToString()
            ?? (props["Definition"] is JsonObject inline ? inline.ToJsonString() : null)
            ?? (LocalTransform.LocalPath(props["DefinitionS3Location"], "Bucket", "Key") is { } path ? await File.ReadAllTextAsync(template.File.Resolve(path)) : null)
            ?? throw new CliException($"State machine {id} has no definition Nimbus can read locally.");
        if (props["DefinitionSubstitutions"] is JsonObject substitutions)
        {
            foreach (var (key, value) in substitutions)
            {
                definition = definition.Replace("${" + key + "}", value?.ToString() ?? "", StringComparison.Ordinal);
            }
        }

        var created = await nimbus.Client.JsonAsync("states", "AWSStepFunctions.CreateStateMachine", new JsonObject
        {
            ["name"] = name,
            ["definition"] = definition,
            ["roleArn"] = $"arn:aws:iam::{Account}:role/nimbus-local",
            ["type"] = props["StateMachineType"]?.ToString() ?? "STANDARD",
        });
        var arn = created["stateMachineArn"]!.ToString();
        return (arn, new Dictionary<string, string> { ["Arn"] = arn, ["Name"] = name });
    }

    private async Task<(string, Dictionary<string, string>)> TopicAsync(string id, JsonObject props)
    {
        var name = props["TopicName"]?.ToString() ?? id;
        var result = await nimbus.Client.QueryAsync("sns", "CreateTopic", "2010-03-31", [new("Name", name)]);
        var arn = AwsClient.Child(result, "TopicArn") ?? $"arn:aws:sns:{Region}:{Account}:{name}";
        return (arn, new Dictionary<string, string> { ["TopicArn"] = arn, ["TopicName"] = name });
    }

    private static IEnumerable<string> References(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject o when o.Count == 1 && o.First().Key == "Ref":
                yield return o.First().Value?.ToString() ?? "";
                break;
            case JsonObject o when o.Count == 1 && o.First().Key == "Fn::GetAtt":
                var v = o.First().Value;
                yield return v is JsonArray args0 ? args0[0]?.ToString() ?? "" : v?.ToString().Split('.')[0] ?? "";
                break;
            case JsonObject o:
                foreach (var (k, child) in o)
                {
                    if (k == "Fn::Sub" && child is JsonValue s)
                    {
                        foreach (var part in s.ToString().Split("${").Skip(1))
                        {
                            yield return part.Split('}')[0].Split('.')[0];
                        }
                    }

                    foreach (var r in References(child))
                    {
                        yield return r;
                    }
                }

                break;
            case JsonArray a:
                foreach (var r in a.SelectMany(References))
                {
                    yield return r;
                }

                break;
        }
    }
}
