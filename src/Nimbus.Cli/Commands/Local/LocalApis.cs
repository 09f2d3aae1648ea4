using System.Text.Json.Nodes;
using Nimbus.Cli.Commands.Sam;
using Nimbus.Templates.Intrinsics;

namespace Nimbus.Cli.Commands.Local;

/// <summary>
/// Creates the template's APIs in the local Nimbus through the API Gateway management APIs: one REST API per
/// <c>AWS::Serverless::Api</c> (plus the implicit <c>ServerlessRestApi</c>) and one HTTP API per <c>AWS::Serverless::HttpApi</c>
/// (plus <c>ServerlessHttpApi</c>), each route a Lambda proxy integration, as the SAM transform would generate them.
/// </summary>
internal static class LocalApis
{
    public static async Task<List<LocalRoute>> CreateAsync(LocalNimbus nimbus, LocalTemplate template, IResourceResolver resources)
    {
        var routes = new List<LocalRoute>();
        var groups = template.Functions
            .SelectMany(f => f.ApiEvents.Select(e => (Function: f, Event: e)))
            .GroupBy(x => (x.Event.Type, Api: x.Event.ApiLogicalId ?? (x.Event.Type == "Api" ? "ServerlessRestApi" : "ServerlessHttpApi")));
        foreach (var group in groups)
        {
            if (group.Key.Type == "HttpApi")
            {
                routes.AddRange(await HttpApiAsync(nimbus, group.Key.Api, group.ToList()));
            }
            else
            {
                var stage = template.File.Resources[group.Key.Api]?["Properties"]?["StageName"] is { } s
                    ? Evaluate(template, resources, s) ?? "Prod"
                    : "Prod";
                routes.AddRange(await RestApiAsync(nimbus, group.Key.Api, stage, group.ToList()));
            }
        }

        routes.Sort((a, b) => a.Priority.CompareTo(b.Priority));
        return routes;
    }

    private static async Task<List<LocalRoute>> HttpApiAsync(LocalNimbus nimbus, string name, List<(LocalFunction Function, ApiEvent Event)> events)
    {
        var c = nimbus.Client;
        var api = await c.RestAsync("apigateway", HttpMethod.Post, "/v2/apis", new JsonObject { ["name"] = name, ["protocolType"] = "HTTP" });
        var apiId = api["apiId"]!.ToString();
        var routes = new List<LocalRoute>();
        foreach (var (function, ev) in events)
        {
            var integration = await c.RestAsync("apigateway", HttpMethod.Post, $"/v2/apis/{apiId}/integrations", new JsonObject
            {
                ["integrationType"] = "AWS_PROXY",
                ["integrationUri"] = nimbus.FunctionArn(function.LogicalId),
                ["payloadFormatVersion"] = ev.PayloadFormatVersion,
            });
            var key = ev.Path == "$default" ? "$default" : $"{ev.Method} {ev.Path}";
            await c.RestAsync("apigateway", HttpMethod.Post, $"/v2/apis/{apiId}/routes", new JsonObject
            {
                ["routeKey"] = key,
                ["target"] = "integrations/" + integration["integrationId"],
            });
            routes.Add(new LocalRoute(ev.Method, ev.Path, function.LogicalId, apiId, "$default", IsHttpApi: true));
        }

        await c.RestAsync("apigateway", HttpMethod.Post, $"/v2/apis/{apiId}/stages", new JsonObject { ["stageName"] = "$default", ["autoDeploy"] = true });
        return routes;
    }

    private static async Task<List<LocalRoute>> RestApiAsync(LocalNimbus nimbus, string name, string stage, List<(LocalFunction Function, ApiEvent Event)> events)
    {
        var c = nimbus.Client;
        var api = await c.RestAsync("apigateway", HttpMethod.Post, "/restapis", new JsonObject { ["name"] = name });
        var apiId = api["id"]!.ToString();
        var resources = (await c.RestAsync("apigateway", HttpMethod.Get, $"/restapis/{apiId}/resources"))["item"]!.AsArray();
        var ids = new Dictionary<string, string>(StringComparer.Ordinal) { ["/"] = resources.First(r => r?["path"]?.ToString() == "/")!["id"]!.ToString() };
        var routes = new List<LocalRoute>();
        foreach (var (function, ev) in events)
        {
            var resourceId = await ResourceAsync(c, apiId, ids, ev.Path);
            await c.RestAsync("apigateway", HttpMethod.Put, $"/restapis/{apiId}/resources/{resourceId}/methods/{ev.Method}", new JsonObject { ["authorizationType"] = "NONE" });
            await c.RestAsync("apigateway", HttpMethod.Put, $"/restapis/{apiId}/resources/{resourceId}/methods/{ev.Method}/integration", new JsonObject
            {
                ["type"] = "AWS_PROXY",
                ["httpMethod"] = "POST",
                ["uri"] = $"arn:aws:apigateway:{c.Region}:lambda:path/2015-03-31/functions/{nimbus.FunctionArn(function.LogicalId)}/invocations",
            });
            routes.Add(new LocalRoute(ev.Method, ev.Path, function.LogicalId, apiId, stage, IsHttpApi: false));
        }

        await c.RestAsync("apigateway", HttpMethod.Post, $"/restapis/{apiId}/deployments", new JsonObject { ["stageName"] = stage });
        return routes;
    }

    private static async Task<string> ResourceAsync(AwsClient c, string apiId, Dictionary<string, string> ids, string path)
    {
        var current = "/";
        foreach (var part in path.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            var next = current == "/" ? "/" + part : current + "/" + part;
            if (!ids.TryGetValue(next, out _))
            {
                var created = await c.RestAsync("apigateway", HttpMethod.Post, $"/restapis/{apiId}/resources/{ids[current]}", new JsonObject { ["pathPart"] = part });
                ids[next] = created["id"]!.ToString();
            }

            current = next;
        }

        return ids[current];
    }

    private static string? Evaluate(LocalTemplate template, IResourceResolver resources, JsonNode node) =>
        new IntrinsicEvaluator(new IntrinsicContext
        {
            Region = LocalTemplate.Region,
            Parameters = template.Parameters.ToDictionary(kv => kv.Key, kv => (JsonNode?)JsonValue.Create(kv.Value)),
            Resources = resources,
        }).Evaluate(node)?.ToString();
}
