using System.Text.Json.Nodes;

namespace Nimbus.Templates.Sam;

/// <summary>
/// A ScheduleV2 event (of a function or a state machine) → AWS::Scheduler::Schedule targeting it, with a role the
/// scheduler assumes to invoke it (unless the event names its own RoleArn).
/// </summary>
internal static class SchedulerScheduleEvent
{
    private static readonly string[] ScheduleProperties = ["ScheduleExpression", "ScheduleExpressionTimezone", "StartDate", "EndDate", "State", "Description", "GroupName", "KmsKeyArn"];

    /// <param name="policyName">The generated role's policy ("…LambdaPolicy", "…StartExecutionPolicy").</param>
    /// <param name="action">What the role may do on the target (lambda:InvokeFunction, states:StartExecution).</param>
    /// <param name="attributeNames">The owner's resource attributes the generated resources carry (all passthrough ones when empty).</param>
    public static void Translate(string logicalId, string eventId, JsonObject props, JsonNode targetArn, string policyName, string action,
        List<(string Id, JsonObject Resource)> output, JsonObject owner, params string[] attributeNames)
    {
        if (props["ScheduleExpression"] is null)
        {
            throw new InvalidResourceException(logicalId, "Missing required property 'ScheduleExpression'.");
        }
        var schedule = new JsonObject
        {
            ["Name"] = props["Name"]?.DeepClone() ?? logicalId,
            ["FlexibleTimeWindow"] = props["FlexibleTimeWindow"]?.DeepClone() ?? new JsonObject { ["Mode"] = "OFF" },
        };
        if (Json.IsTruthy(props["OmitName"]))
        {
            schedule.Remove("Name");
        }
        foreach (var name in ScheduleProperties)
        {
            if (props[name] is { } v)
            {
                schedule[name] = v.DeepClone();
            }
        }
        var target = new JsonObject { ["Arn"] = targetArn.DeepClone() };
        foreach (var name in new[] { "Input", "RetryPolicy" })
        {
            if (props[name] is { } v)
            {
                target[name] = v.DeepClone();
            }
        }
        JsonNode? dlqArn = null;
        if (props["DeadLetterConfig"] is JsonObject dlc)
        {
            if (dlc["Arn"] is { } arn)
            {
                dlqArn = arn.DeepClone();
                target["DeadLetterConfig"] = new JsonObject { ["Arn"] = arn.DeepClone() };
            }
            else
            {
                throw new InvalidEventException(eventId, "DeadLetterConfig without an Arn is not supported by this transform yet.");
            }
        }
        if (props["RoleArn"] is { } roleArn)
        {
            target["RoleArn"] = roleArn.DeepClone();
        }
        else
        {
            var policies = new JsonArray(Policy(policyName, action, targetArn));
            if (dlqArn is not null)
            {
                policies.Add(Policy(logicalId + "SQSPolicy", "sqs:SendMessage", dlqArn));
            }
            var role = new JsonObject
            {
                ["AssumeRolePolicyDocument"] = new JsonObject
                {
                    ["Version"] = "2012-10-17",
                    ["Statement"] = new JsonArray(new JsonObject
                    {
                        ["Action"] = new JsonArray("sts:AssumeRole"),
                        ["Effect"] = "Allow",
                        ["Principal"] = new JsonObject { ["Service"] = new JsonArray("scheduler.amazonaws.com") },
                    }),
                },
                ["Policies"] = policies,
            };
            if (props["PermissionsBoundary"] is { } pb)
            {
                role["PermissionsBoundary"] = pb.DeepClone();
            }
            output.Add((logicalId + "Role", TranslationContext.NewResource("AWS::IAM::Role", role, owner, attributeNames)));
            target["RoleArn"] = Json.GetAtt(logicalId + "Role", "Arn");
        }
        schedule["Target"] = target;
        output.Add((logicalId, TranslationContext.NewResource("AWS::Scheduler::Schedule", schedule, owner, attributeNames)));
    }

    private static JsonObject Policy(string name, string action, JsonNode resource) => new()
    {
        ["PolicyName"] = name,
        ["PolicyDocument"] = new JsonObject
        {
            ["Statement"] = new JsonArray(new JsonObject { ["Action"] = action, ["Effect"] = "Allow", ["Resource"] = resource.DeepClone() }),
        },
    };
}
