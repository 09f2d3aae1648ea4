using System.Text.Json.Nodes;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Nimbus.Core.Errors;
using Nimbus.Core.Identity;
using Nimbus.Core.Targets;
using Nimbus.Logs.Metrics;
using Nimbus.Logs.Metrics.Alarms;
using Nimbus.Logs.Metrics.Api;
using Nimbus.Logs.Metrics.Publishing;
using Nimbus.Logs.Metrics.Store;
using Nimbus.Storage.Sqlite;

namespace Nimbus.Logs.Tests.Metrics;

/// <summary>A migrated store in a temporary directory with the whole metrics service over it and one fake clock.</summary>
internal sealed class MetricsTestState : IDisposable
{
    public static readonly AwsRequestContext Caller = new("123456789012", "us-east-1", "req");

    public MetricsTestState(IArnTargets? targets = null)
    {
        Directory = Path.Combine(Path.GetTempPath(), "nimbus-metrics-tests-" + Guid.NewGuid().ToString("N"));
        Store = new StateStore(Directory);
        Store.Migrate([new MetricsMigrations()]);
        Metrics = new MetricStore(Store, Options, Time);
        Alarms = new AlarmStore(Store, Options);
        Aggregator = new MetricAggregator(Time);
        Transitions = new AlarmTransitions(Alarms, Time, targets);
        Evaluator = new AlarmEvaluator(Alarms, Metrics, Aggregator, Transitions, Options, Time, NullLogger<AlarmEvaluator>.Instance);
        Service = new AlarmService(Alarms, Transitions, Evaluator, Time);
        Api = new CloudWatchApi(Metrics, Alarms, Service, Evaluator, Time);
    }

    /// <summary>Starts on a minute boundary, so periods line up with whole minutes of the test.</summary>
    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 11, 27, 10, 0, 0, TimeSpan.Zero));

    public MetricsOptions Options { get; } = new();

    public string Directory { get; }

    public StateStore Store { get; }

    public MetricStore Metrics { get; }

    public AlarmStore Alarms { get; }

    public MetricAggregator Aggregator { get; }

    public AlarmTransitions Transitions { get; }

    public AlarmEvaluator Evaluator { get; }

    public AlarmService Service { get; }

    public CloudWatchApi Api { get; }

    public JsonObject Call(string operation, string json) => Api.Invoke(operation, JsonNode.Parse(json)!.AsObject(), Caller);

    public AwsError Fail(string operation, string json) => Assert.Throws<AwsServiceException>(() => Call(operation, json)).Error;

    /// <summary>Puts one value of <c>App/Errors</c> at the current fake time.</summary>
    public void Put(double value, string metric = "Errors") =>
        Call("PutMetricData", $$"""{"Namespace":"App","MetricData":[{"MetricName":"{{metric}}","Value":{{value}},"Unit":"Count"}]}""");

    public MetricAlarm Alarm(string name) => Alarms.Get(Caller.AccountId, Caller.Region, name)!;

    /// <summary>Evaluates every alarm at the current fake time.</summary>
    public void Evaluate() => Evaluator.EvaluateDue(Time.GetUtcNow(), force: true);

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        if (System.IO.Directory.Exists(Directory))
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
    }
}
