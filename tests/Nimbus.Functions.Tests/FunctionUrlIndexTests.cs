using Nimbus.Core.Functions;
using Nimbus.Functions.Registry;
using Nimbus.Functions.Urls;

namespace Nimbus.Functions.Tests;

public sealed class FunctionUrlIndexTests : IDisposable
{
    private readonly TestState _state = new();
    private readonly FunctionKey _key = new("123456789012", "eu-west-1", "site");

    public void Dispose() => _state.Dispose();

    private static FunctionUrlConfig Config(string? qualifier, string auth = "NONE", FunctionUrlCors? cors = null) =>
        new(qualifier, FunctionUrlAddress.NewUrlId(), auth, cors, "BUFFERED", 1_700_000_000_000, 1_700_000_000_000);

    private FunctionState WithUrls(FunctionState s, params FunctionUrlConfig[] configs) =>
        s with { UrlConfigs = s.UrlConfigs.SetItems(configs.Select(c => KeyValuePair.Create(c.Slot, c))) };

    [Fact]
    public void NewUrlId_Is32LowercaseAlphanumerics()
    {
        var ids = Enumerable.Range(0, 100).Select(_ => FunctionUrlAddress.NewUrlId()).ToList();
        Assert.All(ids, id => Assert.True(FunctionUrlAddress.IsUrlId(id), id));
        Assert.Equal(100, ids.Distinct().Count());
        Assert.Equal("http://127.0.0.1:4566/_lambda-url/" + ids[0] + "/", FunctionUrlAddress.Url("http://127.0.0.1:4566/", ids[0]));
    }

    [Fact]
    public void Find_AfterChanges_FollowsTheRegistry()
    {
        var registry = new FunctionRegistry(_state.Store);
        var index = new FunctionUrlIndex(registry);
        var cors = new FunctionUrlCors(true, ["x-h"], ["GET"], ["https://a.example"], [], 60);
        var unqualified = Config(null, "AWS_IAM", cors);
        var live = Config("live");
        registry.Create(WithUrls(TestState.State(_key), unqualified, live));

        var found = index.Find(unqualified.UrlId);
        Assert.Equal(new FunctionUrlEndpoint(unqualified.UrlId, "123456789012", "eu-west-1", _key.UnqualifiedArn, null, "AWS_IAM", cors, "BUFFERED"), found);
        Assert.Equal("live", index.Find(live.UrlId)!.Qualifier);

        registry.Update(_key, s => s with { UrlConfigs = s.UrlConfigs.SetItem("", unqualified with { AuthType = "NONE" }).Remove("live") });
        Assert.Equal("NONE", index.Find(unqualified.UrlId)!.AuthType);
        Assert.Null(index.Find(live.UrlId));

        registry.Delete(_key);
        Assert.Null(index.Find(unqualified.UrlId));
    }

    [Fact]
    public void NewRegistry_AfterRestart_ReloadsUrlConfigs_AndDeleteRemovesTheRows()
    {
        var registry = new FunctionRegistry(_state.Store);
        var unqualified = Config(null, cors: new FunctionUrlCors(false, [], ["*"], ["*"], ["x-e"], null));
        var latest = Config("$LATEST", "AWS_IAM");
        registry.Create(WithUrls(TestState.State(_key), unqualified, latest));
        registry.Update(_key, s => s with { UrlConfigs = s.UrlConfigs.SetItem("$LATEST", latest with { InvokeMode = "RESPONSE_STREAM", LastModifiedTimeMs = 1_700_000_001_000 }) });

        var reloaded = new FunctionRegistry(_state.OpenStore());
        var state = reloaded.Get(_key)!;
        Assert.Equal(unqualified.UrlId, state.UrlConfigs[""].UrlId);
        Assert.Equal(["*"], state.UrlConfigs[""].Cors!.AllowOrigins);
        Assert.Equal(["x-e"], state.UrlConfigs[""].Cors!.ExposeHeaders);
        Assert.Equal(latest with { InvokeMode = "RESPONSE_STREAM", LastModifiedTimeMs = 1_700_000_001_000 }, state.UrlConfigs["$LATEST"]);
        Assert.Equal("$LATEST", new FunctionUrlIndex(reloaded).Find(latest.UrlId)!.Qualifier);

        reloaded.Delete(_key);
        var afterDelete = new FunctionRegistry(_state.OpenStore());
        Assert.Null(afterDelete.Get(_key));
        Assert.Null(new FunctionUrlIndex(afterDelete).Find(unqualified.UrlId));
    }
}
