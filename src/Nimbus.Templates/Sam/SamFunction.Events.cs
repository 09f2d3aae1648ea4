using System.Text.Json.Nodes;

namespace Nimbus.Templates.Sam;

/// <summary>The function's event sources: permissions, mappings, subscriptions, rules and schedules.</summary>
internal sealed partial class SamFunction
{
    // ---- events ---------------------------------------------------------------------------------------------------

    private JsonNode FunctionArn => _aliasId is not null ? Json.Ref(_aliasId) : Json.GetAtt(id, "Arn");

    private JsonNode FunctionNameOrAlias => _aliasId is not null ? Json.Ref(_aliasId) : Json.Ref(id);

    private void TranslateEvent(string eventId, JsonNode? node)
    {
        if (node is not JsonObject ev)
        {
            throw new InvalidEventException(eventId, "Event should be a map.");
        }
        var type = Json.Str(ev["Type"]);
        var props = ev["Properties"] as JsonObject ?? new JsonObject();
        if (ev["Properties"] is not null and not JsonObject)
        {
            throw new InvalidEventException(eventId, "Properties should be a map.");
        }
        var logicalId = id + eventId;
        switch (type)
        {
            case "SQS":
                PullEvent(logicalId, eventId, ev, props, "SQS", "Queue", "service-role/AWSLambdaSQSQueueExecutionRole",
                    ["Queue", "BatchSize", "Enabled", "MaximumBatchingWindowInSeconds", "FilterCriteria", "FunctionResponseTypes", "ScalingConfig", "KmsKeyArn", "MetricsConfig"]);
                break;
            case "Kinesis":
                PullEvent(logicalId, eventId, ev, props, "Kinesis", "Stream", "service-role/AWSLambdaKinesisExecutionRole",
                    ["Stream", "StartingPosition", "StartingPositionTimestamp", "BatchSize", "Enabled", "MaximumBatchingWindowInSeconds", "MaximumRetryAttempts", "BisectBatchOnFunctionError", "MaximumRecordAgeInSeconds", "DestinationConfig", "ParallelizationFactor", "TumblingWindowInSeconds", "FunctionResponseTypes", "FilterCriteria", "KmsKeyArn", "MetricsConfig"]);
                break;
            case "DynamoDB":
                PullEvent(logicalId, eventId, ev, props, "DynamoDB", "Stream", "service-role/AWSLambdaDynamoDBExecutionRole",
                    ["Stream", "StartingPosition", "StartingPositionTimestamp", "BatchSize", "Enabled", "MaximumBatchingWindowInSeconds", "MaximumRetryAttempts", "BisectBatchOnFunctionError", "MaximumRecordAgeInSeconds", "DestinationConfig", "ParallelizationFactor", "TumblingWindowInSeconds", "FunctionResponseTypes", "FilterCriteria", "KmsKeyArn", "MetricsConfig"]);
                break;
            case "MSK":
                {
                    var config = props["ConsumerGroupId"] is { } group ? group.DeepClone() : null;
                    var schema = props["SchemaRegistryConfig"]?.DeepClone();
                    var copy = (JsonObject)props.DeepClone();
                    copy.Remove("ConsumerGroupId");
                    copy.Remove("SchemaRegistryConfig");
                    PullEvent(logicalId, eventId, ev, copy, "MSK", "Stream", "service-role/AWSLambdaMSKExecutionRole",
                        ["Stream", "Topics", "StartingPosition", "StartingPositionTimestamp", "BatchSize", "Enabled", "MaximumBatchingWindowInSeconds", "FilterCriteria", "SourceAccessConfigurations", "KmsKeyArn", "MetricsConfig", "ProvisionedPollerConfig", "DestinationConfig", "BisectBatchOnFunctionError", "MaximumRecordAgeInSeconds", "MaximumRetryAttempts", "LoggingConfig"]);
                    if (config is not null || schema is not null)
                    {
                        var kafka = new JsonObject();
                        if (config is not null)
                        {
                            kafka["ConsumerGroupId"] = config;
                        }
                        if (schema is not null)
                        {
                            kafka["SchemaRegistryConfig"] = schema;
                        }
                        _out[^1].Resource["Properties"]!["AmazonManagedKafkaEventSourceConfig"] = kafka;
                    }
                    MskPolicy(eventId, props);
                    break;
                }
            case "SelfManagedKafka":
                SelfManagedKafkaEvent(logicalId, eventId, props);
                break;
            case "MQ":
                MqEvent(logicalId, eventId, props);
                break;
            case "DocumentDB":
                DocumentDbEvent(logicalId, eventId, props);
                break;
            case "SNS":
                SnsEvent(logicalId, eventId, props);
                break;
            case "Schedule":
                ScheduleEvent(logicalId, eventId, props);
                break;
            case "CloudWatchEvent":
            case "EventBridgeRule":
                RuleEvent(logicalId, eventId, props, type);
                break;
            case "S3":
                S3Event(logicalId, eventId, props);
                break;
            case "ScheduleV2":
                ScheduleV2Event(logicalId, eventId, props);
                break;
            case "IoTRule":
                {
                    var payload = new JsonObject
                    {
                        ["Actions"] = new JsonArray(new JsonObject { ["Lambda"] = new JsonObject { ["FunctionArn"] = FunctionArn.DeepClone() } }),
                        ["RuleDisabled"] = false,
                        ["Sql"] = props["Sql"]?.DeepClone(),
                    };
                    if (props["AwsIotSqlVersion"] is { } version)
                    {
                        payload["AwsIotSqlVersion"] = version.DeepClone();
                    }
                    _out.Add((logicalId, TranslationContext.NewResource("AWS::IoT::TopicRule", new JsonObject { ["TopicRulePayload"] = payload }, resource)));
                    Permission(logicalId, "iot.amazonaws.com", new JsonObject
                    {
                        ["Fn::Sub"] = new JsonArray($"arn:{context.Partition}:iot:${{AWS::Region}}:${{AWS::AccountId}}:rule/${{RuleName}}", new JsonObject { ["RuleName"] = Json.Ref(logicalId) }),
                    }, Json.Sub("${AWS::AccountId}"));
                    break;
                }
            case "Cognito":
                {
                    var pool = props["UserPool"];
                    if (pool is not JsonObject poolRef || !poolRef.ContainsKey("Ref"))
                    {
                        throw new InvalidEventException(eventId, "Cognito events must reference a Cognito UserPool in the same template.");
                    }
                    if (Json.Str(poolRef["Ref"]) is not { } poolId)
                    {
                        throw new InvalidEventException(logicalId, "Ref in Userpool is not a string.");
                    }
                    var userPool = context.InputResourceType(poolId) == "AWS::Cognito::UserPool" ? context.OutputResource(poolId) : null;
                    if (userPool is null)
                    {
                        throw new InvalidEventException(eventId, "Cognito events must reference a Cognito UserPool in the same template.");
                    }
                    if (!_cognitoPermission)
                    {
                        _cognitoPermission = true;
                        Permission(id + "Cognito", "cognito-idp.amazonaws.com", Json.GetAtt(poolId, "Arn"));
                    }
                    if (userPool["Properties"] is not JsonObject poolProps)
                    {
                        poolProps = new JsonObject();
                        userPool["Properties"] = poolProps;
                    }
                    if (poolProps["LambdaConfig"] is not JsonObject lambdaConfig)
                    {
                        lambdaConfig = new JsonObject();
                        poolProps["LambdaConfig"] = lambdaConfig;
                    }
                    var triggers = props["Trigger"] is JsonArray list ? list.Select(Json.Str).ToList() : [Json.Str(props["Trigger"])];
                    foreach (var trigger in triggers)
                    {
                        if (trigger is null)
                        {
                            continue;
                        }
                        if (lambdaConfig.ContainsKey(trigger))
                        {
                            throw new InvalidEventException(eventId, $"Cognito trigger \"{trigger}\" defined multiple times.");
                        }
                        lambdaConfig[trigger] = FunctionArn.DeepClone();
                    }
                    break;
                }
            case "AlexaSkill":
                {
                    var permission = Permission(logicalId, "alexa-appkit.amazon.com", null);
                    if (props["SkillId"] is { } skill)
                    {
                        permission["EventSourceToken"] = skill.DeepClone();
                    }
                    break;
                }
            case "CloudWatchLogs":
                {
                    if (props["LogGroupName"] is null)
                    {
                        throw new InvalidResourceException(logicalId, "Missing required property 'LogGroupName'.");
                    }
                    Permission(logicalId, "logs.amazonaws.com", new JsonObject
                    {
                        ["Fn::Sub"] = new JsonArray(
                            $"arn:{context.Partition}:logs:${{AWS::Region}}:${{AWS::AccountId}}:log-group:${{__LogGroupName__}}:*",
                            new JsonObject { ["__LogGroupName__"] = props["LogGroupName"]!.DeepClone() }),
                    });
                    var filter = new JsonObject
                    {
                        ["DestinationArn"] = FunctionArn.DeepClone(),
                        ["FilterPattern"] = props["FilterPattern"]?.DeepClone(),
                        ["LogGroupName"] = props["LogGroupName"]!.DeepClone(),
                    };
                    var subscription = TranslationContext.NewResource("AWS::Logs::SubscriptionFilter", filter, resource);
                    subscription["DependsOn"] = new JsonArray(logicalId + "Permission");
                    _out.Add((logicalId, subscription));
                    break;
                }
            case "Api":
            case "HttpApi":
                ApiEvent(eventId, props, type == "HttpApi");
                break;
            default:
                throw new InvalidEventException(eventId, $"Event type '{type}' is not supported by this transform yet.");
        }
    }

    /// <summary>An Api/HttpApi event: its route is added to the API's body by <see cref="SamApis"/>; here, the permission.</summary>
    private void ApiEvent(string eventId, JsonObject props, bool http)
    {
        var ev = context.Apis.Events.FirstOrDefault(e => e.FunctionId == id && e.EventId == eventId);
        var property = http ? "ApiId" : "RestApiId";
        if (ev is null)
        {
            throw new InvalidEventException(eventId, $"{property} must be a valid reference to an '{(http ? "AWS::Serverless::HttpApi" : "AWS::Serverless::Api")}' resource in same template.");
        }

        if (!ev.Implicit && context.InputResourceType(ev.ApiId) is not { } apiType)
        {
            throw new InvalidEventException(eventId, $"{property} must be a valid reference to an '{(http ? "AWS::Serverless::HttpApi" : "AWS::Serverless::Api")}' resource in same template.");
        }

        if (!http && (ev.Path is null || ev.Method is null))
        {
            throw new InvalidEventException(eventId, "Event is missing key " + (ev.Path is null ? "'Path'." : "'Method'."));
        }

        if (http && ev.Path is null && ev.Method is not null)
        {
            throw new InvalidEventException(eventId, props["Path"] is null ? "Property 'Path' is required." : "Property 'Path' should be a string.");
        }

        if (http && ev.Method is null && ev.Path is not null)
        {
            throw new InvalidEventException(eventId, props["Method"] is null ? "Property 'Method' is required." : "Property 'Method' should be a string.");
        }

        _ = props;
        if (http && ev.Path is not null && context.Apis.Events.Any(e => e.Http && e.FunctionId == id && e.ApiId == ev.ApiId && e.Path is null && e.Method is null))
        {
            // The function's $default route on the same API already grants every route ("/*").
            return;
        }

        var (logicalId, sourceArn) = context.Apis.Permission(ev);
        _out.Add((logicalId, TranslationContext.NewResource("AWS::Lambda::Permission", new JsonObject
        {
            ["Action"] = "lambda:InvokeFunction",
            ["FunctionName"] = FunctionNameOrAlias.DeepClone(),
            ["Principal"] = "apigateway.amazonaws.com",
            ["SourceArn"] = sourceArn,
        }, resource)));
    }

    private JsonObject Permission(string logicalId, string principal, JsonNode? sourceArn, JsonNode? sourceAccount = null)
    {
        var props = new JsonObject
        {
            ["Action"] = "lambda:InvokeFunction",
            ["FunctionName"] = FunctionNameOrAlias.DeepClone(),
            ["Principal"] = principal,
        };
        if (sourceArn is not null)
        {
            props["SourceArn"] = sourceArn.DeepClone();
        }
        if (sourceAccount is not null)
        {
            props["SourceAccount"] = sourceAccount.DeepClone();
        }
        _out.Add((logicalId + "Permission", TranslationContext.NewResource("AWS::Lambda::Permission", props, resource)));
        return props;
    }

}
