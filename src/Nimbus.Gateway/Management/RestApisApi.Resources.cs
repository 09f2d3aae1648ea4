using System.Text.Json.Nodes;
using Nimbus.Gateway.Routing;
using static Nimbus.Gateway.Management.JsonFields;

namespace Nimbus.Gateway.Management;

internal static partial class RestApisApi
{
    private static readonly string[] Verbs = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "ANY"];

    private static async Task GetResources(ManagementCall call)
    {
        var doc = call.Store.Get(ApiId(call), ApiKind.Rest, call.Caller).Doc;
        var all = (doc["resources"] as JsonObject ?? []).Select(kv => kv.Value!).OrderBy(r => r["path"]!.GetValue<string>(), StringComparer.Ordinal);
        await call.JsonAsync(200, call.Page(all, "item", "position", "limit"));
    }

    private static async Task GetResource(ManagementCall call)
    {
        var doc = call.Store.Get(ApiId(call), ApiKind.Rest, call.Caller).Doc;
        await call.JsonAsync(200, FindResource(doc, call.Route("resourceId")).DeepClone());
    }

    private static async Task CreateResource(ManagementCall call)
    {
        var body = await call.BodyAsync();
        var pathPart = Required(body, "pathPart");
        var parentId = call.Route("resourceId");
        var resource = call.Store.Update(ApiId(call), ApiKind.Rest, call.Caller, doc =>
        {
            var parent = FindResource(doc, parentId);
            var resources = doc["resources"]!.AsObject();
            if (resources.Any(kv => kv.Value?["parentId"]?.GetValue<string>() == parentId && kv.Value["pathPart"]?.GetValue<string>() == pathPart))
            {
                throw GatewayErrors.Conflict($"Another resource with the same parent already has this name: {pathPart}");
            }

            if (parent["pathPart"]?.GetValue<string>() is { } pp && pp.EndsWith("+}", StringComparison.Ordinal))
            {
                throw GatewayErrors.BadRequest("A greedy path variable resource cannot have child resources");
            }

            var parentPath = parent["path"]!.GetValue<string>();
            var path = (parentPath == "/" ? "" : parentPath) + "/" + pathPart;
            if (pathPart.Contains('/', StringComparison.Ordinal) || PathTemplate.Parse(path, out _) is null)
            {
                throw GatewayErrors.BadRequest($"Resource's path part only allow a-zA-Z0-9._- and curly braces at the beginning and the end and an optional plus sign before the closing brace: {pathPart}");
            }

            var id = GatewayIds.Child(6);
            var resource = new JsonObject { ["id"] = id, ["parentId"] = parentId, ["pathPart"] = pathPart, ["path"] = path };
            resources[id] = resource;
            return resource.DeepClone();
        });
        await call.JsonAsync(201, resource);
    }

    private static async Task UpdateResource(ManagementCall call)
    {
        var body = await call.BodyAsync();
        var id = call.Route("resourceId");
        var resource = call.Store.Update(ApiId(call), ApiKind.Rest, call.Caller, doc =>
        {
            var resource = FindResource(doc, id);
            PatchOperations.Apply(resource, body, "pathPart", "parentId");
            RecomputePaths(doc);
            return resource.DeepClone();
        });
        await call.JsonAsync(200, resource);
    }

    private static async Task DeleteResource(ManagementCall call)
    {
        var id = call.Route("resourceId");
        call.Store.Update(ApiId(call), ApiKind.Rest, call.Caller, doc =>
        {
            var resource = FindResource(doc, id);
            if (resource["parentId"] is null)
            {
                throw GatewayErrors.BadRequest("Cannot delete root resource");
            }

            // A resource goes with all its descendants.
            var resources = doc["resources"]!.AsObject();
            var doomed = new HashSet<string> { id };
            bool grew;
            do
            {
                grew = false;
                foreach (var (rid, r) in resources)
                {
                    if (r?["parentId"]?.GetValue<string>() is { } p && doomed.Contains(p) && doomed.Add(rid))
                    {
                        grew = true;
                    }
                }
            }
            while (grew);

            foreach (var d in doomed)
            {
                resources.Remove(d);
            }

            return 0;
        });
        await call.EmptyAsync(202);
    }

    private static void RecomputePaths(JsonObject doc)
    {
        var resources = doc["resources"]!.AsObject();
        string PathOf(JsonObject r, int depth)
        {
            if (depth > 100 || r["parentId"]?.GetValue<string>() is not { } parentId || resources[parentId] is not JsonObject parent)
            {
                return "/";
            }

            var parentPath = PathOf(parent, depth + 1);
            return (parentPath == "/" ? "" : parentPath) + "/" + r["pathPart"]!.GetValue<string>();
        }

        foreach (var (_, r) in resources)
        {
            r!["path"] = PathOf(r.AsObject(), 0);
        }
    }

    private static async Task PutMethod(ManagementCall call)
    {
        var body = await call.BodyAsync();
        var verb = Verb(call);
        var auth = Required(body, "authorizationType");
        var method = Mutate(call, resource =>
        {
            var method = new JsonObject { ["httpMethod"] = verb, ["authorizationType"] = auth, ["apiKeyRequired"] = false };
            Copy(body, method, "authorizerId", "apiKeyRequired", "operationName", "requestParameters", "requestModels", "requestValidatorId", "authorizationScopes");
            Section(resource, "resourceMethods")[verb] = method;
            return method;
        });
        await call.JsonAsync(201, method);
    }

    private static async Task GetMethod(ManagementCall call)
    {
        var doc = call.Store.Get(ApiId(call), ApiKind.Rest, call.Caller).Doc;
        await call.JsonAsync(200, FindMethod(FindResource(doc, call.Route("resourceId")), Verb(call)).DeepClone());
    }

    private static async Task UpdateMethod(ManagementCall call)
    {
        var body = await call.BodyAsync();
        var method = Mutate(call, resource =>
        {
            var method = FindMethod(resource, Verb(call));
            PatchOperations.Apply(method, body, "authorizationType", "authorizerId", "apiKeyRequired", "operationName", "requestParameters", "requestModels", "requestValidatorId");
            BooleanValues(method["requestParameters"] as JsonObject);
            return method;
        });
        await call.JsonAsync(200, method);
    }

    private static async Task DeleteMethod(ManagementCall call)
    {
        Mutate(call, resource =>
        {
            FindMethod(resource, Verb(call));
            resource["resourceMethods"]!.AsObject().Remove(Verb(call));
            return new JsonObject();
        });
        await call.EmptyAsync();
    }

    private static async Task PutMethodResponse(ManagementCall call)
    {
        var body = await call.BodyAsync();
        var status = StatusCode(call);
        var response = Mutate(call, resource =>
        {
            var response = new JsonObject { ["statusCode"] = status };
            Copy(body, response, "responseParameters", "responseModels");
            Section(FindMethod(resource, Verb(call)), "methodResponses")[status] = response;
            return response;
        });
        await call.JsonAsync(201, response);
    }

    private static async Task GetMethodResponse(ManagementCall call)
    {
        var doc = call.Store.Get(ApiId(call), ApiKind.Rest, call.Caller).Doc;
        var method = FindMethod(FindResource(doc, call.Route("resourceId")), Verb(call));
        var response = method["methodResponses"]?[StatusCode(call)] ?? throw GatewayErrors.NotFound("Invalid Response status code specified");
        await call.JsonAsync(200, response.DeepClone());
    }

    private static async Task DeleteMethodResponse(ManagementCall call)
    {
        Mutate(call, resource =>
        {
            var responses = FindMethod(resource, Verb(call))["methodResponses"] as JsonObject;
            if (responses?.Remove(StatusCode(call)) != true)
            {
                throw GatewayErrors.NotFound("Invalid Response status code specified");
            }

            return new JsonObject();
        });
        await call.EmptyAsync();
    }

    private static async Task PutIntegration(ManagementCall call)
    {
        var body = await call.BodyAsync();
        var type = Required(body, "type");
        var integration = Mutate(call, resource =>
        {
            var method = FindMethod(resource, Verb(call));
            var integration = new JsonObject
            {
                ["type"] = type,
                ["passthroughBehavior"] = "WHEN_NO_MATCH",
                ["timeoutInMillis"] = 29000,
                ["cacheNamespace"] = resource["id"]!.GetValue<string>(),
                ["cacheKeyParameters"] = new JsonArray(),
            };
            Copy(body, integration, "httpMethod", "uri", "connectionType", "connectionId", "credentials", "requestParameters", "requestTemplates", "passthroughBehavior", "cacheNamespace", "cacheKeyParameters", "contentHandling", "timeoutInMillis", "tlsConfig");
            ValidateIntegration(integration);
            method["methodIntegration"] = integration;
            return integration;
        });
        await call.JsonAsync(201, integration);
    }

    private static void ValidateIntegration(JsonObject integration)
    {
        var type = String(integration, "type");
        switch (type)
        {
            case "MOCK":
                break;
            case "AWS_PROXY" or "AWS" or "HTTP_PROXY" or "HTTP":
                if (String(integration, "httpMethod") is null)
                {
                    throw GatewayErrors.BadRequest("Enumeration value for HttpMethod must be non-empty");
                }

                if (String(integration, "uri") is null)
                {
                    throw GatewayErrors.BadRequest("Invalid integration URI specified");
                }

                break;
            default:
                throw GatewayErrors.BadRequest($"Invalid integration type {type}");
        }

        if (integration["timeoutInMillis"] is JsonValue t && (t.GetValue<int>() < 50 || t.GetValue<int>() > 29000))
        {
            throw GatewayErrors.BadRequest("Timeout should be between 50 ms and 29000 ms");
        }
    }

    private static async Task GetIntegration(ManagementCall call)
    {
        var doc = call.Store.Get(ApiId(call), ApiKind.Rest, call.Caller).Doc;
        await call.JsonAsync(200, FindIntegration(FindResource(doc, call.Route("resourceId")), Verb(call)).DeepClone());
    }

    private static async Task UpdateIntegration(ManagementCall call)
    {
        var body = await call.BodyAsync();
        var integration = Mutate(call, resource =>
        {
            var integration = FindIntegration(resource, Verb(call));
            PatchOperations.Apply(integration, body, "uri", "httpMethod", "type", "requestTemplates", "requestParameters", "passthroughBehavior", "timeoutInMillis", "contentHandling", "credentials", "connectionType", "connectionId");
            ValidateIntegration(integration);
            return integration;
        });
        await call.JsonAsync(200, integration);
    }

    private static async Task DeleteIntegration(ManagementCall call)
    {
        Mutate(call, resource =>
        {
            FindIntegration(resource, Verb(call));
            FindMethod(resource, Verb(call)).Remove("methodIntegration");
            return new JsonObject();
        });
        await call.EmptyAsync();
    }

    private static async Task PutIntegrationResponse(ManagementCall call)
    {
        var body = await call.BodyAsync();
        var status = StatusCode(call);
        var response = Mutate(call, resource =>
        {
            var integration = FindIntegration(resource, Verb(call));
            var response = new JsonObject { ["statusCode"] = status };
            Copy(body, response, "selectionPattern", "responseParameters", "responseTemplates", "contentHandling");
            Section(integration, "integrationResponses")[status] = response;
            return response;
        });
        await call.JsonAsync(201, response);
    }

    private static async Task GetIntegrationResponse(ManagementCall call)
    {
        var doc = call.Store.Get(ApiId(call), ApiKind.Rest, call.Caller).Doc;
        var integration = FindIntegration(FindResource(doc, call.Route("resourceId")), Verb(call));
        var response = integration["integrationResponses"]?[StatusCode(call)] ?? throw GatewayErrors.NotFound("Invalid Response status code specified");
        await call.JsonAsync(200, response.DeepClone());
    }

    private static async Task DeleteIntegrationResponse(ManagementCall call)
    {
        Mutate(call, resource =>
        {
            var responses = FindIntegration(resource, Verb(call))["integrationResponses"] as JsonObject;
            if (responses?.Remove(StatusCode(call)) != true)
            {
                throw GatewayErrors.NotFound("Invalid Response status code specified");
            }

            return new JsonObject();
        });
        await call.EmptyAsync();
    }

    /// <summary>Changes one resource of the API and returns a copy of what <paramref name="change"/> returned.</summary>
    private static JsonNode Mutate(ManagementCall call, Func<JsonObject, JsonObject> change) =>
        call.Store.Update(ApiId(call), ApiKind.Rest, call.Caller, doc => change(FindResource(doc, call.Route("resourceId"))).DeepClone());

    private static string Verb(ManagementCall call)
    {
        var verb = call.Route("httpMethod").ToUpperInvariant();
        return Verbs.Contains(verb) ? verb : throw GatewayErrors.BadRequest($"Invalid HttpMethod specified. Valid options are {string.Join(',', Verbs)}");
    }

    private static string StatusCode(ManagementCall call)
    {
        var s = call.Route("statusCode");
        return s.Length == 3 && s.All(char.IsAsciiDigit) && s[0] is >= '1' and <= '5' ? s : throw GatewayErrors.BadRequest("Invalid status code: must be a 3-digit HTTP status");
    }

    private static JsonObject FindResource(JsonObject doc, string id) =>
        doc["resources"]?[id] as JsonObject ?? throw GatewayErrors.NotFound("Invalid Resource identifier specified");

    private static JsonObject FindMethod(JsonObject resource, string verb) =>
        resource["resourceMethods"]?[verb] as JsonObject ?? throw GatewayErrors.NotFound("Invalid Method identifier specified");

    private static JsonObject FindIntegration(JsonObject resource, string verb) =>
        FindMethod(resource, verb)["methodIntegration"] as JsonObject ?? throw GatewayErrors.NotFound("Invalid Integration identifier specified");
}
