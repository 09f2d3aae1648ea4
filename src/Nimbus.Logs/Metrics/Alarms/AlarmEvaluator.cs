using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Nimbus.Logs.Metrics.Publishing;
using Nimbus.Logs.Metrics.Store;

namespace Nimbus.Logs.Metrics.Alarms;

/// <summary>Evaluates every alarm once per period (at most once a minute, as CloudWatch does), flushes the built-in metrics and
/// trims old datapoints.</summary>
/// <remarks>All timing comes from <see cref="TimeProvider"/> and <see cref="MetricsOptions.TimeScale"/>. The last evaluation
/// time of each alarm is kept in memory: after a restart every alarm is evaluated on the first tick, which only re-derives
/// its state from the stored datapoints.</remarks>
internal sealed partial class AlarmEvaluator(
    AlarmStore alarms, MetricStore metrics, MetricAggregator aggregator, AlarmTransitions transitions, MetricsOptions options, TimeProvider time,
    ILogger<AlarmEvaluator> logger) : BackgroundService
{
    private readonly Dictionary<(string, string, string), DateTimeOffset> _lastEvaluated = [];
    private DateTimeOffset _lastFlush = DateTimeOffset.MinValue;
    private DateTimeOffset _lastTrim = DateTimeOffset.MinValue;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(options.Scaled(options.EvaluationTick) < TimeSpan.FromMilliseconds(50) ? TimeSpan.FromMilliseconds(50) : options.Scaled(options.EvaluationTick), time, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }

            try
            {
                Tick();
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // A failed round must not stop the service (an exception escaping a BackgroundService stops the host).
                Log.TickFailed(logger, e);
            }
        }

        Flush();
    }

    /// <summary>One round: flush when due, evaluate the alarms whose interval has passed, trim once an hour.</summary>
    public void Tick()
    {
        var now = time.GetUtcNow();
        if (now - _lastFlush >= options.Scaled(options.FlushInterval))
        {
            Flush();
        }

        EvaluateDue(now, force: false);
        if (now - _lastTrim >= TimeSpan.FromHours(1))
        {
            _lastTrim = now;
            metrics.Trim();
            alarms.TrimHistory();
        }
    }

    /// <summary>Writes the aggregated built-in metrics to the store.</summary>
    public void Flush()
    {
        _lastFlush = time.GetUtcNow();
        foreach (var group in aggregator.Drain().GroupBy(d => (d.Account, d.Region)))
        {
            metrics.Insert(group.Key.Account, group.Key.Region, group.Select(d => d.Datum).ToList());
        }
    }

    /// <summary>Evaluates every alarm now (tests), or only those whose interval has passed.</summary>
    public void EvaluateDue(DateTimeOffset now, bool force)
    {
        var due = new List<MetricAlarm>();
        lock (_lastEvaluated)
        {
            foreach (var alarm in alarms.List(null, null).Where(a => a.IsEvaluated))
            {
                var key = (alarm.AccountId, alarm.Region, alarm.Name);
                var interval = options.Scaled(TimeSpan.FromSeconds(Math.Min(alarm.Definition.Period, 60)));
                if (force || !_lastEvaluated.TryGetValue(key, out var last) || now - last >= interval)
                {
                    _lastEvaluated[key] = now;
                    due.Add(alarm);
                }
            }
        }

        if (due.Count > 0)
        {
            Flush();
        }

        foreach (var alarm in due)
        {
            try
            {
                Evaluate(alarm, now);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // One alarm that cannot be evaluated must not keep the others from it.
                Log.AlarmFailed(logger, e, alarm.Name);
            }
        }
    }

    /// <summary>Evaluates one alarm against its metric and moves it to the resulting state.</summary>
    public void Evaluate(MetricAlarm alarm, DateTimeOffset now)
    {
        var definition = alarm.Definition;
        var (from, to) = AlarmEvaluation.Range(definition, now);
        var data = metrics.Query(alarm.AccountId, alarm.Region, definition.Metric, from, to, definition.Unit);
        if (AlarmEvaluation.Evaluate(definition, data, now) is { } outcome)
        {
            transitions.Apply(alarm, outcome.State, outcome.Reason, outcome.ReasonData, keepWhenUnchanged: true);
        }
    }

    /// <summary>Starts the alarm's evaluation interval afresh (after SetAlarmState: the state holds until the next evaluation).</summary>
    public void Defer(string account, string region, string name)
    {
        lock (_lastEvaluated)
        {
            _lastEvaluated[(account, region, name)] = time.GetUtcNow();
        }
    }

    /// <summary>Forgets when an alarm was last evaluated, so a new or updated alarm is evaluated on the next tick.</summary>
    public void Reset(string account, string region, string name)
    {
        lock (_lastEvaluated)
        {
            _lastEvaluated.Remove((account, region, name));
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 7101, Level = LogLevel.Warning, Message = "Alarm evaluation round failed")]
        public static partial void TickFailed(ILogger logger, Exception exception);

        [LoggerMessage(EventId = 7102, Level = LogLevel.Warning, Message = "Evaluating alarm {AlarmName} failed")]
        public static partial void AlarmFailed(ILogger logger, Exception exception, string alarmName);
    }
}
