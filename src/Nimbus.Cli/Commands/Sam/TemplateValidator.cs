using System.Text.Json;
using System.Text.Json.Nodes;
using Nimbus.Templates.Sam;

namespace Nimbus.Cli.Commands.Sam;

/// <summary>
/// Checks a template the way <c>sam validate</c> does (structure, then the SAM transform) plus the references CloudFormation
/// checks at CreateChangeSet (Ref, GetAtt, Sub, DependsOn, Condition). Every problem is collected; none stops the pass.
/// </summary>
internal static class TemplateValidator
{
    private static readonly HashSet<string> Sections =
    [
        "AWSTemplateFormatVersion", "Description", "Metadata", "Parameters", "Rules", "Mappings", "Conditions", "Transform",
        "Resources", "Outputs", "Globals", "Hooks",
    ];

    private static readonly HashSet<string> Pseudo =
    [
        "AWS::AccountId", "AWS::NotificationARNs", "AWS::NoValue", "AWS::Partition", "AWS::Region", "AWS::StackId",
        "AWS::StackName", "AWS::URLSuffix",
    ];

    private static readonly HashSet<string> ParameterTypes =
    [
        "String", "Number", "List<Number>", "CommaDelimitedList",
    ];

    private static readonly HashSet<string> HttpMethods = ["get", "post", "put", "delete", "patch", "head", "options", "any"];

    public static List<TemplateProblem> Validate(JsonObject template, string region = "us-east-1")
    {
        var problems = new List<TemplateProblem>();
        foreach (var (key, _) in template)
        {
            if (!Sections.Contains(key))
            {
                problems.Add(new([key], $"Invalid template property or properties [{key}]"));
            }
        }

        if (template["Resources"] is not JsonObject resources || resources.Count == 0)
        {
            problems.Add(new(["Resources"], "Template format error: At least one Resources member must be defined."));
            return problems;
        }

        var parameters = template["Parameters"] as JsonObject ?? [];
        var conditions = template["Conditions"] as JsonObject ?? [];
        foreach (var (name, p) in parameters)
        {
            var type = p?["Type"]?.ToString();
            if (type is null)
            {
                problems.Add(new(["Parameters", name], $"Template format error: Every Parameters object must contain a Type member."));
            }
            else if (!ParameterTypes.Contains(type) && !type.StartsWith("AWS::", StringComparison.Ordinal) && !type.StartsWith("List<AWS::", StringComparison.Ordinal))
            {
                problems.Add(new(["Parameters", name, "Type"], $"Template format error: Unrecognized parameter type: {type}"));
            }
        }

        var names = new HashSet<string>(resources.Select(r => r.Key).Concat(parameters.Select(p => p.Key)), StringComparer.Ordinal);
        foreach (var (id, node) in resources)
        {
            if (node is not JsonObject resource)
            {
                problems.Add(new(["Resources", id], $"Template format error: [/Resources/{id}] resource definition is malformed"));
                continue;
            }

            if (resource["Type"] is not JsonValue typeNode || typeNode.GetValueKind() != JsonValueKind.String)
            {
                problems.Add(new(["Resources", id], $"Template format error: [/Resources/{id}] Every Resources object must contain a Type member."));
                continue;
            }

            if (resource["Properties"] is { } props && props is not JsonObject)
            {
                problems.Add(new(["Resources", id, "Properties"], $"Template format error: [/Resources/{id}/Properties] properties must be a map"));
            }

            foreach (var dependency in resource["DependsOn"] switch { JsonArray a => a.Select(d => d?.ToString()), { } one => [one.ToString()], _ => [] })
            {
                if (dependency is null || !resources.ContainsKey(dependency))
                {
                    problems.Add(new(["Resources", id, "DependsOn"], $"Template format error: Unresolved resource dependencies [{dependency}] in the Resources block of the template"));
                }
            }

            if (resource["Condition"]?.ToString() is { } condition && !conditions.ContainsKey(condition))
            {
                problems.Add(new(["Resources", id, "Condition"], $"Template format error: Unresolved condition dependency {condition} in the Resources block of the template"));
            }

            CheckApiEvents(id, typeNode.GetValue<string>(), resource, resources, problems);
            CheckReferences(resource["Properties"], ["Resources", id, "Properties"], names, resources, problems);
        }

        if (template["Outputs"] is JsonObject outputs)
        {
            foreach (var (name, output) in outputs)
            {
                if (output?["Value"] is null)
                {
                    problems.Add(new(["Outputs", name], $"Template format error: Every Outputs member must contain a Value object, the Outputs member [{name}] is missing it."));
                }

                CheckReferences(output, ["Outputs", name], names, resources, problems, implicitApis: true);
            }
        }

        try
        {
            SamTranslator.Transform(LocalTransform.Prepare(template, stripPolicies: false), SamTranslatorOptions.For(region));
        }
        catch (InvalidSamDocumentException e)
        {
            foreach (var cause in e.Causes)
            {
                problems.Add(new(CausePath(cause, resources), cause, cause.Contains("is not supported by this transform yet", StringComparison.Ordinal)));
            }
        }

        return problems;
    }

    /// <summary>Api and HttpApi events, which the transform leaves to the API resources: Path, Method and the API they name.</summary>
    private static void CheckApiEvents(string id, string type, JsonObject resource, JsonObject resources, List<TemplateProblem> problems)
    {
        if (type != "AWS::Serverless::Function" || resource["Properties"]?["Events"] is not JsonObject events)
        {
            return;
        }

        foreach (var (eventId, ev) in events)
        {
            var kind = ev?["Type"]?.ToString();
            if (kind is not ("Api" or "HttpApi"))
            {
                continue;
            }

            string[] at = ["Resources", id, "Properties", "Events", eventId];
            var props = ev!["Properties"] as JsonObject;
            var path = props?["Path"];
            var method = props?["Method"];
            if (kind == "Api" && (path is null || method is null))
            {
                problems.Add(new(at, $"Resource with id [{id}] is invalid. Event with id [{eventId}] is invalid. Api Event must have a Path and a Method."));
            }

            if (path is JsonValue p && p.TryGetValue<string>(out var pathText) && !pathText.StartsWith('/'))
            {
                problems.Add(new([.. at, "Properties", "Path"], $"Resource with id [{id}] is invalid. Event with id [{eventId}] is invalid. Path '{pathText}' must start with '/'."));
            }

            if (method is JsonValue m && m.TryGetValue<string>(out var methodText) && !HttpMethods.Contains(methodText.ToLowerInvariant()))
            {
                problems.Add(new([.. at, "Properties", "Method"], $"Resource with id [{id}] is invalid. Event with id [{eventId}] is invalid. Method '{methodText}' is not a valid HTTP method."));
            }

            var apiProperty = kind == "Api" ? "RestApiId" : "ApiId";
            var expected = kind == "Api" ? "AWS::Serverless::Api" : "AWS::Serverless::HttpApi";
            if (props?[apiProperty] is JsonObject reference && reference["Ref"]?.ToString() is { } apiId)
            {
                var actual = resources[apiId]?["Type"]?.ToString();
                if (actual is null)
                {
                    problems.Add(new([.. at, "Properties", apiProperty], $"Resource with id [{id}] is invalid. Event with id [{eventId}] is invalid. {apiProperty} must be a valid reference to an '{expected}' resource in same template."));
                }
                else if (actual != expected)
                {
                    problems.Add(new([.. at, "Properties", apiProperty], $"Resource with id [{id}] is invalid. Event with id [{eventId}] is invalid. {apiProperty} property of {kind} event must reference a valid resource in the same template."));
                }
            }
        }
    }

    private static void CheckReferences(JsonNode? node, string[] path, HashSet<string> names, JsonObject resources, List<TemplateProblem> problems, bool implicitApis = false)
    {
        switch (node)
        {
            case JsonObject o when o.Count == 1 && o.First() is var (key, value) && (key == "Ref" || key == "Fn::GetAtt" || key == "Fn::Sub"):
                switch (key)
                {
                    case "Ref" when value?.ToString() is { } target && !names.Contains(target) && !Pseudo.Contains(target) && !IsGenerated(target, resources):
                        problems.Add(new(path, $"Template format error: Unresolved resource dependencies [{target}] in the Resources block of the template"));
                        break;
                    case "Fn::GetAtt":
                        var resource = value switch
                        {
                            JsonArray a when a.Count == 2 => a[0]?.ToString(),
                            JsonValue v when v.TryGetValue<string>(out var s) => s.Split('.', 2)[0],
                            _ => null,
                        };
                        if (resource is null)
                        {
                            problems.Add(new(path, "Template error: every Fn::GetAtt object requires two non-empty parameters"));
                        }
                        else if (!resources.ContainsKey(resource) && !IsGenerated(resource, resources))
                        {
                            problems.Add(new(path, $"Template format error: Unresolved resource dependencies [{resource}] in the Resources block of the template"));
                        }

                        break;
                    case "Fn::Sub":
                        var (text, variables) = value switch
                        {
                            JsonArray a when a.Count == 2 => (a[0]?.ToString(), a[1] as JsonObject),
                            JsonValue v when v.TryGetValue<string>(out var s) => (s, null),
                            _ => (null, null),
                        };
                        foreach (var variable in SubVariables(text ?? ""))
                        {
                            var head = variable.Split('.', 2)[0];
                            if (variables?.ContainsKey(variable) == true || names.Contains(head) || Pseudo.Contains(variable) || IsGenerated(head, resources))
                            {
                                continue;
                            }

                            problems.Add(new(path, $"Template format error: Unresolved resource dependencies [{head}] in the Resources block of the template"));
                        }

                        if (variables is not null)
                        {
                            CheckReferences(variables, path, names, resources, problems, implicitApis);
                        }

                        break;
                }

                if (key != "Fn::Sub" && value is JsonArray or JsonObject)
                {
                    CheckReferences(value, path, names, resources, problems, implicitApis);
                }

                break;
            case JsonObject o:
                foreach (var (k, v) in o)
                {
                    CheckReferences(v, [.. path, k], names, resources, problems, implicitApis);
                }

                break;
            case JsonArray a:
                for (var i = 0; i < a.Count; i++)
                {
                    CheckReferences(a[i], [.. path, i.ToString(System.Globalization.CultureInfo.InvariantCulture)], names, resources, problems, implicitApis);
                }

                break;
        }
    }

    /// <summary>Resources the SAM transform creates and templates may name: implicit APIs, roles, aliases, stages.</summary>
    private static bool IsGenerated(string name, JsonObject resources)
    {
        if (name is "ServerlessRestApi" or "ServerlessHttpApi" or "ServerlessRestApiProdStage" or "ServerlessHttpApiApiGatewayDefaultStage" or "ServerlessDeploymentApplication")
        {
            return true;
        }

        foreach (var (id, r) in resources)
        {
            if (name.StartsWith(id, StringComparison.Ordinal) && r?["Type"]?.ToString()?.StartsWith("AWS::Serverless::", StringComparison.Ordinal) == true)
            {
                return true;
            }
        }

        return false;
    }

    private static IEnumerable<string> SubVariables(string text)
    {
        for (var i = text.IndexOf("${", StringComparison.Ordinal); i >= 0; i = text.IndexOf("${", i + 2, StringComparison.Ordinal))
        {
            if (i + 2 < text.Length && text[i + 2] == '!')
            {
                continue;
            }

            var end = text.IndexOf('}', i);
            if (end < 0)
            {
                yield break;
            }

            yield return text[(i + 2)..end].Trim();
        }
    }

    /// <summary>Where a transform error points: the resource, the event and the property it quotes, as far as they are named.</summary>
    private static string[] CausePath(string cause, JsonObject resources)
    {
        var path = new List<string>();
        if (Between(cause, "Resource with id [", "]") is { } id)
        {
            // A generated resource (FnEventName) is reported under the function's event that made it.
            var owner = resources.ContainsKey(id) ? null : resources.Select(r => r.Key).Where(k => id.StartsWith(k, StringComparison.Ordinal)).MaxBy(k => k.Length);
            if (owner is not null && resources[owner]?["Properties"]?["Events"] is JsonObject events && events.ContainsKey(id[owner.Length..]))
            {
                path.AddRange(["Resources", owner, "Properties", "Events", id[owner.Length..]]);
                return [.. path];
            }

            path.AddRange(["Resources", id]);
            if (cause.Contains("Policy template", StringComparison.Ordinal))
            {
                path.AddRange(["Properties", "Policies"]);
            }
            else if (Between(cause, "Event with id [", "]") is { } ev)
            {
                path.AddRange(["Properties", "Events", ev]);
            }
            else if (Between(cause, "'", "'") is { } property && property.All(char.IsAsciiLetterOrDigit))
            {
                path.AddRange(["Properties", property]);
            }
            else if (Between(cause, "property '", "'") is { } quoted)
            {
                path.AddRange(["Properties", quoted]);
            }
        }
        else if (cause.Contains("'Globals'", StringComparison.Ordinal))
        {
            path.Add("Globals");
        }

        return [.. path];
    }

    private static string? Between(string text, string start, string end)
    {
        var i = text.IndexOf(start, StringComparison.Ordinal);
        if (i < 0)
        {
            return null;
        }

        var j = text.IndexOf(end, i + start.Length, StringComparison.Ordinal);
        return j < 0 ? null : text[(i + start.Length)..j];
    }
}
