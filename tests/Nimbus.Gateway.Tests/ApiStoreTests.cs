using System.Text.Json.Nodes;
using Nimbus.Core.Identity;
using Nimbus.Gateway.Management;
using Nimbus.Storage.Sqlite;

namespace Nimbus.Gateway.Tests;

public sealed class ApiStoreTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "nimbus-gw-" + Guid.NewGuid().ToString("N"));
    private readonly AwsRequestContext _caller = new("000000000000", "us-east-1", "r");

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private ApiStore Open()
    {
        var state = new StateStore(_dir);
        state.Migrate([new GatewayMigrations()]);
        return new ApiStore(state, TimeProvider.System);
    }

    private static void Deployed(JsonObject doc, string routeKey)
    {
        doc["api"] = new JsonObject { ["name"] = "a" };
        doc["integrations"] = new JsonObject { ["i1"] = new JsonObject { ["integrationId"] = "i1", ["integrationType"] = "AWS_PROXY", ["integrationUri"] = "fn", ["payloadFormatVersion"] = "2.0" } };
        doc["routes"] = new JsonObject { ["r1"] = new JsonObject { ["routeId"] = "r1", ["routeKey"] = routeKey, ["target"] = "integrations/i1" } };
        doc["snapshots"] = new JsonObject { ["d1"] = StageCompiler.HttpSnapshot(doc) };
        doc["stages"] = new JsonObject { ["$default"] = new JsonObject { ["stageName"] = "$default", ["deploymentId"] = "d1" } };
    }

    [Fact]
    public void Create_SurvivesRestart_WithCompiledStages()
    {
        var id = Open().Create(ApiKind.Http, _caller, (_, doc) => Deployed(doc, "GET /x/{id}")).ApiId;

        var reopened = Open().Find(id);
        Assert.NotNull(reopened);
        var stage = reopened.Stages["$default"];
        Assert.Equal("d1", stage.DeploymentId);
        var parameters = new Dictionary<string, string>();
        Assert.Equal("GET /x/{id}", stage.Routes!.Match("GET", ["x", "7"], parameters)?.RouteKey);
        Assert.Equal("7", parameters["id"]);
    }

    [Fact]
    public void Update_ServesTheDeploymentSnapshot_NotTheLatestRoutes()
    {
        var store = Open();
        var id = store.Create(ApiKind.Http, _caller, (_, doc) => Deployed(doc, "GET /old")).ApiId;
        store.Update(id, ApiKind.Http, _caller, doc =>
        {
            doc["routes"]!["r1"]!["routeKey"] = "GET /new";
            return 0;
        });

        var routes = Open().Find(id)!.Stages["$default"].Routes!;
        Assert.Equal("GET /old", Assert.Single(routes.Routes).RouteKey);
    }

    [Fact]
    public void Update_ThatThrows_ChangesNothing()
    {
        var store = Open();
        var id = store.Create(ApiKind.Http, _caller, (_, doc) => Deployed(doc, "GET /a")).ApiId;
        Assert.Throws<InvalidOperationException>(() => store.Update<int>(id, ApiKind.Http, _caller, doc =>
        {
            doc["api"]!["name"] = "changed";
            throw new InvalidOperationException("no");
        }));

        Assert.Equal("a", store.Find(id)!.Doc["api"]!["name"]!.GetValue<string>());
        Assert.Equal("a", Open().Find(id)!.Doc["api"]!["name"]!.GetValue<string>());
    }

    [Fact]
    public void Get_OtherAccountOrKind_IsNotFound()
    {
        var store = Open();
        var id = store.Create(ApiKind.Http, _caller, (_, doc) => Deployed(doc, "GET /a")).ApiId;
        var e = Assert.Throws<Nimbus.Core.Errors.AwsServiceException>(() => store.Get(id, ApiKind.Http, _caller with { AccountId = "111111111111" }));
        Assert.Equal("NotFoundException", e.Error.Code);
        Assert.Throws<Nimbus.Core.Errors.AwsServiceException>(() => store.Get(id, ApiKind.Rest, _caller));
        store.Delete(id, ApiKind.Http, _caller);
        Assert.Null(Open().Find(id));
    }
}
