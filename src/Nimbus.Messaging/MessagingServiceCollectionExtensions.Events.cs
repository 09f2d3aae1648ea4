using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Nimbus.Core.Protocols;
using Nimbus.Core.Targets;
using Nimbus.Messaging.Events;
using Nimbus.Storage.Sqlite;

namespace Nimbus.Messaging;

/// <summary>EventBridge: the JSON API, its store, delivery worker and scheduler, and the <c>events</c> delivery target.</summary>
public static partial class MessagingServiceCollectionExtensions
{
    static partial void AddEvents(IServiceCollection services)
    {
        services.AddSingleton<IMigrationSource, EventsMigrations>();
        services.AddSingleton<EventsStore>();
        services.AddSingleton<EventsDeliverySignal>();
        services.AddSingleton<EventRouter>();
        services.AddSingleton<EventsDeliveryWorker>();
        services.AddSingleton<IHostedService>(sp => sp.GetRequiredService<EventsDeliveryWorker>());
        services.AddSingleton<EventScheduler>();
        services.AddSingleton<IHostedService>(sp => sp.GetRequiredService<EventScheduler>());
        services.AddSingleton<IJsonProtocolService, EventsApi>();
        services.AddSingleton<IArnTarget, EventsArnTarget>();
        services.AddSingleton<Nimbus.Core.Messaging.IEventPatterns, Patterns.EventPatterns>();
    }
}
