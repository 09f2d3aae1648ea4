using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Nimbus.Templates.Sam;

/// <summary>
/// The connector profiles: for each (source type, destination type) the kind of resource that grants access (an IAM managed
/// policy on a role, a Lambda permission, an SQS queue policy or an SNS topic policy) and the statements of each access
/// category (Read, Write), with <c>%{Source.Arn}</c>-style variables; plus how to get a resource's ARN, name, role… by logical id.
/// The data is SAM's own profiles.json, embedded as is.
/// </summary>
internal static partial class ConnectorProfiles
{
    private static readonly JsonObject Profiles = Load();

    private static JsonObject Load()
    {
        using var stream = typeof(ConnectorProfiles).Assembly.GetManifestResourceStream("Nimbus.Templates.Sam.ConnectorProfiles.json")
            ?? throw new InvalidOperationException("embedded resource Nimbus.Templates.Sam.ConnectorProfiles.json is missing");
        return JsonNode.Parse(stream)!.AsObject();
    }

    /// <summary>A copy of the profile from one type to another, or null when connectors do not support that pair.</summary>
    public static JsonObject? Get(string sourceType, string destinationType) =>
        Profiles["Permissions"]![sourceType]?[destinationType]?.DeepClone().AsObject();

    /// <summary>The Inputs/Outputs description of a CloudFormation type with <c>%{logicalId}</c> replaced (empty for an unknown type).</summary>
    public static JsonObject CfnResourceProperties(string resourceType, string logicalId)
    {
        var properties = Profiles["CfnResourceProperties"]![resourceType]?.DeepClone().AsObject() ?? new JsonObject();
        return (JsonObject)Replace(properties, [("logicalId", logicalId)])!;
    }

    /// <summary>
    /// Replaces every <c>%{name}</c> in the strings of a node: a string that is exactly the variable becomes its value, a string
    /// containing it becomes an <c>Fn::Sub</c> (with the value under the variable's alphanumeric name); any string left with
    /// <c>${…}</c> becomes an Fn::Sub. A variable used but without a value is an error ("Source.Arn is missing.").
    /// </summary>
    public static JsonNode? Replace(JsonNode? node, IReadOnlyList<(string Name, JsonNode? Value)> replacements)
    {
        switch (node)
        {
            case JsonObject o:
                var copy = new JsonObject();
                foreach (var (k, v) in o)
                {
                    copy[k] = Replace(v, replacements);
                }
                return copy;
            case JsonArray a:
                var list = new JsonArray();
                foreach (var item in a)
                {
                    list.Add(Replace(item, replacements));
                }
                return list;
            case JsonValue v when v.GetValueKind() == JsonValueKind.String:
                return ReplaceString(v.GetValue<string>(), replacements);
            default:
                return node?.DeepClone();
        }
    }

    private static JsonNode? ReplaceString(string s, IReadOnlyList<(string Name, JsonNode? Value)> replacements)
    {
        var variables = new JsonObject();
        foreach (var (name, value) in replacements)
        {
            var pattern = "%{" + name + "}";
            var contains = s.Contains(pattern, StringComparison.Ordinal);
            if (contains && value is null)
            {
                throw new ConnectorResourceException($"{name} is missing.");
            }
            if (pattern == s)
            {
                return value!.DeepClone();
            }
            if (contains)
            {
                var subName = new string(name.Where(char.IsLetterOrDigit).ToArray());
                s = s.Replace(pattern, "${" + subName + "}", StringComparison.Ordinal);
                variables[subName] = value!.DeepClone();
            }
        }
        if (SubVariable().IsMatch(s))
        {
            return variables.Count > 0 ? new JsonObject { ["Fn::Sub"] = new JsonArray(s, variables) } : new JsonObject { ["Fn::Sub"] = s };
        }
        return s;
    }

    [GeneratedRegex(@"\$\{.+\}")]
    private static partial Regex SubVariable();

    [GeneratedRegex(@"%\{[\w\.]+\}")]
    public static partial Regex UnreplacedVariable();
}

/// <summary>A template error that makes a resource unusable for connectors (reported on the connector).</summary>
internal sealed class ConnectorResourceException(string message) : Exception(message);

/// <summary>One end of a connector: a resource of the template (by Id) or one described by its Type and properties.</summary>
internal sealed record ConnectorEnd(string? LogicalId, string ResourceType, JsonNode? Arn, JsonNode? RoleName, JsonNode? QueueUrl, JsonNode? ResourceId, JsonNode? Name, JsonNode? Qualifier);

/// <summary>
/// AWS::Serverless::Connector and the <c>Connectors</c> attribute of resources (embedded connectors): after every other
/// resource is translated, each connector resolves its Source and Destination against the translated template and generates,
/// per destination, what its profile says (IAM managed policy on the role, Lambda permission, SQS queue policy, SNS topic
/// policy), with the connector's DependsOn and resource attributes and the <c>aws:sam:connectors</c> metadata.
/// </summary>
internal sealed partial class TranslationContext
{
    internal const string ConnectorType = "AWS::Serverless::Connector";

    private static readonly Dictionary<string, string> SamToCfnType = new(StringComparer.Ordinal)
    {
        ["AWS::Serverless::Function"] = "AWS::Lambda::Function",
        ["AWS::Serverless::StateMachine"] = "AWS::StepFunctions::StateMachine",
        ["AWS::Serverless::Api"] = "AWS::ApiGateway::RestApi",
        ["AWS::Serverless::HttpApi"] = "AWS::ApiGatewayV2::Api",
        ["AWS::Serverless::SimpleTable"] = "AWS::DynamoDB::Table",
    };

    private static readonly string[] ConnectorAttributes = ["DeletionPolicy", "UpdatePolicy", "Condition", "UpdateReplacePolicy", "Metadata"];

    /// <summary>Connectors in translation order: the template's own, then the embedded ones.</summary>
    private readonly List<(string Id, JsonObject Resource)> _explicitConnectors = [];
    private readonly List<(string Id, JsonObject Resource)> _embeddedConnectors = [];

    /// <summary>Queues an AWS::Serverless::Connector of the template: connectors are translated last.</summary>
    private void DeferConnector(string id, JsonObject resource) => _explicitConnectors.Add((id, resource));

    /// <summary>
    /// Turns every resource's <c>Connectors</c> attribute into connector resources (<c>{Resource}{Name}</c>, Source = the resource,
    /// optionally refined by SourceReference) and removes the attribute from the template.
    /// </summary>
    private void ExtractEmbeddedConnectors(JsonObject inputResources)
    {
        foreach (var (sourceId, node) in inputResources)
        {
            if (node is not JsonObject resource || !resource.ContainsKey("Connectors"))
            {
                continue;
            }
            var connectors = resource["Connectors"];
            resource.Remove("Connectors");
            if (connectors is not JsonObject map)
            {
                _errors.Add((sourceId, $"Resource with id [{sourceId}] is invalid. Attribute '{sourceId}.Connectors' should be a map."));
                continue;
            }
            foreach (var (name, value) in map)
            {
                var fullId = sourceId + name;
                try
                {
                    if (value is not JsonObject connector)
                    {
                        throw new InvalidResourceException(fullId, $"{sourceId}.{fullId} should be a map.");
                    }
                    var generated = connector.DeepClone().AsObject();
                    generated["Type"] = ConnectorType;
                    if (generated["Properties"] is not JsonObject properties)
                    {
                        throw new InvalidResourceException(sourceId, $"Attribute 'Connectors.{name}.Properties' should be a map.");
                    }
                    var source = new JsonObject { ["Id"] = sourceId };
                    if (properties.ContainsKey("SourceReference"))
                    {
                        if (properties["SourceReference"] is not JsonObject reference)
                        {
                            throw new InvalidResourceException(sourceId, $"Property 'Connectors.{name}.Properties.SourceReference' should be a map.");
                        }
                        if (reference.ContainsKey("Id"))
                        {
                            throw new InvalidResourceException(name, "'Id' shouldn't be defined in 'SourceReference'.");
                        }
                        foreach (var (k, v) in reference)
                        {
                            source[k] = v?.DeepClone();
                        }
                        properties.Remove("SourceReference");
                    }
                    properties["Source"] = source;
                    if (!SamTranslator.AlphanumericPattern().IsMatch(fullId))
                    {
                        throw new InvalidResourceException(fullId, "Logical ids must be alphanumeric.");
                    }
                    ValidateConnectorProperties(fullId, properties);
                    if (inputResources.ContainsKey(fullId))
                    {
                        _errors.Add((sourceId, $"Transforming resource with id [{sourceId}] attempts to create a new resource with id [{fullId}] and type \"{ConnectorType}\". A resource with that id already exists within this template. Please use a different id for that resource."));
                        continue;
                    }
                    _embeddedConnectors.Add((fullId, generated));
                }
                catch (InvalidResourceException e)
                {
                    _errors.Add((e.LogicalId, e.Message));
                }
            }
        }
    }

    /// <summary>The SAM resource model's checks: known properties only, then each required and of its type (single-key maps pass as intrinsics).</summary>
    private static void ValidateConnectorProperties(string id, JsonObject properties)
    {
        foreach (var (name, _) in properties)
        {
            if (name is not ("Source" or "Destination" or "Permissions"))
            {
                throw new InvalidResourceException(id, $"property {name} not defined for resource of type {ConnectorType}");
            }
        }
        foreach (var name in new[] { "Source", "Destination", "Permissions" })
        {
            var value = properties[name];
            if (value is JsonObject { Count: 1 })
            {
                continue;
            }
            if (value is null)
            {
                throw new InvalidResourceException(id, $"Missing required property '{name}'.");
            }
            var valid = name switch
            {
                "Source" => value is JsonObject,
                "Destination" => value is JsonObject || (value is JsonArray list && list.All(d => d is JsonObject)),
                _ => value is JsonArray permissions && permissions.All(Json.IsString),
            };
            if (!valid)
            {
                throw new InvalidResourceException(id, $"Type of property '{name}' is invalid.");
            }
        }
    }

    /// <summary>Translates the queued connectors against the translated resources (the translator's last step).</summary>
    private void TranslateConnectors(JsonObject resources)
    {
        var pending = _explicitConnectors.Concat(_embeddedConnectors).ToList();
        var unprocessed = pending.ToDictionary(c => c.Id, c => c.Resource, StringComparer.Ordinal);
        var failed = new HashSet<string>(_errors.Select(e => e.Key), StringComparer.Ordinal);
        JsonObject? Resolve(string id)
        {
            if (resources[id] is JsonObject translated)
            {
                return translated;
            }
            if (unprocessed.TryGetValue(id, out var connector))
            {
                return connector;
            }
            // A SAM resource whose translation failed is still there, untranslated (as in the translator's working template).
            return failed.Contains(id) && _inputResources[id] is JsonObject input ? input : null;
        }

        foreach (var (id, resource) in pending)
        {
            try
            {
                var properties = resource["Properties"] as JsonObject ?? new JsonObject();
                ValidateConnectorProperties(id, properties);
                var produced = TranslateConnector(id, resource, properties, Resolve, resources);
                unprocessed.Remove(id);
                foreach (var (newId, newResource) in produced)
                {
                    if (_inputResources.ContainsKey(newId) || _embeddedConnectors.Any(c => c.Id == newId))
                    {
                        _errors.Add((id, $"Transforming resource with id [{id}] attempts to create a new resource with id [{newId}] and type \"{Json.Str(newResource["Type"])}\". A resource with that id already exists within this template. Please use a different id for that resource."));
                        continue;
                    }
                    resources[newId] = newResource;
                }
            }
            catch (InvalidResourceException e)
            {
                _errors.Add((e.LogicalId, e.Message));
            }
        }
    }

    private List<(string Id, JsonObject Resource)> TranslateConnector(string id, JsonObject resource, JsonObject properties, Func<string, JsonObject?> resolve, JsonObject resources)
    {
        var sourceSpec = (JsonObject)properties["Source"]!;
        var destinations = properties["Destination"] switch
        {
            JsonArray list => list.Select(d => (JsonObject)d!).ToList(),
            JsonObject single => [single],
            _ => [],
        };
        var multiDestination = properties["Destination"] is JsonArray;
        var permissions = properties["Permissions"] as JsonArray ?? [];
        var generated = new List<(string Id, JsonObject Resource)>();
        for (var index = 0; index < destinations.Count; index++)
        {
            var destinationSpec = destinations[index];
            ConnectorEnd source, destination;
            try
            {
                destination = ResolveConnectorEnd(destinationSpec, resolve, sourceSpec);
                source = ResolveConnectorEnd(sourceSpec, resolve, destinationSpec);
            }
            catch (ConnectorResourceException e)
            {
                throw new InvalidResourceException(id, e.Message);
            }
            var produced = GenerateConnectorResources(id, resource, permissions, source, destination, index, multiDestination, resources);
            AddConnectorMetadata(id, produced, source, destination);
            generated.AddRange(produced);
        }

        // Whatever depended on the connector now depends on what it generated.
        var generatedIds = generated.Select(g => (JsonNode?)g.Id).ToList();
        foreach (var (_, node) in resources)
        {
            if (node is not JsonObject other || other["DependsOn"] is not { } dependsOn)
            {
                continue;
            }
            var list = AsList(dependsOn);
            var at = list.FindIndex(d => Json.Str(d) == id);
            if (at < 0)
            {
                continue;
            }
            list.RemoveAt(at);
            other["DependsOn"] = InsertUnique(list, generatedIds);
        }

        if (generated.Count == 0)
        {
            throw new InvalidResourceException(id, "'Destination' is an empty list");
        }
        return generated;
    }

    private static ConnectorEnd ResolveConnectorEnd(JsonObject spec, Func<string, JsonObject?> resolve, JsonObject connecting)
    {
        var idProvided = spec.ContainsKey("Id");
        var otherProvided = spec.Any(p => p.Key is not ("Id" or "Qualifier"));
        if (idProvided == otherProvided)
        {
            throw new ConnectorResourceException("Must provide 'Id' (with optional 'Qualifier') or a supported combination of other properties.");
        }
        var logicalIdNode = spec["Id"];
        if (!Json.IsTruthy(logicalIdNode))
        {
            var type = Json.Str(spec["Type"]);
            if (string.IsNullOrEmpty(type))
            {
                throw new ConnectorResourceException("'Type' is missing or not a string.");
            }
            type = SamToCfnType.GetValueOrDefault(type, type);
            return new ConnectorEnd(null, type, Clone(spec["Arn"]), Clone(spec["RoleName"]), Clone(spec["QueueUrl"]), Clone(spec["ResourceId"]), Clone(spec["Name"]), Clone(spec["Qualifier"]));
        }
        var logicalId = Json.Str(logicalIdNode);
        if (string.IsNullOrEmpty(logicalId))
        {
            throw new ConnectorResourceException("'Id' is missing or not a string.");
        }
        var resource = resolve(logicalId) ?? throw new ConnectorResourceException($"Unable to find resource with logical ID '{logicalId}'.");
        var resourceType = Json.Str(resource["Type"]);
        if (string.IsNullOrEmpty(resourceType))
        {
            throw new ConnectorResourceException("'Type' is missing or not a string.");
        }
        var properties = resource["Properties"] as JsonObject ?? new JsonObject();
        var cfn = ConnectorProfiles.CfnResourceProperties(resourceType, logicalId);
        var outputs = cfn["Outputs"] as JsonObject ?? new JsonObject();
        var role = RoleProperty(Json.Str(connecting["Id"]), connecting["Arn"], cfn, properties);
        JsonNode? roleName = LogicalIdOf(role) is { } roleId ? Json.Ref(roleId) : null;
        var qualifier = spec.ContainsKey("Qualifier") ? spec["Qualifier"] : outputs["Qualifier"];
        return new ConnectorEnd(logicalId, resourceType, Clone(outputs["Arn"]), roleName, Clone(outputs["Url"]), Clone(outputs["Id"]), Clone(outputs["Name"]), Clone(qualifier));
    }

    private static JsonNode? Clone(JsonNode? node) => node?.DeepClone();

    /// <summary>The resource's role: the property the profile names, or for an events rule the RoleArn of its target that is the other end.</summary>
    private static JsonNode? RoleProperty(string? connectingId, JsonNode? connectingArn, JsonObject cfn, JsonObject properties)
    {
        var role = cfn["Inputs"]?["Role"];
        if (Json.Str(role) is { } propertyName)
        {
            return properties[propertyName];
        }
        if (role is JsonObject function && Json.Str(function["Function"]) == "GetEventsRuleRole" && properties["Targets"] is JsonArray targets)
        {
            foreach (var target in targets.OfType<JsonObject>())
            {
                var targetArn = target["Arn"];
                var targetId = LogicalIdOf(targetArn);
                if ((targetId is not null && targetId == connectingId) || (Json.IsTruthy(connectingArn) && JsonNode.DeepEquals(targetArn, connectingArn)))
                {
                    return target["RoleArn"];
                }
            }
        }
        return null;
    }

    /// <summary>The logical id a Ref or Fn::GetAtt points at (null for anything else).</summary>
    internal static string? LogicalIdOf(JsonNode? node)
    {
        if (!Json.IsIntrinsic(node))
        {
            return null;
        }
        var o = (JsonObject)node!;
        if (Json.Str(o["Ref"]) is { } r)
        {
            return r;
        }
        return o["Fn::GetAtt"] switch
        {
            JsonArray { Count: 2 } a when Json.Str(a[0]) is { } id => id,
            JsonValue v when Json.Str(v) is { } s && s.Split('.') is { Length: >= 2 } parts => parts[0],
            _ => null,
        };
    }

    private List<(string Id, JsonObject Resource)> GenerateConnectorResources(string id, JsonObject connector, JsonArray permissionList, ConnectorEnd source, ConnectorEnd destination, int index, bool multiDestination, JsonObject resources)
    {
        var profile = ConnectorProfiles.Get(source.ResourceType, destination.ResourceType)
            ?? throw new InvalidResourceException(id, $"Unable to create connector from {source.ResourceType} to {destination.ResourceType}; it's not supported or the template is invalid.");
        var permissions = permissionList.Select(p => Json.Str(p)!).Distinct(StringComparer.Ordinal).ToList();
        var profileType = Json.Str(profile["Type"]);
        var profileProperties = (JsonObject)profile["Properties"]!;
        var categories = (JsonObject)profileProperties["AccessCategories"]!;
        var validValues = string.Join(", ", categories.Select(c => c.Key));
        if (permissions.Count == 0)
        {
            throw new InvalidResourceException(id, $"'Permissions' cannot be empty; valid values are: {validValues}.");
        }
        if (permissions.Any(p => !categories.ContainsKey(p)))
        {
            throw new InvalidResourceException(id, $"Unsupported 'Permissions' provided for connector from {source.ResourceType} to {destination.ResourceType}; valid values are: {validValues}.");
        }
        if (profileProperties["ValidAccessCategories"] is JsonArray combinations)
        {
            var sortedCombinations = combinations.Select(c => c!.AsArray().Select(p => Json.Str(p)!).Order(StringComparer.Ordinal).ToList()).ToList();
            var requested = permissions.Order(StringComparer.Ordinal).ToList();
            if (!sortedCombinations.Any(c => c.SequenceEqual(requested)))
            {
                var text = string.Join(", ", sortedCombinations.Select(c => string.Join(" + ", c)));
                throw new InvalidResourceException(id, $"Unsupported 'Permissions' provided for connector from {source.ResourceType} to {destination.ResourceType}; valid combinations are: {text}.");
            }
        }

        JsonObject replaced;
        try
        {
            replaced = (JsonObject)ConnectorProfiles.Replace(profileProperties,
            [
                ("Source.Arn", source.Arn), ("Destination.Arn", destination.Arn),
                ("Source.ResourceId", source.ResourceId), ("Destination.ResourceId", destination.ResourceId),
                ("Source.Name", source.Name), ("Destination.Name", destination.Name),
                ("Source.Qualifier", source.Qualifier), ("Destination.Qualifier", destination.Qualifier),
            ])!;
        }
        catch (ConnectorResourceException e)
        {
            throw new InvalidResourceException(id, e.Message);
        }
        if (ConnectorProfiles.UnreplacedVariable().Match(replaced.ToJsonString()) is { Success: true } left)
        {
            throw new InvalidOperationException($"The following variables have not been replaced: {left.Value}");
        }

        var sourcePolicy = replaced["SourcePolicy"]?.GetValueKind() == JsonValueKind.True;
        var end = sourcePolicy ? source : destination;
        var endName = sourcePolicy ? "Source" : "Destination";
        var replacedCategories = (JsonObject)replaced["AccessCategories"]!;
        string Name(string kind) => multiDestination ? $"{id}{kind}Destination{index}" : $"{id}{kind}";
        JsonObject Document()
        {
            var statements = new JsonArray();
            foreach (var (name, category) in replacedCategories)
            {
                if (permissions.Contains(name) && category?["Statement"] is JsonArray list)
                {
                    foreach (var statement in list)
                    {
                        statements.Add(statement?.DeepClone());
                    }
                }
            }
            return new JsonObject { ["Version"] = "2012-10-17", ["Statement"] = statements };
        }

        switch (profileType)
        {
            case "AWS_IAM_ROLE_MANAGED_POLICY":
            {
                var roleName = end.RoleName ?? throw new InvalidResourceException(id, $"Unable to get IAM role name from '{endName}' resource.");
                var policyId = Name("Policy");
                var policy = ConnectorResource("AWS::IAM::ManagedPolicy", connector, new JsonObject
                {
                    ["PolicyDocument"] = Document(),
                    ["Roles"] = new JsonArray(roleName.DeepClone()),
                });
                var dependedBy = Json.Str(replaced["DependedBy"]);
                if (dependedBy == "DESTINATION_EVENT_SOURCE_MAPPING" && source.LogicalId is not null && destination.LogicalId is not null)
                {
                    var mappings = EventSourceMappings(resources, source.LogicalId, destination.LogicalId).ToList();
                    if (mappings.Count == 1)
                    {
                        AddDependsOn(resources, mappings[0], policyId);
                    }
                }
                if (dependedBy == "SOURCE" && source.LogicalId is not null)
                {
                    AddDependsOn(resources, source.LogicalId, policyId);
                }
                return [(policyId, policy)];
            }
            case "AWS_SQS_QUEUE_POLICY":
            {
                var url = end.QueueUrl ?? throw new InvalidResourceException(id, $"Unable to get SQS queue URL from '{endName}' resource.");
                return [(Name("QueuePolicy"), ConnectorResource("AWS::SQS::QueuePolicy", connector, new JsonObject
                {
                    ["PolicyDocument"] = Document(),
                    ["Queues"] = new JsonArray(url.DeepClone()),
                }))];
            }
            case "AWS_SNS_TOPIC_POLICY":
            {
                var arn = end.Arn ?? throw new InvalidResourceException(id, $"Unable to get SNS topic ARN from '{endName}' resource.");
                return [(Name("TopicPolicy"), ConnectorResource("AWS::SNS::TopicPolicy", connector, new JsonObject
                {
                    ["Topics"] = new JsonArray(arn.DeepClone()),
                    ["PolicyDocument"] = Document(),
                }))];
            }
            case "AWS_LAMBDA_PERMISSION":
            {
                var functionArn = end.Arn ?? throw new InvalidResourceException(id, $"Unable to get Lambda function ARN from '{endName}' resource.");
                var generated = new List<(string, JsonObject)>();
                foreach (var (name, category) in replacedCategories)
                {
                    if (!permissions.Contains(name) || category is not JsonObject grant)
                    {
                        continue;
                    }
                    var permission = new JsonObject
                    {
                        ["Action"] = grant["Action"]?.DeepClone(),
                        ["FunctionName"] = functionArn.DeepClone(),
                        ["Principal"] = grant["Principal"]?.DeepClone(),
                        ["SourceArn"] = grant["SourceArn"]?.DeepClone(),
                    };
                    if (grant["SourceAccount"] is { } account)
                    {
                        permission["SourceAccount"] = account.DeepClone();
                    }
                    generated.Add((multiDestination ? $"{id}{name}LambdaPermissionDestination{index}" : $"{id}{name}LambdaPermission", ConnectorResource("AWS::Lambda::Permission", connector, permission)));
                }
                return generated;
            }
            default:
                throw new InvalidOperationException($"Profile type {profileType} is not supported");
        }
    }

    /// <summary>A generated resource with the connector's DependsOn and resource attributes.</summary>
    private static JsonObject ConnectorResource(string type, JsonObject connector, JsonObject properties)
    {
        var resource = new JsonObject { ["Type"] = type };
        if (Json.IsTruthy(connector["DependsOn"]))
        {
            resource["DependsOn"] = connector["DependsOn"]!.DeepClone();
        }
        foreach (var name in ConnectorAttributes)
        {
            if (connector.ContainsKey(name))
            {
                resource[name] = connector[name]?.DeepClone();
            }
        }
        resource["Properties"] = properties;
        return resource;
    }

    /// <summary>Adds <c>aws:sam:connectors</c> (the SAM types of both ends where they are template resources) to the generated resources' Metadata.</summary>
    private void AddConnectorMetadata(string id, List<(string Id, JsonObject Resource)> generated, ConnectorEnd source, ConnectorEnd destination)
    {
        // The SAM type where the end is a SAM resource of the template (the implicit APIs are AWS::Serverless::Api/HttpApi there too).
        string TypeOf(ConnectorEnd end) => end.LogicalId switch
        {
            null => end.ResourceType,
            var id when InputResourceType(id) is { } type => type,
            var id when _embeddedConnectors.Any(c => c.Id == id) => ConnectorType,
            SamApis.ImplicitRestApi when end.ResourceType == "AWS::ApiGateway::RestApi" => "AWS::Serverless::Api",
            SamApis.ImplicitHttpApi when end.ResourceType == "AWS::ApiGatewayV2::Api" => "AWS::Serverless::HttpApi",
            _ => end.ResourceType,
        };
        foreach (var (_, resource) in generated)
        {
            var metadata = resource["Metadata"] is JsonObject existing ? existing.DeepClone().AsObject() : new JsonObject();
            metadata["aws:sam:connectors"] = new JsonObject
            {
                [id] = new JsonObject
                {
                    ["Source"] = new JsonObject { ["Type"] = TypeOf(source) },
                    ["Destination"] = new JsonObject { ["Type"] = TypeOf(destination) },
                },
            };
            resource["Metadata"] = metadata;
        }
    }

    /// <summary>The AWS::Lambda::EventSourceMappings from one resource (EventSourceArn) to one function (FunctionName).</summary>
    private static IEnumerable<string> EventSourceMappings(JsonObject resources, string eventSourceId, string functionId)
    {
        foreach (var (id, node) in resources)
        {
            if (node is JsonObject r && Json.Str(r["Type"]) == "AWS::Lambda::EventSourceMapping")
            {
                var properties = r["Properties"] as JsonObject;
                var function = LogicalIdOf(properties?["FunctionName"]);
                var source = LogicalIdOf(properties?["EventSourceArn"]);
                if (function is not null && source is not null && function == functionId && source == eventSourceId)
                {
                    yield return id;
                }
            }
        }
    }

    private static void AddDependsOn(JsonObject resources, string id, string dependsOn)
    {
        if (resources[id] is not JsonObject resource)
        {
            return;
        }
        var existing = resource["DependsOn"] is { } d ? AsList(d) : [];
        resource["DependsOn"] = InsertUnique(existing, [dependsOn]);
    }

    private static List<JsonNode?> AsList(JsonNode node) => node is JsonArray a ? a.Select(x => x?.DeepClone()).ToList() : [node.DeepClone()];

    private static JsonArray InsertUnique(List<JsonNode?> list, IEnumerable<JsonNode?> values)
    {
        var result = new JsonArray();
        foreach (var item in list)
        {
            result.Add(item?.DeepClone());
        }
        foreach (var value in values)
        {
            if (!result.Any(x => JsonNode.DeepEquals(x, value)))
            {
                result.Add(value?.DeepClone());
            }
        }
        return result;
    }
}
