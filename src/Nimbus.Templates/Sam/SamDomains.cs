using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Nimbus.Templates.Sam;

/// <summary>
/// Custom domains of <c>AWS::Serverless::Api</c> and <c>AWS::Serverless::HttpApi</c>: the domain name resource, its base
/// path (or API) mappings and the Route53 record sets pointing at it.
/// </summary>
/// <remarks>
/// The domain's logical id is <c>ApiGatewayDomainName</c> (REST EDGE/REGIONAL), <c>ApiGatewayDomainNameV2</c> (REST
/// PRIVATE, and HTTP APIs) + the hash of the domain name. Record sets of every API naming the same hosted zone share one
/// <c>RecordSetGroup</c> + hash(zone), unless <c>SeparateRecordSetGroup</c> asks for one per domain.
/// The domain settings are used with the template's parameters substituted, as the translator does.
/// </remarks>
internal sealed partial class SamApis
{
    private static readonly string[] RestEndpoints = ["EDGE", "REGIONAL", "PRIVATE"];

    /// <summary>Record set groups by logical id: shared by every API whose domain names the same hosted zone.</summary>
    private readonly Dictionary<string, JsonObject> _recordSetGroups = new(StringComparer.Ordinal);

    /// <summary>What <c>Api.Stage</c>, <c>Api.Deployment</c>, <c>Api.DomainName</c>... refer to (the translator's resource refs).</summary>
    private readonly Dictionary<string, string> _resourceRefs = new(StringComparer.Ordinal);

    /// <summary>
    /// Adds a REST API's custom domain resources to <paramref name="output"/>; returns the domain settings as the
    /// translator's <c>json.dumps</c> prints them (part of the deployment hash), or null without a domain.
    /// </summary>
    private string? RestDomain(string id, JsonObject resource, JsonObject p, string stageId, List<(string, JsonObject)> output)
    {
        if (p["Domain"] is null)
        {
            return null;
        }

        if (context.ResolveParameterRefs(p["Domain"]) is not JsonObject domain)
        {
            throw new InvalidResourceException(id, "Property 'Domain' should be a map.");
        }

        var isPrivate = Json.Str(domain["EndpointConfiguration"]) == "PRIVATE";
        var domainName = domain["DomainName"] ?? throw new InvalidResourceException(id, "Property 'Domain.DomainName' is required.");
        var certificate = domain["CertificateArn"] ?? throw new InvalidResourceException(id, "Property 'Domain.CertificateArn' is required.");
        var domainId = (isPrivate ? "ApiGatewayDomainNameV2" : "ApiGatewayDomainName") + SamTranslator.Hash(domainName);
        if (!isPrivate)
        {
            // Recorded in the settings the deployment hash prints (the PRIVATE path of the translator does not).
            domain["ApiDomainName"] = domainId;
        }

        var endpoint = Json.Str(domain["EndpointConfiguration"]);
        if (domain["EndpointConfiguration"] is null)
        {
            endpoint = "REGIONAL";
            domain["EndpointConfiguration"] = "REGIONAL";
        }
        else if (endpoint is null || !RestEndpoints.Contains(endpoint))
        {
            throw new InvalidResourceException(id, "EndpointConfiguration for Custom Domains must be one of ['EDGE', 'REGIONAL', 'PRIVATE'].");
        }

        var props = new JsonObject { ["DomainName"] = domainName.DeepClone() };
        props[endpoint == "REGIONAL" ? "RegionalCertificateArn" : "CertificateArn"] = certificate.DeepClone();
        var endpointConfiguration = new JsonObject { ["Types"] = new JsonArray(endpoint) };
        if (domain["IpAddressType"] is { } ipAddressType)
        {
            endpointConfiguration["IpAddressType"] = ipAddressType.DeepClone();
        }

        props["EndpointConfiguration"] = endpointConfiguration;
        if (MutualTls(id, domain) is { } mutualTls)
        {
            props["MutualTlsAuthentication"] = mutualTls;
        }

        foreach (var name in (string[])["SecurityPolicy", "OwnershipVerificationCertificateArn", "EndpointAccessMode", "Policy"])
        {
            if (Json.IsTruthy(domain[name]))
            {
                props[name] = domain[name]!.DeepClone();
            }
        }

        if (Json.IsTruthy(p["PropagateTags"]) && p["Tags"] is JsonObject { Count: > 0 } tags)
        {
            props["Tags"] = TranslationContext.TagList(id, tags, samTag: false);
        }

        output.Add((domainId, TranslationContext.NewResource(isPrivate ? "AWS::ApiGateway::DomainNameV2" : "AWS::ApiGateway::DomainName", props, resource)));
        _resourceRefs[id + (isPrivate ? ".DomainNameV2" : ".DomainName")] = domainId;

        if (isPrivate && domain["AccessAssociation"]?["VpcEndpointId"] is { } vpce)
        {
            output.Add(("DomainNameAccessAssociation" + SamTranslator.Hash(new JsonArray(vpce.DeepClone(), domainId)), TranslationContext.NewResource(
                "AWS::ApiGateway::DomainNameAccessAssociation",
                new JsonObject
                {
                    ["AccessAssociationSource"] = vpce.DeepClone(),
                    ["AccessAssociationSourceType"] = "VPCE",
                    ["DomainNameArn"] = Json.Ref(domainId),
                },
                resource)));
        }

        RestBasePathMappings(id, resource, domain, domainId, stageId, isPrivate, output);
        if (domain["Route53"] is { } route53Node)
        {
            if (route53Node is not JsonObject route53)
            {
                throw new InvalidResourceException(id, "Property 'Domain.Route53' should be a map.");
            }

            RestRecordSets(id, resource, domain, route53, domainId, endpoint, isPrivate, output);
        }

        return SamDeploymentHash.PythonJson(domain);
    }

    private static JsonObject? MutualTls(string id, JsonObject domain)
    {
        if (!Json.IsTruthy(domain["MutualTlsAuthentication"]))
        {
            return null;
        }

        if (domain["MutualTlsAuthentication"] is not JsonObject mutualTls)
        {
            throw new InvalidResourceException(id, "Property 'Domain.MutualTlsAuthentication' should be a map.");
        }

        if (mutualTls.Any(kv => kv.Key is not ("TruststoreUri" or "TruststoreVersion")))
        {
            throw new InvalidResourceException(id, "Available Domain.MutualTlsAuthentication fields are ['TruststoreUri', 'TruststoreVersion'].");
        }

        var result = new JsonObject();
        foreach (var name in (string[])["TruststoreUri", "TruststoreVersion"])
        {
            if (Json.IsTruthy(mutualTls[name]))
            {
                result[name] = mutualTls[name]!.DeepClone();
            }
        }

        return result;
    }

    private void RestBasePathMappings(string id, JsonObject resource, JsonObject domain, string domainId, string stageId, bool isPrivate, List<(string, JsonObject)> output)
    {
        var type = isPrivate ? "AWS::ApiGateway::BasePathMappingV2" : "AWS::ApiGateway::BasePathMapping";
        var domainProperty = isPrivate ? "DomainNameArn" : "DomainName";
        var basePath = domain["BasePath"];
        List<JsonNode?>? basePaths = Json.IsTruthy(basePath)
            ? basePath switch
            {
                JsonArray list => [.. list],
                JsonValue when Json.IsString(basePath) => [basePath],
                _ => null,
            }
            : null;
        if (basePaths is null)
        {
            output.Add((id + "BasePathMapping", TranslationContext.NewResource(type, new JsonObject
            {
                [domainProperty] = Json.Ref(domainId),
                ["RestApiId"] = Json.Ref(id),
                ["Stage"] = Json.Ref(stageId),
            }, resource)));
            return;
        }

        var normalize = domain["NormalizeBasePath"] is not JsonValue flag || !flag.TryGetValue<bool>(out var n) || n;
        for (var i = 0; i < basePaths.Count; i++)
        {
            if (Json.Str(basePaths[i]) is not { } path)
            {
                throw new InvalidResourceException(id, $"Property 'Domain.BasePath[{i}]' should be a string.");
            }

            var alphanumeric = string.Concat(path.Where(char.IsLetterOrDigit));
            output.Add((id + alphanumeric + "BasePathMapping", TranslationContext.NewResource(type, new JsonObject
            {
                ["BasePath"] = normalize ? alphanumeric : path,
                [domainProperty] = Json.Ref(domainId),
                ["RestApiId"] = Json.Ref(id),
                ["Stage"] = Json.Ref(stageId),
            }, resource)));
        }
    }

    private void RestRecordSets(string id, JsonObject resource, JsonObject domain, JsonObject route53, string domainId, string endpoint, bool isPrivate, List<(string, JsonObject)> output)
    {
        var zone = route53["HostedZoneId"] ?? route53["HostedZoneName"] ?? throw new InvalidResourceException(id, "HostedZoneId or HostedZoneName is required to enable Route53 support on Custom Domains.");
        JsonObject aliasTarget;
        if (isPrivate)
        {
            aliasTarget = new JsonObject
            {
                ["DNSName"] = route53["VpcEndpointDomainName"]?.DeepClone(),
                ["HostedZoneId"] = route53["VpcEndpointHostedZoneId"]?.DeepClone(),
            };
        }
        else if (endpoint == "REGIONAL")
        {
            aliasTarget = new JsonObject
            {
                ["HostedZoneId"] = Json.GetAtt(domainId, "RegionalHostedZoneId"),
                ["DNSName"] = Json.GetAtt(domainId, "RegionalDomainName"),
            };
        }
        else
        {
            // The translator records the distribution name it targets into the domain settings (and so into the deployment hash).
            route53["DistributionDomainName"] ??= Json.GetAtt(domainId, "DistributionDomainName");
            aliasTarget = new JsonObject { ["HostedZoneId"] = "Z2FDTNDATAQYW2", ["DNSName"] = route53["DistributionDomainName"]!.DeepClone() };
        }

        if (route53["EvaluateTargetHealth"] is { } health)
        {
            aliasTarget["EvaluateTargetHealth"] = health.DeepClone();
        }

        var separate = route53["SeparateRecordSetGroup"];
        if (Json.IsTruthy(separate) && (separate is not JsonValue flag || !flag.TryGetValue<bool>(out _)))
        {
            throw new InvalidResourceException(id, "Property 'Domain.Route53.SeparateRecordSetGroup' should be a boolean.");
        }

        var group = Json.IsTruthy(separate)
            ? NewRecordSetGroup("RecordSetGroup" + SamTranslator.Hash(new JsonArray(zone.DeepClone(), domain["DomainName"]?.DeepClone())), route53, resource, output, both: true, shared: false)
            : RecordSetGroup(route53, zone, resource, output, both: true);
        AddRecordSets(group, domain, route53, aliasTarget);
    }

    private JsonObject RecordSetGroup(JsonObject route53, JsonNode zone, JsonObject resource, List<(string, JsonObject)> output, bool both)
    {
        var groupId = "RecordSetGroup" + SamTranslator.Hash(zone);
        return _recordSetGroups.TryGetValue(groupId, out var existing)
            ? existing
            : NewRecordSetGroup(groupId, route53, resource, output, both, shared: true);
    }

    private JsonObject NewRecordSetGroup(string groupId, JsonObject route53, JsonObject resource, List<(string, JsonObject)> output, bool both, bool shared)
    {
        var props = new JsonObject();
        if (route53.ContainsKey("HostedZoneId"))
        {
            props["HostedZoneId"] = route53["HostedZoneId"]?.DeepClone();
        }

        if (route53.ContainsKey("HostedZoneName") && (both || !route53.ContainsKey("HostedZoneId")))
        {
            props["HostedZoneName"] = route53["HostedZoneName"]?.DeepClone();
        }

        props["RecordSets"] = new JsonArray();
        var group = TranslationContext.NewResource("AWS::Route53::RecordSetGroup", props, resource);
        output.Add((groupId, group));
        if (shared)
        {
            _recordSetGroups[groupId] = group;
        }

        return group;
    }

    private static void AddRecordSets(JsonObject group, JsonObject domain, JsonObject route53, JsonObject aliasTarget)
    {
        var recordSets = (JsonArray)group["Properties"]!["RecordSets"]!;
        var ipv6 = route53["IpV6"] is JsonValue flag && flag.TryGetValue<bool>(out var b) && b;
        foreach (var type in ipv6 ? (string[])["A", "AAAA"] : ["A"])
        {
            var recordSet = new JsonObject
            {
                ["Name"] = domain["DomainName"]?.DeepClone(),
                ["Type"] = type,
                ["AliasTarget"] = aliasTarget.DeepClone(),
            };
            foreach (var name in (string[])["Region", "SetIdentifier"])
            {
                if (route53[name] is { } value)
                {
                    recordSet[name] = value.DeepClone();
                }
            }

            recordSets.Add(recordSet);
        }
    }

    /// <summary>Adds an HTTP API's custom domain resources (<c>AWS::ApiGatewayV2::DomainName</c>, ApiMappings, record sets).</summary>
    private void HttpDomain(string id, JsonObject resource, JsonObject p, string stageId, JsonObject? tags, List<(string, JsonObject)> output)
    {
        if (p["Domain"] is null)
        {
            return;
        }

        if (context.ResolveParameterRefs(p["Domain"]) is not JsonObject domain)
        {
            throw new InvalidResourceException(id, "Property 'Domain' should be a map.");
        }

        var domainName = domain["DomainName"];
        var certificate = domain["CertificateArn"];
        if (domainName is null || certificate is null)
        {
            throw new InvalidResourceException(id, "Custom Domains only works if both DomainName and CertificateArn are provided.");
        }

        var domainId = "ApiGatewayDomainNameV2" + SamTranslator.Hash(domainName);
        var endpoint = domain["EndpointConfiguration"] is null ? "REGIONAL" : Json.Str(domain["EndpointConfiguration"]);
        if (endpoint != "REGIONAL")
        {
            throw new InvalidResourceException(id, "EndpointConfiguration for Custom Domains must be one of ['REGIONAL'].");
        }

        var configuration = new JsonObject { ["CertificateArn"] = certificate.DeepClone(), ["EndpointType"] = "REGIONAL" };
        foreach (var name in (string[])["OwnershipVerificationCertificateArn", "SecurityPolicy"])
        {
            if (Json.IsTruthy(domain[name]))
            {
                configuration[name] = domain[name]!.DeepClone();
            }
        }

        var props = new JsonObject { ["DomainName"] = domainName.DeepClone(), ["DomainNameConfigurations"] = new JsonArray(configuration) };
        if (Json.IsTruthy(domain["MutualTlsAuthentication"]))
        {
            if (domain["MutualTlsAuthentication"] is not JsonObject mutualTls)
            {
                throw new InvalidResourceException(id, "MutualTlsAuthentication must be a map with at least one of the following fields ['TruststoreUri', 'TruststoreVersion'].");
            }

            var invalid = mutualTls.Select(kv => kv.Key).Where(k => k is not ("TruststoreUri" or "TruststoreVersion")).Order(StringComparer.Ordinal).ToList();
            if (invalid.Count > 0)
            {
                // The translator names the offending fields where the resource id goes.
                throw new InvalidResourceException(string.Join(",", invalid), "Available MutualTlsAuthentication fields are ['TruststoreUri', 'TruststoreVersion'].");
            }

            props["MutualTlsAuthentication"] = MutualTls(id, domain);
        }

        if (tags is not null)
        {
            props["Tags"] = tags.DeepClone();
        }

        output.Add((domainId, TranslationContext.NewResource("AWS::ApiGatewayV2::DomainName", props, resource)));
        _resourceRefs[id + ".DomainName"] = domainId;

        List<JsonNode?>? basePaths = Json.IsTruthy(domain["BasePath"])
            ? domain["BasePath"] switch
            {
                JsonArray list => [.. list],
                JsonValue v when Json.IsString(v) => [v],
                _ => null,
            }
            : null;
        foreach (var basePath in basePaths ?? [null])
        {
            var mapping = new JsonObject { ["ApiId"] = Json.Ref(id), ["DomainName"] = Json.Ref(domainId), ["Stage"] = Json.Ref(stageId) };
            var mappingId = id + "ApiMapping";
            if (basePaths is not null)
            {
                if (Json.Str(basePath) is not { } path)
                {
                    throw new InvalidResourceException(id, "Basepath must be a string.");
                }

                if (InvalidBasePath().IsMatch(path))
                {
                    throw new InvalidResourceException(id, "Invalid Basepath name provided.");
                }

                mappingId = id + BasePathSeparators().Replace(path, "") + "ApiMapping";
                mapping["ApiMappingKey"] = path.Trim('/');
            }

            output.Add((mappingId, TranslationContext.NewResource("AWS::ApiGatewayV2::ApiMapping", mapping, resource)));
        }

        if (domain["Route53"] is not { } route53Node)
        {
            return;
        }

        if (route53Node is not JsonObject route53)
        {
            throw new InvalidResourceException(id, "Property 'Domain.Route53' should be a map.");
        }

        var zone = route53["HostedZoneId"] ?? route53["HostedZoneName"] ?? throw new InvalidResourceException(id, "HostedZoneId or HostedZoneName is required to enable Route53 support on Custom Domains.");
        var aliasTarget = new JsonObject
        {
            ["HostedZoneId"] = Json.GetAtt(domainId, "RegionalHostedZoneId"),
            ["DNSName"] = Json.GetAtt(domainId, "RegionalDomainName"),
        };
        if (route53["EvaluateTargetHealth"] is { } health)
        {
            aliasTarget["EvaluateTargetHealth"] = health.DeepClone();
        }

        AddRecordSets(RecordSetGroup(route53, zone, resource, output, both: false), domain, route53, aliasTarget);
    }

    /// <summary>Replaces <c>Ref</c>/<c>Fn::GetAtt</c> of <c>Api.Stage</c>, <c>Api.DomainName</c>... with the generated resources, everywhere in the output.</summary>
    public void ResolveResourceRefs(JsonNode? node)
    {
        if (_resourceRefs.Count == 0)
        {
            return;
        }

        switch (node)
        {
            case JsonObject o:
                if (o.Count == 1 && Json.Str(o["Ref"]) is { } target && _resourceRefs.TryGetValue(target, out var refId))
                {
                    o["Ref"] = refId;
                    return;
                }

                if (o.Count == 1 && o["Fn::GetAtt"] is JsonArray { Count: 2 } getAtt && Json.Str(getAtt[0]) is { } attTarget && _resourceRefs.TryGetValue(attTarget, out var attId))
                {
                    getAtt[0] = attId;
                    return;
                }

                foreach (var (_, value) in o.ToList())
                {
                    ResolveResourceRefs(value);
                }

                break;
            case JsonArray a:
                foreach (var item in a)
                {
                    ResolveResourceRefs(item);
                }

                break;
        }
    }

    [GeneratedRegex(@"[^0-9a-zA-Z/_\-]+")]
    private static partial Regex InvalidBasePath();

    [GeneratedRegex(@"[_/\-]+")]
    private static partial Regex BasePathSeparators();
}
