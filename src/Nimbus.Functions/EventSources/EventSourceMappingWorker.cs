using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Nimbus.Core.Functions;
using Nimbus.Core.Messaging;

namespace Nimbus.Functions.EventSources;

/// <summary>Keeps one poller group running per enabled mapping, restarting it whenever the mapping changes.</summary>
/// <remarks>Queues come from <see cref="IMessageQueues"/> and filters from <see cref="IEventPatterns"/>, both registered by the
/// messaging module; without it no mapping can be created, and stored ones wait.</remarks>
internal sealed class EventSourceMappingWorker(
    EventSourceMappingStore store,
    IFunctionInvoker invoker,
    IServiceProvider services,
    TimeProvider time,
    ILogger<EventSourceMappingWorker> logger) : IHostedService
{
    private readonly ConcurrentDictionary<string, SqsPollerGroup> _groups = new(StringComparer.Ordinal);
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

            _groups.Clear();
        }

        return Task.CompletedTask;
    }

    /// <summary>How many pollers a mapping has now (0 when disabled).</summary>
    public int PollersOf(string uuid) => _groups.TryGetValue(uuid, out var g) ? g.ActivePollers : 0;

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

        if (deleted || !mapping.Enabled || services.GetService<IMessageQueues>() is not { } queues)
        {
            return;
        }

        IReadOnlyList<IEventPattern>? filters = null;
        if (mapping.Filters is { Count: > 0 } patterns && services.GetService<IEventPatterns>() is { } compiler)
        {
            filters = [.. patterns.Select(compiler.Compile)];
        }

        var group = new SqsPollerGroup(mapping, queues, invoker, filters, time, logger);
        _groups[mapping.Uuid] = group;
        group.Start();
    }
}
