using System.Globalization;
using System.Text.Json.Nodes;

namespace Nimbus.Templates.Sam;

/// <summary>One run of the transform over one template.</summary>
internal sealed partial class TranslationContext
{
    private readonly JsonObject _template;
    private readonly SamTranslatorOptions _options;
    private readonly JsonObject _output = new();
    private readonly List<(string Key, string Message)> _errors = [];
    private readonly Dictionary<string, JsonNode?> _parameters = new(StringComparer.Ordinal);
    private JsonObject _inputResources = new();

    public TranslationContext(JsonObject template, SamTranslatorOptions options)
    {
        _template = template;
        _options = options;
    }

    public string Region => _options.Region;
    public string Partition => _options.Partition;
    public IReadOnlyDictionary<string, string> ManagedPolicyMap => _options.ManagedPolicyMap;
    public bool NeedsDeploymentApplication { get; set; }
    public bool NeedsCodeDeployRole { get; set; }

    /// <summary>The condition each enabled deployment preference passes through (null: none).</summary>
    public List<string?> DeploymentConditions { get; } = [];

    /// <summary>The template's REST and HTTP APIs and the functions' events on them.</summary>
    public SamApis Apis { get; private set; } = null!;

    internal static readonly string[] PassthroughAttributes = ["Condition", "DeletionPolicy", "UpdateReplacePolicy"];

    public JsonObject Run()
    {
        ValidateTemplate();
        foreach (var (k, v) in _options.ParameterValues)
        {
            _parameters[k] = v;
        }
        if (_template["Parameters"] is JsonObject parameters)
        {
            foreach (var (name, definition) in parameters)
            {
                if (!_parameters.ContainsKey(name) && definition is JsonObject d && d.ContainsKey("Default"))
                {
                    _parameters[name] = d["Default"]?.DeepClone();
                }
            }
        }
        _parameters["AWS::Region"] = Region;
        _parameters["AWS::Partition"] = Partition;

        _inputResources = _template["Resources"]!.AsObject();
        Validation.TemplateChecks.Run(_inputResources);
        Validation.ImplicitApiChecks.Run(_inputResources);
        Applications = new ServerlessApplications(this, _options.ServerlessApplicationRepository?.Invoke() ?? UnreachableApplicationRepository.Instance);
        Applications.Prepare(_inputResources);
        ExtractEmbeddedConnectors(_inputResources);
        var globals = new SamGlobals(_template["Globals"]);
        var resources = new JsonObject();
        _output["Resources"] = resources;
        _outputResources = resources;

        // Logical ids and resource shapes first: they are checked before anything is translated.
        var translatable = new List<(string Id, JsonObject Resource)>();
        foreach (var (id, node) in _inputResources)
        {
            if (node is not JsonObject resource)
            {
                continue;
            }
            var type = Json.Str(resource["Type"]);
            if (type is null || !type.StartsWith("AWS::Serverless::", StringComparison.Ordinal))
            {
                continue;
            }
            if (!SamTranslator.AlphanumericPattern().IsMatch(id))
            {
                _errors.Add((id, $"Resource with id [{id}] is invalid. Logical ids must be alphanumeric."));
                continue;
            }
            if (resource.ContainsKey("Properties") && resource["Properties"] is not JsonObject)
            {
                _errors.Add((id, $"Resource with id [{id}] is invalid. Attribute 'Properties' should be a map."));
                continue;
            }
            translatable.Add((id, resource));
        }

        // Api/HttpApi events are gathered first: they shape the APIs (explicit or implicit) whatever the resource order.
        Apis = new SamApis(this);
        var implicitApis = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (id, resource) in Apis.Collect(_inputResources, _template["Globals"]).ToList())
        {
            // An implicit API takes the place of a template resource of another type with its id (as the translator's plugin).
            translatable.RemoveAll(t => t.Id == id);
            translatable.Add((id, resource));
            implicitApis.Add(id);
        }

        // Non-SAM resources pass through untouched.
        foreach (var (id, node) in _inputResources)
        {
            var type = node is JsonObject o ? Json.Str(o["Type"]) : null;
            if ((type is null || !type.StartsWith("AWS::Serverless::", StringComparison.Ordinal)) && !implicitApis.Contains(id))
            {
                resources[id] = node?.DeepClone();
            }
        }

        var generated = new List<(string Source, string Id, JsonObject Resource)>();
        foreach (var (id, resource) in translatable)
        {
            var type = Json.Str(resource["Type"])!;
            if (type == ConnectorType)
            {
                DeferConnector(id, resource);
                continue;
            }
            try
            {
                var properties = resource["Properties"] as JsonObject ?? new JsonObject();
                globals.ResourceId = id;
                properties = globals.Merge(type, properties, resource);
                var produced = TranslateResource(id, type, resource, properties);
                foreach (var (newId, newResource) in produced)
                {
                    generated.Add((id, newId, newResource));
                }
            }
            catch (InvalidResourceException e)
            {
                _errors.Add((e.LogicalId, e.Message));
            }
            catch (InvalidEventException e) when (type == "AWS::Serverless::StateMachine" || e.Bare)
            {
                _errors.Add((e.EventId, e.Message));
            }
            catch (InvalidEventException e)
            {
                _errors.Add((id, $"Resource with id [{id}] is invalid. {e.Message}"));
            }
            catch (InvalidTemplateException e)
            {
                _errors.Add((id, e.Message));
            }
        }

        var generatedTypes = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var (source, id, resource) in generated)
        {
            // A later SAM resource may regenerate the same resource (a custom domain shared through Globals): it replaces it.
            var regenerated = generatedTypes.TryGetValue(id, out var earlierType) && earlierType == Json.Str(resource["Type"]);
            generatedTypes[id] = Json.Str(resource["Type"]);
            if ((resources.ContainsKey(id) && !regenerated) || (_inputResources.ContainsKey(id) && id != source))
            {
                var type = Json.Str(resource["Type"]);
                _errors.Add((source, $"Transforming resource with id [{source}] attempts to create a new resource with id [{id}] and type \"{type}\". A resource with that id already exists within this template. Please use a different id for that resource."));
                continue;
            }
            resources[id] = resource;
        }

        TranslateConnectors(resources);
        FinishDeferred(resources);
        RewriteReferables(resources);
        if (NeedsDeploymentApplication)
        {
            generated.Clear();
        }

        AddCodeDeployResources(resources);
        if (Applications.WaitForActiveTemplates() is { } notReady)
        {
            _errors.Add(("\uffff", notReady));
        }

        if (_errors.Count > 0)
        {
            // The translator drops causes with the same message, and its callers list them by logical id (or event id).
            var unique = _errors.DistinctBy(e => e.Message, StringComparer.Ordinal);
            throw new InvalidSamDocumentException(unique.OrderBy(e => e.Key, StringComparer.Ordinal).Select(e => e.Message).ToList());
        }

        foreach (var (key, value) in _template)
        {
            if (key is "Resources" or "Globals" or "Transform")
            {
                continue;
            }
            _output[key] = value?.DeepClone();
        }
        Apis.ResolveResourceRefs(_output);
        return _output;
    }

    private void ValidateTemplate()
    {
        var resources = _template["Resources"];
        if (resources is not JsonObject r || r.Count == 0)
        {
            throw new InvalidSamDocumentException(["Structure of the SAM template is invalid. 'Resources' section is required"]);
        }
        foreach (var (id, node) in r)
        {
            if (node is not JsonObject)
            {
                throw new InvalidSamDocumentException([$"Structure of the SAM template is invalid. All 'Resources' must be Objects. If you're using YAML, this may be an indentation issue."]);
            }
        }
    }

    private List<(string Id, JsonObject Resource)> TranslateResource(string id, string type, JsonObject resource, JsonObject properties)
    {
        Validation.PropertyTypes.Check(id, type, properties);
        if (type == "AWS::Serverless::Function")
        {
            Validation.FunctionChecks.Check(id, properties);
            Validation.FunctionChecks.CheckApiEventTargets(properties, _inputResources, _template["Globals"]?["Api"]?["Auth"], _template["Globals"]?["HttpApi"]?["Auth"]);
        }
        if (type is "AWS::Serverless::Function" or "AWS::Serverless::StateMachine")
        {
            Apis.CheckDuplicateMethods(id);
        }
        if (type is "AWS::Serverless::Api" or "AWS::Serverless::HttpApi")
        {
            Validation.SwaggerChecks.Check(id, type, properties, Apis.Events);
            var hasPaths = properties["DefinitionBody"]?["paths"] is JsonObject { Count: > 0 } || Apis.Events.Any(e => e.ApiId == id);
            Validation.ApiChecks.Check(id, type, properties, hasPaths);
            Validation.AuthChecks.Check(id, type, properties, hasPaths, ResolveParameterRefs);
            Validation.ApiChecks.CheckGatewayResponses(id, type, properties);
        }
        return type switch
        {
            "AWS::Serverless::Function" => new SamFunction(this, id, resource, properties).Translate(),
            "AWS::Serverless::StateMachine" => new SamStateMachine(this, id, resource, properties).Translate(),
            "AWS::Serverless::SimpleTable" => TranslateSimpleTable(id, resource, properties),
            "AWS::Serverless::Api" => Apis.TranslateRestApi(id, resource, properties),
            "AWS::Serverless::HttpApi" => Apis.TranslateHttpApi(id, resource, properties),
            "AWS::Serverless::LayerVersion" => TranslateLayer(id, resource, properties),
            "AWS::Serverless::GraphQLApi" => new SamGraphQlApi(id, resource, properties).Translate(),
            "AWS::Serverless::WebSocketApi" => new SamWebSocketApi(this, id, resource, properties).Translate(),
            "AWS::Serverless::CapacityProvider" => new SamCapacityProvider(this, id, resource, properties).Translate(),
            "AWS::Serverless::Application" => new SamApplication(this, id, resource, properties).Translate(),
            _ => throw new InvalidResourceException(id, $"Resource type {type} is not supported by this transform yet."),
        };
    }

    // ---- shared helpers -------------------------------------------------------------------------------------------

    private JsonObject _outputResources = new();

    public JsonObject? OutputResource(string id) => _outputResources[id] as JsonObject;

    public JsonObject? InputResource(string id) => _inputResources[id] as JsonObject;

    /// <summary>Adds (or replaces) a condition in the output template's Conditions.</summary>
    public void AddCondition(string name, JsonNode definition)
    {
        var conditions = _template["Conditions"] as JsonObject ?? (JsonObject)(_template["Conditions"] = new JsonObject());
        conditions[name] = definition;
    }

    public string? InputResourceType(string id) => InputResource(id) is { } r ? Json.Str(r["Type"]) : null;

    /// <summary>Replaces Ref to parameters (with values) in a copy of the node: the translator's resolve_parameter_refs.</summary>
    public JsonNode? ResolveParameterRefs(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject o when o.Count == 1 && o.ContainsKey("Ref") && Json.Str(o["Ref"]) is { } name && _parameters.TryGetValue(name, out var value):
                return value?.DeepClone();
            case JsonObject o when o.Count == 1 && o.ContainsKey("Fn::Sub") && Json.IsString(o["Fn::Sub"]):
                var text = o["Fn::Sub"]!.GetValue<string>();
                var replaced = SubstituteParameters(text);
                return new JsonObject { ["Fn::Sub"] = replaced };
            case JsonObject o:
                var copy = new JsonObject();
                foreach (var (k, v) in o)
                {
                    copy[k] = ResolveParameterRefs(v);
                }
                return copy;
            case JsonArray a:
                var list = new JsonArray();
                foreach (var item in a)
                {
                    list.Add(ResolveParameterRefs(item));
                }
                return list;
            default:
                return node?.DeepClone();
        }
    }

    private string SubstituteParameters(string text)
    {
        return SubVariable().Replace(text, m =>
        {
            var name = m.Groups[1].Value;
            if (name.StartsWith('!'))
            {
                return m.Value;
            }
            return _parameters.TryGetValue(name, out var v) && Json.IsString(v) ? v!.GetValue<string>() : m.Value;
        });
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"\$\{([^}]+)\}")]
    private static partial System.Text.RegularExpressions.Regex SubVariable();

    public static JsonObject NewResource(string type, JsonObject? properties = null, JsonObject? attributesFrom = null, params string[] attributeNames)
    {
        var r = new JsonObject { ["Type"] = type };
        if (attributesFrom is not null)
        {
            foreach (var name in attributeNames.Length == 0 ? PassthroughAttributes : attributeNames)
            {
                if (attributesFrom[name] is { } v)
                {
                    r[name] = v.DeepClone();
                }
            }
        }
        if (properties is not null)
        {
            r["Properties"] = properties;
        }
        return r;
    }

    public string ManagedPolicyArn(string name) => $"arn:{Partition}:iam::aws:policy/{name}";

    /// <summary>s3://bucket/key?versionId=v or {Bucket, Key, Version} into an S3 location with the given key names.</summary>
    public static JsonObject S3Location(string resourceId, string property, JsonNode? uri, string bucketKey = "S3Bucket", string keyKey = "S3Key", string versionKey = "S3ObjectVersion")
    {
        if (Json.Str(uri) is { } s)
        {
            if (!s.StartsWith("s3://", StringComparison.Ordinal))
            {
                throw new InvalidResourceException(resourceId, $"'{property}' is not a valid S3 Uri of the form 's3://bucket/key' with optional versionId query parameter.");
            }
            var rest = s[5..];
            string? version = null;
            var q = rest.IndexOf('?', StringComparison.Ordinal);
            if (q >= 0)
            {
                foreach (var pair in rest[(q + 1)..].Split('&'))
                {
                    var eq = pair.IndexOf('=', StringComparison.Ordinal);
                    if (eq > 0 && pair[..eq] == "versionId")
                    {
                        version = Uri.UnescapeDataString(pair[(eq + 1)..]);
                    }
                }
                rest = rest[..q];
            }
            var slash = rest.IndexOf('/', StringComparison.Ordinal);
            if (slash <= 0 || slash == rest.Length - 1)
            {
                throw new InvalidResourceException(resourceId, $"'{property}' is not a valid S3 Uri of the form 's3://bucket/key' with optional versionId query parameter.");
            }
            var location = new JsonObject { [bucketKey] = rest[..slash], [keyKey] = rest[(slash + 1)..] };
            if (version is not null)
            {
                location[versionKey] = version;
            }
            return location;
        }
        if (uri is JsonObject o && !Json.IsIntrinsic(o))
        {
            if (o["Bucket"] is null || o["Key"] is null)
            {
                throw new InvalidResourceException(resourceId, $"'{property}' requires Bucket and Key properties to be specified.");
            }
            var location = new JsonObject { [bucketKey] = o["Bucket"]!.DeepClone(), [keyKey] = o["Key"]!.DeepClone() };
            if (o["Version"] is { } v)
            {
                location[versionKey] = v.DeepClone();
            }
            return location;
        }
        if (uri is JsonObject intrinsic)
        {
            return new JsonObject
            {
                [bucketKey] = new JsonObject { ["Fn::Select"] = new JsonArray(0, new JsonObject { ["Fn::Split"] = new JsonArray("/", new JsonObject { ["Fn::Select"] = new JsonArray(1, new JsonObject { ["Fn::Split"] = new JsonArray("s3://", intrinsic.DeepClone()) }) }) }) },
                [keyKey] = new JsonObject { ["Fn::Select"] = new JsonArray(1, new JsonObject { ["Fn::Split"] = new JsonArray("/", new JsonObject { ["Fn::Select"] = new JsonArray(1, new JsonObject { ["Fn::Split"] = new JsonArray("s3://", intrinsic.DeepClone()) }) }) }) },
            };
        }
        throw new InvalidResourceException(resourceId, $"'{property}' requires Bucket and Key properties to be specified.");
    }

    public static JsonArray TagList(string resourceId, JsonNode? tags, bool samTag = true)
    {
        var list = new JsonArray();
        if (samTag)
        {
            list.Add(new JsonObject { ["Key"] = "lambda:createdBy", ["Value"] = "SAM" });
        }
        if (tags is JsonObject t)
        {
            if (t.ContainsKey("lambda:createdBy"))
            {
                throw new InvalidResourceException(resourceId, "lambda:createdBy is a reserved Tag key name and cannot be set on your resource. Please change the tag key in the input.");
            }
            foreach (var (k, v) in t)
            {
                list.Add(new JsonObject { ["Key"] = k, ["Value"] = v?.DeepClone() });
            }
        }
        return list;
    }

    /// <summary>Refs to a SAM layer's original id point at the hashed LayerVersion, everywhere in the output.</summary>
    private void FinishDeferred(JsonObject resources)
    {
        if (_layerIds.Count == 0)
        {
            return;
        }
        foreach (var (_, node) in resources)
        {
            RewriteRefs(node);
        }
        if (_template["Outputs"] is { } outputs)
        {
            RewriteRefs(outputs);
        }
    }

    private void RewriteRefs(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject o:
                if (o.Count == 1 && Json.Str(o["Ref"]) is { } r && _layerIds.TryGetValue(r, out var newId))
                {
                    o["Ref"] = newId;
                    return;
                }
                if (o.Count == 1 && Json.Str(o["Fn::Sub"]) is { } sub)
                {
                    foreach (var (oldId, hashed) in _layerIds)
                    {
                        sub = sub.Replace("${" + oldId + "}", "${" + hashed + "}", StringComparison.Ordinal);
                    }
                    o["Fn::Sub"] = sub;
                    return;
                }
                if (Json.Str(o["DependsOn"]) is { } dep && _layerIds.TryGetValue(dep, out var depId))
                {
                    o["DependsOn"] = depId;
                }
                else if (o["DependsOn"] is JsonArray deps)
                {
                    for (var i = 0; i < deps.Count; i++)
                    {
                        if (Json.Str(deps[i]) is { } d && _layerIds.TryGetValue(d, out var dId))
                        {
                            deps[i] = dId;
                        }
                    }
                }
                foreach (var (_, v) in o.ToList())
                {
                    RewriteRefs(v);
                }
                break;
            case JsonArray a:
                foreach (var v in a)
                {
                    RewriteRefs(v);
                }
                break;
        }
    }

    /// <summary>
    /// An event rule's DeadLetterConfig: either an existing queue (Arn) or one generated with its queue policy (Type: SQS).
    /// Returns the target's DeadLetterConfig, or null when the event has none.
    /// </summary>
    public static JsonObject? EventDeadLetter(string ruleId, JsonObject props, List<(string Id, JsonObject Resource)> output, JsonObject resource)
    {
        if (props["DeadLetterConfig"] is not JsonObject dlc)
        {
            return null;
        }
        var arn = dlc["Arn"];
        var type = dlc["Type"];
        if (arn is not null && type is not null)
        {
            throw new InvalidEventException(ruleId, "You can either define 'Arn' or 'Type' property of DeadLetterConfig.");
        }
        if (arn is not null)
        {
            return new JsonObject { ["Arn"] = arn.DeepClone() };
        }
        if (type is null)
        {
            throw new InvalidEventException(ruleId, "No 'Arn' or 'Type' property provided for DeadLetterConfig.");
        }
        if (Json.Str(type) != "SQS")
        {
            throw new InvalidEventException(ruleId, "The only valid value for 'Type' property of DeadLetterConfig is 'SQS'.");
        }
        var queueId = ruleId + "Queue";
        if (dlc["QueueLogicalId"] is { } q)
        {
            queueId = Json.Str(q) ?? throw new InvalidEventException(ruleId, "QueueLogicalId must be a string");
        }
        output.Add((queueId, NewResource("AWS::SQS::Queue", new JsonObject(), resource, "Condition")));
        output.Add((ruleId + "QueuePolicy", NewResource("AWS::SQS::QueuePolicy", new JsonObject
        {
            ["PolicyDocument"] = new JsonObject
            {
                ["Version"] = "2012-10-17",
                ["Statement"] = new JsonArray(new JsonObject
                {
                    ["Action"] = "sqs:SendMessage",
                    ["Effect"] = "Allow",
                    ["Principal"] = new JsonObject { ["Service"] = "events.amazonaws.com" },
                    ["Resource"] = Json.GetAtt(queueId, "Arn"),
                    ["Condition"] = new JsonObject { ["ArnEquals"] = new JsonObject { ["aws:SourceArn"] = Json.GetAtt(ruleId, "Arn") } },
                }),
            },
            ["Queues"] = new JsonArray(Json.Ref(queueId)),
        }, resource, "Condition")));
        return new JsonObject { ["Arn"] = Json.GetAtt(queueId, "Arn") };
    }

    public static void CheckProperties(string id, string type, JsonObject properties, params string[] allowed)
    {
        foreach (var (name, _) in properties)
        {
            if (!allowed.Contains(name))
            {
                throw new InvalidResourceException(id, $"property {name} not defined for resource of type {type}");
            }
        }
    }

    public static string IntString(int i) => i.ToString(CultureInfo.InvariantCulture);
}
