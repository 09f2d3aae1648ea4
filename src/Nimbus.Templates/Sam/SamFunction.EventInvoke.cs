using System.Text.Json.Nodes;

namespace Nimbus.Templates.Sam;

/// <summary>
/// EventInvokeConfig: the AWS::Lambda::EventInvokeConfig of the function (or of its alias), the SQS queue / SNS topic
/// SAM creates for a destination without one (or whose Fn::If leaves it out), with the conditions that creation needs,
/// and the execution role's permission to send to each destination.
/// </summary>
internal sealed partial class SamFunction
{
    private static readonly string[] DestinationTypes = ["SQS", "SNS", "EventBridge", "Lambda", "S3Bucket"];

    private void EventInvokeConfig()
    {
        if (p["EventInvokeConfig"] is not JsonObject given)
        {
            return;
        }
        var config = (JsonObject)context.ResolveParameterRefs(given)!;
        var configId = id + "EventInvokeConfig";
        var destinations = new JsonObject();
        if (config["DestinationConfig"] is { } destinationNode)
        {
            if (destinationNode is not JsonObject destinationConfig)
            {
                throw new InvalidResourceException(id, "Property 'EventInvokeConfig.DestinationConfig' should be a map.");
            }
            foreach (var eventName in new[] { "OnSuccess", "OnFailure" })
            {
                if (destinationConfig[eventName] is not { } node)
                {
                    continue;
                }
                if (node is not JsonObject destination)
                {
                    throw new InvalidResourceException(id, $"Property 'EventInvokeConfig.DestinationConfig.{eventName}' should be a map.");
                }
                destinations[eventName] = Destination(destination, eventName, configId);
            }
        }
        var props = new JsonObject
        {
            ["FunctionName"] = Json.Ref(id),
            ["DestinationConfig"] = destinations,
        };
        foreach (var name in new[] { "MaximumEventAgeInSeconds", "MaximumRetryAttempts" })
        {
            if (config[name] is { } v)
            {
                props[name] = v.DeepClone();
            }
        }
        var invokeConfig = TranslationContext.NewResource("AWS::Lambda::EventInvokeConfig", null, resource);
        if (_aliasId is not null)
        {
            props["Qualifier"] = _aliasName;
            invokeConfig["DependsOn"] = new JsonArray(_aliasId);
        }
        else
        {
            props["Qualifier"] = "$LATEST";
        }
        invokeConfig["Properties"] = props;
        _out.Add((configId, invokeConfig));
    }

    private JsonObject Destination(JsonObject destination, string eventName, string configId)
    {
        var type = Json.Str(destination["Type"]);
        if (type is null || !DestinationTypes.Contains(type))
        {
            throw new InvalidResourceException(id, $"'Type: {Json.Str(destination["Type"]) ?? "None"}' must be one of ['SQS', 'SNS', 'EventBridge', 'Lambda', 'S3Bucket']");
        }
        var resourceId = configId + eventName;
        var given = destination["Destination"];
        var (propertyCondition, otherArn) = ConditionOf(given, configId);
        JsonNode? arn = given?.DeepClone();
        if (given is null || propertyCondition is not null)
        {
            if (type is not ("SQS" or "SNS"))
            {
                throw new InvalidResourceException(id, "Destination is required if Type is not ['SQS', 'SNS']");
            }
            var combined = AndCondition(Json.Str(resource["Condition"]), propertyCondition);
            var created = type == "SQS"
                ? (resourceId + "Queue", TranslationContext.NewResource("AWS::SQS::Queue", new JsonObject()))
                : (resourceId + "Topic", TranslationContext.NewResource("AWS::SNS::Topic", new JsonObject()));
            if (combined is not null)
            {
                created.Item2["Condition"] = combined;
            }
            _out.Add(created);
            context.AddReferable(id, type == "SQS" ? "DestinationQueue" : "DestinationTopic", created.Item1);
            JsonNode createdArn = type == "SQS" ? Json.GetAtt(created.Item1, "Arn") : Json.Ref(created.Item1);
            arn = propertyCondition is not null
                ? new JsonObject { ["Fn::If"] = new JsonArray(propertyCondition, createdArn, otherArn?.DeepClone()) }
                : createdArn;
        }
        AddDestinationPolicy(type, resourceId, arn);
        var result = destination.DeepClone().AsObject();
        result.Remove("Type");
        result["Destination"] = arn;
        return result;
    }

    /// <summary>A Fn::If destination that leaves out one branch: the condition under which SAM creates the destination.</summary>
    private (string? Condition, JsonNode? OtherArn) ConditionOf(JsonNode? destination, string configId)
    {
        if (destination is not JsonObject o || o.Count != 1 || o["Fn::If"] is not { } iffNode)
        {
            return (null, null);
        }
        if (iffNode is not JsonArray iff || iff.Count != 3)
        {
            throw new InvalidResourceException(configId, "Malformed 'Destination' property: Fn::If requires 3 arguments.");
        }
        var condition = Json.Str(iff[0]);
        var thenNoValue = IsNoValue(iff[1]);
        var elseNoValue = IsNoValue(iff[2]);
        if (condition is null || (thenNoValue && elseNoValue))
        {
            return (null, null);
        }
        if (thenNoValue)
        {
            return (condition, iff[2]);
        }
        if (elseNoValue)
        {
            var notCondition = "NOT" + condition + SamTranslator.Hash(configId);
            context.AddCondition(notCondition, new JsonObject { ["Fn::Not"] = new JsonArray(new JsonObject { ["Condition"] = condition }) });
            return (notCondition, iff[1]);
        }
        return (null, null);
    }

    private string? AndCondition(string? resourceCondition, string? propertyCondition)
    {
        if (resourceCondition is null)
        {
            return propertyCondition;
        }
        if (propertyCondition is null)
        {
            return resourceCondition;
        }
        var name = resourceCondition + "AND" + propertyCondition + SamTranslator.Hash(id);
        if (name.Length > 255)
        {
            name = name[..255];
        }
        // The translator nests each condition reference one level deeper than CloudFormation needs; kept as it emits it.
        context.AddCondition(name, new JsonObject
        {
            ["Fn::And"] = new JsonArray(
                new JsonObject { ["Condition"] = new JsonObject { ["Condition"] = resourceCondition } },
                new JsonObject { ["Condition"] = new JsonObject { ["Condition"] = propertyCondition } }),
        });
        return name;
    }

    private static bool IsNoValue(JsonNode? n) => n is JsonObject o && o.Count == 1 && Json.Str(o["Ref"]) == "AWS::NoValue";

    private void AddDestinationPolicy(string type, string resourceId, JsonNode? arn)
    {
        if (_role is null)
        {
            return;
        }
        JsonArray statements = type switch
        {
            "SQS" => [Statement("sqs:SendMessage", arn)],
            "SNS" => [Statement("sns:publish", arn)],
            "EventBridge" => [Statement("events:PutEvents", arn)],
            "Lambda" => [Statement("lambda:InvokeFunction", arn)],
            _ => [
                Statement("s3:PutObject", new JsonObject { ["Fn::Join"] = new JsonArray("/", new JsonArray(arn?.DeepClone(), "*")) }),
                Statement("s3:ListBucket", arn),
            ],
        };
        var suffix = type == "S3Bucket" ? "S3" : type;
        AddInlinePolicy(new JsonObject
        {
            ["PolicyName"] = resourceId + suffix + "Policy",
            ["PolicyDocument"] = new JsonObject { ["Statement"] = statements },
        });
    }

    private static JsonObject Statement(string action, JsonNode? arn) => new()
    {
        ["Action"] = action,
        ["Effect"] = "Allow",
        ["Resource"] = arn?.DeepClone(),
    };
}
