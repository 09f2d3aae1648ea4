using System.Text.Json.Nodes;
using static Nimbus.Gateway.Management.JsonFields;

namespace Nimbus.Gateway.Management;

internal static partial class RestApisApi
{
    private static async Task CreateDeployment(ManagementCall call)
    {
        var body = await call.BodyAsync();
        var stageName = String(body, "stageName");
        var deployment = call.Store.Update(ApiId(call), ApiKind.Rest, call.Caller, doc =>
        {
            var resources = doc["resources"] as JsonObject ?? [];
            if (!resources.Any(kv => (kv.Value?["resourceMethods"] as JsonObject)?.Count > 0))
            {
                throw GatewayErrors.BadRequest("The REST API doesn't contain any methods");
            }

            if (resources.SelectMany(kv => kv.Value?["resourceMethods"] as JsonObject ?? []).Any(m => m.Value?["methodIntegration"] is null))
            {
                throw GatewayErrors.BadRequest("No integration defined for method");
            }

            var id = GatewayIds.Child(6);
            var now = call.Store.Time.GetUtcNow().ToUnixTimeSeconds();
            var deployment = new JsonObject { ["id"] = id, ["createdDate"] = now };
            Copy(body, deployment, "description");
            Section(doc, "deployments")[id] = deployment;
            Section(doc, "snapshots")[id] = new JsonObject { ["resources"] = resources.DeepClone() };
            Mapping.RestApiSettings.Capture(doc, Section(doc, "snapshots")[id]!.AsObject());
            if (stageName is not null)
            {
                ValidateStageName(stageName);
                var stages = Section(doc, "stages");
                if (body["canarySettings"] is JsonObject canary)
                {
                    // A canary deployment: the stage keeps its deployment and sends percentTraffic to the new one.
                    var target = stages[stageName] as JsonObject ?? throw GatewayErrors.BadRequest("Invalid stage identifier specified");
                    target["canarySettings"] = Mapping.CanarySettings.Create(canary, id);
                    target["lastUpdatedDate"] = now;
                    return deployment.DeepClone();
                }

                if (stages[stageName] is JsonObject existing)
                {
                    existing["deploymentId"] = id;
                    existing["lastUpdatedDate"] = now;
                    if (body["variables"] is JsonObject more)
                    {
                        var variables = Section(existing, "variables");
                        foreach (var (k, v) in more)
                        {
                            variables[k] = v?.DeepClone();
                        }
                    }
                }
                else
                {
                    stages[stageName] = NewStage(stageName, id, String(body, "stageDescription"), body["variables"] as JsonObject, null, now);
                }
            }

            return deployment.DeepClone();
        });
        await call.JsonAsync(201, deployment);
    }

    private static async Task GetDeployments(ManagementCall call)
    {
        var doc = call.Store.Get(ApiId(call), ApiKind.Rest, call.Caller).Doc;
        await call.JsonAsync(200, call.Page((doc["deployments"] as JsonObject ?? []).Select(kv => kv.Value!), "item", "position", "limit"));
    }

    private static async Task GetDeployment(ManagementCall call)
    {
        var doc = call.Store.Get(ApiId(call), ApiKind.Rest, call.Caller).Doc;
        await call.JsonAsync(200, FindDeployment(doc, call.Route("deploymentId")).DeepClone());
    }

    private static async Task DeleteDeployment(ManagementCall call)
    {
        var id = call.Route("deploymentId");
        call.Store.Update(ApiId(call), ApiKind.Rest, call.Caller, doc =>
        {
            FindDeployment(doc, id);
            if ((doc["stages"] as JsonObject ?? []).Any(kv => kv.Value?["deploymentId"]?.GetValue<string>() == id))
            {
                throw GatewayErrors.BadRequest("Active stages pointing to this deployment must be moved or deleted");
            }

            doc["deployments"]!.AsObject().Remove(id);
            (doc["snapshots"] as JsonObject)?.Remove(id);
            return 0;
        });
        await call.EmptyAsync(202);
    }

    private static async Task CreateStage(ManagementCall call)
    {
        var body = await call.BodyAsync();
        var name = Required(body, "stageName");
        var deploymentId = Required(body, "deploymentId");
        ValidateStageName(name);
        var stage = call.Store.Update(ApiId(call), ApiKind.Rest, call.Caller, doc =>
        {
            FindDeployment(doc, deploymentId);
            var stages = Section(doc, "stages");
            if (stages.ContainsKey(name))
            {
                throw GatewayErrors.Conflict("Stage already exists");
            }

            var stage = NewStage(name, deploymentId, String(body, "description"), body["variables"] as JsonObject, body["tags"] as JsonObject, call.Store.Time.GetUtcNow().ToUnixTimeSeconds());
            Copy(body, stage, "tracingEnabled", "cacheClusterEnabled", "cacheClusterSize");
            if (body["canarySettings"] is JsonObject canary)
            {
                var canaryDeployment = String(canary, "deploymentId") ?? deploymentId;
                FindDeployment(doc, canaryDeployment);
                stage["canarySettings"] = Mapping.CanarySettings.Create(canary, canaryDeployment);
            }
            stages[name] = stage;
            return stage.DeepClone();
        });
        await call.JsonAsync(201, stage);
    }

    private static async Task GetStages(ManagementCall call)
    {
        var doc = call.Store.Get(ApiId(call), ApiKind.Rest, call.Caller).Doc;
        var deploymentId = call.Query("deploymentId");
        var items = (doc["stages"] as JsonObject ?? []).Select(kv => kv.Value!)
            .Where(s => deploymentId is null || s["deploymentId"]?.GetValue<string>() == deploymentId)
            .Select(s => s.DeepClone());
        await call.JsonAsync(200, new JsonObject { ["item"] = new JsonArray([.. items]) });
    }

    private static async Task GetStage(ManagementCall call)
    {
        var doc = call.Store.Get(ApiId(call), ApiKind.Rest, call.Caller).Doc;
        await call.JsonAsync(200, FindStage(doc, call.Route("stageName")).DeepClone());
    }

    private static async Task UpdateStage(ManagementCall call)
    {
        var body = await call.BodyAsync();
        var stage = call.Store.Update(ApiId(call), ApiKind.Rest, call.Caller, doc =>
        {
            var stage = FindStage(doc, call.Route("stageName"));
            Mapping.CanarySettings.BeforePatch(stage);
            StageSettingsPatch.Apply(stage, body);
            PatchOperations.Apply(stage, body, "deploymentId", "description", "variables", "tracingEnabled", "cacheClusterEnabled", "cacheClusterSize", "methodSettings", "canarySettings");
            FindDeployment(doc, stage["deploymentId"]!.GetValue<string>());
            Mapping.CanarySettings.Normalize(stage, id => FindDeployment(doc, id));
            stage["lastUpdatedDate"] = call.Store.Time.GetUtcNow().ToUnixTimeSeconds();
            return stage.DeepClone();
        });
        await call.JsonAsync(200, stage);
    }

    private static async Task DeleteStage(ManagementCall call)
    {
        call.Store.Update(ApiId(call), ApiKind.Rest, call.Caller, doc =>
        {
            var name = call.Route("stageName");
            FindStage(doc, name);
            doc["stages"]!.AsObject().Remove(name);
            return 0;
        });
        await call.EmptyAsync(202);
    }

    private static JsonObject NewStage(string name, string deploymentId, string? description, JsonObject? variables, JsonObject? tags, long now)
    {
        var stage = new JsonObject
        {
            ["stageName"] = name,
            ["deploymentId"] = deploymentId,
            ["cacheClusterEnabled"] = false,
            ["cacheClusterStatus"] = "NOT_AVAILABLE",
            ["methodSettings"] = new JsonObject(),
            ["tracingEnabled"] = false,
            ["createdDate"] = now,
            ["lastUpdatedDate"] = now,
            ["variables"] = variables?.DeepClone() ?? new JsonObject(),
            ["tags"] = tags?.DeepClone() ?? new JsonObject(),
        };
        if (description is not null)
        {
            stage["description"] = description;
        }

        return stage;
    }

    private static void ValidateStageName(string name)
    {
        if (name.Length is 0 or > 128 || !name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
        {
            throw GatewayErrors.BadRequest("Stage name only allows a-zA-Z0-9_-");
        }
    }

    private static JsonObject FindStage(JsonObject doc, string name) =>
        doc["stages"]?[name] as JsonObject ?? throw GatewayErrors.NotFound("Invalid Stage identifier specified");

    private static JsonObject FindDeployment(JsonObject doc, string id) =>
        doc["deployments"]?[id] as JsonObject ?? throw GatewayErrors.NotFound("Invalid Deployment identifier specified");
}
