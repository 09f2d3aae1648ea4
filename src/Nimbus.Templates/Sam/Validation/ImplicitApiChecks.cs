using System.Text.Json.Nodes;

namespace Nimbus.Templates.Sam.Validation;

/// <summary>
/// The checks the translator's implicit API plugins make on every <c>Api</c> and <c>HttpApi</c> event of the template's
/// functions and state machines before any resource is translated. They run as two passes (REST, then HTTP); each pass
/// gathers one error per resource and, when it found any, ends the transform with those errors alone.
/// </summary>
internal static class ImplicitApiChecks
{
    public static void Run(JsonObject resources)
    {
        Pass(resources, http: false);
        Pass(resources, http: true);
    }

    private static void Pass(JsonObject resources, bool http)
    {
        var eventType = http ? "HttpApi" : "Api";
        var apiProperty = http ? "ApiId" : "RestApiId";
        var apiType = http ? "AWS::Serverless::HttpApi" : "AWS::Serverless::Api";
        var implicitId = http ? SamApis.ImplicitHttpApi : SamApis.ImplicitRestApi;
        var errors = new List<(string Key, string Message)>();
        foreach (var (id, node) in resources)
        {
            if (node is not JsonObject resource
                || Json.Str(resource["Type"]) is not ("AWS::Serverless::Function" or "AWS::Serverless::StateMachine")
                || resource["Properties"] is not JsonObject properties
                || properties["Events"] is not JsonObject events)
            {
                continue;
            }
            try
            {
                foreach (var (eventId, evNode) in events)
                {
                    if (evNode is not JsonObject ev || ev.Count == 0 || Json.Str(ev["Type"]) != eventType)
                    {
                        continue;
                    }
                    CheckEvent(resources, eventId, ev, resource["Condition"] is not null, http, apiProperty, apiType, implicitId);
                }
            }
            catch (InvalidEventException e)
            {
                errors.Add((id, $"Resource with id [{id}] is invalid. {e.Message}"));
            }
        }
        if (errors.Count > 0)
        {
            throw new InvalidSamDocumentException(errors.OrderBy(e => e.Key, StringComparer.Ordinal).Select(e => e.Message).ToList());
        }
    }

    private static void CheckEvent(JsonObject resources, string eventId, JsonObject ev, bool hasCondition, bool http, string apiProperty, string apiType, string implicitId)
    {
        var props = ev.ContainsKey("Properties") ? ev["Properties"] : new JsonObject();
        if (!http && !Json.IsTruthy(props))
        {
            return;
        }
        if (props is not JsonObject p)
        {
            throw new InvalidEventException(eventId, "Properties should be a map.");
        }

        JsonNode? apiId = p.ContainsKey(apiProperty) ? p[apiProperty] : Json.Ref(implicitId);
        if (apiId is JsonObject o && o.ContainsKey("Ref"))
        {
            apiId = o["Ref"];
        }
        var path = p["Path"];
        var method = p["Method"];
        if (http && !Json.IsTruthy(path) && !Json.IsTruthy(method))
        {
            path = "$default";
            method = "x-amazon-apigateway-any-method";
        }
        Expect.NotNull(path, eventId, "Path");
        Expect.NotNull(method, eventId, "Method");
        Expect.String(apiId, eventId, apiProperty);
        Expect.String(path, eventId, "Path");
        Expect.String(method, eventId, "Method");

        var target = apiId!.GetValue<string>();
        var isImplicit = target == implicitId && !resources.ContainsKey(target);
        var targetType = resources[target] is JsonObject r ? Json.Str(r["Type"]) : null;
        if (!isImplicit && (!resources.ContainsKey(target) || targetType == "AWS::Serverless::HttpApi" && targetType != apiType))
        {
            throw new InvalidEventException(eventId, $"{apiProperty} must be a valid reference to an '{apiType}' resource in same template.");
        }
        // With a Condition on the resource, the event's RouteSettings are wrapped in an Fn::If (a map) before the check.
        if (http && p.ContainsKey("RouteSettings"))
        {
            if (!hasCondition && p["RouteSettings"] is not JsonObject)
            {
                throw new InvalidEventException(eventId, "Property 'RouteSettings' should be a map.");
            }
        }
    }
}

/// <summary>The translator's <c>sam_expect</c>: "Property 'X' should be a ..." / "Property 'X' is required." for an event.</summary>
internal static class Expect
{
    public static void NotNull(JsonNode? value, string eventId, string keyPath)
    {
        if (value is null)
        {
            throw new InvalidEventException(eventId, $"Property '{keyPath}' is required.");
        }
    }

    public static void String(JsonNode? value, string eventId, string keyPath)
    {
        if (!Json.IsString(value))
        {
            throw new InvalidEventException(eventId, $"Property '{keyPath}' should be a string.");
        }
    }

    public static void Map(JsonNode? value, string eventId, string keyPath)
    {
        if (value is not JsonObject)
        {
            throw new InvalidEventException(eventId, $"Property '{keyPath}' should be a map.");
        }
    }
}
