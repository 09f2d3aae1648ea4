using System.Text.Json.Nodes;
using Nimbus.Core.Identity;
using Nimbus.Gateway.Management;
using Nimbus.Gateway.Mapping;
using Nimbus.Storage.Sqlite;

namespace Nimbus.Gateway.Tests;

/// <summary>Models, validators, gateway responses and canaries are part of the stored API: a restart keeps them.</summary>
public sealed class MappingStoreTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "nimbus-gwmap-" + Guid.NewGuid().ToString("N"));
    private readonly AwsRequestContext _caller = new("000000000000", "us-east-1", "r");

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private ApiStore Open()
    {
        var state = new StateStore(_dir);
        state.Migrate([new GatewayMigrations()]);
        return new ApiStore(state, TimeProvider.System);
    }

    [Fact]
    public void DeployedSettings_SurviveRestart()
    {
        var id = Open().Create(ApiKind.Rest, _caller, (_, doc) =>
        {
            var resources = new JsonObject { ["root"] = new JsonObject { ["id"] = "root", ["path"] = "/" } };
            doc["api"] = new JsonObject { ["name"] = "a" };
            doc["resources"] = resources;
            doc["models"] = RestApiSettings.DefaultModels();
            doc["models"]!["Pet"] = new JsonObject { ["name"] = "Pet", ["schema"] = "{\"type\":\"object\"}" };
            doc["requestValidators"] = new JsonObject { ["v1"] = new JsonObject { ["id"] = "v1", ["validateRequestBody"] = true } };
            doc["gatewayResponses"] = new JsonObject { ["THROTTLED"] = new JsonObject { ["responseType"] = "THROTTLED", ["statusCode"] = "503" } };
            var snapshot = new JsonObject { ["resources"] = resources.DeepClone() };
            RestApiSettings.Capture(doc, snapshot);
            doc["snapshots"] = new JsonObject { ["d1"] = snapshot, ["d2"] = snapshot.DeepClone() };
            doc["stages"] = new JsonObject
            {
                ["prod"] = new JsonObject
                {
                    ["stageName"] = "prod", ["deploymentId"] = "d1",
                    ["canarySettings"] = new JsonObject { ["deploymentId"] = "d2", ["percentTraffic"] = 12.5 },
                },
            };
        }).ApiId;

        var stage = Open().Find(id)!.Stages["prod"];
        Assert.Equal("{\"type\":\"object\"}", stage.Settings.Models["Pet"]!.ToJsonString());
        Assert.True(stage.Settings.Models.ContainsKey("Empty"));
        Assert.True(stage.Settings.Validators.ContainsKey("v1"));
        Assert.Equal("503", stage.Settings.GatewayResponses["THROTTLED"]["statusCode"]!.GetValue<string>());
        Assert.Equal(12.5, stage.Canary!.PercentTraffic);
        Assert.Equal("d2", stage.Canary.Snapshot.DeploymentId);
    }
}
