using System.Diagnostics;
using System.Globalization;
using System.Text;
using Nimbus.Core.Errors;
using Nimbus.Core.Functions;
using Nimbus.Core.Identity;
using Nimbus.Core.Logs;
using Nimbus.Core.Metrics;
using Nimbus.Functions.Code;
using Nimbus.Functions.Registry;
using Nimbus.Functions.Sandboxes;

namespace Nimbus.Functions.Invocation;

/// <summary>Resolves, admits and runs invocations: the one path every sync, async and cross-service invoke takes.</summary>
/// <remarks>Returns error values rather than throwing (a hot path). Thread-safe.</remarks>
internal sealed partial class FunctionInvoker : IFunctionInvoker
{
    public const int MaxSyncPayload = 6 * 1024 * 1024;
    public const int MaxAsyncPayload = 1024 * 1024;
    private const int TailBytes = 4096;

    private readonly FunctionRegistry _registry;
    private readonly CodeStore _code;
    private readonly SandboxPools _pools;
    private readonly ConcurrencyLimiter _limiter;
    private readonly AsyncInvocationQueue _queue;
    private readonly FunctionsOptions _options;
    private readonly TimeProvider _time;
    private readonly InvocationMetrics? _metrics;

    public FunctionInvoker(
        FunctionRegistry registry, CodeStore code, SandboxPools pools, ConcurrencyLimiter limiter,
        AsyncInvocationQueue queue, FunctionsOptions options, TimeProvider time, IMetricSink? metrics = null)
    {
        _metrics = metrics is null ? null : new InvocationMetrics(metrics);
        _registry = registry;
        _code = code;
        _pools = pools;
        _limiter = limiter;
        _queue = queue;
        _options = options;
        _time = time;
        registry.Changed += OnFunctionChanged;
    }

    public async ValueTask<FunctionInvocationResult> InvokeAsync(FunctionInvocation invocation, CancellationToken cancellationToken = default)
    {
        try
        {
            var (state, config, invokedArn) = Resolve(invocation.FunctionName, invocation.Qualifier, invocation.Caller);
            switch (invocation.Type)
            {
                case InvocationType.DryRun:
                    return new FunctionInvocationResult(204, ReadOnlyMemory<byte>.Empty, null, null, null);
                case InvocationType.Event:
                    if (invocation.Payload.Length > MaxAsyncPayload)
                    {
                        return FunctionInvocationResult.Failed(LambdaErrors.RequestTooLarge(MaxAsyncPayload, "Invoke"));
                    }

                    _queue.Enqueue(new AsyncInvocation(
                        RequestIds.New(), state.Key.AccountId, state.Key.Region, state.Key.Name,
                        invokedArn == state.Key.UnqualifiedArn ? null : invokedArn[(state.Key.UnqualifiedArn.Length + 1)..],
                        invocation.Payload.ToArray(), invocation.ClientContext, _time.GetUtcNow().ToUnixTimeMilliseconds(), 0));
                    return new FunctionInvocationResult(202, ReadOnlyMemory<byte>.Empty, null, null, null);
                default:
                    if (invocation.Payload.Length > MaxSyncPayload)
                    {
                        return FunctionInvocationResult.Failed(LambdaErrors.RequestTooLarge(MaxSyncPayload, "Invoke"));
                    }

                    return await RunAsync(state, config, invokedArn, invocation.Payload, invocation.ClientContext, invocation.TraceId, invocation.TailLog);
            }
        }
        catch (AwsServiceException e)
        {
            return FunctionInvocationResult.Failed(e.Error);
        }
    }

    /// <summary>Finds the function version to run for a name and qualifier (an alias picks by its weights).</summary>
    public (FunctionState State, FunctionConfig Config, string InvokedArn) Resolve(string functionName, string? qualifier, AwsRequestContext caller)
    {
        var (key, nameQualifier) = FunctionName.Parse(functionName, caller);
        if (nameQualifier is not null && qualifier is not null && nameQualifier != qualifier)
        {
            throw LambdaErrors.InvalidParameter("The derived qualifier from the function name does not match the specified qualifier.").ToException();
        }

        qualifier ??= nameQualifier;
        var state = _registry.Get(key) ?? throw LambdaErrors.FunctionNotFound(key.ArnFor(qualifier)).ToException();
        FunctionConfig? config;
        if (qualifier is null or "$LATEST" || char.IsAsciiDigit(qualifier[0]))
        {
            config = state.Version(qualifier ?? "$LATEST");
        }
        else if (state.Aliases.TryGetValue(qualifier, out var alias))
        {
            var version = alias.FunctionVersion;
            if (alias.RoutingConfig?.AdditionalVersionWeights is { Count: > 0 } weights)
            {
                var roll = Random.Shared.NextDouble();
                foreach (var (v, weight) in weights)
                {
                    if (roll < weight)
                    {
                        version = v;
                        break;
                    }

                    roll -= weight;
                }
            }

            config = state.Version(version);
        }
        else
        {
            config = null;
        }

        if (config is null)
        {
            throw LambdaErrors.FunctionNotFound(key.ArnFor(qualifier)).ToException();
        }

        if (config.State != "Active")
        {
            throw LambdaErrors.NotReady(config.State).ToException();
        }

        return (state, config, key.ArnFor(qualifier));
    }

    /// <summary>Runs one invocation in a sandbox of <paramref name="config"/>'s version.</summary>
    public async Task<FunctionInvocationResult> RunAsync(
        FunctionState state, FunctionConfig config, string invokedArn, ReadOnlyMemory<byte> payload, string? clientContext, string? traceId, bool tail,
        string? requestId = null)
    {
        var (lease, reason) = _limiter.TryAcquire(state);
        if (lease is null)
        {
            _metrics?.Throttled(state.Key, invokedArn, config.Version);
            return FunctionInvocationResult.Failed(LambdaErrors.Throttled(reason!));
        }

        using (lease)
        {
            var poolKey = PoolKey(state.Key, config);
            var (pool, sandbox, cold) = _pools.Acquire(poolKey, () => SpecFor(state.Key, config));
            requestId ??= RequestIds.New();
            var work = new InvocationWork
            {
                RequestId = requestId,
                Payload = payload,
                InvokedFunctionArn = invokedArn,
                ClientContext = clientContext is null ? null : DecodeClientContext(clientContext),
                TraceId = traceId ?? NewTraceId(),
                Log = tail ? new StringBuilder() : null,
            };

            var started = Stopwatch.GetTimestamp();
            sandbox.Log($"START RequestId: {requestId} Version: {config.Version}", work);
            var outcome = await sandbox.InvokeAsync(work, _options.InitTimeout);
            var duration = work.DurationMs(started);
            sandbox.Log($"END RequestId: {requestId}", work);
            sandbox.Log(Report(requestId, duration, config, sandbox, cold, outcome), work);
            pool.Return(sandbox);
            _metrics?.Completed(state.Key, invokedArn, config.Version, duration, outcome.Kind != OutcomeKind.Success);

            var functionError = outcome.Kind == OutcomeKind.Success ? null : "Unhandled";
            return new FunctionInvocationResult(200, outcome.Payload, functionError, config.Version, work.Log is null ? null : Tail(work.Log));
        }
    }

    internal static string PoolKey(FunctionKey key, FunctionConfig config) => $"{key.UnqualifiedArn}:{config.Version}|{config.RevisionId}";

    private SandboxSpec SpecFor(FunctionKey key, FunctionConfig config) => new()
    {
        FunctionName = key.Name,
        Version = config.Version,
        Runtime = config.Runtime ?? "provided.al2023",
        Handler = config.Handler ?? "bootstrap",
        MemorySize = config.MemorySize,
        TimeoutSeconds = config.Timeout,
        CodeDirectory = config.CodeDirectory ?? _code.Unpacked(config.CodeHex!),
        OptDirectory = _code.MergedLayers(config.Layers?.Select(l => l.CodeHex!).ToList() ?? []),
        Region = key.Region,
        AccountId = key.AccountId,
        UserEnvironment = config.Environment?.Variables ?? new Dictionary<string, string>(),
        LogStream = new LogStreamRef(key.AccountId, key.Region, config.LoggingConfig.LogGroup ?? $"/aws/lambda/{key.Name}", ""),
    };

    private static string Report(string requestId, double duration, FunctionConfig config, Sandbox sandbox, bool cold, InvocationOutcome outcome)
    {
        var sb = new StringBuilder(160);
        var ci = CultureInfo.InvariantCulture;
        sb.Append("REPORT RequestId: ").Append(requestId)
          .Append("\tDuration: ").Append(duration.ToString("F2", ci)).Append(" ms")
          .Append("\tBilled Duration: ").Append(Math.Max(1, (long)Math.Ceiling(duration)).ToString(ci)).Append(" ms")
          .Append("\tMemory Size: ").Append(config.MemorySize.ToString(ci)).Append(" MB")
          .Append("\tMax Memory Used: ").Append(sandbox.MaxMemoryUsedMb().ToString(ci)).Append(" MB\t");
        if (cold && sandbox.Initialized)
        {
            sb.Append("Init Duration: ").Append(sandbox.InitDurationMs.ToString("F2", ci)).Append(" ms\t");
        }

        if (outcome.Kind == OutcomeKind.Timeout)
        {
            sb.Append("Status: timeout");
        }
        else if (outcome.Kind is OutcomeKind.Exited or OutcomeKind.OutOfMemory or OutcomeKind.InitError)
        {
            sb.Append("Status: error\tError Type: ").Append(outcome.ErrorType);
        }

        return sb.ToString();
    }

    private static string Tail(StringBuilder log)
    {
        string text;
        lock (log)
        {
            text = log.ToString();
        }

        var bytes = Encoding.UTF8.GetBytes(text);
        return Convert.ToBase64String(bytes.Length <= TailBytes ? bytes : bytes.AsSpan(bytes.Length - TailBytes));
    }

    private static string DecodeClientContext(string base64)
    {
        try
        {
            return Encoding.UTF8.GetString(Convert.FromBase64String(base64));
        }
        catch (FormatException)
        {
            return base64;
        }
    }

    private string NewTraceId()
    {
        var epoch = _time.GetUtcNow().ToUnixTimeSeconds().ToString("x8", CultureInfo.InvariantCulture);
        return $"Root=1-{epoch}-{Guid.NewGuid().ToString("N")[..24]};Parent={Guid.NewGuid().ToString("N")[..16]};Sampled=0;Lineage=1:{Guid.NewGuid().ToString("N")[..8]}:0";
    }

    private void OnFunctionChanged(FunctionKey key, FunctionState? state)
    {
        if (state is null)
        {
            _pools.Retire(key.UnqualifiedArn + ":");
            return;
        }

        _pools.Retire(key.UnqualifiedArn + ":$LATEST|", PoolKey(key, state.Latest));
        foreach (var pool in _pools.Pools.ToList())
        {
            // Versions deleted since the pool was made.
            var version = pool.Key[(key.UnqualifiedArn.Length + 1)..].Split('|')[0];
            if (pool.Key.StartsWith(key.UnqualifiedArn + ":", StringComparison.Ordinal) && state.Version(version) is null)
            {
                _pools.Retire(pool.Key[..(pool.Key.IndexOf('|', StringComparison.Ordinal) + 1)]);
            }
        }
    }
}
