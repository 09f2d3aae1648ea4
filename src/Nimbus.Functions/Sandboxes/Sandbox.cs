using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Nimbus.Core.Logs;
using Nimbus.Functions.Runtime;

namespace Nimbus.Functions.Sandboxes;

/// <summary>One execution environment: a runtime process with its own Runtime API, serving one invocation at a time.</summary>
/// <remarks>
/// Thread-safety: <see cref="InvokeAsync"/> is called by one invoker at a time (the pool guarantees it); the Runtime
/// API handler and the output pumps run on other threads and communicate through <see cref="InvocationWork"/>.
/// </remarks>
internal sealed partial class Sandbox : IRuntimeApiHandler, IAsyncDisposable
{
    private readonly SandboxSpec _spec;
    private readonly ILogSink _logs;
    private readonly TimeProvider _time;
    private readonly RuntimeApiServer _api;
    private readonly Channel<InvocationWork> _queue = Channel.CreateBounded<InvocationWork>(new BoundedChannelOptions(1) { SingleReader = false, SingleWriter = true, AllowSynchronousContinuations = true });
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly long _startedAt;
    private readonly Process? _process;
    private readonly string? _launchError;
    private readonly OutputPump? _stdout;
    private readonly OutputPump? _stderr;
    private volatile InvocationWork? _active;
    private volatile InvocationWork? _runtimeCurrent;
    private volatile bool _killedForMemory;
    private volatile bool _killedForTimeout;
    private volatile bool _dead;
    private (string Type, byte[] Body)? _initError;
    private long _peakBytes;
    private long _peakSampledAt;
    private volatile List<int> _memoryPids = [];
    private readonly ILogger? _logger;
    private volatile KillReason _killReason;
    private string? _killDetail;
    private readonly Lock _killLock = new();

    public Sandbox(SandboxSpec spec, SandboxLauncher launcher, ILogSink logs, TimeProvider time, ILogger? logger = null)
    {
        _spec = spec;
        _logger = logger;
        _logs = logs;
        _time = time;
        _api = new RuntimeApiServer(this);
        var now = time.GetUtcNow();
        LogStreamName = $"{now:yyyy'/'MM'/'dd}/[{spec.Version}]{Guid.NewGuid():N}";
        LogStream = spec.LogStream with { StreamName = LogStreamName };
        _startedAt = Stopwatch.GetTimestamp();
        LastUsed = now;

        var (start, error) = launcher.Build(spec, _api.Address, LogStreamName);
        if (start is null)
        {
            _launchError = error;
            _dead = true;
            return;
        }

        Log($"INIT_START Runtime Version: {spec.Runtime}\tRuntime Version ARN: arn:aws:lambda:{spec.Region}::runtime:nimbus-{spec.Runtime}");
        try
        {
            _process = ProcessSpawner.Start(start);
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            _launchError = e.Message;
            _dead = true;
            return;
        }

        _process.StandardInput.Close();
        _process.EnableRaisingEvents = true;
        _process.Exited += (_, _) => OnExited();
        _stdout = new OutputPump(_process.StandardOutput.BaseStream, OnOutputLine);
        _stderr = new OutputPump(_process.StandardError.BaseStream, OnOutputLine);
        if (_process.HasExited)
        {
            OnExited();
        }
    }

    public string LogStreamName { get; }

    public LogStreamRef LogStream { get; }

    public bool IsDead => _dead;

    public bool IsBusy => _active is not null;

    public bool Initialized => _ready.Task.IsCompleted;

    public double InitDurationMs { get; private set; }

    public DateTimeOffset LastUsed { get; private set; }

    public int? ProcessId => _process?.Id;

    /// <summary>Runs one invocation to its end: result, function error, timeout, crash or init failure.</summary>
    public async Task<InvocationOutcome> InvokeAsync(InvocationWork work, TimeSpan initTimeout)
    {
        _active = work;
        var cold = !Initialized;
        try
        {
            if (_launchError is not null)
            {
                return PlatformError(OutcomeKind.InitError, "Runtime.InvalidEntrypoint", $"RequestId: {work.RequestId} Error: {_launchError}");
            }

            if (_dead)
            {
                // The runtime may have exited before this invocation reached it (a bootstrap that exits at once):
                // report it as AWS does, with its init error or exit status, not as a reason-less exit.
                return _process is { HasExited: true } && _killReason == KillReason.None
                    ? ExitOutcome(work)
                    : PlatformError(OutcomeKind.Exited, "Runtime.ExitError", $"RequestId: {work.RequestId} Error: Runtime exited without providing a reason");
            }

            _queue.Writer.TryWrite(work);
            if (cold)
            {
                var init = await Task.WhenAny(_ready.Task, work.Completion.Task).WaitAsync(initTimeout, _time).ContinueWith(t => t.IsCompletedSuccessfully, TaskScheduler.Default);
                if (!init)
                {
                    _dead = true;
                    Kill(KillReason.InitTimeout);
                    return PlatformError(OutcomeKind.InitError, "Runtime.InitError", $"RequestId: {work.RequestId} Error: Runtime failed to initialize within {initTimeout.TotalSeconds:F2} seconds");
                }
            }

            InvocationOutcome outcome;
            var timeout = TimeSpan.FromSeconds(_spec.TimeoutSeconds);
            try
            {
                outcome = await work.Completion.Task.WaitAsync(timeout, _time);
            }
            catch (TimeoutException)
            {
                _killedForTimeout = true;
                work.Completion.TrySetResult(PlatformError(OutcomeKind.Timeout, "Sandbox.Timedout", $"RequestId: {work.RequestId} Error: Task timed out after {timeout.TotalSeconds.ToString("F2", CultureInfo.InvariantCulture)} seconds"));
                outcome = await work.Completion.Task;
                if (outcome.Kind == OutcomeKind.Timeout)
                {
                    Log($"{_time.GetUtcNow():yyyy-MM-dd'T'HH:mm:ss.fff'Z'} {work.RequestId} Task timed out after {timeout.TotalSeconds.ToString("F2", CultureInfo.InvariantCulture)} seconds");
                }

                Kill(KillReason.Timeout);
            }

            if (_stdout is not null && _stderr is not null)
            {
                await _stdout.DrainAsync();
                await _stderr.DrainAsync();
            }

            if (!outcome.SandboxReusable)
            {
                _dead = true;
                Kill(KillReason.NotReusable);
            }

            return outcome;
        }
        finally
        {
            _active = null;
            LastUsed = _time.GetUtcNow();
        }
    }

    /// <summary>Peak memory of the runtime's processes, in MB (what REPORT calls Max Memory Used).</summary>
    /// <remarks>The kernel keeps the peak (<c>VmHWM</c>); the watchdog samples it once a second while the sandbox is
    /// busy, so a warm invoke reuses a recent sample instead of reading <c>/proc</c> on the hot path.</remarks>
    public long MaxMemoryUsedMb()
    {
        var now = Environment.TickCount64;
        if (_process is not null && !_dead && (_peakBytes == 0 || now - _peakSampledAt > 1000))
        {
            SampleMemory();
        }

        return (_peakBytes + (1 << 20) - 1) >> 20;
    }

    /// <summary>Kills the sandbox if its processes use more than the function's memory.</summary>
    public void EnforceMemoryLimit()
    {
        if (_process is null || _dead || _active is null)
        {
            return;
        }

        // A full walk of the tree (new child processes, the kernel's peak) once a second; in between only the
        // resident size of the processes already known, from statm.
        var rss = Environment.TickCount64 - _peakSampledAt > 1000 ? SampleMemory() : ProcessTree.Resident(_memoryPids);
        if (rss > (long)_spec.MemorySize << 20)
        {
            _killedForMemory = true;
            Kill(KillReason.Memory, $"memory: {rss >> 20} MB resident");
        }
    }

    /// <summary>Writes a platform line (START, END, REPORT…) to the sandbox's stream and the active invocation's tail.</summary>
    public void Log(string line, InvocationWork? work = null)
    {
        _logs.Append(LogStream, _time.GetUtcNow().ToUnixTimeMilliseconds(), line);
        var log = (work ?? _active)?.Log;
        if (log is not null)
        {
            lock (log)
            {
                log.Append(line).Append('\n');
            }
        }
    }

    private long SampleMemory()
    {
        var pids = new List<int>(2);
        var (rss, peak) = ProcessTree.Memory(_process!.Id, pids);
        _memoryPids = pids;
        _peakBytes = Math.Max(_peakBytes, peak);
        _peakSampledAt = Environment.TickCount64;
        return rss;
    }

    public async ValueTask DisposeAsync()
    {
        _dead = true;
        Kill(KillReason.Disposed);
        await _api.DisposeAsync();
        if (_process is not null)
        {
            try
            {
                await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(2));
            }
            catch (TimeoutException)
            {
                // The kernel will reap it.
            }

            _process.Dispose();
        }
    }

    /// <summary>Why Nimbus killed the runtime, if it did: Disposed and NotReusable are expected, the rest are failures.</summary>
    private enum KillReason
    {
        None,
        InitTimeout,
        Timeout,
        NotReusable,
        Memory,
        Disposed,
    }

    private void Kill(KillReason reason, string? detail = null)
    {
        lock (_killLock)
        {
            if (_killReason == KillReason.None)
            {
                _killDetail = detail;
                _killReason = reason;
            }
        }

        try
        {
            if (_process is { HasExited: false })
            {
                _process.Kill(entireProcessTree: true);
            }
        }
        catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            // Already gone.
        }
    }

    private void OnOutputLine(string line) => Log(line);

    private void OnExited()
    {
        var expected = _killReason is KillReason.Disposed or KillReason.NotReusable;
        _dead = true;
        var work = _active;
        if (work is null)
        {
            if (!expected && _logger is not null)
            {
                // Between invocations nobody else sees this: the next invocation just cold-starts a new sandbox.
                LogIdleExit(_logger, _spec.FunctionName, _process?.Id ?? 0, ExitCode(), _killReason == KillReason.None ? "not killed by Nimbus" : _killDetail ?? _killReason.ToString());
            }

            return;
        }

        work.Completion.TrySetResult(ExitOutcome(work));
    }

    private InvocationOutcome ExitOutcome(InvocationWork work)
    {
        if (_initError is { } init)
        {
            return new InvocationOutcome(OutcomeKind.InitError, init.Body, init.Type);
        }

        var code = ExitCode();
        var reason = _killedForMemory || _killedForTimeout || code is 137 or -1 ? "signal: killed" : $"exit status {code}";
        return _killedForMemory
            ? PlatformError(OutcomeKind.OutOfMemory, "Runtime.OutOfMemory", $"RequestId: {work.RequestId} Error: Runtime exited with error: {reason}")
            : PlatformError(OutcomeKind.Exited, "Runtime.ExitError", $"RequestId: {work.RequestId} Error: Runtime exited with error: {reason}");
    }

    private int ExitCode()
    {
        try
        {
            return _process!.ExitCode;
        }
        catch (InvalidOperationException)
        {
            return -1;
        }
    }

    [LoggerMessage(EventId = 1103, Level = LogLevel.Warning, Message = "The runtime of {Function} (pid {Pid}) exited between invocations with exit status {Code} ({Reason})")]
    private static partial void LogIdleExit(ILogger logger, string function, int pid, int code, string reason);

    internal static InvocationOutcome PlatformError(OutcomeKind kind, string type, string message)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("errorType", type);
            w.WriteString("errorMessage", message);
            w.WriteEndObject();
        }

        return new InvocationOutcome(kind, buffer.ToArray(), type);
    }

    internal static byte[] ErrorBody(string type, string message) => PlatformError(OutcomeKind.FunctionError, type, message).Payload.ToArray();
}
