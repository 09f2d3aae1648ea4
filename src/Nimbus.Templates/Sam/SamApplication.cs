using System.Text.Json.Nodes;

namespace Nimbus.Templates.Sam;

/// <summary>
/// AWS::Serverless::Application → AWS::CloudFormation::Stack. A Location that is a template URL is used as it is; an
/// AWS Serverless Application Repository location (ApplicationId + SemanticVersion, after Ref/FindInMap are resolved)
/// takes the template URL the repository prepares (<see cref="ServerlessApplications"/> asks for it before any resource
/// is translated, as the translator's ServerlessAppPlugin does).
/// </summary>
internal sealed class SamApplication(TranslationContext context, string id, JsonObject resource, JsonObject p)
{
    private static readonly string[] KnownProperties = ["Location", "Parameters", "NotificationARNs", "Tags", "TimeoutInMinutes"];

    public List<(string Id, JsonObject Resource)> Translate()
    {
        if (p["Location"] is null)
        {
            throw new InvalidResourceException(id, "Resource is missing the required [Location] property.");
        }
        var props = new JsonObject();
        var tags = new JsonArray(new JsonObject { ["Key"] = "lambda:createdBy", ["Value"] = "SAM" });
        if (p["Location"] is JsonObject location)
        {
            foreach (var key in new[] { "ApplicationId", "SemanticVersion" })
            {
                if (!location.ContainsKey(key))
                {
                    throw new InvalidResourceException(id, $"Resource is missing the required [{key}] property.");
                }
            }
            var applicationId = location["ApplicationId"] ?? throw new InvalidResourceException(id, "Property 'ApplicationId' is required.");
            if (applicationId is JsonObject)
            {
                throw new InvalidResourceException(id, "Property 'ApplicationId' cannot be resolved. Only FindInMap and Ref intrinsic functions are supported.");
            }
            var version = location["SemanticVersion"];
            if (!Json.IsTruthy(version))
            {
                throw new InvalidResourceException(id, "Property 'SemanticVersion' cannot be blank.");
            }
            if (version is JsonObject)
            {
                throw new InvalidResourceException(id, "Property 'SemanticVersion' cannot be resolved. Only FindInMap and Ref intrinsic functions are supported.");
            }
            props["TemplateURL"] = context.Applications.TemplateUrl(applicationId, version);
            TranslationContext.CheckProperties(id, "AWS::Serverless::Application", p, KnownProperties);
            tags.Add(new JsonObject { ["Key"] = "serverlessrepo:applicationId", ["Value"] = applicationId.DeepClone() });
            tags.Add(new JsonObject { ["Key"] = "serverlessrepo:semanticVersion", ["Value"] = version!.DeepClone() });
        }
        else
        {
            TranslationContext.CheckProperties(id, "AWS::Serverless::Application", p, KnownProperties);
            props["TemplateURL"] = p["Location"]!.DeepClone();
        }
        foreach (var name in new[] { "Parameters", "NotificationARNs", "TimeoutInMinutes" })
        {
            if (p[name] is { } v)
            {
                props[name] = v.DeepClone();
            }
        }
        if (p["Tags"] is JsonObject userTags)
        {
            if (userTags.ContainsKey("lambda:createdBy"))
            {
                throw new InvalidResourceException(id, "lambda:createdBy is a reserved Tag key name and cannot be set on your resource. Please change the tag key in the input.");
            }
            foreach (var (k, v) in userTags)
            {
                tags.Add(new JsonObject { ["Key"] = k, ["Value"] = v?.DeepClone() });
            }
        }
        props["Tags"] = tags;
        var stack = TranslationContext.NewResource("AWS::CloudFormation::Stack", props, resource, "Condition", "DeletionPolicy", "UpdateReplacePolicy", "DependsOn", "Metadata");
        return [(id, stack)];
    }
}

/// <summary>
/// The translator's ServerlessAppPlugin: before any resource is translated, every application's Location.ApplicationId
/// and SemanticVersion are resolved (parameter Refs, then Fn::FindInMap) in the template itself and the repository is
/// asked once per (id, version) for a template; an access failure is kept and becomes that resource's error when it is
/// translated. After the resources, templates still being prepared are waited for when the repository asks for it.
/// </summary>
internal sealed class ServerlessApplications(TranslationContext context, IServerlessApplicationRepository repository)
{
    private readonly Dictionary<string, object> _applications = new(StringComparer.Ordinal);
    private readonly List<(string ApplicationId, string TemplateId)> _inProgress = [];

    public void Prepare(JsonObject resources)
    {
        foreach (var (logicalId, node) in resources)
        {
            if (node is not JsonObject resource || Json.Str(resource["Type"]) != "AWS::Serverless::Application"
                || resource["Properties"]?["Location"] is not JsonObject location
                || location["ApplicationId"] is null || location["SemanticVersion"] is null)
            {
                continue;
            }
            var applicationId = location["ApplicationId"] = Resolve(location["ApplicationId"]);
            var version = location["SemanticVersion"] = Resolve(location["SemanticVersion"]);
            var key = Key(applicationId, version);
            if (applicationId is JsonObject || version is JsonObject)
            {
                _applications[key] = false;
                continue;
            }
            if (_applications.ContainsKey(key))
            {
                continue;
            }
            _applications[key] = Request(logicalId, applicationId, version);
        }
    }

    private object Request(string logicalId, JsonNode? applicationId, JsonNode? version)
    {
        if (Json.Str(applicationId) is not { } app)
        {
            return new InvalidResourceException(logicalId, "Property 'Location.ApplicationId' should be a string.");
        }
        if (Json.Str(version) is not { } semver)
        {
            return new InvalidResourceException(logicalId, "Property 'Location.SemanticVersion' should be a string.");
        }
        if (app.StartsWith("{{resolve:", StringComparison.Ordinal))
        {
            return new InvalidResourceException(logicalId, "Serverless Application Repostiory does not support dynamic reference in 'ApplicationId' property.");
        }
        var template = repository.CreateCloudFormationTemplate(app, semver);
        if (template.AccessError is { } error)
        {
            return new InvalidResourceException(logicalId, error);
        }
        if (template.Status != "ACTIVE")
        {
            _inProgress.Add((template.ApplicationId, template.TemplateId));
        }
        return template.TemplateUrl;
    }

    /// <summary>The template URL for a resolved Location, or the error kept for it.</summary>
    public JsonNode? TemplateUrl(JsonNode applicationId, JsonNode? version)
    {
        _applications.TryGetValue(Key(applicationId, version), out var found);
        return found switch
        {
            InvalidResourceException e => throw e,
            string url => url,
            _ => null,
        };
    }

    /// <summary>The plugin's after-transform wait: every template still PREPARING must become ACTIVE in time.</summary>
    public string? WaitForActiveTemplates()
    {
        if (!repository.WaitForActiveTemplates)
        {
            return null;
        }
        var waited = TimeSpan.Zero;
        while (waited < repository.TemplateWaitTimeout && _inProgress.Count > 0)
        {
            foreach (var (applicationId, templateId) in _inProgress.ToList())
            {
                var template = repository.GetCloudFormationTemplate(applicationId, templateId);
                if (template.Status == "EXPIRED")
                {
                    return $"Resource with id [{applicationId}] is invalid. Template for {applicationId} with id {templateId} returned status: EXPIRED. Cannot access an expired template.";
                }
                if (template.Status == "ACTIVE")
                {
                    _inProgress.Remove((applicationId, templateId));
                }
            }
            if (_inProgress.Count == 0)
            {
                break;
            }
            Thread.Sleep(repository.PollInterval);
            waited += repository.PollInterval;
        }
        return _inProgress.Count == 0
            ? null
            : $"Resource with id [[{string.Join(", ", _inProgress.Select(t => Py27Hash.StrRepr(t.ApplicationId)))}]] is invalid. Timed out waiting for nested stack templates to reach ACTIVE status.";
    }

    /// <summary>Ref to parameters first, then Fn::FindInMap, which must have three arguments.</summary>
    private JsonNode? Resolve(JsonNode? value)
    {
        var resolved = context.ResolveParameterRefs(value);
        if (resolved is JsonObject { Count: 1 } o && o.ContainsKey("Fn::FindInMap")
            && o["Fn::FindInMap"] is not JsonArray { Count: 3 })
        {
            throw new InvalidSamDocumentException([$"Structure of the SAM template is invalid. Invalid FindInMap value {Json.PythonRepr(o["Fn::FindInMap"])}. FindInMap expects an array with 3 values."]);
        }
        try
        {
            return context.ResolveRefsAndMappings(resolved);
        }
        catch (InvalidTemplateException e)
        {
            throw new InvalidSamDocumentException([e.Message]);
        }
    }

    private static string Key(JsonNode? applicationId, JsonNode? version) =>
        (applicationId?.ToJsonString() ?? "null") + "\n" + (version?.ToJsonString() ?? "null");
}
