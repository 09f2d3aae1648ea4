using System.Text;
using System.Text.Json.Nodes;
using Nimbus.Core.Functions;
using Nimbus.Gateway.Management;
using Nimbus.Gateway.Protection;
using Nimbus.Gateway.Serving;
using Nimbus.Storage.Sqlite;

namespace Nimbus.Gateway.Tests;

/// <summary>An InvokeDispatcher with the real protection pipeline over a temporary state directory, and a scripted invoker.</summary>
internal sealed class ProtectionHarness : IDisposable
{
    public const string Account = "123456789012";
    public const string Region = "eu-west-1";

    public ProtectionHarness(string? dir = null)
    {
        Dir = dir ?? Path.Combine(Path.GetTempPath(), "nimbus-gwp-" + Guid.NewGuid().ToString("N"));
        var state = new StateStore(Dir);
        state.Migrate([new GatewayMigrations(), new ProtectionMigrations()]);
        Plans = new UsagePlanStore(state, TimeProvider.System);
        Invoker = new ScriptedInvoker();
        AuthorizerCache = new AuthorizerCache(TimeProvider.System);
        Cache = new ResponseCache(TimeProvider.System);
        var lambdas = new LambdaAuthorizers(Invoker, AuthorizerCache);
        Pipeline = new ProtectionPipeline(lambdas, new JwtValidator(new HttpClient(), TimeProvider.System), new Throttles(), Plans, Cache, TimeProvider.System);
        Dispatcher = new InvokeDispatcher(Invoker, new HttpProxyForwarder(new HttpClient()), TimeProvider.System, Pipeline);
    }

    public string Dir { get; }

    public UsagePlanStore Plans { get; }

    public ScriptedInvoker Invoker { get; }

    public AuthorizerCache AuthorizerCache { get; }

    public ResponseCache Cache { get; }

    public ProtectionPipeline Pipeline { get; }

    public InvokeDispatcher Dispatcher { get; }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Dir, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    /// <summary>A deployed REST API with one resource <c>/items/{id}</c> whose GET method has the given settings.</summary>
    public static ApiEntry RestApi(JsonObject method, JsonObject? authorizers = null, JsonObject? stageExtra = null, string apiKeySource = "HEADER", string apiId = "restapi001")
    {
        method["httpMethod"] ??= "GET";
        method["methodIntegration"] ??= new JsonObject { ["type"] = "AWS_PROXY", ["httpMethod"] = "POST", ["uri"] = "backend", ["timeoutInMillis"] = 29000 };
        var resources = new JsonObject
        {
            ["root"] = new JsonObject { ["id"] = "root", ["path"] = "/" },
            ["res1"] = new JsonObject { ["id"] = "res1", ["parentId"] = "root", ["pathPart"] = "items", ["path"] = "/items" },
            ["res2"] = new JsonObject
            {
                ["id"] = "res2", ["parentId"] = "res1", ["pathPart"] = "{id}", ["path"] = "/items/{id}",
                ["resourceMethods"] = new JsonObject { ["GET"] = method, ["POST"] = method.DeepClone() },
            },
        };
        var stage = new JsonObject { ["stageName"] = "prod", ["deploymentId"] = "d1", ["variables"] = new JsonObject { ["v"] = "1" }, ["methodSettings"] = new JsonObject() };
        foreach (var (k, v) in stageExtra ?? [])
        {
            stage[k] = v?.DeepClone();
        }

        var doc = new JsonObject
        {
            ["api"] = new JsonObject { ["id"] = apiId, ["name"] = "t", ["apiKeySource"] = apiKeySource },
            ["resources"] = resources,
            ["snapshots"] = new JsonObject { ["d1"] = new JsonObject { ["resources"] = resources.DeepClone() } },
            ["stages"] = new JsonObject { ["prod"] = stage },
            ["authorizers"] = authorizers ?? new JsonObject(),
        };
        return StageCompiler.Publish(new ApiEntry(apiId, ApiKind.Rest, Account, Region, doc));
    }

    /// <summary>A deployed HTTP API with route <c>GET /items/{id}</c> (payload <paramref name="version"/>) carrying the given route fields.</summary>
    public static ApiEntry HttpApi(JsonObject route, JsonObject? authorizers = null, string version = "2.0", JsonObject? stageExtra = null)
    {
        route["routeId"] = "r1";
        route["routeKey"] ??= "GET /items/{id}";
        route["target"] = "integrations/i1";
        var doc = new JsonObject
        {
            ["api"] = new JsonObject { ["name"] = "h" },
            ["integrations"] = new JsonObject
            {
                ["i1"] = new JsonObject { ["integrationId"] = "i1", ["integrationType"] = "AWS_PROXY", ["integrationUri"] = "backend", ["payloadFormatVersion"] = version, ["timeoutInMillis"] = 30000 },
            },
            ["routes"] = new JsonObject { ["r1"] = route },
            ["authorizers"] = authorizers ?? new JsonObject(),
        };
        doc["snapshots"] = new JsonObject { ["d1"] = StageCompiler.HttpSnapshot(doc) };
        var stage = new JsonObject { ["stageName"] = "$default", ["deploymentId"] = "d1", ["stageVariables"] = new JsonObject() };
        foreach (var (k, v) in stageExtra ?? [])
        {
            stage[k] = v?.DeepClone();
        }

        doc["stages"] = new JsonObject { ["$default"] = stage };
        return StageCompiler.Publish(new ApiEntry("httpapi001", ApiKind.Http, Account, Region, doc));
    }

    public static GatewayRequest Request(string method, string path, params (string Name, string Value)[] headers)
    {
        var query = "";
        var q = path.IndexOf('?', StringComparison.Ordinal);
        if (q >= 0)
        {
            query = path[(q + 1)..];
            path = path[..q];
        }

        return new GatewayRequest(method, path, query, [new("Host", "x.execute-api.localhost"), .. headers.Select(h => new KeyValuePair<string, string>(h.Name, h.Value))],
            ReadOnlyMemory<byte>.Empty, "10.0.0.1", "HTTP/1.1", "x.execute-api.localhost", 4566);
    }

    /// <summary>The event the backend function received last.</summary>
    public JsonObject LastBackendEvent() =>
        JsonNode.Parse(Invoker.Calls.Last(c => c.FunctionName == "backend").Payload.Span)!.AsObject();

    public int Calls(string function) => Invoker.Calls.Count(c => c.FunctionName == function);

    public static string Body(GatewayResponse r) => Encoding.UTF8.GetString(r.Body);
}

/// <summary>Answers each function by name with a scripted JSON result (or a function error).</summary>
internal sealed class ScriptedInvoker : IFunctionInvoker
{
    private readonly object _gate = new();

    public List<FunctionInvocation> Calls { get; } = [];

    public Dictionary<string, Func<JsonObject, string>> Answers { get; } = new()
    {
        ["backend"] = _ => "{\"statusCode\":200,\"body\":\"ok\"}",
    };

    public HashSet<string> Failing { get; } = [];

    public ValueTask<FunctionInvocationResult> InvokeAsync(FunctionInvocation invocation, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            Calls.Add(invocation);
        }

        var ev = JsonNode.Parse(invocation.Payload.Span)!.AsObject();
        var payload = Answers.TryGetValue(invocation.FunctionName, out var answer) ? answer(ev) : "{}";
        return ValueTask.FromResult(new FunctionInvocationResult(200, Encoding.UTF8.GetBytes(payload), Failing.Contains(invocation.FunctionName) ? "Unhandled" : null, "$LATEST", null));
    }
}
