using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging.Abstractions;
using Nimbus.Core.Errors;
using Nimbus.Core.Identity;
using Nimbus.Core.Targets;
using Nimbus.Messaging.Scheduler;
using Nimbus.Storage.Sqlite;

namespace Nimbus.Messaging.Tests.Scheduler;

/// <summary>EventBridge Scheduler wired by hand over a temporary SQLite store, a manual clock and fake targets.</summary>
internal sealed class SchedulerHarness : IDisposable
{
    public const string Queue = "arn:aws:sqs:us-east-1:000000000000:q";
    public const string Dlq = "arn:aws:sqs:us-east-1:000000000000:dlq";
    public const string Function = "arn:aws:lambda:us-east-1:000000000000:function:f";
    public const string Role = "arn:aws:iam::000000000000:role/r";

    private readonly string _dir;

    public SchedulerHarness(string? dir = null, ManualClock? clock = null)
    {
        _dir = dir ?? Path.Combine(Path.GetTempPath(), "nimbus-sched-" + Guid.NewGuid().ToString("N"));
        Clock = clock ?? new ManualClock();
        State = new StateStore(_dir);
        State.Migrate([new SchedulerMigrations()]);
        Store = new SchedulerStore(State, Clock);
        var signal = new SchedulerSignal();
        Targets = new ArnTargets([Sqs, Lambda, Events, States]);
        Service = new SchedulerService(Store, Targets, signal, Clock);
        Api = new SchedulerApi(Service, NullLogger<SchedulerApi>.Instance);
        ScheduleClock = new ScheduleClock(Store, signal, Clock, NullLogger<ScheduleClock>.Instance);
        Worker = new SchedulerDeliveryWorker(Store, signal, Targets, Clock, NullLogger<SchedulerDeliveryWorker>.Instance);
    }

    public string Directory => _dir;

    public ManualClock Clock { get; }

    public StateStore State { get; }

    public SchedulerStore Store { get; }

    public FakeTarget Sqs { get; } = new("sqs");

    public FakeTarget Lambda { get; } = new("lambda");

    public FakeTarget Events { get; } = new("events");

    public FakeTarget States { get; } = new("states");

    public ArnTargets Targets { get; }

    public SchedulerService Service { get; }

    public SchedulerApi Api { get; }

    public ScheduleClock ScheduleClock { get; }

    public SchedulerDeliveryWorker Worker { get; }

    public static AwsRequestContext Caller => new(AwsRequestContext.DefaultAccountId, AwsRequestContext.DefaultRegion, Guid.NewGuid().ToString());

    /// <summary>A CreateSchedule input: the expression and a target, with extra members merged in.</summary>
    public static JsonObject Schedule(string name, string expression, string targetArn = Queue, string? extra = null)
    {
        var input = new JsonObject
        {
            ["Name"] = name,
            ["ScheduleExpression"] = expression,
            ["FlexibleTimeWindow"] = new JsonObject { ["Mode"] = "OFF" },
            ["Target"] = new JsonObject { ["Arn"] = targetArn, ["RoleArn"] = Role },
        };
        if (extra is not null)
        {
            foreach (var (k, v) in JsonNode.Parse(extra)!.AsObject())
            {
                input[k] = v?.DeepClone();
            }
        }

        return input;
    }

    /// <summary>Runs the clock once, then drains the outbox; returns how many schedules fired.</summary>
    public async Task<int> TickAsync()
    {
        var fired = ScheduleClock.Tick();
        await Worker.DrainAsync();
        return fired;
    }

    /// <summary>The error a service call throws, as "Code (status): message".</summary>
    public static string Error(Action call)
    {
        var e = Assert.Throws<AwsServiceException>(call);
        return $"{e.Error.Code} ({e.Error.StatusCode}): {e.Error.Message}";
    }

    /// <summary>Sends one HTTP request through the restJson1 front end; returns status, error type header and body.</summary>
    public async Task<(int Status, string ErrorType, string Body)> HttpAsync(string method, string pathAndQuery, string? body = null)
    {
        var http = new DefaultHttpContext();
        var q = pathAndQuery.IndexOf('?', StringComparison.Ordinal);
        http.Request.Method = method;
        http.Request.Path = q < 0 ? pathAndQuery : pathAndQuery[..q];
        http.Request.QueryString = q < 0 ? QueryString.Empty : new QueryString(pathAndQuery[q..]);
        http.Request.Headers.Authorization = "AWS4-HMAC-SHA256 Credential=test/20260105/us-east-1/scheduler/aws4_request, SignedHeaders=host, Signature=x";
        http.Request.Body = new MemoryStream(Encoding.UTF8.GetBytes(body ?? ""));
        http.Response.Body = new MemoryStream();
        Assert.True(SchedulerApi.Claims(http));
        await Api.HandleAsync(http);
        return (http.Response.StatusCode, http.Response.Headers["x-amzn-ErrorType"].ToString(), Encoding.UTF8.GetString(((MemoryStream)http.Response.Body).ToArray()));
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
