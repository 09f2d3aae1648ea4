using System.Text.Json.Nodes;
using static Nimbus.Gateway.Management.JsonFields;

namespace Nimbus.Gateway.Management;

internal static partial class HttpApisApi
{
    private static readonly string[] StageFields =
    [
        "autoDeploy", "deploymentId", "description", "stageVariables", "defaultRouteSettings", "routeSettings",
        "accessLogSettings", "clientCertificateId",
    ];

    private static async Task CreateStage(ManagementCall call)
    {
        var body = await call.BodyAsync();
        var name = Required(body, "stageName");
        if (name != "$default" && (name.Length > 128 || !name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_')))
        {
            throw GatewayErrors.BadRequest($"Stage name {name} is invalid: use letters, digits, hyphens and underscores, or $default");
        }

        ValidateVariables(body["stageVariables"] as JsonObject);
        var stage = call.Store.Update(call.Route("apiId"), ApiKind.Http, call.Caller, doc =>
        {
            var stages = Section(doc, "stages");
            if (stages.ContainsKey(name))
            {
                throw GatewayErrors.Conflict($"Stage {name} already exists");
            }

            var stage = new JsonObject
            {
                ["autoDeploy"] = false,
                ["createdDate"] = call.Now,
                ["defaultRouteSettings"] = new JsonObject { ["detailedMetricsEnabled"] = false },
                ["lastUpdatedDate"] = call.Now,
                ["routeSettings"] = new JsonObject(),
                ["stageName"] = name,
                ["stageVariables"] = new JsonObject(),
                ["tags"] = body["tags"]?.DeepClone() ?? new JsonObject(),
            };
            Copy(body, stage, StageFields);
            RequireDeployment(doc, String(stage, "deploymentId"));
            stages[name] = stage;
            if (Bool(stage, "autoDeploy") == true)
            {
                Deploy(call, doc, null, [name], autoDeployed: true);
            }

            return stage.DeepClone();
        });
        await call.JsonAsync(201, stage);
    }

    private static async Task UpdateStage(ManagementCall call)
    {
        var body = await call.BodyAsync();
        var name = call.Route("stageName");
        ValidateVariables(body["stageVariables"] as JsonObject);
        var stage = call.Store.Update(call.Route("apiId"), ApiKind.Http, call.Caller, doc =>
        {
            var stage = FindStage(doc, name);
            var wasAuto = Bool(stage, "autoDeploy") == true;
            var merged = stage["stageVariables"]?.DeepClone() as JsonObject ?? [];
            Copy(body, stage, StageFields);
            if (body["stageVariables"] is JsonObject variables)
            {
                // UpdateStage merges variables into the existing ones; an empty or null value removes one.
                foreach (var (k, v) in variables)
                {
                    if (v is null || v.GetValue<string>().Length == 0)
                    {
                        merged.Remove(k);
                    }
                    else
                    {
                        merged[k] = v.DeepClone();
                    }
                }

                stage["stageVariables"] = merged;
            }

            RequireDeployment(doc, String(stage, "deploymentId"));
            stage["lastUpdatedDate"] = call.Now;
            if (!wasAuto && Bool(stage, "autoDeploy") == true)
            {
                Deploy(call, doc, null, [name], autoDeployed: true);
            }

            return stage.DeepClone();
        });
        await call.JsonAsync(200, stage);
    }

    private static async Task GetStages(ManagementCall call)
    {
        var doc = call.Store.Get(call.Route("apiId"), ApiKind.Http, call.Caller).Doc;
        await call.JsonAsync(200, call.Page((doc["stages"] as JsonObject ?? []).Select(kv => kv.Value!)));
    }

    private static async Task GetStage(ManagementCall call)
    {
        var doc = call.Store.Get(call.Route("apiId"), ApiKind.Http, call.Caller).Doc;
        await call.JsonAsync(200, FindStage(doc, call.Route("stageName")).DeepClone());
    }

    private static async Task DeleteStage(ManagementCall call)
    {
        var name = call.Route("stageName");
        call.Store.Update(call.Route("apiId"), ApiKind.Http, call.Caller, doc =>
        {
            FindStage(doc, name);
            doc["stages"]!.AsObject().Remove(name);
            return 0;
        });
        await call.EmptyAsync();
    }

    private static async Task CreateDeployment(ManagementCall call)
    {
        var body = await call.BodyAsync();
        var stageName = String(body, "stageName");
        var deployment = call.Store.Update(call.Route("apiId"), ApiKind.Http, call.Caller, doc =>
        {
            if (stageName is not null)
            {
                var stage = FindStage(doc, stageName);
                if (Bool(stage, "autoDeploy") == true)
                {
                    throw GatewayErrors.BadRequest($"Stage {stageName} has autoDeploy enabled; it cannot be deployed manually");
                }
            }

            return Deploy(call, doc, String(body, "description"), stageName is null ? [] : [stageName], autoDeployed: false).DeepClone();
        });
        await call.JsonAsync(201, deployment);
    }

    private static async Task GetDeployments(ManagementCall call)
    {
        var doc = call.Store.Get(call.Route("apiId"), ApiKind.Http, call.Caller).Doc;
        await call.JsonAsync(200, call.Page((doc["deployments"] as JsonObject ?? []).Select(kv => kv.Value!)));
    }

    private static async Task GetDeployment(ManagementCall call)
    {
        var doc = call.Store.Get(call.Route("apiId"), ApiKind.Http, call.Caller).Doc;
        await call.JsonAsync(200, FindDeployment(doc, call.Route("deploymentId")).DeepClone());
    }

    private static async Task DeleteDeployment(ManagementCall call)
    {
        var id = call.Route("deploymentId");
        call.Store.Update(call.Route("apiId"), ApiKind.Http, call.Caller, doc =>
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
        await call.EmptyAsync();
    }

    /// <summary>Creates a deployment capturing the current routes and integrations and points the given stages at it.</summary>
    private static JsonObject Deploy(ManagementCall call, JsonObject doc, string? description, IEnumerable<string> stageNames, bool autoDeployed)
    {
        var id = GatewayIds.Child(6);
        var deployment = new JsonObject
        {
            ["autoDeployed"] = autoDeployed,
            ["createdDate"] = call.Now,
            ["deploymentId"] = id,
            ["deploymentStatus"] = "DEPLOYED",
        };
        if (description is not null)
        {
            deployment["description"] = description;
        }

        Section(doc, "deployments")[id] = deployment;
        Section(doc, "snapshots")[id] = StageCompiler.HttpSnapshot(doc);
        foreach (var name in stageNames)
        {
            var stage = FindStage(doc, name);
            stage["deploymentId"] = id;
            stage["lastUpdatedDate"] = call.Now;
            if (autoDeployed)
            {
                stage["lastDeploymentStatusMessage"] = $"Successfully deployed stage with deployment ID '{id}'";
            }
        }

        return deployment;
    }

    /// <summary>Redeploys every stage with <c>autoDeploy</c> after a change to the API's configuration.</summary>
    private static void AutoDeploy(ManagementCall call, JsonObject doc)
    {
        var auto = (doc["stages"] as JsonObject ?? []).Where(kv => kv.Value?["autoDeploy"]?.GetValue<bool>() == true).Select(kv => kv.Key).ToList();
        if (auto.Count > 0)
        {
            Deploy(call, doc, "Automatic deployment triggered by changes to the Api configuration", auto, autoDeployed: true);
        }
    }

    private static JsonObject FindStage(JsonObject doc, string name) =>
        doc["stages"]?[name] as JsonObject ?? throw GatewayErrors.NotFound($"Invalid stage identifier specified", "Stage");

    private static JsonObject FindDeployment(JsonObject doc, string id) =>
        doc["deployments"]?[id] as JsonObject ?? throw GatewayErrors.NotFound($"Invalid Deployment identifier specified {id}", "Deployment");

    private static void RequireDeployment(JsonObject doc, string? deploymentId)
    {
        if (deploymentId is not null)
        {
            FindDeployment(doc, deploymentId);
        }
    }

    private static void ValidateVariables(JsonObject? variables)
    {
        foreach (var (k, v) in variables ?? [])
        {
            if (k.Length is 0 or > 64 || !k.All(c => char.IsAsciiLetterOrDigit(c) || c == '_'))
            {
                throw GatewayErrors.BadRequest($"Stage variable name {k} is invalid: use letters, digits and underscores");
            }

            if (v is not null && v.GetValue<string>().Length > 2048)
            {
                throw GatewayErrors.BadRequest($"Stage variable {k} is longer than 2048 characters");
            }
        }
    }
}
