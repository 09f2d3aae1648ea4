namespace Nimbus.Templates.Sam.Validation;

/// <summary>
/// The properties each Globals section accepts, in the translator's order (its error message lists them as given).
/// Sections not listed here (WebSocketApi) are not checked.
/// </summary>
internal static class GlobalsProperties
{
    public static readonly IReadOnlyDictionary<string, string[]> Supported = new Dictionary<string, string[]>(StringComparer.Ordinal)
    {
        ["Function"] =
        [
            "Handler", "Runtime", "CodeUri", "DeadLetterQueue", "Description", "MemorySize", "Timeout", "VpcConfig", "Environment", "Tags",
            "PropagateTags", "Tracing", "KmsKeyArn", "AutoPublishAlias", "AutoPublishAliasAllProperties", "Layers", "DeploymentPreference",
            "RolePath", "PermissionsBoundary", "ReservedConcurrentExecutions", "ProvisionedConcurrencyConfig", "AssumeRolePolicyDocument",
            "EventInvokeConfig", "FileSystemConfigs", "CodeSigningConfigArn", "Architectures", "SnapStart", "EphemeralStorage",
            "FunctionUrlConfig", "RuntimeManagementConfig", "LoggingConfig", "RecursiveLoop", "SourceKMSKeyArn", "TenancyConfig",
            "DurableConfig", "CapacityProviderConfig", "FunctionScalingConfig", "PublishToLatestPublished", "VersionDeletionPolicy",
        ],
        ["Api"] =
        [
            "Auth", "Name", "DefinitionUri", "CacheClusterEnabled", "CacheClusterSize", "MergeDefinitions", "Variables", "EndpointConfiguration",
            "MethodSettings", "BinaryMediaTypes", "MinimumCompressionSize", "Cors", "GatewayResponses", "AccessLogSetting", "CanarySetting",
            "TracingEnabled", "OpenApiVersion", "Domain", "AlwaysDeploy", "PropagateTags", "SecurityPolicy", "EndpointAccessMode",
        ],
        ["HttpApi"] =
        [
            "Auth", "AccessLogSettings", "StageVariables", "Tags", "CorsConfiguration", "DefaultRouteSettings", "Domain", "RouteSettings",
            "FailOnWarnings", "PropagateTags",
        ],
        ["SimpleTable"] = ["SSESpecification"],
        ["StateMachine"] = ["PropagateTags"],
        ["LayerVersion"] = ["PublishLambdaVersion"],
        ["CapacityProvider"] = ["VpcConfig", "OperatorRole", "Tags", "InstanceRequirements", "ScalingConfig", "KmsKeyArn", "PropagateTags"],
    };
}
