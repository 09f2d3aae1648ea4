using System.Text;
using System.Text.Json.Nodes;
using Nimbus.Templates.Parsing;

namespace Nimbus.Templates.Sam;

/// <summary>AWS::Serverless::StateMachine → AWS::StepFunctions::StateMachine, its role and its Schedule/CloudWatchEvent/EventBridgeRule events.</summary>
internal sealed partial class SamStateMachine(TranslationContext context, string id, JsonObject resource, JsonObject p)
{
    private static readonly string[] KnownProperties =
    [
        "Definition", "DefinitionUri", "DefinitionSubstitutions", "Logging", "Name", "Type", "Role", "RolePath", "Policies",
        "PermissionsBoundary", "Tags", "PropagateTags", "Tracing", "Events", "AutoPublishAlias", "DeploymentPreference", "UseAliasAsEventTarget",
    ];

    private readonly List<(string Id, JsonObject Resource)> _out = [];

    /// <summary>Generated resource types that take a Tags list (the translator's assign_tags on each generated resource).</summary>
    private static readonly string[] TaggableTypes = ["AWS::StepFunctions::StateMachine", "AWS::IAM::Role"];

    /// <summary>PropagateTags: every generated resource that has Tags carries the state machine's tags (and only those).</summary>
    private void PropagateTags()
    {
        if (!Json.IsTruthy(p["PropagateTags"]) || p["Tags"] is not JsonObject { Count: > 0 } tags)
        {
            return;
        }
        foreach (var (_, generated) in _out)
        {
            if (TaggableTypes.Contains(Json.Str(generated["Type"])) && generated["Properties"] is JsonObject properties)
            {
                properties["Tags"] = TranslationContext.TagList(id, tags, samTag: false);
            }
        }
    }

    public List<(string Id, JsonObject Resource)> Translate()
    {
        TranslationContext.CheckProperties(id, "AWS::Serverless::StateMachine", p, KnownProperties);
        var props = new JsonObject();
        if (p["Definition"] is not null && p["DefinitionUri"] is not null)
        {
            throw new InvalidResourceException(id, "Specify either 'Definition' or 'DefinitionUri' property and not both.");
        }
        var generatedSubstitutions = new JsonObject();
        if (p["Definition"] is { } definition)
        {
            if (definition is not JsonObject)
            {
                throw new InvalidResourceException(id, "Property 'Definition' should be a map.");
            }
            definition = definition.DeepClone();
            var counter = 0;
            foreach (var (holder, key) in DynamicValues(definition))
            {
                var substitution = "definition_substitution_" + TranslationContext.IntString(++counter);
                generatedSubstitutions[substitution] = holder is JsonObject o ? o[(string)key]!.DeepClone() : ((JsonArray)holder)[(int)key]!.DeepClone();
                if (holder is JsonObject target)
                {
                    target[(string)key] = "${" + substitution + "}";
                }
                else
                {
                    ((JsonArray)holder)[(int)key] = "${" + substitution + "}";
                }
            }
            var lines = new JsonArray();
            foreach (var line in PrettyJson(definition).Split('\n'))
            {
                lines.Add(line);
            }
            props["DefinitionString"] = new JsonObject { ["Fn::Join"] = new JsonArray("\n", lines) };
        }
        else if (p["DefinitionUri"] is { } uri)
        {
            props["DefinitionS3Location"] = TranslationContext.S3Location(id, "DefinitionUri", uri, "Bucket", "Key", "Version");
        }
        else
        {
            throw new InvalidResourceException(id, "Either 'Definition' or 'DefinitionUri' property must be specified.");
        }
        if (p["DefinitionSubstitutions"] is JsonObject subs)
        {
            // As the translator: the user's substitutions first, updated with the generated ones.
            var merged = (JsonObject)subs.DeepClone();
            foreach (var (k, v) in generatedSubstitutions)
            {
                merged[k] = v?.DeepClone();
            }

            generatedSubstitutions = merged;
        }
        else if (p["DefinitionSubstitutions"] is { } other)
        {
            props["DefinitionSubstitutions"] = other.DeepClone();
        }
        if (generatedSubstitutions.Count > 0)
        {
            props["DefinitionSubstitutions"] = generatedSubstitutions;
        }
        if (p["Name"] is { } name)
        {
            props["StateMachineName"] = name.DeepClone();
        }
        if (p["Type"] is { } type)
        {
            props["StateMachineType"] = type.DeepClone();
        }
        if (p["Logging"] is { } logging)
        {
            props["LoggingConfiguration"] = logging.DeepClone();
        }
        if (p["Tracing"] is { } tracing)
        {
            props["TracingConfiguration"] = tracing.DeepClone();
        }
        var tags = new JsonArray(new JsonObject { ["Key"] = "stateMachine:createdBy", ["Value"] = "SAM" });
        if (p["Tags"] is JsonObject userTags)
        {
            foreach (var (k, v) in userTags)
            {
                tags.Add(new JsonObject { ["Key"] = k, ["Value"] = v?.DeepClone() });
            }
        }
        props["Tags"] = tags;
        if (p["Role"] is { } role)
        {
            if (p["Policies"] is not null)
            {
                throw new InvalidResourceException(id, "Role and Policies properties cannot be specified together.");
            }
            props["RoleArn"] = role.DeepClone();
        }
        else
        {
            props["RoleArn"] = Json.GetAtt(id + "Role", "Arn");
            _out.Add((id + "Role", BuildRole(tags)));
        }
        _out.Insert(0, (id, TranslationContext.NewResource("AWS::StepFunctions::StateMachine", props, resource, "Condition", "DependsOn", "DeletionPolicy", "UpdateReplacePolicy", "Metadata")));
        AddVersionAndAlias();
        if (p["Events"] is JsonObject events)
        {
            foreach (var (eventId, node) in events)
            {
                // The translator's state machine generator lets an event's error through as is (no resource wrapper).
                TranslateEvent(eventId, node);
            }
        }
        PropagateTags();
        return _out;
    }

    /// <summary>The Ref an event rule targets: the alias when UseAliasAsEventTarget (and AutoPublishAlias) is set.</summary>
    private JsonObject EventTarget => _aliasId is not null && Json.IsTruthy(p["UseAliasAsEventTarget"]) ? Json.Ref(_aliasId) : Json.Ref(id);

    private string? _aliasId;

    /// <summary>AutoPublishAlias: a StateMachineVersion (kept on delete and replace) and an alias deployed to it.</summary>
    private void AddVersionAndAlias()
    {
        if (p["AutoPublishAlias"] is not { } aliasNode)
        {
            return;
        }
        var alias = Json.Str(aliasNode) ?? throw new InvalidResourceException(id, "'AutoPublishAlias' must be a string.");
        var versionId = id + "Version";
        var version = TranslationContext.NewResource("AWS::StepFunctions::StateMachineVersion", new JsonObject
        {
            ["StateMachineArn"] = Json.Ref(id),
            ["StateMachineRevisionId"] = Json.GetAtt(id, "StateMachineRevisionId"),
        }, resource);
        version["DeletionPolicy"] ??= "Retain";
        version["UpdateReplacePolicy"] ??= "Retain";
        var preference = p["DeploymentPreference"] is JsonObject given ? given.DeepClone().AsObject() : new JsonObject { ["Type"] = "ALL_AT_ONCE" };
        preference["StateMachineVersionArn"] = Json.Ref(versionId);
        _aliasId = id + "Alias" + alias;
        _out.Add((versionId, version));
        _out.Add((_aliasId, TranslationContext.NewResource("AWS::StepFunctions::StateMachineAlias", new JsonObject
        {
            ["Name"] = alias,
            ["DeploymentPreference"] = preference,
        }, resource)));
    }

    private JsonObject BuildRole(JsonArray tags)
    {
        var managed = new JsonArray();
        var documents = new JsonArray();
        var policies = p["Policies"] switch
        {
            null => new JsonArray(),
            JsonArray a => a,
            var single => new JsonArray(single.DeepClone()),
        };
        var index = 0;
        foreach (var entry in policies)
        {
            if (Json.IsString(entry) || (Json.IsIntrinsic(entry) && !((JsonObject)entry!).ContainsKey("Fn::If")))
            {
                JsonNode arn = entry!.DeepClone();
                if (Json.Str(entry) is { } policyName)
                {
                    arn = ManagedPolicies.Resolve(policyName, context) ?? policyName;
                }
                managed.Add(arn);
            }
            else if (SamConditionalPolicies.IsConditional(entry))
            {
                SamConditionalPolicies.Add((JsonObject)entry!, id, $"{id}RolePolicy{index}", index, managed, documents);
            }
            else if (entry is JsonObject doc && doc.ContainsKey("Statement"))
            {
                documents.Add(new JsonObject { ["PolicyName"] = $"{id}RolePolicy{index}", ["PolicyDocument"] = doc.DeepClone() });
            }
            else if (entry is JsonObject template && template.Count == 1)
            {
                documents.Add(new JsonObject { ["PolicyName"] = $"{id}RolePolicy{index}", ["PolicyDocument"] = PolicyTemplates.Expand(id, template, index) });
            }
            else
            {
                throw new InvalidResourceException(id, $"Policy at index {index} in the 'Policies' property is not valid");
            }
            index++;
        }
        if (p["Tracing"] is JsonObject tracing && Json.IsTruthy(tracing["Enabled"]))
        {
            var xray = context.ManagedPolicyArn("AWSXrayWriteOnlyAccess");
            if (!managed.Any(m => Json.Str(m) == xray))
            {
                managed.Add(xray);
            }
        }
        var props = new JsonObject
        {
            ["AssumeRolePolicyDocument"] = AssumeRole("states.amazonaws.com"),
            ["ManagedPolicyArns"] = managed,
            ["Tags"] = tags.DeepClone(),
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

    private static JsonObject AssumeRole(string service) => new()
    {
        ["Version"] = "2012-10-17",
        ["Statement"] = new JsonArray(new JsonObject
        {
            ["Action"] = new JsonArray("sts:AssumeRole"),
            ["Effect"] = "Allow",
            ["Principal"] = new JsonObject { ["Service"] = new JsonArray(service) },
        }),
    };

    private void TranslateEvent(string eventId, JsonNode? node)
    {
        if (node is not JsonObject ev)
        {
            throw new InvalidEventException(eventId, "Event should be a map.");
        }
        var type = Json.Str(ev["Type"]);
        var props = ev["Properties"] as JsonObject ?? new JsonObject();
        var logicalId = id + eventId;
        var rule = new JsonObject();
        switch (type)
        {
            case "Schedule":
                if (props["Schedule"] is null)
                {
                    throw new InvalidResourceException(logicalId, "Missing required property 'Schedule'.");
                }
                rule["ScheduleExpression"] = props["Schedule"]!.DeepClone();
                if (props["State"] is not null && props["Enabled"] is not null)
                {
                    throw new InvalidEventException(eventId, "State and Enabled Properties cannot both be specified.");
                }
                if (props["Enabled"] is { } enabled)
                {
                    rule["State"] = Json.IsTruthy(enabled) ? "ENABLED" : "DISABLED";
                }
                break;
            case "CloudWatchEvent":
            case "EventBridgeRule":
                if (props["Pattern"] is { } pattern)
                {
                    rule["EventPattern"] = pattern.DeepClone();
                }
                if (props["EventBusName"] is { } bus)
                {
                    rule["EventBusName"] = bus.DeepClone();
                }
                if (props["RuleName"] is { } ruleName)
                {
                    rule["Name"] = ruleName.DeepClone();
                }
                break;
            case "Api":
                AddApiEventRole(logicalId);
                return;
            case "ScheduleV2":
                SchedulerScheduleEvent.Translate(logicalId, eventId, props, EventTarget, logicalId + "StartExecutionPolicy", "states:StartExecution", _out, resource, "Condition");
                return;
            default:
                throw new InvalidEventException(eventId, $"Event type '{type}' is not supported by this transform yet.");
        }
        foreach (var name in new[] { "State", "Name", "Description" })
        {
            if (props[name] is { } v)
            {
                rule[name] = v.DeepClone();
            }
        }
        var targetId = props["Target"] is JsonObject t && t["Id"] is { } tid ? tid.DeepClone() : logicalId + "StepFunctionsTarget";
        var target = new JsonObject { ["Arn"] = EventTarget, ["Id"] = targetId };
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
        if ((props["RoleArn"] ?? props["Role"]) is { } eventRole)
        {
            target["RoleArn"] = eventRole.DeepClone();
        }
        else
        {
            target["RoleArn"] = Json.GetAtt(logicalId + "Role", "Arn");
            var eventRoleProperties = new JsonObject
            {
                ["AssumeRolePolicyDocument"] = AssumeRole("events.amazonaws.com"),
                ["Policies"] = new JsonArray(new JsonObject
                {
                    ["PolicyName"] = logicalId + "RoleStartExecutionPolicy",
                    ["PolicyDocument"] = new JsonObject
                    {
                        ["Statement"] = new JsonArray(new JsonObject { ["Action"] = "states:StartExecution", ["Effect"] = "Allow", ["Resource"] = EventTarget }),
                    },
                }),
            };
            if (p["PermissionsBoundary"] is { } boundary)
            {
                eventRoleProperties["PermissionsBoundary"] = boundary.DeepClone();
            }

            _out.Add((logicalId + "Role", TranslationContext.NewResource("AWS::IAM::Role", eventRoleProperties, resource, "Condition")));
        }
        rule["Targets"] = new JsonArray(target);
        _out.Add((logicalId, TranslationContext.NewResource("AWS::Events::Rule", rule, resource, "Condition")));
    }

    /// <summary>
    /// The intrinsics and dynamic references ({{resolve:...}}) in a definition, depth first with keys in sorted order
    /// (the translator numbers its definition_substitution_N in that order).
    /// </summary>
    private static List<(JsonNode Holder, object Key)> DynamicValues(JsonNode? node)
    {
        var found = new List<(JsonNode, object)>();
        IEnumerable<(object Key, JsonNode? Value)> children = node switch
        {
            JsonObject o => o.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => ((object)kv.Key, kv.Value)).ToList(),
            JsonArray a => a.Select((v, i) => ((object)i, v)).ToList(),
            _ => [],
        };
        foreach (var (key, value) in children)
        {
            if (Json.IsIntrinsic(value) || (Json.Str(value) is { } s && s.StartsWith("{{resolve:", StringComparison.Ordinal)))
            {
                found.Add((node!, key));
            }
            else if (value is JsonObject or JsonArray)
            {
                found.AddRange(DynamicValues(value));
            }
        }
        return found;
    }

    /// <summary>Python's json.dumps(value, indent=4, sort_keys=True).</summary>
    internal static string PrettyJson(JsonNode? node)
    {
        var sb = new StringBuilder();
        Write(sb, node, 0);
        return sb.ToString();
    }

    private static void Write(StringBuilder sb, JsonNode? node, int depth)
    {
        switch (node)
        {
            case JsonObject o when o.Count > 0:
                sb.Append("{\n");
                var first = true;
                foreach (var (k, v) in o.OrderBy(x => x.Key, StringComparer.Ordinal))
                {
                    if (!first)
                    {
                        sb.Append(",\n");
                    }
                    first = false;
                    sb.Append(' ', (depth + 1) * 4).Append(TemplateReader.ToPythonJson(JsonValue.Create(k))).Append(": ");
                    Write(sb, v, depth + 1);
                }
                sb.Append('\n').Append(' ', depth * 4).Append('}');
                break;
            case JsonArray a when a.Count > 0:
                sb.Append("[\n");
                for (var i = 0; i < a.Count; i++)
                {
                    if (i > 0)
                    {
                        sb.Append(",\n");
                    }
                    sb.Append(' ', (depth + 1) * 4);
                    Write(sb, a[i], depth + 1);
                }
                sb.Append('\n').Append(' ', depth * 4).Append(']');
                break;
            default:
                sb.Append(TemplateReader.ToPythonJson(node));
                break;
        }
    }

    /// <summary>The role API Gateway assumes to start executions for an <c>Api</c> event (the method itself is written by <see cref="SamApis"/>).</summary>
    private void AddApiEventRole(string logicalId)
    {
        var roleId = logicalId + "Role";
        var role = new JsonObject
        {
            ["AssumeRolePolicyDocument"] = new JsonObject
            {
                ["Version"] = "2012-10-17",
                ["Statement"] = new JsonArray(new JsonObject
                {
                    ["Action"] = new JsonArray("sts:AssumeRole"),
                    ["Effect"] = "Allow",
                    ["Principal"] = new JsonObject { ["Service"] = new JsonArray("apigateway.amazonaws.com") },
                }),
            },
            ["Policies"] = new JsonArray(new JsonObject
            {
                ["PolicyName"] = roleId + "StartExecutionPolicy",
                ["PolicyDocument"] = new JsonObject
                {
                    ["Statement"] = new JsonArray(new JsonObject
                    {
                        ["Action"] = "states:StartExecution",
                        ["Effect"] = "Allow",
                        ["Resource"] = EventTarget,
                    }),
                },
            }),
        };
        if (p["PermissionsBoundary"] is { } boundary)
        {
            role["PermissionsBoundary"] = boundary.DeepClone();
        }

        _out.Add((roleId, TranslationContext.NewResource("AWS::IAM::Role", role, resource)));
    }
}
