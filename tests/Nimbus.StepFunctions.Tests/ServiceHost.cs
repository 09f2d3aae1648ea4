using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Nimbus.Core.Errors;
using Nimbus.Core.Functions;
using Nimbus.Core.Identity;
using Nimbus.Core.Protocols;
using Nimbus.Storage.Sqlite;

namespace Nimbus.StepFunctions.Tests;

/// <summary>The system clock shifted by an offset (a restart "later" without sleeping).</summary>
internal sealed class ShiftedClock(TimeSpan offset) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => base.GetUtcNow() + offset;
}

/// <summary>A Lambda stand-in: echoes the payload with a call counter, or fails for function "boom".</summary>
internal sealed class CountingFunctions : IFunctionInvoker
{
    private int _calls;

    public int Calls => Volatile.Read(ref _calls);

    public ValueTask<FunctionInvocationResult> InvokeAsync(FunctionInvocation invocation, CancellationToken cancellationToken = default)
    {
        var n = Interlocked.Increment(ref _calls);
        if (invocation.FunctionName.EndsWith("boom", StringComparison.Ordinal))
        {
            return ValueTask.FromResult(new FunctionInvocationResult(200, Encoding.UTF8.GetBytes("""{"errorType":"Boom","errorMessage":"bad"}"""), "Unhandled", "$LATEST", null));
        }

        var payload = JsonNode.Parse(invocation.Payload.Span) ?? new JsonObject();
        var result = new JsonObject { ["echo"] = payload, ["call"] = n };
        return ValueTask.FromResult(new FunctionInvocationResult(200, Encoding.UTF8.GetBytes(result.ToJsonString()), null, "$LATEST", null));
    }
}

/// <summary>The Step Functions service in a DI container on a state directory, called like the edge calls it.</summary>
internal sealed class ServiceHost : IAsyncDisposable
{
    private readonly ServiceProvider _provider;
    private readonly List<IHostedService> _hosted;
    private readonly IJsonProtocolService _api;

    private ServiceHost(ServiceProvider provider)
    {
        _provider = provider;
        _api = provider.GetServices<IJsonProtocolService>().Single(s => s.TargetPrefix == "AWSStepFunctions");
        _hosted = [.. provider.GetServices<IHostedService>()];
    }

    public static async Task<ServiceHost> StartAsync(string stateDirectory, IFunctionInvoker? functions = null, TimeProvider? clock = null, Action<StepFunctionsOptions>? configure = null)
    {
        var services = new ServiceCollection();
        var store = new StateStore(stateDirectory);
        services.AddSingleton(store);
        services.AddSingleton(clock ?? TimeProvider.System);
        if (functions is not null)
        {
            services.AddSingleton(functions);
        }

        services.AddSingleton<Nimbus.Core.Services.IAwsServiceCaller>(new QueueSink());
        services.AddNimbusStepFunctions(configure);
        var provider = services.BuildServiceProvider();
        store.Migrate(provider.GetServices<IMigrationSource>());
        var host = new ServiceHost(provider);
        foreach (var h in host._hosted)
        {
            await h.StartAsync(CancellationToken.None);
        }

        return host;
    }

    public T Service<T>()
        where T : notnull => _provider.GetRequiredService<T>();

    /// <summary>Calls an operation; AWS errors come back as <c>{"__type": code, "message": …}</c>.</summary>
    public async Task<JsonObject> CallAsync(string operation, JsonObject body)
    {
        var http = new DefaultHttpContext();
        http.Request.Method = "POST";
        http.Request.Headers["X-Amz-Target"] = "AWSStepFunctions." + operation;
        http.Request.Body = new MemoryStream(Encoding.UTF8.GetBytes(body.ToJsonString()));
        http.Response.Body = new MemoryStream();
        try
        {
            await _api.HandleAsync(http, operation, new AwsRequestContext(AwsRequestContext.DefaultAccountId, AwsRequestContext.DefaultRegion, RequestIds.New()));
        }
        catch (AwsServiceException e)
        {
            return JsonNode.Parse(ErrorWriter.AwsJson(e.Error))!.AsObject();
        }

        Assert.Equal("application/x-amz-json-1.0", http.Response.ContentType);
        return JsonNode.Parse(((MemoryStream)http.Response.Body).ToArray())!.AsObject();
    }

    public async Task<JsonObject> OkAsync(string operation, JsonObject body)
    {
        var r = await CallAsync(operation, body);
        Assert.False(r.ContainsKey("__type"), $"{operation} failed: {r.ToJsonString()}");
        return r;
    }

    public async Task<string> CreateMachineAsync(string name, string definition, string type = "STANDARD") =>
        (await OkAsync("CreateStateMachine", new JsonObject { ["name"] = name, ["definition"] = definition, ["roleArn"] = "arn:aws:iam::000000000000:role/sfn", ["type"] = type }))["stateMachineArn"]!.GetValue<string>();

    public async Task<string> StartAsync(string machineArn, string input = "{}", string? name = null)
    {
        var body = new JsonObject { ["stateMachineArn"] = machineArn, ["input"] = input };
        if (name is not null)
        {
            body["name"] = name;
        }

        return (await OkAsync("StartExecution", body))["executionArn"]!.GetValue<string>();
    }

    public Task<JsonObject> DescribeAsync(string executionArn) => OkAsync("DescribeExecution", new JsonObject { ["executionArn"] = executionArn });

    /// <summary>Polls until <paramref name="condition"/> holds (deadline 20 s).</summary>
    public static async Task<T> PollAsync<T>(Func<Task<T>> read, Func<T, bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (true)
        {
            var value = await read();
            if (condition(value))
            {
                return value;
            }

            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"Timed out waiting for {what}; last: {value}");
            }

            await Task.Delay(20);
        }
    }

    public Task<JsonObject> WaitForStatusAsync(string executionArn, string status) =>
        PollAsync(() => DescribeAsync(executionArn), d => d["status"]!.GetValue<string>() == status, $"{executionArn} to be {status}");

    public async Task<List<JsonObject>> HistoryAsync(string executionArn, int pageSize = 0, bool reverse = false)
    {
        var all = new List<JsonObject>();
        string? token = null;
        do
        {
            var body = new JsonObject { ["executionArn"] = executionArn, ["maxResults"] = pageSize, ["reverseOrder"] = reverse };
            if (token is not null)
            {
                body["nextToken"] = token;
            }

            var page = await OkAsync("GetExecutionHistory", body);
            all.AddRange(page["events"]!.AsArray().Select(e => e!.AsObject()));
            token = page["nextToken"]?.GetValue<string>();
        }
        while (token is not null);
        return all;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var h in _hosted)
        {
            await h.StopAsync(CancellationToken.None);
        }

        await _provider.DisposeAsync();
    }
}

internal sealed class TempDir : IDisposable
{
    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "nimbus-sfn-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

/// <summary>Stands in for SQS behind <c>sqs:sendMessage</c> integrations: accepts every message and keeps it.</summary>
internal sealed class QueueSink : Nimbus.Core.Services.IAwsServiceCaller
{
    public System.Collections.Concurrent.ConcurrentQueue<System.Text.Json.Nodes.JsonObject> Sent { get; } = new();

    public bool Has(string service) => service == "sqs";

    public Task<System.Text.Json.Nodes.JsonNode?> CallAsync(
        string service, string operation, System.Text.Json.Nodes.JsonObject input, Nimbus.Core.Identity.AwsRequestContext caller, CancellationToken cancellationToken = default)
    {
        Sent.Enqueue(input);
        return Task.FromResult<System.Text.Json.Nodes.JsonNode?>(new System.Text.Json.Nodes.JsonObject { ["MessageId"] = Guid.NewGuid().ToString(), ["MD5OfMessageBody"] = "0" });
    }
}
