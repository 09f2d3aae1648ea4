using System.Collections.Immutable;
using System.Text.Json;
using Nimbus.Core.Errors;
using Nimbus.Functions.Registry;

namespace Nimbus.Functions.Tests;

public sealed class FunctionRegistryPersistenceTests : IDisposable
{
    private const string Account = "123456789012";
    private const string Region = "eu-west-1";
    private readonly TestState _state = new();

    public void Dispose() => _state.Dispose();

    /// <summary>A canonical text of everything a state holds, for comparing two loads.</summary>
    private static string Dump(FunctionState s) => string.Join("\n",
    [
        s.Key.ToString(),
        JsonSerializer.Serialize(s.Latest, FunctionsJson.Default.FunctionConfig),
        .. s.Versions.Select(v => $"v{v.Key}={JsonSerializer.Serialize(v.Value, FunctionsJson.Default.FunctionConfig)}"),
        .. s.Aliases.OrderBy(a => a.Key, StringComparer.Ordinal).Select(a => $"a{a.Key}={JsonSerializer.Serialize(a.Value, FunctionsJson.Default.AliasConfig)}"),
        $"reserved={s.ReservedConcurrency}",
        .. s.Tags.OrderBy(t => t.Key, StringComparer.Ordinal).Select(t => $"t{t.Key}={t.Value}"),
        $"last={s.LastVersion}",
    ]);

    private static string DumpLayers(FunctionRegistry r) => string.Join("\n",
        r.Layers(Account, Region).SelectMany(l => l.Versions.Select(v => $"{l.Layer}:{v.Key}={JsonSerializer.Serialize(v.Value, FunctionsJson.Default.LayerVersionRecord)}")));

    private static FunctionConfig Published(FunctionKey key, FunctionConfig latest, long n) =>
        latest with { Version = n.ToString(System.Globalization.CultureInfo.InvariantCulture), FunctionArn = key.ArnFor(n.ToString(System.Globalization.CultureInfo.InvariantCulture)), RevisionId = Guid.NewGuid().ToString() };

    private static LayerVersionRecord Layer(string name, long v) => new()
    {
        Content = new LayerVersionContent($"http://x/{name}/{v}", "c2hh", 10 * v) { CodeHex = $"{name}{v}" },
        LayerArn = $"arn:aws:lambda:{Region}:{Account}:layer:{name}",
        LayerVersionArn = $"arn:aws:lambda:{Region}:{Account}:layer:{name}:{v}",
        CreatedDate = "2024-01-31T12:00:00.000+0000",
        Version = v,
        CompatibleRuntimes = ["python3.12"],
        Description = $"layer {v}",
    };

    [Fact]
    public void NewInstance_AfterCreateUpdateVersionsAliasesLayers_ReloadsIdenticalState()
    {
        var registry = new FunctionRegistry(_state.Store);
        var key = new FunctionKey(Account, Region, "fn");
        var other = new FunctionKey(Account, Region, "other");
        var l1 = registry.PublishLayer(Account, Region, "deps", v => Layer("deps", v));
        var l2 = registry.PublishLayer(Account, Region, "deps", v => Layer("deps", v));
        registry.PublishLayer(Account, Region, "tools", v => Layer("tools", v));

        registry.Create(TestState.State(key) with { Tags = ImmutableDictionary<string, string>.Empty.Add("team", "a") });
        registry.Create(TestState.State(other));
        registry.Update(key, s => s with
        {
            Latest = s.Latest with
            {
                MemorySize = 512,
                Environment = new EnvironmentResponse(new Dictionary<string, string> { ["K"] = "V" }),
                Layers = [new LayerRef(l1.LayerVersionArn, 10) { CodeHex = "deps1" }],
            },
            ReservedConcurrency = 5,
        });
        registry.Update(key, s => s with { Versions = s.Versions.Add(1, Published(key, s.Latest, 1)), LastVersion = 1 });
        registry.Update(key, s => s with { Latest = s.Latest with { Timeout = 60 } });
        registry.Update(key, s => s with { Versions = s.Versions.Add(2, Published(key, s.Latest, 2)), LastVersion = 2 });
        registry.Update(key, s => s with { Versions = s.Versions.Add(3, Published(key, s.Latest, 3)), LastVersion = 3 });
        registry.Update(key, s => s with
        {
            Aliases = s.Aliases
                .Add("live", new AliasConfig(key.ArnFor("live"), "live", "2", "d", new AliasRoutingConfig(new Dictionary<string, double> { ["1"] = 0.25 }), "r1"))
                .Add("old", new AliasConfig(key.ArnFor("old"), "old", "1", "", null, "r2"))
                .Add("gone", new AliasConfig(key.ArnFor("gone"), "gone", "1", "", null, "r3")),
        });
        registry.Update(key, s => s with
        {
            Versions = s.Versions.Remove(3),
            Aliases = s.Aliases.Remove("gone").SetItem("old", s.Aliases["old"] with { FunctionVersion = "2", RevisionId = "r4" }),
        });
        registry.DeleteLayerVersion(Account, Region, "deps", l2.Version);
        var before = registry.List(Account, Region).Select(Dump).ToList();
        var layersBefore = DumpLayers(registry);

        var reloaded = new FunctionRegistry(_state.OpenStore());

        Assert.Equal(before, reloaded.List(Account, Region).Select(Dump).ToList());
        Assert.Equal(layersBefore, DumpLayers(reloaded));
        var state = reloaded.Get(key)!;
        Assert.Equal([1L, 2L], state.Versions.Keys);
        Assert.Equal(["live", "old"], state.Aliases.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("2", state.Aliases["old"].FunctionVersion);
        Assert.Equal(0.25, state.Aliases["live"].RoutingConfig!.AdditionalVersionWeights!["1"]);
        Assert.Equal(3, state.LastVersion);
        Assert.Equal(5, state.ReservedConcurrency);
        Assert.Equal("a", state.Tags["team"]);
        Assert.Equal(60, state.Latest.Timeout);
        Assert.Equal(3, state.Version("1")!.Timeout);
        Assert.Equal("deps1", state.Latest.Layers![0].CodeHex);
        Assert.Null(reloaded.LayerVersion(Account, Region, "deps", 2));
        Assert.NotNull(reloaded.LayerVersion(Account, Region, "deps", 1));
    }

    [Fact]
    public void NewInstance_AfterLayerVersionDeleted_ContinuesNumbering()
    {
        var registry = new FunctionRegistry(_state.Store);
        registry.PublishLayer(Account, Region, "deps", v => Layer("deps", v));
        registry.PublishLayer(Account, Region, "deps", v => Layer("deps", v));
        registry.DeleteLayerVersion(Account, Region, "deps", 2);

        var reloaded = new FunctionRegistry(_state.OpenStore());
        var next = reloaded.PublishLayer(Account, Region, "deps", v => Layer("deps", v));

        Assert.Equal(3, next.Version);
        Assert.Equal([1L, 3L], reloaded.LayerVersions(Account, Region, "deps").Keys);
    }

    [Fact]
    public void NewInstance_AfterDelete_FunctionIsGone()
    {
        var registry = new FunctionRegistry(_state.Store);
        var key = new FunctionKey(Account, Region, "fn");
        registry.Create(TestState.State(key));
        registry.Update(key, s => s with { Versions = s.Versions.Add(1, Published(key, s.Latest, 1)), LastVersion = 1 });
        registry.Delete(key);

        var reloaded = new FunctionRegistry(_state.OpenStore());

        Assert.Null(reloaded.Get(key));
        Assert.Empty(reloaded.List(Account, Region));
        using var c = _state.Store.Open();
        Assert.Equal(0L, (long)Nimbus.Storage.Sqlite.SqliteExtensions.Scalar(c, "SELECT COUNT(*) FROM lambda_versions")!);
    }

    [Fact]
    public void Create_Duplicate_ThrowsResourceConflict()
    {
        var registry = new FunctionRegistry(_state.Store);
        var key = new FunctionKey(Account, Region, "fn");
        registry.Create(TestState.State(key));

        var e = Assert.Throws<AwsServiceException>(() => registry.Create(TestState.State(key)));

        Assert.Equal("ResourceConflictException", e.Error.Code);
        Assert.Equal(409, e.Error.StatusCode);
        Assert.Equal("Function already exist: fn", e.Error.Message);
    }

    [Fact]
    public void GetOrThrow_Missing_ThrowsResourceNotFoundWithArn()
    {
        var registry = new FunctionRegistry(_state.Store);
        var key = new FunctionKey(Account, Region, "missing");

        var e = Assert.Throws<AwsServiceException>(() => registry.GetOrThrow(key));

        Assert.Equal("ResourceNotFoundException", e.Error.Code);
        Assert.Equal(404, e.Error.StatusCode);
        Assert.Equal($"Function not found: arn:aws:lambda:{Region}:{Account}:function:missing", e.Error.Message);
    }

    [Fact]
    public void List_OtherAccountOrRegion_IsScoped()
    {
        var registry = new FunctionRegistry(_state.Store);
        registry.Create(TestState.State(new FunctionKey(Account, Region, "b")));
        registry.Create(TestState.State(new FunctionKey(Account, Region, "a")));
        registry.Create(TestState.State(new FunctionKey("999999999999", Region, "a")));
        registry.Create(TestState.State(new FunctionKey(Account, "us-east-1", "a")));

        Assert.Equal(["a", "b"], registry.List(Account, Region).Select(f => f.Key.Name));
        Assert.Single(registry.List("999999999999", Region));
        Assert.Single(registry.List(Account, "us-east-1"));
    }

    [Fact]
    public void Update_ReturningSameState_DoesNotRaiseChanged()
    {
        var registry = new FunctionRegistry(_state.Store);
        var key = new FunctionKey(Account, Region, "fn");
        registry.Create(TestState.State(key));
        var changes = new List<FunctionState?>();
        registry.Changed += (_, s) => changes.Add(s);

        registry.Update(key, s => s);
        registry.Update(key, s => s with { ReservedConcurrency = 1 });
        registry.Delete(key);

        Assert.Equal(2, changes.Count);
        Assert.Equal(1, changes[0]!.ReservedConcurrency);
        Assert.Null(changes[1]);
    }
}
