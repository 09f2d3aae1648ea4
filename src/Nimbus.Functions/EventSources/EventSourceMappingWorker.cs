using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Nimbus.Core.Functions;
using Nimbus.Core.Messaging;
using Nimbus.Core.Targets;

namespace Nimbus.Functions.EventSources;

/// <summary>Keeps one poller group (SQS) or stream poller (DynamoDB streams) running per enabled mapping, restarting it whenever the mapping changes.</summary>
/// <remarks>Queues come from <see cref="IMessageQueues"/> and filters from <see cref="IEventPatterns"/>, both registered by the
/// messaging module, streams from <see cref="IStreamSources"/> (the DynamoDB module); without them no mapping can be created, and stored ones wait.</remarks>
internal sealed class EventSourceMappingWorker(
    EventSourceMappingStore store,
    IFunctionInvoker invoker,
    IServiceProvider services,
    TimeProvider time,
    ILogger<EventSourceMappingWorker> logger) : IHostedService
{
    private readonly ConcurrentDictionary<string, SqsPollerGroup> _groups = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, StreamPoller> _streams = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private bool _running;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            _running = true;
            store.Changed += OnChanged;
            foreach (var mapping in store.All)
            {
                Apply(mapping, deleted: false);
            }
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            _running = false;
            store.Changed -= OnChanged;
            foreach (var group in _groups.Values)
            {
                group.Stop();
            }

            foreach (var poller in _streams.Values)
            {
                poller.Stop();
            }

            _groups.Clear();
            _streams.Clear();
        }

        return Task.CompletedTask;
    }

    /// <summary>How many pollers a mapping has now (0 when disabled).</summary>
    public int PollersOf(string uuid) => _groups.TryGetValue(uuid, out var g) ? g.ActivePollers : _streams.ContainsKey(uuid) ? 1 : 0;

    /// <summary>A stream mapping's <c>LastProcessingResult</c> (null for queues).</summary>
    public string? LastProcessingResultOf(string uuid) => _streams.TryGetValue(uuid, out var p) ? p.LastProcessingResult : null;

    private void OnChanged(EventSourceMapping mapping, bool deleted)
    {
        lock (_gate)
        {
            if (_running)
            {
                Apply(mapping, deleted);
            }
        }
    }

    private void Apply(EventSourceMapping mapping, bool deleted)
    {
        if (_groups.TryRemove(mapping.Uuid, out var old))
        {
            old.Stop();
        }

        Task? previous = null;
        if (_streams.TryRemove(mapping.Uuid, out var oldPoller))
        {
            oldPoller.Stop();
            previous = oldPoller.Completion;
        }

        if (deleted && mapping.IsStream)
        {
            services.GetRequiredService<StreamCheckpoints>().Delete(mapping.Uuid);
        }

        IReadOnlyList<IEventPattern>? filters = null;
        if (!deleted && mapping.Filters is { Count: > 0 } patterns && services.GetService<IEventPatterns>() is { } compiler)
        {
            filters = [.. patterns.Select(compiler.Compile)];
        }

        if (!deleted && mapping.Enabled && mapping.IsStream && services.GetService<IStreamSources>() is { } sources)
        {
            var poller = new StreamPoller(
                mapping, sources, invoker, services.GetService<IArnTargets>(), filters, services.GetRequiredService<StreamCheckpoints>(), time, logger);
            _streams[mapping.Uuid] = poller;
            poller.Start(previous);
            return;
        }

        if (deleted || !mapping.Enabled || mapping.IsStream || services.GetService<IMessageQueues>() is not { } queues)
        {
            return;
        }

        var group = new SqsPollerGroup(mapping, queues, invoker, filters, time, logger);
        _groups[mapping.Uuid] = group;
        group.Start();
    }
}
