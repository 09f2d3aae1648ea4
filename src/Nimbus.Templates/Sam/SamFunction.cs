using System.Text.Json.Nodes;

namespace Nimbus.Templates.Sam;

/// <summary>AWS::Serverless::Function → AWS::Lambda::Function, its role, version/alias and event sources.</summary>
internal sealed partial class SamFunction(TranslationContext context, string id, JsonObject resource, JsonObject p)
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

    /// <summary>The generated types whose translator model has a Tags property (what PropagateTags reaches).</summary>
    private static readonly HashSet<string> TaggableTypes =
    [
        "AWS::Lambda::Function", "AWS::IAM::Role", "AWS::SQS::Queue", "AWS::SNS::Topic", "AWS::CodeDeploy::DeploymentGroup",
        "AWS::S3::Bucket", "AWS::DynamoDB::Table", "AWS::IoT::TopicRule", "AWS::StepFunctions::StateMachine",
    ];
    private JsonObject? _role;
    private bool _cognitoPermission;
    private string? _aliasId;
    private string? _aliasName;

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
            _aliasName = name;
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
            // Function.Version and Function.Alias stand for the generated resources.
            context.AddReferable(id, "Version", versionId);
            context.AddReferable(id, "Alias", _aliasId);
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
        if (p["Role"] is JsonObject { Count: 1 } roleObject && roleObject.ContainsKey("Fn::If") && roleObject["Fn::If"] is not JsonArray { Count: 3 })
        {
            throw new InvalidResourceException(id, "Malformed 'Role' property: Fn::If requires 3 arguments.");
        }
        if (p["Role"] is null)
        {
            _role = BuildRole();
            fprops["Role"] = Json.GetAtt(id + "Role", "Arn");
            _out.Add((id + "Role", _role));
        }
        EventInvokeConfig();

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
        PropagateTags();
        return _out;
    }

    /// <summary>PropagateTags: every generated resource that has Tags carries the function's tags (and only those).</summary>
    private void PropagateTags()
    {
        if (!Json.IsTruthy(p["PropagateTags"]) || p["Tags"] is not JsonObject { Count: > 0 } tags)
        {
            return;
        }
        foreach (var (_, generated) in _out)
        {
            if (TaggableTypes.Contains(Json.Str(generated["Type"]) ?? "") && generated["Properties"] is JsonObject properties)
            {
                properties["Tags"] = TranslationContext.TagList(id, tags, samTag: false);
            }
        }
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
        Copy("FunctionScalingConfig");
        if (p["CapacityProviderConfig"] is JsonObject capacity)
        {
            var managed = new JsonObject();
            foreach (var (from, to) in new[] { ("Arn", "CapacityProviderArn"), ("PerExecutionEnvironmentMaxConcurrency", "PerExecutionEnvironmentMaxConcurrency"), ("ExecutionEnvironmentMemoryGiBPerVCpu", "ExecutionEnvironmentMemoryGiBPerVCpu") })
            {
                if (capacity[from] is { } v)
                {
                    managed[to] = v.DeepClone();
                }
            }
            props["CapacityProviderConfig"] = new JsonObject { ["LambdaManagedInstancesCapacityProviderConfig"] = managed };
        }
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

    /// <summary>The deployment group's AlarmConfiguration from a list of alarms, or from a Fn::If choosing between lists.</summary>
    private static JsonNode? AlarmConfiguration(JsonNode? alarms)
    {
        switch (alarms)
        {
            case JsonArray list when list.Count > 0:
                var names = new JsonArray();
                foreach (var a in list)
                {
                    names.Add(new JsonObject { ["Name"] = a?.DeepClone() });
                }
                return new JsonObject { ["Alarms"] = names, ["Enabled"] = true };
            case JsonObject o when o.Count == 1 && o["Fn::If"] is JsonArray iff && iff.Count == 3:
                var branches = new JsonArray(iff[0]?.DeepClone());
                for (var b = 1; b <= 2; b++)
                {
                    branches.Add(iff[b] is JsonArray ? AlarmConfiguration(iff[b]) ?? new JsonObject { ["Ref"] = "AWS::NoValue" } : iff[b]?.DeepClone());
                }
                return new JsonObject { ["Fn::If"] = branches };
            default:
                return null;
        }
    }

    /// <summary>Predefined CodeDeploy configuration names become CodeDeployDefault.Lambda* (inside intrinsics too, as the translator does).</summary>
    private static JsonNode? ReplaceDeploymentTypes(JsonNode? value, string? key)
    {
        switch (value)
        {
            case JsonArray list:
                for (var i = 0; i < list.Count; i++)
                {
                    list[i] = ReplaceDeploymentTypes(list[i]?.DeepClone(), null);
                }
                return list;
            case JsonObject o when Json.IsIntrinsic(o):
                foreach (var (k, v) in o.ToList())
                {
                    o[k] = ReplaceDeploymentTypes(v?.DeepClone(), k);
                }
                return o;
            default:
                if (Json.Str(value) is { } t && PredefinedDeploymentTypes.Contains(t))
                {
                    var sub = new JsonArray("CodeDeployDefault.Lambda${ConfigName}", new JsonObject { ["ConfigName"] = t });
                    return key == "Fn::Sub" ? sub : new JsonObject { ["Fn::Sub"] = sub };
                }
                return value;
        }
    }

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
            ["DeploymentConfigName"] = ReplaceDeploymentTypes(context.ResolveRefsAndMappings(type), null),
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
        if (AlarmConfiguration(preference["Alarms"]) is { } alarmConfiguration)
        {
            group["AlarmConfiguration"] = alarmConfiguration;
        }
        if (preference["TriggerConfigurations"] is { } triggers)
        {
            group["TriggerConfigurations"] = triggers.DeepClone();
        }
        var groupResource = TranslationContext.NewResource("AWS::CodeDeploy::DeploymentGroup", group);
        var passthrough = preference.ContainsKey("PassthroughCondition") && ResolveToBoolean(preference["PassthroughCondition"]!, "PassthroughCondition");
        var condition = passthrough ? Json.Str(resource["Condition"]) : null;
        if (condition is not null)
        {
            groupResource["Condition"] = condition;
        }

        context.DeploymentConditions.Add(condition);
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
        if (Json.IsTruthy(p["AutoPublishAliasAllProperties"]))
        {
            logical = new JsonObject();
            foreach (var (k, v) in fprops)
            {
                logical[k] = context.ResolveParameterRefs(v);
            }

            // A layer of this template with PublishLambdaVersion: its properties join the hash, so a new layer version
            // publishes a new function version.
            if (fprops["Layers"] is JsonArray layers)
            {
                foreach (var layer in layers)
                {
                    if (Json.Str(layer?["Ref"]) is { } layerId && context.InputResource(layerId)?["Properties"] is JsonObject layerProperties
                        && Json.IsTruthy(layerProperties["PublishLambdaVersion"]))
                    {
                        logical[layerId] = layerProperties.DeepClone();
                    }
                }
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
            // A version of a function on a capacity provider (Lambda Managed Instances) keeps execution environments
            // running: the translator deletes it with the stack unless told otherwise; other versions are retained.
            version["DeletionPolicy"] ??= p["CapacityProviderConfig"] is null ? "Retain" : "Delete";
        }
        if (p["FunctionScalingConfig"] is { } scaling)
        {
            version["Properties"]!["FunctionScalingConfig"] = scaling.DeepClone();
        }
        return (versionId, version);
    }

    /// <summary>
    /// A boolean property that may be a parameter Ref or Fn::FindInMap (the translator's _resolve_property_to_boolean):
    /// true/"true"/"True" or false/"false"/"False" once resolved; any other intrinsic or value is an error.
    /// </summary>
    private bool ResolveToBoolean(JsonNode value, string propertyName)
    {
        var resolved = context.ResolveRefsAndMappings(context.ResolveParameterRefs(value));
        if (resolved is JsonValue v)
        {
            if (v.GetValueKind() == System.Text.Json.JsonValueKind.True || Json.Str(v) is "true" or "True")
            {
                return true;
            }
            if (v.GetValueKind() == System.Text.Json.JsonValueKind.False || Json.Str(v) is "false" or "False")
            {
                return false;
            }
        }
        if (Json.IsIntrinsic(resolved))
        {
            throw new InvalidResourceException(id, $"Unsupported intrinsic: the only intrinsic functions supported for property {propertyName} are FindInMap and parameter Refs.");
        }
        throw new InvalidResourceException(id, $"Invalid value for property {propertyName}.");
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
}
