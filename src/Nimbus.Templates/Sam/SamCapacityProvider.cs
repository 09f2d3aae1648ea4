using System.Text.Json.Nodes;

namespace Nimbus.Templates.Sam;

/// <summary>
/// AWS::Serverless::CapacityProvider → AWS::Lambda::CapacityProvider (SAM's ScalingConfig, InstanceRequirements and
/// LoggingConfig renamed to CloudFormation's shapes) and, without an OperatorRole, the operator role SAM generates.
/// </summary>
internal sealed class SamCapacityProvider(TranslationContext context, string id, JsonObject resource, JsonObject p)
{
    private static readonly string[] KnownProperties =
    [
        "CapacityProviderName", "VpcConfig", "OperatorRole", "Tags", "PropagateTags", "InstanceRequirements", "ScalingConfig",
        "KmsKeyArn", "LoggingConfig", "ManagedResourceTags",
    ];

    public List<(string Id, JsonObject Resource)> Translate()
    {
        TranslationContext.CheckProperties(id, "AWS::Serverless::CapacityProvider", p, KnownProperties);
        if (p["VpcConfig"] is null)
        {
            throw new InvalidResourceException(id, "Missing required property 'VpcConfig'.");
        }
        foreach (var name in new[] { "VpcConfig", "Tags", "InstanceRequirements", "ScalingConfig" })
        {
            if (p[name] is { } value && value is not JsonObject)
            {
                throw new InvalidResourceException(id, $"Property '{name}' should be a map.");
            }
        }
        var problems = NestedProblems();
        if (problems.Count > 0)
        {
            throw new InvalidResourceException(id, string.Join(" ", problems));
        }
        if (p["InstanceRequirements"]?["AllowedTypes"] is not null && p["InstanceRequirements"]?["ExcludedTypes"] is not null)
        {
            throw new InvalidResourceException(id, "Cannot specify 'InstanceRequirements.AllowedTypes' and 'InstanceRequirements.ExcludedTypes' together.");
        }
        var output = new List<(string Id, JsonObject Resource)>();
        var operatorRole = p["OperatorRole"]?.DeepClone();
        if (operatorRole is null)
        {
            var roleId = id + "OperatorRole";
            output.Add((roleId, TranslationContext.NewResource("AWS::IAM::Role", new JsonObject
            {
                ["AssumeRolePolicyDocument"] = new JsonObject
                {
                    ["Version"] = "2012-10-17",
                    ["Statement"] = new JsonArray(new JsonObject
                    {
                        ["Action"] = new JsonArray("sts:AssumeRole"),
                        ["Effect"] = "Allow",
                        ["Principal"] = new JsonObject { ["Service"] = new JsonArray("lambda.amazonaws.com") },
                    }),
                },
                ["ManagedPolicyArns"] = new JsonArray(context.ManagedPolicyArn("AWSLambdaManagedEC2ResourceOperator")),
                ["Tags"] = Tags(null),
            }, resource)));
            operatorRole = Json.GetAtt(roleId, "Arn");
        }

        var props = new JsonObject();
        if (Json.IsTruthy(p["CapacityProviderName"]))
        {
            props["CapacityProviderName"] = p["CapacityProviderName"]!.DeepClone();
        }
        if (p["VpcConfig"] is JsonObject vpc && vpc.Count > 0)
        {
            var config = new JsonObject { ["SubnetIds"] = vpc["SubnetIds"]?.DeepClone() };
            if (vpc["SecurityGroupIds"] is { } groups)
            {
                config["SecurityGroupIds"] = groups.DeepClone();
            }
            props["VpcConfig"] = config;
        }
        props["PermissionsConfig"] = new JsonObject { ["CapacityProviderOperatorRoleArn"] = operatorRole };
        props["Tags"] = Tags(p["Tags"] as JsonObject);
        if (p["InstanceRequirements"] is JsonObject requirements && requirements.Count > 0)
        {
            var r = new JsonObject();
            foreach (var (from, to) in new[] { ("Architectures", "Architectures"), ("AllowedTypes", "AllowedInstanceTypes"), ("ExcludedTypes", "ExcludedInstanceTypes") })
            {
                if (requirements[from] is { } v)
                {
                    r[to] = v.DeepClone();
                }
            }
            props["InstanceRequirements"] = r;
        }
        if (p["ScalingConfig"] is JsonObject scaling && scaling.Count > 0)
        {
            var s = new JsonObject();
            if (scaling["MaxVCpuCount"] is { } max)
            {
                s["MaxVCpuCount"] = max.DeepClone();
            }
            if (scaling["AverageCPUUtilization"] is { } cpu)
            {
                s["ScalingMode"] = "Manual";
                s["ScalingPolicies"] = new JsonArray(new JsonObject
                {
                    ["PredefinedMetricType"] = "LambdaCapacityProviderAverageCPUUtilization",
                    ["TargetValue"] = cpu.DeepClone(),
                });
            }
            else
            {
                s["ScalingMode"] = "Auto";
            }
            props["CapacityProviderScalingConfig"] = s;
        }
        if (Json.IsTruthy(p["KmsKeyArn"]))
        {
            props["KmsKeyArn"] = p["KmsKeyArn"]!.DeepClone();
        }
        if (Json.IsTruthy(p["LoggingConfig"]))
        {
            props["TelemetryConfig"] = new JsonObject { ["LoggingConfig"] = p["LoggingConfig"]!.DeepClone() };
        }
        if (p["ManagedResourceTags"] is JsonObject managedTags && managedTags.Count > 0)
        {
            props["PropagateTags"] = managedTags["Tags"] is JsonObject explicitTags
                ? new JsonObject { ["Mode"] = "Explicit", ["ExplicitTags"] = TranslationContext.TagList(id, explicitTags, samTag: false) }
                : new JsonObject();
        }
        var provider = TranslationContext.NewResource("AWS::Lambda::CapacityProvider", props, resource);
        if (resource["DependsOn"] is { } dependsOn)
        {
            provider["DependsOn"] = dependsOn.DeepClone();
        }
        output.Add((id, provider));
        return output;
    }

    private enum Kind
    {
        List,
        Integer,
        Number,
    }

    /// <summary>The nested maps' fields (in the schema's order), what each must be, and whether it is required.</summary>
    private static readonly (string Map, (string Field, Kind Kind, bool Required)[] Fields)[] NestedSchema =
    [
        ("VpcConfig", [("SecurityGroupIds", Kind.List, false), ("SubnetIds", Kind.List, true)]),
        ("InstanceRequirements", [("AllowedTypes", Kind.List, false), ("Architectures", Kind.List, false), ("ExcludedTypes", Kind.List, false)]),
        ("ScalingConfig", [("AverageCPUUtilization", Kind.Number, false), ("MaxVCpuCount", Kind.Integer, false)]),
    ];

    /// <summary>
    /// Every problem in the nested maps at once, as the translator's schema validation lists them: each map's fields in
    /// order (missing, or of the wrong type; an intrinsic is always accepted), then the fields it does not know.
    /// </summary>
    private List<string> NestedProblems()
    {
        var problems = new List<string>();
        foreach (var (map, fields) in NestedSchema)
        {
            if (p[map] is not JsonObject value)
            {
                continue;
            }
            foreach (var (field, kind, required) in fields)
            {
                var node = value[field];
                if (node is null)
                {
                    if (required)
                    {
                        problems.Add($"Property '{map}.{field}' is required.");
                    }
                    continue;
                }
                var ok = node is JsonObject || kind switch
                {
                    Kind.List => node is JsonArray,
                    Kind.Integer => node is JsonValue v && (v.TryGetValue<long>(out _) || (Json.Str(v) is { } text && long.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, out _))),
                    _ => node is JsonValue n && (n.GetValueKind() == System.Text.Json.JsonValueKind.Number
                        || (Json.Str(n) is { } text && double.TryParse(text, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out _))),
                };
                if (!ok)
                {
                    var expected = kind switch { Kind.List => "list", Kind.Integer => "integer", _ => "number" };
                    problems.Add($"Property '{map}.{field}' value must be dictionary or {expected}.");
                }
            }
            foreach (var (key, _) in value)
            {
                if (!fields.Any(f => f.Field == key))
                {
                    problems.Add($"Property '{map}.{key}' is an invalid property.");
                }
            }
        }
        return problems;
    }

    private static JsonArray Tags(JsonObject? userTags)
    {
        var tags = new JsonArray();
        if (userTags is not null)
        {
            foreach (var (k, v) in userTags)
            {
                if (k != "lambda:createdBy")
                {
                    tags.Add(new JsonObject { ["Key"] = k, ["Value"] = v?.DeepClone() });
                }
            }
        }
        tags.Add(new JsonObject { ["Key"] = "lambda:createdBy", ["Value"] = "SAM" });
        return tags;
    }
}
