using Microsoft.Extensions.DependencyInjection;
using Nimbus.Core.Protocols;
using Nimbus.Data.DynamoDb;
using Nimbus.Storage.Sqlite;

namespace Nimbus.Data;

public static partial class DataServiceCollectionExtensions
{
    static partial void AddDynamoDb(IServiceCollection services)
    {
        services.AddSingleton<IMigrationSource, DynamoDbMigrations>();
        services.AddSingleton<DynamoStore>();
        services.AddSingleton<IJsonProtocolService, DynamoDbApi>();
        services.AddHostedService<TtlSweeper>();
    }
}
