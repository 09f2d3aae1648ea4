using System.Text.Json.Nodes;

namespace Nimbus.Templates.Sam;

/// <summary>Event sources that invoke the function: S3 notifications, SNS (and SNS → SQS), schedules and EventBridge rules.</summary>
internal sealed partial class SamFunction
{
    private void S3Event(string logicalId, string eventId, JsonObject props)
    {
        if (props["Bucket"] is null)
        {
            throw new InvalidResourceException(logicalId, "Missing required property 'Bucket'.");
        }
        if (props["Events"] is null)
        {
            throw new InvalidResourceException(logicalId, "Missing required property 'Events'.");
        }
        if (props["Events"] is not (JsonArray or JsonValue) || (props["Events"] is JsonValue ev0 && !Json.IsString(ev0)))
        {
            throw new InvalidResourceException(logicalId, "Type of property 'Events' is invalid.");
        }
        var bucketId = props["Bucket"] is JsonObject r && r.Count == 1 ? Json.Str(r["Ref"]) : null;
        var bucket = bucketId is not null && context.InputResourceType(bucketId) == "AWS::S3::Bucket" ? context.OutputResource(bucketId) : null;
        if (bucket is null)
        {
            throw new InvalidEventException(eventId, "S3 events must reference an S3 bucket in the same template.");
        }
        if (bucket.ContainsKey("Properties") && bucket["Properties"] is not JsonObject)
        {
            throw new InvalidResourceException(bucketId!, "Properties should be a map.");
        }
        var permission = Permission(logicalId, "s3.amazonaws.com", null, Json.Ref("AWS::AccountId"));
        _ = permission;
        if (resource["Condition"] is { } permissionCondition)
        {
            if (bucket["Properties"] is not JsonObject taggedProps)
            {
                taggedProps = new JsonObject();
                bucket["Properties"] = taggedProps;
            }
            if (taggedProps["Tags"] is { } givenTags && givenTags is not JsonArray)
            {
                throw new InvalidResourceException(bucketId!, "Property 'Tags' should be a list.");
            }
            if (taggedProps["Tags"] is not JsonArray bucketTags)
            {
                bucketTags = new JsonArray();
                taggedProps["Tags"] = bucketTags;
            }
            bucketTags.Add(new JsonObject
            {
                ["Key"] = "sam:ConditionalDependsOn:" + logicalId + "Permission",
                ["Value"] = new JsonObject { ["Fn::If"] = new JsonArray(permissionCondition.DeepClone(), Json.Ref(logicalId + "Permission"), "no dependency") },
            });
            AddNotifications(bucket, bucketId!, props);
            return;
        }
        var dependsOn = new List<string>();
        switch (bucket["DependsOn"])
        {
            case null when !bucket.ContainsKey("DependsOn"):
                break;
            case JsonArray list when list.All(Json.IsString):
                dependsOn.AddRange(list.Select(x => x!.GetValue<string>()));
                break;
            case var single when Json.IsString(single):
                dependsOn.Add(single!.GetValue<string>());
                break;
            default:
                throw new InvalidResourceException(logicalId, "Invalid type for field 'DependsOn'. Expected a string or list of strings.");
        }
        if (!dependsOn.Contains(logicalId + "Permission"))
        {
            dependsOn.Add(logicalId + "Permission");
        }
        bucket["DependsOn"] = new JsonArray(dependsOn.Select(d => (JsonNode?)d).ToArray());
        AddNotifications(bucket, bucketId!, props);
    }

    private void AddNotifications(JsonObject bucket, string bucketId, JsonObject props)
    {
        if (bucket["Properties"] is not JsonObject bucketProps)
        {
            bucketProps = new JsonObject();
            bucket["Properties"] = bucketProps;
        }
        if (bucketProps["NotificationConfiguration"] is null)
        {
            bucketProps["NotificationConfiguration"] = new JsonObject();
        }
        if (bucketProps["NotificationConfiguration"] is not JsonObject notification)
        {
            throw new InvalidResourceException(bucketId, "Property 'NotificationConfiguration' should be a map.");
        }
        if (notification["LambdaConfigurations"] is null)
        {
            notification["LambdaConfigurations"] = new JsonArray();
        }
        if (notification["LambdaConfigurations"] is not JsonArray configurations)
        {
            throw new InvalidResourceException(bucketId, "Invalid type for LambdaConfigurations. Must be a list.");
        }
        var events = props["Events"] is JsonArray el ? el.ToList() : [props["Events"]];
        foreach (var ev in events)
        {
            JsonNode mapping = new JsonObject { ["Function"] = FunctionArn.DeepClone(), ["Event"] = ev?.DeepClone() };
            if (props["Filter"] is { } filter)
            {
                mapping["Filter"] = filter.DeepClone();
            }
            if (resource["Condition"] is { } condition)
            {
                mapping = new JsonObject { ["Fn::If"] = new JsonArray(condition.DeepClone(), mapping, Json.Ref("AWS::NoValue")) };
            }
            if (!configurations.Any(c => JsonNode.DeepEquals(c, mapping)))
            {
                configurations.Add(mapping);
            }
        }
    }

    private void ScheduleV2Event(string logicalId, string eventId, JsonObject props) =>
        SchedulerScheduleEvent.Translate(logicalId, eventId, props, FunctionArn, logicalId + "LambdaPolicy", "lambda:InvokeFunction", _out, resource);

    private void SnsToSqs(string logicalId, JsonObject props)
    {
        var topic = props["Topic"]!;
        JsonNode queueArn, queueUrl;
        string policyId;
        JsonNode? batchSize = 10, enabled = true;
        if (props["SqsSubscription"] is JsonObject existing)
        {
            queueArn = existing["QueueArn"]?.DeepClone() ?? throw new InvalidResourceException(logicalId, "No QueueARN provided.");
            queueUrl = existing["QueueUrl"]?.DeepClone() ?? throw new InvalidResourceException(logicalId, "No QueueURL provided.");
            policyId = Json.Str(existing["QueuePolicyLogicalId"]) ?? logicalId + "QueuePolicy";
            batchSize = existing["BatchSize"]?.DeepClone() ?? batchSize;
            enabled = existing["Enabled"]?.DeepClone() ?? enabled;
        }
        else
        {
            var queueId = logicalId + "Queue";
            var queueProps = new JsonObject();
            if (topic is JsonObject topicRef && Json.Str(topicRef["Ref"]) is { } topicId && context.InputResource(topicId)?["Properties"]?["FifoTopic"] is { } fifo && Json.IsTruthy(fifo))
            {
                queueProps["FifoQueue"] = true;
            }
            _out.Add((queueId, TranslationContext.NewResource("AWS::SQS::Queue", queueProps, resource, "Condition")));
            queueArn = Json.GetAtt(queueId, "Arn");
            queueUrl = Json.Ref(queueId);
            policyId = queueId + "Policy";
        }
        _out.Add((policyId, TranslationContext.NewResource("AWS::SQS::QueuePolicy", new JsonObject
        {
            ["PolicyDocument"] = new JsonObject
            {
                ["Version"] = "2012-10-17",
                ["Statement"] = new JsonArray(new JsonObject
                {
                    ["Action"] = "sqs:SendMessage",
                    ["Effect"] = "Allow",
                    ["Principal"] = "*",
                    ["Resource"] = queueArn.DeepClone(),
                    ["Condition"] = new JsonObject { ["ArnEquals"] = new JsonObject { ["aws:SourceArn"] = topic.DeepClone() } },
                }),
            },
            ["Queues"] = new JsonArray(queueUrl),
        }, resource, "Condition")));
        var sub = new JsonObject
        {
            ["Endpoint"] = queueArn.DeepClone(),
            ["Protocol"] = "sqs",
            ["TopicArn"] = topic.DeepClone(),
        };
        foreach (var name in new[] { "Region", "FilterPolicy", "FilterPolicyScope", "RedrivePolicy" })
        {
            if (props[name] is { } v)
            {
                sub[name] = v.DeepClone();
            }
        }
        _out.Add((logicalId, TranslationContext.NewResource("AWS::SNS::Subscription", sub, resource, "Condition")));
        _out.Add((logicalId + "EventSourceMapping", TranslationContext.NewResource("AWS::Lambda::EventSourceMapping", new JsonObject
        {
            ["BatchSize"] = batchSize,
            ["Enabled"] = enabled,
            ["EventSourceArn"] = queueArn.DeepClone(),
            ["FunctionName"] = FunctionNameOrAlias.DeepClone(),
        }, resource, "Condition")));
        AddManagedPolicy("service-role/AWSLambdaSQSQueueExecutionRole");
    }

    private void SnsEvent(string logicalId, string eventId, JsonObject props)
    {
        foreach (var (k, _) in props)
        {
            if (k is not ("Topic" or "Region" or "FilterPolicy" or "FilterPolicyScope" or "SqsSubscription" or "RedrivePolicy"))
            {
                throw new InvalidResourceException(logicalId, $"property {k} not defined for resource of type SNS");
            }
        }
        if (props["Topic"] is null)
        {
            throw new InvalidResourceException(logicalId, "Missing required property 'Topic'.");
        }
        if (Json.IsTruthy(props["SqsSubscription"]))
        {
            SnsToSqs(logicalId, props);
            return;
        }
        Permission(logicalId, "sns.amazonaws.com", props["Topic"]);
        var sub = new JsonObject
        {
            ["Endpoint"] = FunctionArn.DeepClone(),
            ["Protocol"] = "lambda",
            ["TopicArn"] = props["Topic"]!.DeepClone(),
        };
        foreach (var name in new[] { "Region", "FilterPolicy", "FilterPolicyScope", "RedrivePolicy" })
        {
            if (props[name] is { } v)
            {
                sub[name] = v.DeepClone();
            }
        }
        _out.Add((logicalId, TranslationContext.NewResource("AWS::SNS::Subscription", sub, resource)));
    }

    private void ScheduleEvent(string logicalId, string eventId, JsonObject props)
    {
        if (props["Schedule"] is null)
        {
            throw new InvalidResourceException(logicalId, "Missing required property 'Schedule'.");
        }
        var rule = new JsonObject { ["ScheduleExpression"] = props["Schedule"]!.DeepClone() };
        if (props["State"] is not null && props["Enabled"] is not null)
        {
            throw new InvalidEventException(eventId, "State and Enabled Properties cannot both be specified.");
        }
        if (props["State"] is { } state)
        {
            rule["State"] = state.DeepClone();
        }
        if (props["Enabled"] is { } enabled)
        {
            rule["State"] = Json.IsIntrinsic(enabled)
                ? new JsonObject { ["Fn::If"] = new JsonArray(enabled.DeepClone(), "ENABLED", "DISABLED") }
                : (Json.IsTruthy(enabled) ? "ENABLED" : "DISABLED");
        }
        foreach (var name in new[] { "Name", "Description" })
        {
            if (props[name] is { } v)
            {
                rule[name] = v.DeepClone();
            }
        }
        rule["Targets"] = new JsonArray(Target(logicalId, eventId, props));
        _out.Add((logicalId, TranslationContext.NewResource("AWS::Events::Rule", rule, resource)));
        Permission(logicalId, "events.amazonaws.com", Json.GetAtt(logicalId, "Arn"));
    }

    private JsonObject Target(string logicalId, string eventId, JsonObject props)
    {
        var targetId = props["Target"] is JsonObject t && t["Id"] is { } tid ? tid.DeepClone() : logicalId + "LambdaTarget";
        var target = new JsonObject { ["Arn"] = FunctionArn.DeepClone(), ["Id"] = targetId };
        foreach (var name in new[] { "Input", "InputPath", "InputTransformer", "RetryPolicy" })
        {
            if (props[name] is { } v)
            {
                target[name] = v.DeepClone();
            }
        }
        if (TranslationContext.EventDeadLetter(logicalId, props, _out, resource) is { } dlq)
        {
            target["DeadLetterConfig"] = dlq;
        }
        return target;
    }

    private void RuleEvent(string logicalId, string eventId, JsonObject props, string type)
    {
        _ = eventId;
        _ = type;
        var rule = new JsonObject();
        foreach (var name in new[] { "EventBusName", "Name", "State" })
        {
            if (props[name] is { } v)
            {
                rule[name] = v.DeepClone();
            }
        }
        if (props["Pattern"] is { } pattern)
        {
            rule["EventPattern"] = pattern.DeepClone();
        }
        if (props["RuleName"] is { } ruleName)
        {
            rule["Name"] = ruleName.DeepClone();
        }
        rule["Targets"] = new JsonArray(Target(logicalId, eventId, props));
        _out.Add((logicalId, TranslationContext.NewResource("AWS::Events::Rule", rule, resource)));
        Permission(logicalId, "events.amazonaws.com", Json.GetAtt(logicalId, "Arn"));
    }
}
