using System.Text.Json;
using System.Text.Json.Nodes;

namespace Nimbus.Templates.Sam.Validation;

/// <summary>What a property's value must be (the translator's validators: is_type, one_of, list_of, dict_of).</summary>
internal enum PropertyKind
{
    String,
    Map,
    Bool,
    Integer,
    List,
    StringOrMap,
    BoolOrMap,
    ListOfStringOrMap,
    StringOrMapOrListOfStringOrMap,
    MapOfMaps,
    MapOfStrings,
    MapOfIntegerOrMap,
}

/// <summary>One typed property: its kind, and whether an intrinsic (a one-key map) is let through unchecked.</summary>
internal sealed record PropertySpec(string Name, PropertyKind Kind, bool Intrinsics = true);

/// <summary>
/// The translator's per-resource property validation (validate_properties): properties are checked in the resource
/// type's declared order and the first invalid one fails the resource, with "Property 'X' should be a map." / "... a
/// string." when the expected type is exactly a map or a string, and "Type of property 'X' is invalid." otherwise.
/// Pass-through properties (any value) are not listed.
/// </summary>
internal static class PropertyTypes
{
    private static readonly Dictionary<string, PropertySpec[]> ByType = new(StringComparer.Ordinal)
    {
        ["AWS::Serverless::Function"] =
        [
            new("FunctionName", PropertyKind.StringOrMap),
            new("DeadLetterQueue", PropertyKind.Map),
            new("Role", PropertyKind.String),
            new("AssumeRolePolicyDocument", PropertyKind.Map),
            new("Policies", PropertyKind.StringOrMapOrListOfStringOrMap),
            new("PermissionsBoundary", PropertyKind.String),
            new("Environment", PropertyKind.MapOfMaps),
            new("Events", PropertyKind.MapOfMaps),
            new("Tags", PropertyKind.Map),
            new("PropagateTags", PropertyKind.Bool),
            new("Tracing", PropertyKind.StringOrMap),
            new("DeploymentPreference", PropertyKind.Map),
            new("Layers", PropertyKind.ListOfStringOrMap),
            new("EventInvokeConfig", PropertyKind.Map),
            new("AutoPublishAlias", PropertyKind.StringOrMap),
            new("AutoPublishCodeSha256", PropertyKind.StringOrMap),
            new("AutoPublishAliasAllProperties", PropertyKind.Bool, Intrinsics: false),
            new("SnapStart", PropertyKind.Map),
            new("FunctionUrlConfig", PropertyKind.Map),
        ],
        ["AWS::Serverless::Api"] =
        [
            new("Name", PropertyKind.StringOrMap),
            new("StageName", PropertyKind.StringOrMap),
            new("Tags", PropertyKind.Map),
            new("PropagateTags", PropertyKind.Bool),
            new("DefinitionBody", PropertyKind.Map),
            new("DefinitionUri", PropertyKind.StringOrMap),
            new("MergeDefinitions", PropertyKind.Bool, Intrinsics: false),
            new("CacheClusterEnabled", PropertyKind.Bool),
            new("CacheClusterSize", PropertyKind.String),
            new("Variables", PropertyKind.Map),
            new("EndpointConfiguration", PropertyKind.StringOrMap),
            new("MethodSettings", PropertyKind.List),
            new("BinaryMediaTypes", PropertyKind.List),
            new("MinimumCompressionSize", PropertyKind.Integer),
            new("Cors", PropertyKind.StringOrMap),
            new("Auth", PropertyKind.Map),
            new("GatewayResponses", PropertyKind.Map),
            new("AccessLogSetting", PropertyKind.Map),
            new("CanarySetting", PropertyKind.Map),
            new("TracingEnabled", PropertyKind.Bool),
            new("Models", PropertyKind.Map),
            new("Domain", PropertyKind.Map),
            new("FailOnWarnings", PropertyKind.Bool),
            new("Description", PropertyKind.String),
            new("Mode", PropertyKind.String),
            new("DisableExecuteApiEndpoint", PropertyKind.Bool),
            new("ApiKeySourceType", PropertyKind.String),
            new("AlwaysDeploy", PropertyKind.Bool, Intrinsics: false),
        ],
        ["AWS::Serverless::HttpApi"] =
        [
            new("StageName", PropertyKind.StringOrMap),
            new("Tags", PropertyKind.Map),
            new("PropagateTags", PropertyKind.Bool),
            new("DefinitionBody", PropertyKind.Map),
            new("DefinitionUri", PropertyKind.StringOrMap),
            new("StageVariables", PropertyKind.Map),
            new("CorsConfiguration", PropertyKind.BoolOrMap),
            new("AccessLogSettings", PropertyKind.Map),
            new("DefaultRouteSettings", PropertyKind.Map),
            new("Auth", PropertyKind.Map),
            new("RouteSettings", PropertyKind.Map),
            new("Domain", PropertyKind.Map),
            new("FailOnWarnings", PropertyKind.Bool),
            new("Description", PropertyKind.String),
            new("DisableExecuteApiEndpoint", PropertyKind.Bool),
        ],
        ["AWS::Serverless::SimpleTable"] =
        [
            new("PrimaryKey", PropertyKind.MapOfStrings),
            new("ProvisionedThroughput", PropertyKind.MapOfIntegerOrMap),
            new("TableName", PropertyKind.StringOrMap),
            new("Tags", PropertyKind.Map),
            new("SSESpecification", PropertyKind.Map),
        ],
    };

    /// <summary>Throws the resource's first property type error, if any.</summary>
    public static void Check(string logicalId, string type, JsonObject properties)
    {
        if (ByType.TryGetValue(type, out var specs))
        {
            Check(logicalId, properties, specs);
        }
    }

    public static void Check(string logicalId, JsonObject properties, IEnumerable<PropertySpec> specs)
    {
        foreach (var spec in specs)
        {
            if (!properties.TryGetPropertyValue(spec.Name, out var value) || value is null)
            {
                continue;
            }
            if (spec.Intrinsics && value is JsonObject { Count: 1 })
            {
                continue;
            }
            if (!Matches(spec.Kind, value))
            {
                throw new InvalidResourceException(logicalId, spec.Kind switch
                {
                    PropertyKind.Map => $"Property '{spec.Name}' should be a map.",
                    PropertyKind.String => $"Property '{spec.Name}' should be a string.",
                    _ => $"Type of property '{spec.Name}' is invalid.",
                });
            }
        }
    }

    public static bool Matches(PropertyKind kind, JsonNode? value) => kind switch
    {
        PropertyKind.String => Json.IsString(value),
        PropertyKind.Map => value is JsonObject,
        PropertyKind.Bool => IsBool(value),
        PropertyKind.Integer => IsInteger(value),
        PropertyKind.List => value is JsonArray,
        PropertyKind.StringOrMap => Json.IsString(value) || value is JsonObject,
        PropertyKind.BoolOrMap => IsBool(value) || value is JsonObject,
        PropertyKind.ListOfStringOrMap => value is JsonArray a && a.All(i => Json.IsString(i) || i is JsonObject),
        PropertyKind.StringOrMapOrListOfStringOrMap => Json.IsString(value) || value is JsonObject || Matches(PropertyKind.ListOfStringOrMap, value),
        PropertyKind.MapOfMaps => value is JsonObject o && o.All(kv => kv.Value is JsonObject),
        PropertyKind.MapOfStrings => value is JsonObject o && o.All(kv => Json.IsString(kv.Value)),
        PropertyKind.MapOfIntegerOrMap => value is JsonObject o && o.All(kv => IsInteger(kv.Value) || kv.Value is JsonObject),
        _ => true,
    };

    private static bool IsBool(JsonNode? value) => value is JsonValue v && v.GetValueKind() is JsonValueKind.True or JsonValueKind.False;

    /// <summary>Python's isinstance(x, int): whole numbers, and booleans.</summary>
    private static bool IsInteger(JsonNode? value)
    {
        if (IsBool(value))
        {
            return true;
        }
        if (value is not JsonValue v || v.GetValueKind() != JsonValueKind.Number)
        {
            return false;
        }
        var text = v.ToJsonString();
        return !text.Contains('.', StringComparison.Ordinal) && !text.Contains('e', StringComparison.OrdinalIgnoreCase);
    }
}
