using System.Text.Json.Nodes;

namespace Nimbus.Templates.Sam;

/// <summary>AWS::Serverless::Function → AWS::Lambda::Function, its role, version/alias and event sources.</summary>
internal sealed class SamFunction(TranslationContext context, string id, JsonObject resource, JsonObject p)
{
    private static readonly string[] KnownProperties =
    [
        "Handler", "Runtime", "CodeUri", "ImageUri", "PackageType", "InlineCode", "DeadLetterQueue", "Description", "MemorySize",
        "Timeout", "VpcConfig", "Role", "AssumeRolePolicyDocument", "Policies", "RolePath", "PermissionsBoundary", "Environment",
        "Events", "Tags", "PropagateTags", "Tracing", "KmsKeyArn", "Layers", "AutoPublishAlias", "AutoPublishCodeSha256",
        "AutoPublishAliasAllProperties", "VersionDescription", "VersionDeletionPolicy", "ReservedConcurrentExecutions",
        "ProvisionedConcurrencyConfig", "DeploymentPreference", "FunctionName", "EventInvokeConfig", "FileSystemConfigs",
        "CodeSigningConfigArn", "ImageConfig", "Architectures", "SnapStart", "EphemeralStorage", "FunctionUrlConfig",
        "RuntimeManagementConfig", "LoggingConfig", "RecursiveLoop", "SourceKMSKeyArn", "TenancyConfig", "CapacityProviderConfig",
        "DurableConfig", "FunctionScalingConfig", "PublishToLatestPublished",
    ];

    private readonly List<(string Id, JsonObject Resource)> _out = [];
    private JsonObject? _role;
    private bool _cognitoPermission;
    private string? _aliasId;

    public List<(string Id, JsonObject Resource)> Translate()
    {
        TranslationContext.CheckProperties(id, "AWS::Serverless::Function", p, KnownProperties);
        if (p["TenancyConfig"] is not null)
        {
            if (p["FunctionUrlConfig"] is not null)
            {
                throw new InvalidResourceException(id, "Function URL is not supported for functions enabled with tenancy configuration.");
            }
            if (p["ProvisionedConcurrencyConfig"] is not null)
            {
                throw new InvalidResourceException(id, "Provisioned concurrency is not supported for functions enabled with tenancy configuration.");
            }
            if (p["Events"] is JsonObject tenancyEvents)
            {
                foreach (var (_, ev) in tenancyEvents)
                {
                    if (Json.Str(ev?["Type"]) is { } t && t is not ("Api" or "HttpApi"))
                    {
                        throw new InvalidResourceException(id, $"Event source '{t}' is not supported for functions enabled with tenancy configuration. Only Api and HttpApi event sources are supported.");
                    }
                }
            }
        }
        if (p["FunctionUrlConfig"] is JsonObject urlCheck && urlCheck["AuthType"] is null)
        {
            throw new InvalidResourceException(id, "AuthType is required to configure function property `FunctionUrlConfig`. Please provide either AWS_IAM or NONE.");
        }
        var function = BuildFunction();
        _out.Add((id, function));
        var fprops = function["Properties"]!.AsObject();

        if (p["ProvisionedConcurrencyConfig"] is not null && p["AutoPublishAlias"] is null)
        {
            throw new InvalidResourceException(id, "To set ProvisionedConcurrencyConfig AutoPublishALias must be defined on the function");
        }
        if (p["AutoPublishAlias"] is not null && p["AutoPublishCodeSha256"] is { } shaNode)
        {
            var sha256 = context.ResolveParameterRefs(shaNode);
            if (Json.Str(sha256) is not { } shaText)
            {
                throw new InvalidResourceException(id, "AutoPublishCodeSha256 must be a string");
            }
            fprops["Description"] = fprops["Description"] switch
            {
                null => shaText,
                var d when Json.IsString(d) => $"{d.GetValue<string>()} {shaText}",
                var d => new JsonObject { ["Fn::Join"] = new JsonArray(" ", new JsonArray(d.DeepClone(), shaText)) },
            };
        }
        if (p["AutoPublishAlias"] is { } aliasNode)
        {
            var aliasName = context.ResolveParameterRefs(aliasNode);
            if (Json.Str(aliasName) is not { } name)
            {
                throw new InvalidResourceException(id, "'AutoPublishAlias' must be a string or a Ref to a template parameter");
            }
            if (name.Length == 0)
            {
                throw new InvalidResourceException(id, "'DeploymentPreference' requires AutoPublishAlias property to be specified.");
            }
            if (!System.Text.RegularExpressions.Regex.IsMatch(name, "^(?!^[0-9]+$)([a-zA-Z0-9-_]+)$"))
            {
                throw new InvalidResourceException(id, $"AutoPublishAlias name ('{name}') must contain only alphanumeric characters, hyphens, or underscores matching (?!^[0-9]+$)([a-zA-Z0-9-_]+) pattern.");
            }
            var version = BuildVersion(fprops);
            var versionId = version.Id;
            _out.Add(version);
            _aliasId = id + "Alias" + string.Concat(name.Select(c => c == '-' ? "D" : c == '_' ? "U" : char.IsAsciiLetterOrDigit(c) ? c.ToString() : ""));
            var aliasProps = new JsonObject
            {
                ["Name"] = name,
                ["FunctionName"] = Json.Ref(id),
                ["FunctionVersion"] = Json.GetAtt(versionId, "Version"),
            };
            if (p["ProvisionedConcurrencyConfig"] is { } pcc)
            {
                aliasProps["ProvisionedConcurrencyConfig"] = pcc.DeepClone();
            }
            var alias = TranslationContext.NewResource("AWS::Lambda::Alias", aliasProps, resource);
            _out.Add((_aliasId, alias));
            DeploymentPreference(alias);
        }
        else if (p["DeploymentPreference"] is JsonObject preference && DeploymentEnabled(preference))
        {
            throw new InvalidResourceException(id, "'DeploymentPreference' requires AutoPublishAlias property to be specified.");
        }

        if (p["FunctionUrlConfig"] is JsonObject urlConfig)
        {
            BuildFunctionUrl(urlConfig);
        }

        if (p["Role"] is { } givenRole && !Json.IsString(givenRole) && givenRole is not JsonObject)
        {
            throw new InvalidResourceException(id, "Property 'Role' should be a string.");
        }
        if (p["Role"] is null)
        {
            _role = BuildRole();
            fprops["Role"] = Json.GetAtt(id + "Role", "Arn");
            _out.Add((id + "Role", _role));
        }

        if (p["Events"] is JsonObject events)
        {
            foreach (var (eventId, eventNode) in events)
            {
                try
                {
                    TranslateEvent(eventId, eventNode);
                }
                catch (InvalidEventException e)
                {
                    throw new InvalidResourceException(id, e.Message);
                }
            }
        }
        return _out;
    }

    private JsonObject BuildFunction()
    {
        var props = new JsonObject();
        void Copy(string from, string? to = null)
        {
            if (p[from] is { } v)
            {
                props[to ?? from] = v.DeepClone();
            }
        }
        Copy("FunctionName");
        Copy("Handler");
        Copy("Runtime");
        Copy("Description");
        Copy("MemorySize");
        Copy("Timeout");
        Copy("VpcConfig");
        Copy("Role");
        Copy("Environment");
        props["Code"] = BuildCode();
        if (p["SourceKMSKeyArn"] is { } sourceKms)
        {
            props["Code"]!["SourceKMSKeyArn"] = sourceKms.DeepClone();
        }
        Copy("KmsKeyArn");
        Copy("ReservedConcurrentExecutions");
        props["Tags"] = TranslationContext.TagList(id, p["Tags"]);
        Copy("Layers");
        Copy("FileSystemConfigs");
        Copy("ImageConfig");
        Copy("PackageType");
        Copy("Architectures");
        Copy("SnapStart");
        Copy("EphemeralStorage");
        Copy("RuntimeManagementConfig");
        Copy("LoggingConfig");
        Copy("RecursiveLoop");
        Copy("CodeSigningConfigArn");
        Copy("TenancyConfig");
        Copy("DurableConfig");
        if (p["Tracing"] is { } tracing && TracingEnabled)
        {
            props["TracingConfig"] = new JsonObject { ["Mode"] = tracing.DeepClone() };
        }
        if (p["DeadLetterQueue"] is JsonObject dlq)
        {
            props["DeadLetterConfig"] = new JsonObject { ["TargetArn"] = dlq["TargetArn"]?.DeepClone() };
        }
        return TranslationContext.NewResource("AWS::Lambda::Function", props, resource, "Condition", "DependsOn", "DeletionPolicy", "UpdateReplacePolicy", "Metadata");
    }

    private static readonly HashSet<string> PredefinedDeploymentTypes =
    [
        "Canary10Percent30Minutes", "Canary10Percent5Minutes", "Canary10Percent10Minutes", "Canary10Percent15Minutes",
        "Linear10PercentEvery10Minutes", "Linear10PercentEvery1Minute", "Linear10PercentEvery2Minutes", "Linear10PercentEvery3Minutes", "AllAtOnce",
    ];

    private bool DeploymentEnabled(JsonObject preference)
    {
        var enabled = context.ResolveParameterRefs(preference["Enabled"]);
        return enabled is null || (Json.Str(enabled) is { } s ? !s.Equals("false", StringComparison.OrdinalIgnoreCase) : Json.IsTruthy(enabled));
    }

    private void DeploymentPreference(JsonObject alias)
    {
        if (p["DeploymentPreference"] is not JsonObject preference || !DeploymentEnabled(preference))
        {
            return;
        }
        var type = preference["Type"];
        if (type is null)
        {
            throw new InvalidResourceException(id, "'DeploymentPreference' is missing required Property 'Type'");
        }
        var groupId = id + "DeploymentGroup";
        var group = new JsonObject
        {
            ["ApplicationName"] = Json.Ref("ServerlessDeploymentApplication"),
            ["AutoRollbackConfiguration"] = new JsonObject
            {
                ["Enabled"] = true,
                ["Events"] = new JsonArray("DEPLOYMENT_FAILURE", "DEPLOYMENT_STOP_ON_ALARM", "DEPLOYMENT_STOP_ON_REQUEST"),
            },
            ["DeploymentConfigName"] = Json.Str(type) is { } t && PredefinedDeploymentTypes.Contains(t)
                ? new JsonObject { ["Fn::Sub"] = new JsonArray("CodeDeployDefault.Lambda${ConfigName}", new JsonObject { ["ConfigName"] = t }) }
                : type.DeepClone(),
            ["DeploymentStyle"] = new JsonObject { ["DeploymentOption"] = "WITH_TRAFFIC_CONTROL", ["DeploymentType"] = "BLUE_GREEN" },
        };
        if (preference["Role"] is { } role)
        {
            group["ServiceRoleArn"] = role.DeepClone();
        }
        else
        {
            group["ServiceRoleArn"] = Json.GetAtt("CodeDeployServiceRole", "Arn");
            context.NeedsCodeDeployRole = true;
        }
        context.NeedsDeploymentApplication = true;
        if (preference["Alarms"] is JsonArray alarms && alarms.Count > 0)
        {
            var list = new JsonArray();
            foreach (var a in alarms)
            {
                list.Add(new JsonObject { ["Name"] = a?.DeepClone() });
            }
            group["AlarmConfiguration"] = new JsonObject { ["Alarms"] = list, ["Enabled"] = true };
        }
        if (preference["TriggerConfigurations"] is { } triggers)
        {
            group["TriggerConfigurations"] = triggers.DeepClone();
        }
        var groupResource = TranslationContext.NewResource("AWS::CodeDeploy::DeploymentGroup", group);
        if (Json.IsTruthy(preference["PassthroughCondition"]) && resource["Condition"] is { } condition)
        {
            groupResource["Condition"] = condition.DeepClone();
        }
        _out.Add((groupId, groupResource));
        var update = new JsonObject
        {
            ["ApplicationName"] = Json.Ref("ServerlessDeploymentApplication"),
            ["DeploymentGroupName"] = Json.Ref(groupId),
        };
        if (preference["Hooks"] is JsonObject hooks)
        {
            foreach (var (k, v) in hooks)
            {
                var name = k switch
                {
                    "PreTraffic" => "BeforeAllowTrafficHook",
                    "PostTraffic" => "AfterAllowTrafficHook",
                    _ => throw new InvalidResourceException(id, $"Invalid hook {k}"),
                };
                update[name] = v?.DeepClone();
            }
        }
        alias["UpdatePolicy"] = new JsonObject { ["CodeDeployLambdaAliasUpdate"] = update };
    }

    private bool TracingEnabled => Json.Str(context.ResolveParameterRefs(p["Tracing"])) != "Disabled";

    private JsonObject BuildCode()
    {
        var sources = new[] { "InlineCode", "CodeUri", "ImageUri" }.Count(k => p[k] is not null);
        if (Json.Str(p["PackageType"]) == "Image")
        {
            if (p["ImageUri"] is null)
            {
                throw new InvalidResourceException(id, "'ImageUri' must be set.");
            }
            return new JsonObject { ["ImageUri"] = p["ImageUri"]!.DeepClone() };
        }
        if (sources == 0)
        {
            throw new InvalidResourceException(id, "Only one of 'InlineCode' or 'CodeUri' can be set.");
        }
        if (p["InlineCode"] is { } inline)
        {
            return new JsonObject { ["ZipFile"] = inline.DeepClone() };
        }
        if (p["ImageUri"] is { } image)
        {
            return new JsonObject { ["ImageUri"] = image.DeepClone() };
        }
        return TranslationContext.S3Location(id, "CodeUri", p["CodeUri"]);
    }

    private (string Id, JsonObject Resource) BuildVersion(JsonObject fprops)
    {
        var logical = context.ResolveParameterRefs(fprops["Code"])!.AsObject();
        if (fprops["Environment"] is JsonObject env)
        {
            foreach (var (k, v) in env)
            {
                logical[k] = v?.DeepClone();
            }
        }
        if (fprops["MemorySize"] is { } mem)
        {
            logical["MemorySize"] = mem.DeepClone();
        }
        if (fprops["SnapStart"] is JsonObject snap && Json.Str(snap["ApplyOn"]) is { } applyOn && applyOn != "None")
        {
            logical["SnapStart"] = snap.DeepClone();
        }
        if (fprops["RuntimeManagementConfig"] is { } rmc)
        {
            logical["RuntimeManagementConfig"] = rmc.DeepClone();
        }
        if (Json.IsTruthy(p["AutoPublishAliasAllProperties"]))
        {
            logical = new JsonObject();
            foreach (var (k, v) in fprops)
            {
                logical[k] = context.ResolveParameterRefs(v);
            }
        }
        var sha = Json.Str(context.ResolveParameterRefs(p["AutoPublishCodeSha256"]));
        var versionId = id + "Version" + (sha is not null ? sha[..Math.Min(10, sha.Length)] : SamTranslator.Hash(logical));
        var version = TranslationContext.NewResource("AWS::Lambda::Version", new JsonObject { ["FunctionName"] = Json.Ref(id) }, resource);
        if (p["VersionDescription"] is { } vd)
        {
            version["Properties"]!["Description"] = vd.DeepClone();
        }
        if (p["VersionDeletionPolicy"] is { } vdp)
        {
            if (Json.Str(vdp) is not ("Delete" or "Retain"))
            {
                throw new InvalidResourceException(id, "Property 'VersionDeletionPolicy' should be a one of the strings: 'Delete' or 'Retain'.");
            }
            version["DeletionPolicy"] = vdp.DeepClone();
        }
        else
        {
            version["DeletionPolicy"] ??= "Retain";
        }
        return (versionId, version);
    }

    private void BuildFunctionUrl(JsonObject config)
    {
        var target = _aliasId is not null ? Json.Ref(_aliasId) : Json.Ref(id);
        var props = new JsonObject
        {
            ["TargetFunctionArn"] = target.DeepClone(),
            ["AuthType"] = config["AuthType"]?.DeepClone(),
        };
        if (config["Cors"] is { } cors)
        {
            props["Cors"] = cors.DeepClone();
        }
        if (config["InvokeMode"] is { } mode)
        {
            props["InvokeMode"] = mode.DeepClone();
        }
        _out.Add((id + "Url", TranslationContext.NewResource("AWS::Lambda::Url", props, resource)));
        if (Json.Str(config["AuthType"]) == "NONE")
        {
            _out.Add((id + "UrlPublicPermissions", TranslationContext.NewResource("AWS::Lambda::Permission", new JsonObject
            {
                ["Action"] = "lambda:InvokeFunctionUrl",
                ["FunctionName"] = target.DeepClone(),
                ["Principal"] = "*",
                ["FunctionUrlAuthType"] = "NONE",
            }, resource)));
            _out.Add((id + "URLInvokeAllowPublicAccess", TranslationContext.NewResource("AWS::Lambda::Permission", new JsonObject
            {
                ["Action"] = "lambda:InvokeFunction",
                ["FunctionName"] = target.DeepClone(),
                ["Principal"] = "*",
                ["InvokedViaFunctionUrl"] = true,
            }, resource)));
        }
    }

    // ---- role -----------------------------------------------------------------------------------------------------

    private JsonObject BuildRole()
    {
        var managed = new JsonArray(context.ManagedPolicyArn("service-role/AWSLambdaBasicExecutionRole"));
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
            else if (entry is JsonObject o && o.ContainsKey("Fn::If") && o["Fn::If"] is JsonArray iff && iff.Count == 3)
            {
                var copy = (JsonObject)o.DeepClone();
                var branches = copy["Fn::If"]!.AsArray();
                var isStatement = IsStatement(branches[1]) || IsStatement(branches[2]);
                if (!isStatement)
                {
                    managed.Add(copy);
                }
                else
                {
                    for (var b = 1; b <= 2; b++)
                    {
                        if (!IsNoValue(branches[b]))
                        {
                            branches[b] = new JsonObject { ["PolicyName"] = $"{roleId}Policy{index}", ["PolicyDocument"] = branches[b]!.DeepClone() };
                        }
                    }
                    documents.Add(copy);
                }
            }
            else if (entry is JsonObject doc && doc.ContainsKey("Statement"))
            {
                documents.Add(new JsonObject { ["PolicyName"] = $"{roleId}Policy{index}", ["PolicyDocument"] = doc.DeepClone() });
            }
            else if (entry is JsonObject template && template.Count == 1)
            {
                throw new InvalidResourceException(id, $"Policy template '{template.First().Key}' is not supported by this transform yet.");
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

    private static bool IsNoValue(JsonNode? n) => n is JsonObject o && o.Count == 1 && Json.Str(o["Ref"]) == "AWS::NoValue";

    private static bool IsStatement(JsonNode? n) => n is JsonObject o && o.ContainsKey("Statement");

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
                        ["Stream", "Topics", "StartingPosition", "StartingPositionTimestamp", "BatchSize", "Enabled", "MaximumBatchingWindowInSeconds", "FilterCriteria", "SourceAccessConfigurations", "KmsKeyArn", "MetricsConfig", "ProvisionedPollerConfig", "DestinationConfig", "BisectBatchOnFunctionError", "MaximumRecordAgeInSeconds", "MaximumRetryAttempts"]);
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
                        throw new InvalidEventException(eventId, "Ref in Userpool is not a string.");
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
            default:
                throw new InvalidEventException(eventId, $"Event type '{type}' is not supported by this transform yet.");
        }
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

    private void PullEvent(string logicalId, string eventId, JsonObject ev, JsonObject props, string type, string sourceProperty, string policy, string[] allowed)
    {
        foreach (var (k, _) in props)
        {
            if (!allowed.Contains(k))
            {
                throw new InvalidEventException(eventId, $"Property {k} not defined for resource of type {type}.");
            }
        }
        if (props[sourceProperty] is null)
        {
            throw new InvalidResourceException(logicalId, $"Missing required property '{sourceProperty}'.");
        }
        if (type is "Kinesis" or "DynamoDB" or "MSK" && props["StartingPosition"] is null)
        {
            throw new InvalidResourceException(logicalId, "Missing required property 'StartingPosition'.");
        }
        var esm = new JsonObject
        {
            ["EventSourceArn"] = props[sourceProperty]!.DeepClone(),
            ["FunctionName"] = FunctionNameOrAlias.DeepClone(),
        };
        foreach (var (k, v) in props)
        {
            if (k == sourceProperty)
            {
                continue;
            }
            if (k == "DestinationConfig" && v is JsonObject dc)
            {
                var onFailure = dc["OnFailure"] as JsonObject;
                var copy = new JsonObject();
                if (onFailure is not null)
                {
                    var target = new JsonObject { ["Destination"] = onFailure["Destination"]?.DeepClone() };
                    copy["OnFailure"] = target;
                    var destinationType = Json.Str(onFailure["Type"]);
                    if (destinationType is "SQS" or "SNS" or "S3")
                    {
                        var action = destinationType switch { "SQS" => "sqs:SendMessage", "SNS" => "sns:publish", _ => "s3:PutObject" };
                        var statementResource = onFailure["Destination"]?.DeepClone();
                        AddInlinePolicy(new JsonObject
                        {
                            ["PolicyName"] = destinationType switch { "SQS" => "SQSSendMessagePolicy", "SNS" => "SNSPublishMessagePolicy", _ => "S3PutObjectPolicy" },
                            ["PolicyDocument"] = new JsonObject
                            {
                                ["Version"] = "2012-10-17",
                                ["Statement"] = new JsonArray(new JsonObject { ["Action"] = action, ["Resource"] = statementResource, ["Effect"] = "Allow" }),
                            },
                        });
                    }
                }
                esm["DestinationConfig"] = copy;
                continue;
            }
            esm[k] = v?.DeepClone();
        }
        var mapping = TranslationContext.NewResource("AWS::Lambda::EventSourceMapping", esm, resource);
        _out.Add((logicalId, mapping));
        AddManagedPolicy(policy);
        _ = ev;
    }

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
        var permission = Permission(logicalId, "s3.amazonaws.com", null, Json.Ref("AWS::AccountId"));
        _ = permission;
        if (resource["Condition"] is { } permissionCondition)
        {
            if (bucket["Properties"] is not JsonObject taggedProps)
            {
                taggedProps = new JsonObject();
                bucket["Properties"] = taggedProps;
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
            case null:
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
            throw new InvalidResourceException(bucketId, "Invalid type for NotificationConfiguration.");
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

    private static readonly string[] CommonEsmProperties =
    [
        "BatchSize", "Enabled", "MaximumBatchingWindowInSeconds", "FilterCriteria", "KmsKeyArn", "MetricsConfig", "ProvisionedPollerConfig",
        "StartingPosition", "StartingPositionTimestamp", "DestinationConfig", "BisectBatchOnFunctionError", "MaximumRecordAgeInSeconds",
        "MaximumRetryAttempts", "SourceAccessConfigurations",
    ];

    private static readonly JsonArray Ec2NetworkActions = new("ec2:CreateNetworkInterface", "ec2:DescribeNetworkInterfaces", "ec2:DeleteNetworkInterface", "ec2:DescribeVpcs", "ec2:DescribeSubnets", "ec2:DescribeSecurityGroups");

    private JsonObject Esm(string logicalId, JsonNode? sourceArn, JsonObject props, string[] skip)
    {
        var esm = new JsonObject { ["FunctionName"] = FunctionNameOrAlias.DeepClone() };
        if (sourceArn is not null)
        {
            esm["EventSourceArn"] = sourceArn.DeepClone();
        }
        foreach (var (k, v) in props)
        {
            if (!skip.Contains(k))
            {
                esm[k] = v?.DeepClone();
            }
        }
        _out.Add((logicalId, TranslationContext.NewResource("AWS::Lambda::EventSourceMapping", esm, resource)));
        return esm;
    }

    private static JsonArray SourceAccess(string eventId, JsonObject props, string missing)
    {
        if (props["SourceAccessConfigurations"] is not JsonArray sac || sac.Count == 0)
        {
            throw new InvalidEventException(eventId, missing);
        }
        return sac;
    }

    private void SelfManagedKafkaEvent(string logicalId, string eventId, JsonObject props)
    {
        if (props["KafkaBootstrapServers"] is null)
        {
            throw new InvalidEventException(eventId, "No KafkaBootstrapServers provided for self managed kafka as an event source");
        }
        if (props["Topics"] is not JsonArray topics)
        {
            throw new InvalidEventException(eventId, "No Topics provided for self managed kafka as an event source");
        }
        if (topics.Count != 1)
        {
            throw new InvalidEventException(eventId, "Topics for self managed kafka only supports single configuration entry.");
        }
        var sac = SourceAccess(eventId, props, "No SourceAccessConfigurations for self managed kafka event provided.");
        var statements = new JsonArray();
        bool subnet = false, group = false, auth = false;
        foreach (var entry in sac)
        {
            var type = Json.Str(entry?["Type"]);
            switch (type)
            {
                case "VPC_SUBNET":
                    subnet = true;
                    break;
                case "VPC_SECURITY_GROUP":
                    group = true;
                    break;
                case "BASIC_AUTH" or "SASL_SCRAM_256_AUTH" or "SASL_SCRAM_512_AUTH" or "CLIENT_CERTIFICATE_TLS_AUTH":
                    if (auth)
                    {
                        throw new InvalidEventException(eventId, "Multiple auth mechanism properties specified in SourceAccessConfigurations for self managed kafka event.");
                    }
                    auth = true;
                    statements.Add(new JsonObject { ["Action"] = new JsonArray("secretsmanager:GetSecretValue"), ["Effect"] = "Allow", ["Resource"] = entry?["URI"]?.DeepClone() });
                    break;
                case "SERVER_ROOT_CA_CERTIFICATE":
                    statements.Add(new JsonObject { ["Action"] = new JsonArray("secretsmanager:GetSecretValue"), ["Effect"] = "Allow", ["Resource"] = entry?["URI"]?.DeepClone() });
                    break;
            }
        }
        if (subnet != group)
        {
            throw new InvalidEventException(eventId, "VPC_SUBNET and VPC_SECURITY_GROUP in SourceAccessConfigurations for SelfManagedKafka must be both provided.");
        }
        if (subnet)
        {
            statements.Add(new JsonObject { ["Action"] = Ec2NetworkActions.DeepClone(), ["Effect"] = "Allow", ["Resource"] = "*" });
        }
        var esm = Esm(logicalId, null, props, ["KafkaBootstrapServers", "ConsumerGroupId", "SchemaRegistryConfig"]);
        esm["SelfManagedEventSource"] = new JsonObject { ["Endpoints"] = new JsonObject { ["KafkaBootstrapServers"] = props["KafkaBootstrapServers"]!.DeepClone() } };
        if (props["ConsumerGroupId"] is not null || props["SchemaRegistryConfig"] is not null)
        {
            var config = new JsonObject();
            if (props["ConsumerGroupId"] is { } cg)
            {
                config["ConsumerGroupId"] = cg.DeepClone();
            }
            if (props["SchemaRegistryConfig"] is { } src)
            {
                config["SchemaRegistryConfig"] = src.DeepClone();
            }
            esm["SelfManagedKafkaEventSourceConfig"] = config;
        }
        if (statements.Count > 0)
        {
            AddInlinePolicy(new JsonObject
            {
                ["PolicyName"] = "SelfManagedKafkaExecutionRolePolicy",
                ["PolicyDocument"] = new JsonObject { ["Statement"] = statements, ["Version"] = "2012-10-17" },
            });
        }
    }

    private void MqEvent(string logicalId, string eventId, JsonObject props)
    {
        if (props["Broker"] is null)
        {
            throw new InvalidResourceException(logicalId, "Missing required property 'Broker'.");
        }
        var sac = SourceAccess(eventId, props, "No SourceAccessConfigurations for Amazon MQ event provided.");
        JsonNode? secret = null;
        var found = false;
        foreach (var entry in sac)
        {
            var type = Json.Str(entry?["Type"]);
            if (type is not ("BASIC_AUTH" or "VIRTUAL_HOST"))
            {
                throw new InvalidEventException(eventId, "Invalid property Type specified in SourceAccessConfigurations. The supported values are: ['BASIC_AUTH', 'VIRTUAL_HOST'].");
            }
            if (type == "BASIC_AUTH")
            {
                if (found)
                {
                    throw new InvalidEventException(eventId, "Multiple BASIC_AUTH properties specified in SourceAccessConfigurations.");
                }
                found = true;
                secret = entry?["URI"];
                if (secret is null)
                {
                    throw new InvalidEventException(eventId, "No BASIC_AUTH URI property specified in SourceAccessConfigurations.");
                }
            }
        }
        if (!found)
        {
            throw new InvalidEventException(eventId, "No BASIC_AUTH property specified in SourceAccessConfigurations.");
        }
        Esm(logicalId, props["Broker"], props, ["Broker", "SecretsManagerKmsKeyId", "DynamicPolicyName"]);
        var statements = new JsonArray(
            new JsonObject { ["Action"] = new JsonArray("secretsmanager:GetSecretValue"), ["Effect"] = "Allow", ["Resource"] = secret!.DeepClone() },
            new JsonObject { ["Action"] = new JsonArray("mq:DescribeBroker"), ["Effect"] = "Allow", ["Resource"] = props["Broker"]!.DeepClone() });
        if (props["SecretsManagerKmsKeyId"] is { } kms && !Json.IsString(kms))
        {
            throw new InvalidEventException(eventId, "Property 'SecretsManagerKmsKeyId' should be a string.");
        }
        if (props["SecretsManagerKmsKeyId"] is { } kmsId)
        {
            statements.Add(new JsonObject
            {
                ["Action"] = "kms:Decrypt",
                ["Effect"] = "Allow",
                ["Resource"] = Json.IsString(kmsId)
                    ? Json.Sub("arn:${AWS::Partition}:kms:${AWS::Region}:${AWS::AccountId}:key/" + kmsId.GetValue<string>())
                    : kmsId.DeepClone(),
            });
        }
        AddInlinePolicy(new JsonObject
        {
            ["PolicyName"] = Json.IsTruthy(props["DynamicPolicyName"]) ? logicalId + "AMQPolicy" : "SamAutoGeneratedAMQPolicy",
            ["PolicyDocument"] = new JsonObject { ["Statement"] = statements },
        });
    }

    private void DocumentDbEvent(string logicalId, string eventId, JsonObject props)
    {
        foreach (var required in new[] { "Cluster", "DatabaseName" })
        {
            if (props[required] is null)
            {
                throw new InvalidResourceException(logicalId, $"Missing required property '{required}'.");
            }
        }
        var sac = SourceAccess(eventId, props, "No SourceAccessConfigurations for Amazon DocumentDB event provided.");
        JsonNode? secret = null;
        foreach (var entry in sac)
        {
            if (Json.Str(entry?["Type"]) != "BASIC_AUTH")
            {
                throw new InvalidEventException(eventId, "Invalid property Type specified in SourceAccessConfigurations. The supported values are: ['BASIC_AUTH'].");
            }
            secret = entry?["URI"] ?? throw new InvalidEventException(eventId, "No BASIC_AUTH URI property specified in SourceAccessConfigurations.");
        }
        var esm = Esm(logicalId, props["Cluster"], props, ["Cluster", "DatabaseName", "CollectionName", "FullDocument", "SecretsManagerKmsKeyId"]);
        var config = new JsonObject { ["DatabaseName"] = props["DatabaseName"]!.DeepClone() };
        foreach (var name in new[] { "CollectionName", "FullDocument" })
        {
            if (props[name] is { } v)
            {
                config[name] = v.DeepClone();
            }
        }
        esm["DocumentDBEventSourceConfig"] = config;
        var statements = new JsonArray(
            new JsonObject { ["Action"] = new JsonArray("secretsmanager:GetSecretValue"), ["Effect"] = "Allow", ["Resource"] = secret?.DeepClone() },
            new JsonObject { ["Action"] = new JsonArray("rds:DescribeDBClusterParameters"), ["Effect"] = "Allow", ["Resource"] = Json.Sub("arn:${AWS::Partition}:rds:${AWS::Region}:${AWS::AccountId}:cluster-pg:*") },
            new JsonObject { ["Action"] = new JsonArray("rds:DescribeDBSubnetGroups"), ["Effect"] = "Allow", ["Resource"] = Json.Sub("arn:${AWS::Partition}:rds:${AWS::Region}:${AWS::AccountId}:subgrp:*") },
            new JsonObject { ["Action"] = new JsonArray("rds:DescribeDBClusters"), ["Effect"] = "Allow", ["Resource"] = props["Cluster"]!.DeepClone() },
            new JsonObject { ["Action"] = Ec2NetworkActions.DeepClone(), ["Effect"] = "Allow", ["Resource"] = "*" });
        if (props["SecretsManagerKmsKeyId"] is { } kms && !Json.IsString(kms))
        {
            throw new InvalidEventException(eventId, "Property 'SecretsManagerKmsKeyId' should be a string.");
        }
        if (props["SecretsManagerKmsKeyId"] is { } kmsId)
        {
            statements.Add(new JsonObject
            {
                ["Action"] = "kms:Decrypt",
                ["Effect"] = "Allow",
                ["Resource"] = Json.IsString(kmsId)
                    ? Json.Sub("arn:${AWS::Partition}:kms:${AWS::Region}:${AWS::AccountId}:key/" + kmsId.GetValue<string>())
                    : kmsId.DeepClone(),
            });
        }
        AddInlinePolicy(new JsonObject
        {
            ["PolicyName"] = "SamAutoGeneratedDocumentDBPolicy",
            ["PolicyDocument"] = new JsonObject { ["Statement"] = statements },
        });
    }

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
        var target = new JsonObject { ["Arn"] = FunctionArn.DeepClone() };
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
            var policies = new JsonArray(new JsonObject
            {
                ["PolicyName"] = logicalId + "LambdaPolicy",
                ["PolicyDocument"] = new JsonObject
                {
                    ["Statement"] = new JsonArray(new JsonObject { ["Action"] = "lambda:InvokeFunction", ["Effect"] = "Allow", ["Resource"] = FunctionArn.DeepClone() }),
                },
            });
            if (dlqArn is not null)
            {
                policies.Add(new JsonObject
                {
                    ["PolicyName"] = logicalId + "SQSPolicy",
                    ["PolicyDocument"] = new JsonObject
                    {
                        ["Statement"] = new JsonArray(new JsonObject { ["Action"] = "sqs:SendMessage", ["Effect"] = "Allow", ["Resource"] = dlqArn.DeepClone() }),
                    },
                });
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
            _out.Add((logicalId + "Role", TranslationContext.NewResource("AWS::IAM::Role", role, resource)));
            target["RoleArn"] = Json.GetAtt(logicalId + "Role", "Arn");
        }
        schedule["Target"] = target;
        _out.Add((logicalId, TranslationContext.NewResource("AWS::Scheduler::Schedule", schedule, resource)));
    }

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
        if (TranslationContext.EventDeadLetter(logicalId, eventId, props, _out, resource) is { } dlq)
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
