using Microsoft.Extensions.DependencyInjection;
using Nimbus.Core.Messaging;
using Nimbus.Core.Protocols;
using Nimbus.Data.DynamoDb;
using Nimbus.Data.DynamoDb.Streams;
using Nimbus.Storage.Sqlite;

namespace Nimbus.Data;

public static partial class DataServiceCollectionExtensions
{
    static partial void AddDynamoDb(IServiceCollection services)
    {
        services.AddSingleton<IMigrationSource, DynamoDbMigrations>();
        services.AddSingleton<StreamStore>();
        services.AddSingleton<IItemChangeListener>(sp => sp.GetRequiredService<StreamStore>());
        services.AddSingleton<DynamoStore>();
        services.AddSingleton<IJsonProtocolService, DynamoDbApi>();
        services.AddSingleton<IJsonProtocolService, DynamoDbStreamsApi>();
        services.AddSingleton<IStreamSources, DynamoStreamSources>();
        services.AddHostedService<TtlSweeper>();
    }
}
