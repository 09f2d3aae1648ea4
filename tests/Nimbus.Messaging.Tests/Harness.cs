using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging.Abstractions;
using Nimbus.Core.Identity;
using Nimbus.Core.Targets;
using Nimbus.Messaging.Events;
using Nimbus.Messaging.Sns;
using Nimbus.Storage.Sqlite;

namespace Nimbus.Messaging.Tests;

/// <summary>A clock the test moves by hand.</summary>
internal sealed class ManualClock : TimeProvider
{
    public DateTimeOffset Now { get; set; } = new(2026, 1, 5, 10, 0, 0, TimeSpan.Zero);

    public override DateTimeOffset GetUtcNow() => Now;

    public void Advance(TimeSpan by) => Now += by;
}

/// <summary>Records deliveries; fails those whose ARN is in <see cref="Failing"/>.</summary>
internal sealed class FakeTarget(string service) : IArnTarget
{
    public List<(Arn Arn, ArnMessage Message)> Deliveries { get; } = [];

    public HashSet<string> Failing { get; } = [];

    public string Service => service;

    public Task<ArnDeliveryResult> DeliverAsync(Arn arn, ArnMessage message, CancellationToken cancellationToken)
    {
        lock (Deliveries)
        {
            if (Failing.Contains(arn.ToString()))
            {
                throw new ArnDeliveryException("AWS.SimpleQueueService.NonExistentQueue", "down");
            }

            Deliveries.Add((arn, message));
        }

        return Task.FromResult(new ArnDeliveryResult(Guid.NewGuid().ToString()));
    }
}

/// <summary>SNS and EventBridge wired by hand over a temporary SQLite store, with fake sqs and lambda targets.</summary>
internal sealed class Harness : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "nimbus-msg-" + Guid.NewGuid().ToString("N"));

    public Harness(string? dir = null, ManualClock? clock = null, HttpMessageHandler? http = null)
    {
        _dir = dir ?? _dir;
        Clock = clock ?? new ManualClock();
        State = new StateStore(_dir);
        State.Migrate([new SnsMigrations(), new EventsMigrations()]);
        SnsStore = new SnsStore(State);
        var signal = new SnsDeliverySignal();
        Publisher = new SnsPublisher(SnsStore, signal, Clock);
        EventsStore = new EventsStore(State, Clock);
        Router = new EventRouter(EventsStore, new EventsDeliverySignal(), Clock);
        Targets = new ArnTargets([Sqs, Lambda, new SnsArnTarget(SnsStore, Publisher), new EventsArnTarget(EventsStore, Router)]);
        Sns = new SnsApi(SnsStore, Publisher, Clock);
        SnsWorker = new SnsDeliveryWorker(SnsStore, signal, Targets, new SnsHttp(new HttpClient(http ?? new HttpClientHandler())), Clock, NullLogger<SnsDeliveryWorker>.Instance);
        Events = new EventsApi(EventsStore, Router, Clock);
        EventsWorker = new EventsDeliveryWorker(EventsStore, new EventsDeliverySignal(), Targets, Clock, NullLogger<EventsDeliveryWorker>.Instance);
        Scheduler = new EventScheduler(EventsStore, Router, Clock);
    }

    public string Directory => _dir;

    public ManualClock Clock { get; }

    public StateStore State { get; }

    public FakeTarget Sqs { get; } = new("sqs");

    public FakeTarget Lambda { get; } = new("lambda");

    public ArnTargets Targets { get; }

    public SnsStore SnsStore { get; }

    public SnsPublisher Publisher { get; }

    public SnsApi Sns { get; }

    public SnsDeliveryWorker SnsWorker { get; }

    public EventsStore EventsStore { get; }

    public EventRouter Router { get; }

    public EventsApi Events { get; }

    public EventsDeliveryWorker EventsWorker { get; }

    public EventScheduler Scheduler { get; }

    public static AwsRequestContext Caller => new(AwsRequestContext.DefaultAccountId, AwsRequestContext.DefaultRegion, Guid.NewGuid().ToString());

    /// <summary>Calls an SNS action; returns (status, body).</summary>
    public async Task<(int Status, string Body)> SnsAsync(string action, params (string, string)[] parameters)
    {
        var http = new DefaultHttpContext();
        http.Request.Scheme = "http";
        http.Request.Host = new HostString("localhost:4566");
        http.Response.Body = new MemoryStream();
        var p = parameters.ToDictionary(x => x.Item1, x => x.Item2);
        try
        {
            await Sns.HandleAsync(http, action, p, Caller);
        }
        catch (Core.Errors.AwsServiceException e)
        {
            return (e.Error.StatusCode, e.Error.Code + ": " + e.Error.Message);
        }

        return (http.Response.StatusCode, Encoding.UTF8.GetString(((MemoryStream)http.Response.Body).ToArray()));
    }

    /// <summary>Calls an EventBridge operation with a JSON body; returns (status, body or "Code: message").</summary>
    public async Task<(int Status, string Body)> EventsAsync(string operation, string json)
    {
        var http = new DefaultHttpContext();
        http.Request.Body = new MemoryStream(Encoding.UTF8.GetBytes(json));
        http.Response.Body = new MemoryStream();
        try
        {
            await Events.HandleAsync(http, operation, Caller);
        }
        catch (Core.Errors.AwsServiceException e)
        {
            return (e.Error.StatusCode, e.Error.Code + ": " + e.Error.Message);
        }

        return (http.Response.StatusCode, Encoding.UTF8.GetString(((MemoryStream)http.Response.Body).ToArray()));
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            System.IO.Directory.Delete(_dir, true);
        }
        catch (IOException)
        {
            // Best effort.
        }
    }
}
