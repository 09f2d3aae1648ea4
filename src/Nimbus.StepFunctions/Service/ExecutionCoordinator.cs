using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Nimbus.StepFunctions.Asl.Model;
using Nimbus.StepFunctions.Asl.Parsing;
using Nimbus.StepFunctions.Execution;
using Nimbus.StepFunctions.History;

namespace Nimbus.StepFunctions.Service;

/// <summary>
/// Runs executions: STANDARD ones durably (checkpointed in SQLite, resumed after a restart), EXPRESS ones in memory.
/// Owns the live runners, the callback tokens and the parsed-definition cache.
/// </summary>
internal sealed partial class ExecutionCoordinator
{
    private const int MaxExpressKept = 1000;
    private readonly SfnStore _store;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly ServiceTaskInvoker _tasks;
    private readonly IJsonataEvaluator? _jsonata;
    private readonly ConcurrentDictionary<string, ExecutionRunner> _running = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, ExecutionRunner> _express = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<string> _expressOrder = new();
    private readonly ConcurrentDictionary<string, StateMachineDefinition> _parsed = new(StringComparer.Ordinal);
    private volatile bool _stopping;

    private readonly MockConfig? _mocks;
    private readonly Nimbus.Core.Logs.ILogSink? _logSink;

    public ExecutionCoordinator(SfnStore store, TimeProvider time, TaskTokens tokens, ActivityQueues activities, IServiceProvider services)
    {
        _mocks = services.GetService<MockConfig>();
        _logSink = services.GetService<Nimbus.Core.Logs.ILogSink>();
        MapRuns = services.GetService<MapRuns>();
        Activities = activities;
        _store = store;
        _time = time;
        Tokens = tokens;
        _logger = services.GetService<ILogger<ExecutionCoordinator>>() ?? (ILogger)NullLogger.Instance;
        _jsonata = services.GetService<IJsonataEvaluator>() ?? Asl.QueryLanguages.JsonataEvaluator.Default;
        _tasks = new ServiceTaskInvoker(services, tokens, activities, time, () => _stopping);
    }

    public TaskTokens Tokens { get; }

    public ActivityQueues Activities { get; }

    public MapRuns? MapRuns { get; }

    public SfnStore Store => _store;

    /// <summary>The parsed definition (definitions are validated before they are stored, so this does not fail).</summary>
    public StateMachineDefinition Parse(string definition)
    {
        if (_parsed.TryGetValue(definition, out var d))
        {
            return d;
        }

        var result = AslParser.Parse(definition);
        if (!result.IsValid)
        {
            throw new InvalidOperationException("Stored definition is invalid: " + string.Join("; ", result.Diagnostics));
        }

        if (_parsed.Count > 500)
        {
            _parsed.Clear();
        }

        return _parsed[definition] = result.Definition!;
    }

    public ExecutionRunner? Running(string executionArn) =>
        _running.GetValueOrDefault(executionArn) ?? _express.GetValueOrDefault(executionArn);

    public IEnumerable<ExecutionRunner> Express(string stateMachineArn) =>
        _express.Values.Where(r => r.Record.StateMachineArn == stateMachineArn);

    /// <summary>Starts (or resumes, with <paramref name="resume"/>) a STANDARD execution in the background.</summary>
    public ExecutionRunner StartStandard(ExecutionRecord record, ExecutionCheckpoint? resume, bool reenter = false, long? resumeLastEventId = null)
    {
        if (resume is not null && record.Logging is null)
        {
            // Resumed or redriven: the logging configuration is not stored with the execution; take the machine's (or version's).
            record.Logging = record.VersionArn is { } v ? _store.Version(v)?.Logging : _store.Machine(record.StateMachineArn)?.Logging;
        }

        var runner = new ExecutionRunner(record, Parse(record.Definition), _store, _tasks, _time, _mocks, MapRuns, ExecutionLogging.For(record.Logging, record, _logSink))
        {
            ResumeLastEventId = resumeLastEventId,
        };
        _running[record.Arn] = runner;
        if (_stopping)
        {
            runner.Suspend();
        }

        _ = Task.Run(() => RunAsync(runner, resume, reenter));
        return runner;
    }

    /// <summary>Starts an EXPRESS execution in memory; await <see cref="ExecutionRunner.Completion"/> for a synchronous one.</summary>
    public ExecutionRunner StartExpress(ExecutionRecord record)
    {
        var runner = new ExecutionRunner(record, Parse(record.Definition), null, _tasks, _time, _mocks, MapRuns, ExecutionLogging.For(record.Logging, record, _logSink));
        _express[record.Arn] = runner;
        _expressOrder.Enqueue(record.Arn);
        while (_expressOrder.Count > MaxExpressKept && _expressOrder.TryDequeue(out var old))
        {
            if (_express.TryGetValue(old, out var r) && r.Completion.IsCompleted)
            {
                _express.TryRemove(old, out _);
            }
            else
            {
                _expressOrder.Enqueue(old);
                break;
            }
        }

        _ = Task.Run(() => RunAsync(runner, null));
        return runner;
    }

    private async Task RunAsync(ExecutionRunner runner, ExecutionCheckpoint? resume, bool reenter = false)
    {
        var record = runner.Record;
        try
        {
            var parts = record.Arn.Split(':');
            var interpreter = new AslInterpreter(new InterpreterOptions
            {
                TaskInvoker = runner,
                WaitScheduler = runner,
                TimeProvider = _time,
                Jsonata = _jsonata,
                Region = parts.Length > 3 ? parts[3] : "us-east-1",
                AccountId = parts.Length > 4 ? parts[4] : "000000000000",

                // Express executions have no execution history, hence no 25,000-event quota (AWS runs a 10k-item Map in one).
                MaxHistoryEvents = record.IsExpress ? int.MaxValue : ExecutionHistory.DefaultMaxEvents,
            });
            var request = new ExecutionRequest(record.Arn, record.Name, record.StateMachineArn, record.StateMachineName, record.Input)
            {
                RoleArn = record.RoleArn,
                StateMachineVersionArn = record.VersionArn,
                StateMachineAliasArn = record.AliasArn,
                HistorySink = runner,
                RecordedEvents = runner.RecordedEvents,
                Checkpoints = record.IsExpress ? null : runner,
                StartTime = DateTimeOffset.FromUnixTimeMilliseconds(record.StartDate),
                ResumeFrom = resume,
                ReenterResumedState = reenter && resume is not null,
                RedriveCount = record.RedriveCount,
                MapRuns = runner,
                CompositeProgress = record.IsExpress ? null : runner,
                ResumeLastEventId = runner.ResumeLastEventId,
            };
            var result = await interpreter.ExecuteAsync(runner.Definition, request, runner.Token).ConfigureAwait(false);
            await runner.FinishAsync(result, _time.GetUtcNow().ToUnixTimeMilliseconds()).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            // A storage failure: the execution stays RUNNING in the store and resumes at the next start.
            Log.RunFailed(_logger, e, record.Arn);
            runner.Abandon();
        }
        finally
        {
            if (!record.IsExpress)
            {
                _running.TryRemove(KeyValuePair.Create(record.Arn, runner));
            }
        }
    }

    /// <summary>
    /// Runs a definition outside the store (TestState): tasks go to the real resources, waits return at once, nothing is
    /// recorded.
    /// </summary>
    public Task<ExecutionResult> RunIsolatedAsync(StateMachineDefinition definition, ExecutionRequest request, CancellationToken cancellationToken)
    {
        var parts = request.ExecutionArn.Split(':');
        var interpreter = new AslInterpreter(new InterpreterOptions
        {
            TaskInvoker = _tasks,
            WaitScheduler = new NoWait(),
            TimeProvider = _time,
            Jsonata = _jsonata,
            Region = parts.Length > 3 ? parts[3] : "us-east-1",
            AccountId = parts.Length > 4 ? parts[4] : "000000000000",
        });
        return interpreter.ExecuteAsync(definition, request, cancellationToken);
    }

    private sealed class NoWait : IWaitScheduler
    {
        public ValueTask WaitUntilAsync(DateTimeOffset dueTime, CancellationToken cancellationToken) => ValueTask.CompletedTask;
    }

    /// <summary>At start-up: resumes every STANDARD execution still RUNNING in the store from its last checkpoint.</summary>
    public int ResumeAll()
    {
        _stopping = false;
        MapRuns?.CloseInterrupted();
        var count = 0;
        foreach (var record in _store.RunningExecutions())
        {
            if (_running.ContainsKey(record.Arn))
            {
                continue;
            }

            var checkpoint = record.Checkpoint is { } cp ? SfnJson.ParseCheckpoint(cp) : null;
            var reenter = record.Checkpoint is { } raw && SfnJson.IsReentry(raw);
            long? lastEventId = null;
            if (checkpoint is not null && !reenter)
            {
                // Inside a Map or Parallel state: the finished iterations/branches (and their events) are kept.
                lastEventId = _store.RecoverProgress(record.Arn, checkpoint.EnteredEventId);
            }
            else
            {
                _store.TruncateEvents(record.Arn, checkpoint?.EnteredEventId ?? 0);
            }

            StartStandard(record, checkpoint, reenter, lastEventId);
            count++;
        }

        return count;
    }

    /// <summary>At shut-down: suspends every running execution (nothing more is recorded) and waits for them to unwind.</summary>
    public async Task SuspendAllAsync(CancellationToken cancellationToken)
    {
        _stopping = true;
        var runners = _running.Values.Concat(_express.Values).ToList();
        foreach (var r in runners)
        {
            r.Suspend();
        }

        try
        {
            await Task.WhenAll(runners.Select(r => r.Completion)).WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Host shutdown timeout: the runners write nothing more anyway.
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 3001, Level = LogLevel.Error, Message = "Step Functions execution {ExecutionArn} stopped unexpectedly")]
        public static partial void RunFailed(ILogger logger, Exception exception, string executionArn);
    }
}
