using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Nimbus.Core.Protocols;
using Nimbus.Core.Targets;
using Nimbus.Messaging.Sns;
using Nimbus.Storage.Sqlite;

namespace Nimbus.Messaging;

/// <summary>SNS: the query-protocol API, its store and outbox worker, and the <c>sns</c> delivery target.</summary>
public static partial class MessagingServiceCollectionExtensions
{
    static partial void AddSns(IServiceCollection services)
    {
        services.AddSingleton<IMigrationSource, SnsMigrations>();
        services.AddSingleton<SnsStore>();
        services.AddSingleton<SnsDeliverySignal>();
        services.AddSingleton(_ => SnsHttp.Create());
        services.AddSingleton<SnsPublisher>();
        services.AddSingleton<SnsDeliveryWorker>();
        services.AddSingleton<IHostedService>(sp => sp.GetRequiredService<SnsDeliveryWorker>());
        services.AddSingleton<IQueryProtocolService, SnsApi>();
        services.AddSingleton<IArnTarget, SnsArnTarget>();
    }
}
