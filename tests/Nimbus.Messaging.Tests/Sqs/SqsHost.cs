using System.Text.Json.Nodes;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Nimbus.Core.Errors;
using Nimbus.Core.Identity;
using Nimbus.Messaging.Sqs;
using Nimbus.Storage.Sqlite;

namespace Nimbus.Messaging.Tests.Sqs;

/// <summary>A clock that only moves when told (timers still run in real time, so long polls end).</summary>
internal sealed class ManualClock : TimeProvider
{
    private long _ticks = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero).UtcTicks;

    public override DateTimeOffset GetUtcNow() => new(Interlocked.Read(ref _ticks), TimeSpan.Zero);

    public void Advance(TimeSpan by) => Interlocked.Add(ref _ticks, by.Ticks);
}

/// <summary>The messaging module in a DI container on a state directory; SQS operations called as the front ends call them.</summary>
internal sealed class SqsHost : IAsyncDisposable
{
    private readonly ServiceProvider _provider;

    private SqsHost(ServiceProvider provider)
    {
        _provider = provider;
        Service = provider.GetRequiredService<SqsService>();
    }

    public SqsService Service { get; }

    public IServiceProvider Services => _provider;

    public static SqsHost Start(string stateDirectory, TimeProvider? clock = null)
    {
        var services = new ServiceCollection();
        var store = new StateStore(stateDirectory);
        services.AddSingleton(store);
        services.AddSingleton(clock ?? TimeProvider.System);
        services.AddNimbusMessaging();
        var provider = services.BuildServiceProvider();
        store.Migrate(provider.GetServices<IMigrationSource>());
        return new SqsHost(provider);
    }

    public static SqsContext Context { get; } = new(new AwsRequestContext(AwsRequestContext.DefaultAccountId, AwsRequestContext.DefaultRegion, "req"), "http://localhost:4566");

    public Task<JsonObject> CallAsync(string operation, JsonObject input, CancellationToken cancellationToken = default) =>
        Service.InvokeAsync(operation, input, Context, cancellationToken);

    /// <summary>Calls an operation expected to fail and returns the AWS error.</summary>
    public async Task<AwsError> FailAsync(string operation, JsonObject input)
    {
        var e = await Assert.ThrowsAsync<AwsServiceException>(() => CallAsync(operation, input));
        return e.Error;
    }

    public async Task<string> CreateQueueAsync(string name, JsonObject? attributes = null)
    {
        var input = new JsonObject { ["QueueName"] = name };
        if (attributes is not null)
        {
            input["Attributes"] = attributes;
        }

        return (await CallAsync("CreateQueue", input))["QueueUrl"]!.GetValue<string>();
    }

    public async Task<JsonObject> SendAsync(string url, string body, string? group = null, string? dedup = null)
    {
        var input = new JsonObject { ["QueueUrl"] = url, ["MessageBody"] = body };
        if (group is not null)
        {
            input["MessageGroupId"] = group;
        }

        if (dedup is not null)
        {
            input["MessageDeduplicationId"] = dedup;
        }

        return await CallAsync("SendMessage", input);
    }

    public async Task<List<JsonObject>> ReceiveAsync(string url, int max = 10, int wait = 0, int? visibility = null, string? attemptId = null)
    {
        var input = new JsonObject
        {
            ["QueueUrl"] = url, ["MaxNumberOfMessages"] = max, ["WaitTimeSeconds"] = wait,
            ["MessageSystemAttributeNames"] = new JsonArray("All"), ["MessageAttributeNames"] = new JsonArray("All"),
        };
        if (visibility is not null)
        {
            input["VisibilityTimeout"] = visibility;
        }

        if (attemptId is not null)
        {
            input["ReceiveRequestAttemptId"] = attemptId;
        }

        var result = await CallAsync("ReceiveMessage", input);
        return (result["Messages"] as JsonArray)?.Select(m => m!.AsObject()).ToList() ?? [];
    }

    public async Task<string> AttributeAsync(string url, string name) =>
        (await CallAsync("GetQueueAttributes", new JsonObject { ["QueueUrl"] = url, ["AttributeNames"] = new JsonArray(name) }))["Attributes"]![name]!.GetValue<string>();

    public ValueTask DisposeAsync() => _provider.DisposeAsync();
}

internal sealed class TempDir : IDisposable
{
    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "nimbus-sqs-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
