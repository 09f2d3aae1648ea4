using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Nimbus.Core.Errors;
using Nimbus.Core.Identity;
using Nimbus.Functions.Registry;

namespace Nimbus.Functions.Invocation;

/// <summary>Runs queued Event invocations; a throttled one is retried with exponential backoff (1 s up to 5 min).</summary>
/// <remarks>Function-error retries, destinations and dead-letter queues belong to the messaging module.</remarks>
internal sealed partial class AsyncInvocationWorker(
    AsyncInvocationQueue queue, FunctionInvoker invoker, TimeProvider time, ILogger<AsyncInvocationWorker> logger) : BackgroundService
{
    private const int Consumers = 32;

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(Enumerable.Range(0, Consumers).Select(_ => ConsumeAsync(stoppingToken)));

    private async Task ConsumeAsync(CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var item in queue.Reader.ReadAllAsync(stoppingToken))
            {
                await HandleAsync(item, stoppingToken);
            }
        }
        catch (OperationCanceledException)
        {
            // Shutting down: unfinished items stay in the store for the next start.
        }
    }

    private async Task HandleAsync(AsyncInvocation item, CancellationToken stoppingToken)
    {
        var caller = new AwsRequestContext(item.AccountId, item.Region, item.Id);
        try
        {
            var (state, config, arn) = invoker.Resolve(item.FunctionName, item.Qualifier, caller);
            var result = await invoker.RunAsync(state, config, arn, item.Payload, item.ClientContext, null, tail: false);
            if (result.Error is { Code: "TooManyRequestsException" })
            {
                var delay = TimeSpan.FromSeconds(Math.Min(300, Math.Pow(2, Math.Min(item.Attempts, 9))));
                _ = RequeueLaterAsync(item with { Attempts = item.Attempts + 1 }, delay, stoppingToken);
                return;
            }

            if (result.FunctionError is not null)
            {
                Log.EventFailed(logger, item.FunctionName, item.Id);
            }
        }
        catch (AwsServiceException e)
        {
            Log.EventDropped(logger, item.FunctionName, item.Id, e.Error.Message);
        }

        queue.Complete(item.Id);
    }

    private async Task RequeueLaterAsync(AsyncInvocation item, TimeSpan delay, CancellationToken stoppingToken)
    {
        try
        {
            await Task.Delay(delay, time, stoppingToken);
            queue.Requeue(item);
        }
        catch (OperationCanceledException)
        {
            // Stays in the store.
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 1201, Level = LogLevel.Information, Message = "Event invocation {Id} of {Function} ended in a function error")]
        public static partial void EventFailed(ILogger logger, string function, string id);

        [LoggerMessage(EventId = 1202, Level = LogLevel.Warning, Message = "Event invocation {Id} of {Function} dropped: {Reason}")]
        public static partial void EventDropped(ILogger logger, string function, string id, string reason);
    }
}
