using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Nimbus.Templates.Sam;

/// <summary>
/// AWS::Serverless::WebSocketApi → AWS::ApiGatewayV2::Api (ProtocolType WEBSOCKET), one Route + Lambda proxy Integration +
/// Lambda Permission per entry of <c>Routes</c>, an auto-deployed Stage, the <c>$connect</c> authorizer, and the custom
/// domain (DomainName, ApiMappings, Route53 RecordSetGroup), with the logical ids the SAM translator gives them.
/// </summary>
internal sealed partial class SamWebSocketApi(TranslationContext context, string id, JsonObject resource, JsonObject p)
{
    private const string TagName = "websocketapi:createdBy";
    private const string DefaultStageName = "default";

    private static readonly string[] KnownProperties =
    [
        "Name", "Routes", "RouteSelectionExpression", "ApiKeySelectionExpression", "AccessLogSettings", "Auth", "DefaultRouteSettings",
        "Description", "DisableExecuteApiEndpoint", "DisableSchemaValidation", "Domain", "IpAddressType", "PropagateTags",
        "RouteSettings", "StageName", "StageVariables", "Tags",
    ];

    private static readonly string[] SpecialRoutes = ["$connect", "$disconnect", "$default"];

    private readonly List<(string Id, JsonObject Resource)> _out = [];

    public List<(string Id, JsonObject Resource)> Translate()
    {
        TranslationContext.CheckProperties(id, "AWS::Serverless::WebSocketApi", p, KnownProperties);
        if (p["Routes"] is null)
        {
            throw new InvalidResourceException(id, "Missing required property 'Routes'.");
        }
        foreach (var name in new[] { "Routes", "AccessLogSettings", "DefaultRouteSettings", "RouteSettings", "StageVariables", "Tags", "Auth", "Domain" })
        {
            if (p[name] is { } value && value is not JsonObject && !Json.IsIntrinsic(value))
            {
                throw new InvalidResourceException(id, $"Property '{name}' should be a map.");
            }
        }
        if (p["Routes"] is not JsonObject routes || routes.Count == 0)
        {
            throw new InvalidResourceException(id, "WebSocket API must have at least one route.");
        }
        if (p["RouteSelectionExpression"] is null)
        {
            throw new InvalidResourceException(id, "Missing required property 'RouteSelectionExpression'.");
        }
        var stageName = p["StageName"]?.DeepClone() ?? DefaultStageName;
        var ipAddressType = Json.Str(p["IpAddressType"]);
        if (ipAddressType is not null && ipAddressType is not ("ipv4" or "dualstack"))
        {
            throw new InvalidResourceException(id, "IpAddressType must be 'ipv4' or 'dualstack'.");
        }
        var domainConfig = p["Domain"] as JsonObject;
        if (domainConfig?["MutualTlsAuthentication"] is { } mtls && Json.IsTruthy(mtls))
        {
            throw new InvalidResourceException(id, "Mutual TLS domain name association is not supported for Websocket APIs.");
        }
        var auth = p["Auth"] as JsonObject;
        var propagate = Json.IsTruthy(p["PropagateTags"]);
        var userTags = p["Tags"] as JsonObject;

        // The API.
        var api = new JsonObject();
        foreach (var name in new[] { "ApiKeySelectionExpression", "Description", "DisableExecuteApiEndpoint", "DisableSchemaValidation", "IpAddressType" })
        {
            if (p[name] is { } v)
            {
                api[name] = v.DeepClone();
            }
        }
        if (auth is not null && !routes.ContainsKey("$connect"))
        {
            throw new InvalidResourceException(id, "Authorization is only available if there is a $connect route.");
        }
        api["Name"] = p["Name"]?.DeepClone() ?? id;
        api["RouteSelectionExpression"] = p["RouteSelectionExpression"]!.DeepClone();
        var apiTags = userTags?.DeepClone().AsObject() ?? [];
        apiTags[TagName] = "SAM";
        api["Tags"] = apiTags;
        api["ProtocolType"] = "WEBSOCKET";
        var apiResource = TranslationContext.NewResource("AWS::ApiGatewayV2::Api", api, resource);
        if (resource["DependsOn"] is { } dependsOn)
        {
            apiResource["DependsOn"] = dependsOn.DeepClone();
        }
        _out.Add((id, apiResource));

        // The stage (built first: the domain's mappings refer to it).
        if (Json.Str(stageName) == "$default")
        {
            throw new InvalidResourceException(id, "Stages cannot be named $default for WebSocket APIs.");
        }
        var stagePrefix = Json.Str(stageName) ?? "";
        var stageId = stagePrefix == DefaultStageName ? id + "DefaultStage" : id + stagePrefix + "Stage";

        if (domainConfig is not null)
        {
            Domain(domainConfig, stageId, propagate ? userTags : null);
        }

        // Routes, integrations, permissions.
        var routeIds = new JsonArray();
        JsonObject? authorizer = null;
        foreach (var (routeKey, specNode) in routes)
        {
            var spec = specNode as JsonObject ?? [];
            var baseId = id + SanitizeRouteKey(routeKey);
            var route = new JsonObject { ["RouteKey"] = routeKey, ["ApiId"] = Json.Ref(id) };
            foreach (var name in new[] { "ApiKeyRequired", "ModelSelectionExpression", "OperationName", "RequestModels" })
            {
                if (spec[name] is { } v)
                {
                    route[name] = v.DeepClone();
                }
            }
            if (Json.IsTruthy(spec["RequestParameters"]))
            {
                if (routeKey != "$connect")
                {
                    throw new InvalidResourceException(id, "Request parameters are only supported for the $connect route in WebSocket APIs.");
                }
                route["RequestParameters"] = spec["RequestParameters"]!.DeepClone();
            }
            if (spec["RouteResponseSelectionExpression"] is { } rrse)
            {
                route["RouteResponseSelectionExpression"] = rrse.DeepClone();
            }
            route["Target"] = new JsonObject { ["Fn::Join"] = new JsonArray("/", new JsonArray("integrations", Json.Ref(baseId + "Integration"))) };
            if (auth is not null)
            {
                authorizer = SetRouteAuth(auth, routeKey, route) ?? authorizer;
            }
            _out.Add((baseId + "Route", TranslationContext.NewResource("AWS::ApiGatewayV2::Route", route, resource)));
            routeIds.Add(baseId + "Route");

            if (spec["FunctionArn"] is not { } functionArn)
            {
                throw new InvalidResourceException(id, "Route must have associated function.");
            }
            var integration = new JsonObject
            {
                ["ApiId"] = Json.Ref(id),
                ["IntegrationType"] = "AWS_PROXY",
                ["IntegrationUri"] = new JsonObject
                {
                    ["Fn::Sub"] = new JsonArray(
                        "arn:${AWS::Partition}:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/${FunctionArn}/invocations",
                        new JsonObject { ["FunctionArn"] = functionArn.DeepClone() }),
                },
            };
            if (spec["IntegrationTimeout"] is { } timeout)
            {
                integration["TimeoutInMillis"] = timeout.DeepClone();
            }
            _out.Add((baseId + "Integration", TranslationContext.NewResource("AWS::ApiGatewayV2::Integration", integration, resource)));

            var sourceArn = Json.Str(stageName) is { } literalStage
                ? Json.Sub($"arn:${{AWS::Partition}}:execute-api:${{AWS::Region}}:${{AWS::AccountId}}:${{{id}.ApiId}}/{literalStage}/{routeKey}")
                : new JsonObject
                {
                    ["Fn::Sub"] = new JsonArray(
                        $"arn:${{AWS::Partition}}:execute-api:${{AWS::Region}}:${{AWS::AccountId}}:${{{id}.ApiId}}/${{__StageName__}}/{routeKey}",
                        new JsonObject { ["__StageName__"] = stageName.DeepClone() }),
                };
            _out.Add((baseId + "Permission", TranslationContext.NewResource("AWS::Lambda::Permission", new JsonObject
            {
                ["Action"] = "lambda:InvokeFunction",
                ["FunctionName"] = functionArn.DeepClone(),
                ["Principal"] = "apigateway.amazonaws.com",
                ["SourceArn"] = sourceArn,
            }, resource)));
        }

        var stage = new JsonObject { ["ApiId"] = Json.Ref(id), ["StageName"] = stageName.DeepClone() };
        foreach (var name in new[] { "StageVariables", "AccessLogSettings", "DefaultRouteSettings", "RouteSettings" })
        {
            if (p[name] is { } v)
            {
                stage[name] = v.DeepClone();
            }
        }
        stage["Tags"] = Tags(propagate ? userTags : null);
        stage["AutoDeploy"] = true;
        var stageResource = TranslationContext.NewResource("AWS::ApiGatewayV2::Stage", stage, resource);
        if (Json.IsTruthy(p["RouteSettings"]) && routeIds.Count > 0)
        {
            stageResource["DependsOn"] = routeIds;
        }
        _out.Add((stageId, stageResource));

        if (authorizer is not null)
        {
            _out.Add((id + "ConnectAuthorizer", TranslationContext.NewResource("AWS::ApiGatewayV2::Authorizer", authorizer, resource)));
            if (Json.Str(auth!["AuthType"]) == "CUSTOM" && !Json.IsTruthy(auth["InvokeRole"]) && auth["AuthArn"] is { } authArn)
            {
                _out.Add((id + "AuthorizerPermission", TranslationContext.NewResource("AWS::Lambda::Permission", new JsonObject
                {
                    ["Action"] = "lambda:InvokeFunction",
                    ["FunctionName"] = authArn.DeepClone(),
                    ["Principal"] = "apigateway.amazonaws.com",
                    ["SourceArn"] = new JsonObject
                    {
                        ["Fn::Sub"] = new JsonArray(
                            "arn:${AWS::Partition}:execute-api:${AWS::Region}:${AWS::AccountId}:${__ApiId__}/authorizers/*",
                            new JsonObject { ["__ApiId__"] = Json.Ref(id) }),
                    },
                }, resource)));
            }
        }
        return _out;
    }

    private string SanitizeRouteKey(string routeKey)
    {
        if (SpecialRoutes.Contains(routeKey))
        {
            return Capitalize(routeKey[1..]);
        }
        if (routeKey.Length > 0 && routeKey.All(char.IsAsciiLetterOrDigit))
        {
            return Capitalize(routeKey);
        }
        throw new InvalidResourceException(id, $"Route key '{routeKey}' must be alphanumeric. Only $connect, $disconnect, and $default special routes are supported.");
    }

    /// <summary>Python's str.capitalize(): first character upper case, the rest lower case.</summary>
    private static string Capitalize(string s) => s.Length == 0 ? s : char.ToUpperInvariant(s[0]) + s[1..].ToLowerInvariant();

    /// <summary>Validates Auth and sets the $connect route's AuthorizationType; returns the authorizer's properties for CUSTOM.</summary>
    private JsonObject? SetRouteAuth(JsonObject auth, string routeKey, JsonObject route)
    {
        var authType = Json.Str(auth["AuthType"]);
        if (authType is null)
        {
            throw new InvalidResourceException(id, "AuthType must be specified for additional auth configurations.");
        }
        switch (authType.ToUpperInvariant())
        {
            case "CUSTOM" when !Json.IsTruthy(auth["AuthArn"]):
                throw new InvalidResourceException(id, "AuthArn must be specified if AuthType is CUSTOM.");
            case "AWS_IAM" when auth.Count > 1:
                throw new InvalidResourceException(id, "No additional configurations supported for AuthType AWS_IAM.");
            case "NONE" when auth.Count > 1:
                throw new InvalidResourceException(id, "No additional configurations supported for AuthType NONE.");
            case "CUSTOM" or "AWS_IAM" or "NONE":
                break;
            default:
                throw new InvalidResourceException(id, "AuthType is not one of AWS_IAM, CUSTOM or NONE.");
        }
        if (routeKey != "$connect")
        {
            return null;
        }
        switch (authType)
        {
            case "CUSTOM":
                var authorizerId = id + "ConnectAuthorizer";
                route["AuthorizationType"] = "CUSTOM";
                route["AuthorizerId"] = Json.Ref(authorizerId);
                var authorizer = new JsonObject { ["ApiId"] = Json.Ref(id) };
                if (auth["InvokeRole"] is { } role)
                {
                    authorizer["AuthorizerCredentialsArn"] = role.DeepClone();
                }
                authorizer["AuthorizerType"] = "REQUEST";
                authorizer["AuthorizerUri"] = new JsonObject
                {
                    ["Fn::Sub"] = new JsonArray(
                        "arn:${AWS::Partition}:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/${AuthArn}/invocations",
                        new JsonObject { ["AuthArn"] = auth["AuthArn"]!.DeepClone() }),
                };
                if (auth["IdentitySource"] is { } identitySource)
                {
                    authorizer["IdentitySource"] = identitySource.DeepClone();
                }
                authorizer["Name"] = Json.IsTruthy(auth["Name"]) ? auth["Name"]!.DeepClone() : authorizerId;
                return authorizer;
            case "AWS_IAM":
                route["AuthorizationType"] = "AWS_IAM";
                return null;
            default:
                route["AuthorizationType"] = "NONE";
                return null;
        }
    }

    private static JsonObject Tags(JsonObject? propagated)
    {
        var tags = new JsonObject { [TagName] = "SAM" };
        if (propagated is not null)
        {
            foreach (var (k, v) in propagated)
            {
                tags[k] = v?.DeepClone();
            }
        }
        return tags;
    }

    private void Domain(JsonObject domain, string stageId, JsonObject? propagatedTags)
    {
        var domainName = domain["DomainName"];
        var certificateArn = domain["CertificateArn"];
        if (domainName is null || certificateArn is null)
        {
            throw new InvalidResourceException(id, "Custom Domains only works if both DomainName and CertificateArn are provided.");
        }
        var domainId = "ApiGatewayDomainNameV2" + SamTranslator.Hash(domainName);
        var configuration = new JsonObject { ["CertificateArn"] = certificateArn.DeepClone() };
        var endpoint = domain["EndpointConfiguration"] ?? "REGIONAL";
        if (Json.Str(endpoint) != "REGIONAL")
        {
            throw new InvalidResourceException(id, "EndpointConfiguration for Custom Domains must be one of ['REGIONAL'].");
        }
        configuration["EndpointType"] = "REGIONAL";
        foreach (var name in new[] { "OwnershipVerificationCertificateArn", "SecurityPolicy" })
        {
            if (Json.IsTruthy(domain[name]))
            {
                configuration[name] = domain[name]!.DeepClone();
            }
        }
        _out.Add((domainId, TranslationContext.NewResource("AWS::ApiGatewayV2::DomainName", new JsonObject
        {
            ["DomainName"] = domainName.DeepClone(),
            ["DomainNameConfigurations"] = new JsonArray(configuration),
            ["Tags"] = Tags(propagatedTags),
        }, resource)));

        List<string>? basePaths = domain["BasePath"] switch
        {
            JsonValue v when Json.Str(v) is { Length: > 0 } s => [s],
            JsonArray a when a.Count > 0 => a.Select(x => Json.Str(x) ?? throw new InvalidResourceException(id, "Basepath must be a string.")).ToList(),
            _ => null,
        };
        if (basePaths is null)
        {
            _out.Add((id + "ApiMapping", Mapping(domainId, stageId, null)));
        }
        else
        {
            foreach (var path in basePaths)
            {
                if (InvalidBasePath().IsMatch(path))
                {
                    throw new InvalidResourceException(id, "Invalid Basepath name provided.");
                }
                _out.Add((id + BasePathSeparators().Replace(path, "") + "ApiMapping", Mapping(domainId, stageId, path.Trim('/'))));
            }
        }

        if (domain["Route53"] is not { } route53Node)
        {
            return;
        }
        if (route53Node is not JsonObject route53)
        {
            throw new InvalidResourceException(id, "Property 'Domain.Route53' should be a map.");
        }
        var zone = route53["HostedZoneId"] ?? route53["HostedZoneName"];
        if (zone is null)
        {
            throw new InvalidResourceException(id, "HostedZoneId or HostedZoneName is required to enable Route53 support on Custom Domains.");
        }
        var groupId = "RecordSetGroup" + SamTranslator.Hash(zone);
        var isNew = !context.WebSocketRecordSetGroups.TryGetValue(groupId, out var group);
        if (group is null)
        {
            var groupProps = new JsonObject();
            if (route53["HostedZoneId"] is { } zoneId)
            {
                groupProps["HostedZoneId"] = zoneId.DeepClone();
            }
            else
            {
                groupProps["HostedZoneName"] = route53["HostedZoneName"]!.DeepClone();
            }
            groupProps["RecordSets"] = new JsonArray();
            group = TranslationContext.NewResource("AWS::Route53::RecordSetGroup", groupProps, resource);
            context.WebSocketRecordSetGroups[groupId] = group;
        }
        var recordSets = group["Properties"]!["RecordSets"]!.AsArray();
        recordSets.Add(RecordSet(domainName, "A", route53, domainId));
        if (route53["IpV6"] is JsonValue ipv6 && ipv6.TryGetValue<bool>(out var on) && on)
        {
            recordSets.Add(RecordSet(domainName, "AAAA", route53, domainId));
        }
        if (isNew)
        {
            _out.Add((groupId, group));
        }
    }

    private JsonObject Mapping(string domainId, string stageId, string? key)
    {
        var props = new JsonObject { ["DomainName"] = Json.Ref(domainId), ["ApiId"] = Json.Ref(id), ["Stage"] = Json.Ref(stageId) };
        if (key is not null)
        {
            props["ApiMappingKey"] = key;
        }
        return TranslationContext.NewResource("AWS::ApiGatewayV2::ApiMapping", props, resource);
    }

    private static JsonObject RecordSet(JsonNode domainName, string type, JsonObject route53, string domainId)
    {
        var alias = new JsonObject();
        if (route53["EvaluateTargetHealth"] is { } health)
        {
            alias["EvaluateTargetHealth"] = health.DeepClone();
        }
        alias["HostedZoneId"] = Json.GetAtt(domainId, "RegionalHostedZoneId");
        alias["DNSName"] = Json.GetAtt(domainId, "RegionalDomainName");
        var set = new JsonObject { ["Name"] = domainName.DeepClone(), ["Type"] = type, ["AliasTarget"] = alias };
        foreach (var name in new[] { "Region", "SetIdentifier" })
        {
            if (route53[name] is { } v)
            {
                set[name] = v.DeepClone();
            }
        }
        return set;
    }

    [GeneratedRegex(@"[^0-9a-zA-Z/\-_]+")]
    private static partial Regex InvalidBasePath();

    [GeneratedRegex(@"[\-_/]+")]
    private static partial Regex BasePathSeparators();
}

/// <summary>The Route53 record set groups of WebSocket API domains, shared by every API of the template (one per hosted zone).</summary>
internal sealed partial class TranslationContext
{
    public Dictionary<string, JsonObject> WebSocketRecordSetGroups { get; } = new(StringComparer.Ordinal);
}
