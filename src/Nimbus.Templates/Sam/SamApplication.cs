using System.Text.Json.Nodes;

namespace Nimbus.Templates.Sam;

/// <summary>
/// AWS::Serverless::Application → AWS::CloudFormation::Stack. A Location that is a template URL is used as it is; an
/// AWS Serverless Application Repository location (ApplicationId + SemanticVersion, after Ref/FindInMap are resolved)
/// needs the repository's signed template URL, which <see cref="SamTranslatorOptions.ServerlessApplicationTemplateUrl"/>
/// supplies (the conformance harness mocks it as the translator's tests do). Nimbus reaches no repository, so without
/// that hook such an application fails the transform with a message that says so.
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
        TranslationContext.CheckProperties(id, "AWS::Serverless::Application", p, KnownProperties);
        var props = new JsonObject();
        var tags = new JsonArray(new JsonObject { ["Key"] = "lambda:createdBy", ["Value"] = "SAM" });
        if (p["Location"] is JsonObject location && !Json.IsIntrinsic(location))
        {
            var applicationId = Resolve(location, "ApplicationId");
            var version = Resolve(location, "SemanticVersion");
            var resolver = context.ServerlessApplicationTemplateUrl
                ?? throw new InvalidResourceException(id, $"Nimbus cannot fetch application '{applicationId}' version {version} from the AWS Serverless Application Repository: package the nested application's template and set Location to its URL.");
            props["TemplateURL"] = resolver(applicationId, version);
            tags.Add(new JsonObject { ["Key"] = "serverlessrepo:applicationId", ["Value"] = applicationId });
            tags.Add(new JsonObject { ["Key"] = "serverlessrepo:semanticVersion", ["Value"] = version });
        }
        else
        {
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
            foreach (var (k, v) in userTags)
            {
                tags.Add(new JsonObject { ["Key"] = k, ["Value"] = v?.DeepClone() });
            }
        }
        props["Tags"] = tags;
        var stack = TranslationContext.NewResource("AWS::CloudFormation::Stack", props, resource, "Condition", "DeletionPolicy", "UpdateReplacePolicy", "DependsOn", "Metadata");
        return [(id, stack)];
    }

    private string Resolve(JsonObject location, string name)
    {
        if (!location.ContainsKey(name))
        {
            throw new InvalidResourceException(id, $"Resource is missing the required [{name}] property.");
        }
        var value = context.ResolveRefsAndMappings(location[name]);
        if (value is null)
        {
            throw new InvalidResourceException(id, $"Property '{name}' is required.");
        }
        if (Json.IsIntrinsic(value))
        {
            throw new InvalidResourceException(id, $"Property '{name}' cannot be resolved. Only FindInMap and Ref intrinsic functions are supported.");
        }
        return Json.Str(value) ?? throw new InvalidResourceException(id, $"Property 'Location.{name}' should be a string.");
    }
}
