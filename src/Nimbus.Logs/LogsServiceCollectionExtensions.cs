using Microsoft.Extensions.DependencyInjection;
using Nimbus.Core.Logs;
using Nimbus.Core.Protocols;
using Nimbus.Logs.Api;
using Nimbus.Logs.Store;
using Nimbus.Storage.Sqlite;

namespace Nimbus.Logs;

/// <summary>Registers CloudWatch Logs: the store (also the platform's <see cref="ILogSink"/>) and its API.</summary>
public static class LogsServiceCollectionExtensions
{
    public static IServiceCollection AddNimbusLogs(this IServiceCollection services)
    {
        services.AddSingleton<IMigrationSource, LogsMigrations>();
        services.AddSingleton<LogStore>();
        services.AddSingleton<ILogSink>(sp => sp.GetRequiredService<LogStore>());
        services.AddSingleton<IJsonProtocolService, LogsApi>();
        return services;
    }
}
