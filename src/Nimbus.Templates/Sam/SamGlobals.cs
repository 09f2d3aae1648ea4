using System.Text.Json.Nodes;

namespace Nimbus.Templates.Sam;

/// <summary>
/// The Globals section: per resource type, properties merged into every resource of that type. Maps merge key by key
/// (recursively), lists concatenate (globals first), anything else (including intrinsics) is taken from the resource.
/// </summary>
internal sealed class SamGlobals
{
    private static readonly Dictionary<string, string> Sections = new(StringComparer.Ordinal)
    {
        ["Function"] = "AWS::Serverless::Function",
        ["Api"] = "AWS::Serverless::Api",
        ["HttpApi"] = "AWS::Serverless::HttpApi",
        ["SimpleTable"] = "AWS::Serverless::SimpleTable",
        ["StateMachine"] = "AWS::Serverless::StateMachine",
        ["LayerVersion"] = "AWS::Serverless::LayerVersion",
        ["WebSocketApi"] = "AWS::Serverless::WebSocketApi",
        ["CapacityProvider"] = "AWS::Serverless::CapacityProvider",
    };

    private readonly Dictionary<string, JsonObject> _byType = new(StringComparer.Ordinal);

    public SamGlobals(JsonNode? globals)
    {
        if (globals is null)
        {
            return;
        }
        if (globals is not JsonObject g)
        {
            throw new InvalidSamDocumentException(["'Globals' section is invalid. 'Globals' must be a dictionary."]);
        }
        foreach (var (section, value) in g)
        {
            if (!Sections.TryGetValue(section, out var type))
            {
                throw new InvalidSamDocumentException([$"'Globals' section is invalid. '{section}' is not supported. Must be one of the following values - [{string.Join(", ", Sections.Keys.Order(StringComparer.Ordinal).Select(k => "'" + k + "'"))}]"]);
            }
            if (value is not JsonObject props)
            {
                throw new InvalidSamDocumentException([$"'Globals' section is invalid. Value of {section} must be a dictionary."]);
            }
            if (Validation.GlobalsProperties.Supported.TryGetValue(section, out var supported))
            {
                foreach (var (key, _) in props)
                {
                    if (!supported.Contains(key))
                    {
                        throw new InvalidSamDocumentException([$"'Globals' section is invalid. '{key}' is not a supported property of '{section}'. Must be one of the following values - [{string.Join(", ", supported.Select(k => "'" + k + "'"))}]"]);
                    }
                }
            }
            _byType[type] = props;
        }
    }

    public string? ResourceId { get; set; }

    private static bool KnownGlobalProperty(string name) => name is "Handler" or "Runtime" or "CodeUri" or "DeadLetterQueue" or "Description"
        or "MemorySize" or "Timeout" or "VpcConfig" or "Environment" or "Tags" or "PropagateTags" or "Tracing" or "KmsKeyArn" or "AutoPublishAlias"
        or "AutoPublishAliasAllProperties" or "Layers" or "DeploymentPreference" or "RolePath" or "PermissionsBoundary" or "ReservedConcurrentExecutions"
        or "ProvisionedConcurrencyConfig" or "AssumeRolePolicyDocument" or "EventInvokeConfig" or "FileSystemConfigs" or "CodeSigningConfigArn"
        or "Architectures" or "SnapStart" or "EphemeralStorage" or "FunctionUrlConfig" or "RuntimeManagementConfig" or "LoggingConfig"
        or "RecursiveLoop" or "SourceKMSKeyArn" or "TenancyConfig" or "CapacityProviderConfig" or "DurableConfig" or "FunctionScalingConfig"
        or "Auth" or "Name" or "DefinitionUri" or "CacheClusterEnabled" or "CacheClusterSize" or "Variables" or "EndpointConfiguration"
        or "MethodSettings" or "BinaryMediaTypes" or "MinimumCompressionSize" or "Cors" or "GatewayResponses" or "AccessLogSetting"
        or "CanarySetting" or "TracingEnabled" or "OpenApiVersion" or "Domain" or "SSESpecification" or "StageName" or "PackageType" or "ImageUri";

    public JsonObject Merge(string type, JsonObject local, JsonObject? resource = null)
    {
        if (!_byType.TryGetValue(type, out var global))
        {
            return local;
        }
        var ignore = new HashSet<string>(StringComparer.Ordinal);
        if ((resource?["IgnoreGlobals"] ?? local["IgnoreGlobals"]) is { } ig)
        {
            if (Json.Str(ig) == "*")
            {
                var copy = (JsonObject)local.DeepClone();
                copy.Remove("IgnoreGlobals");
                return copy;
            }
            if (ig is JsonArray list)
            {
                foreach (var item in list)
                {
                    if (Json.Str(item) is { } s)
                    {
                        if (resource is not null && !global.ContainsKey(s) && Json.Str(resource["Type"]) is { } t && !KnownGlobalProperty(s))
                        {
                            throw new InvalidResourceException(ResourceId ?? "", $"Resource {ResourceId} has invalid resource attribute 'IgnoreGlobals' on item '{s}'.");
                        }
                        ignore.Add(s);
                    }
                }
            }
        }
        var merged = new JsonObject();
        foreach (var (k, v) in global)
        {
            if (!ignore.Contains(k))
            {
                merged[k] = v?.DeepClone();
            }
        }
        foreach (var (k, v) in local)
        {
            if (k == "IgnoreGlobals")
            {
                continue;
            }
            merged[k] = merged.ContainsKey(k) ? DoMerge(merged[k], v) : v?.DeepClone();
        }
        return merged;
    }

    private static JsonNode? DoMerge(JsonNode? global, JsonNode? local)
    {
        if (global is JsonObject g && local is JsonObject l && !Json.IsIntrinsic(g) && !Json.IsIntrinsic(l))
        {
            var merged = (JsonObject)g.DeepClone();
            foreach (var (k, v) in l)
            {
                merged[k] = merged.ContainsKey(k) ? DoMerge(merged[k], v) : v?.DeepClone();
            }
            return merged;
        }
        if (global is JsonArray ga && local is JsonArray la)
        {
            var merged = new JsonArray();
            foreach (var item in ga)
            {
                merged.Add(item?.DeepClone());
            }
            foreach (var item in la)
            {
                merged.Add(item?.DeepClone());
            }
            return merged;
        }
        return local?.DeepClone();
    }
}
