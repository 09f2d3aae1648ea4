using System.Text.Json.Nodes;

namespace Nimbus.Templates.Sam;

/// <summary>The function's execution role: managed policies, inline policies, policy templates.</summary>
internal sealed partial class SamFunction
{
    // ---- role -----------------------------------------------------------------------------------------------------

    private JsonObject BuildRole()
    {
        // A durable function's basic policy also covers its checkpoints.
        var managed = new JsonArray(context.ManagedPolicyArn(p["DurableConfig"] is null
            ? "service-role/AWSLambdaBasicExecutionRole"
            : "service-role/AWSLambdaBasicDurableExecutionRolePolicy"));
        if (p["Tracing"] is not null && TracingEnabled)
        {
            managed.Add(context.ManagedPolicyArn("AWSXrayWriteOnlyAccess"));
        }
        if (p["VpcConfig"] is not null)
        {
            managed.Add(context.ManagedPolicyArn("service-role/AWSLambdaVPCAccessExecutionRole"));
        }
        var documents = new JsonArray();
        if (p["DeadLetterQueue"] is JsonObject dlq)
        {
            var (action, policyName) = Json.Str(dlq["Type"]) switch
            {
                "SNS" => ("sns:Publish", "DeadLetterQueuePolicy"),
                "SQS" => ("sqs:SendMessage", "DeadLetterQueuePolicy"),
                _ => throw new InvalidResourceException(id, "'DeadLetterQueue' requires Type of SNS or SQS"),
            };
            documents.Add(new JsonObject
            {
                ["PolicyName"] = policyName,
                ["PolicyDocument"] = new JsonObject
                {
                    ["Version"] = "2012-10-17",
                    ["Statement"] = new JsonArray(new JsonObject { ["Action"] = action, ["Resource"] = dlq["TargetArn"]?.DeepClone(), ["Effect"] = "Allow" }),
                },
            });
        }
        var policies = p["Policies"] switch
        {
            null => new JsonArray(),
            JsonArray a => a,
            var single => new JsonArray(single.DeepClone()),
        };
        var index = 0;
        foreach (var entry in policies)
        {
            var roleId = id + "Role";
            if (Json.IsString(entry) || (Json.IsIntrinsic(entry) && !((JsonObject)entry!).ContainsKey("Fn::If")))
            {
                JsonNode arn = entry!.DeepClone();
                if (Json.Str(entry) is { } name)
                {
                    arn = ManagedPolicies.Resolve(name, context) ?? name;
                }
                if (!managed.Any(m => JsonNode.DeepEquals(m, arn)))
                {
                    managed.Add(arn);
                }
            }
            else if (SamConditionalPolicies.IsConditional(entry))
            {
                SamConditionalPolicies.Add((JsonObject)entry!, id, $"{roleId}Policy{index}", index, managed, documents);
            }
            else if (entry is JsonObject doc && doc.ContainsKey("Statement"))
            {
                documents.Add(new JsonObject { ["PolicyName"] = $"{roleId}Policy{index}", ["PolicyDocument"] = doc.DeepClone() });
            }
            else if (entry is JsonObject template && template.Count == 1)
            {
                documents.Add(new JsonObject { ["PolicyName"] = $"{roleId}Policy{index}", ["PolicyDocument"] = PolicyTemplates.Expand(id, template, index) });
            }
            else
            {
                throw new InvalidResourceException(id, $"Policy at index {index} in the 'Policies' property is not valid");
            }
            index++;
        }
        var props = new JsonObject
        {
            ["AssumeRolePolicyDocument"] = p["AssumeRolePolicyDocument"]?.DeepClone() ?? new JsonObject
            {
                ["Version"] = "2012-10-17",
                ["Statement"] = new JsonArray(new JsonObject
                {
                    ["Action"] = new JsonArray("sts:AssumeRole"),
                    ["Effect"] = "Allow",
                    ["Principal"] = new JsonObject { ["Service"] = new JsonArray("lambda.amazonaws.com") },
                }),
            },
            ["ManagedPolicyArns"] = managed,
            ["Tags"] = TranslationContext.TagList(id, p["Tags"]),
        };
        if (documents.Count > 0)
        {
            props["Policies"] = documents;
        }
        if (p["PermissionsBoundary"] is { } pb)
        {
            props["PermissionsBoundary"] = pb.DeepClone();
        }
        if (p["RolePath"] is { } rp)
        {
            props["Path"] = rp.DeepClone();
        }
        return TranslationContext.NewResource("AWS::IAM::Role", props, resource);
    }

    private void AddManagedPolicy(string name)
    {
        if (_role?["Properties"]?["ManagedPolicyArns"] is JsonArray list)
        {
            var arn = context.ManagedPolicyArn(name);
            if (!list.Any(x => Json.Str(x) == arn))
            {
                list.Add(arn);
            }
        }
    }

    private void AddInlinePolicy(JsonObject policy)
    {
        if (_role?["Properties"] is JsonObject props)
        {
            if (props["Policies"] is not JsonArray list)
            {
                list = new JsonArray();
                props["Policies"] = list;
            }
            list.Add(policy);
        }
    }
}
