using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Nimbus.Messaging.Scheduler;
using Nimbus.Storage.Sqlite;

namespace Nimbus.Messaging;

/// <summary>EventBridge Scheduler: the restJson1 API, its store, the clock that fires schedules and the delivery worker.</summary>
public static partial class MessagingServiceCollectionExtensions
{
    static partial void AddScheduler(IServiceCollection services)
    {
        services.AddSingleton<IMigrationSource, SchedulerMigrations>();
        services.AddSingleton<SchedulerStore>();
        services.AddSingleton<SchedulerSignal>();
        services.AddSingleton<SchedulerService>();
        services.AddSingleton<SchedulerApi>();
        services.AddSingleton<ScheduleClock>();
        services.AddSingleton<IHostedService>(sp => sp.GetRequiredService<ScheduleClock>());
        services.AddSingleton<SchedulerDeliveryWorker>();
        services.AddSingleton<IHostedService>(sp => sp.GetRequiredService<SchedulerDeliveryWorker>());
    }

    static partial void UseScheduler(IApplicationBuilder app)
    {
        var api = app.ApplicationServices.GetRequiredService<SchedulerApi>();
        app.Use(next => http => SchedulerApi.Claims(http) ? api.HandleAsync(http) : next(http));
    }
}
