using System.Text.Json.Nodes;
using Nimbus.Templates.Parsing;

namespace Nimbus.Templates.Sam;

/// <summary>A state machine's <c>ScheduleV2</c> event: an <c>AWS::Scheduler::Schedule</c> that starts executions, with its role.</summary>
internal sealed partial class SamStateMachine
{
    private void ScheduleV2Event(string logicalId, string eventId, JsonObject props)
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
        foreach (var name in new[] { "ScheduleExpression", "ScheduleExpressionTimezone", "StartDate", "EndDate", "State", "Description", "GroupName", "KmsKeyArn" })
        {
            if (props[name] is { } v)
            {
                schedule[name] = v.DeepClone();
            }
        }
        var target = new JsonObject { ["Arn"] = EventTarget };
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
            dlqArn = dlc["Arn"]?.DeepClone() ?? throw new InvalidEventException(eventId, "DeadLetterConfig without an Arn is not supported by this transform yet.");
            target["DeadLetterConfig"] = new JsonObject { ["Arn"] = dlqArn.DeepClone() };
        }
        if ((props["RoleArn"] ?? props["Role"]) is { } roleArn)
        {
            target["RoleArn"] = roleArn.DeepClone();
        }
        else
        {
            var statements = new JsonArray(new JsonObject { ["Action"] = "states:StartExecution", ["Effect"] = "Allow", ["Resource"] = EventTarget });
            if (dlqArn is not null)
            {
                statements.Add(new JsonObject { ["Action"] = "sqs:SendMessage", ["Effect"] = "Allow", ["Resource"] = dlqArn.DeepClone() });
            }
            var role = new JsonObject
            {
                ["AssumeRolePolicyDocument"] = AssumeRole("scheduler.amazonaws.com"),
                ["Policies"] = new JsonArray(new JsonObject
                {
                    ["PolicyName"] = logicalId + "StartExecutionPolicy",
                    ["PolicyDocument"] = new JsonObject { ["Statement"] = statements },
                }),
            };
            if (p["PermissionsBoundary"] is { } boundary)
            {
                role["PermissionsBoundary"] = boundary.DeepClone();
            }
            _out.Add((logicalId + "Role", TranslationContext.NewResource("AWS::IAM::Role", role, resource, "Condition")));
            target["RoleArn"] = Json.GetAtt(logicalId + "Role", "Arn");
        }
        schedule["Target"] = target;
        _out.Add((logicalId, TranslationContext.NewResource("AWS::Scheduler::Schedule", schedule, resource, "Condition")));
    }
}
