using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Nimbus.Data.S3;
using Nimbus.Storage.Sqlite;

namespace Nimbus.Data;

public static partial class DataServiceCollectionExtensions
{
    static partial void AddS3(IServiceCollection services)
    {
        services.AddSingleton<IMigrationSource, S3Migrations>();
        services.AddSingleton<S3Store>();
        services.AddSingleton<S3Signatures>();
        services.AddSingleton<S3Notifications>();
        services.AddSingleton<IHostedService>(sp => sp.GetRequiredService<S3Notifications>());
        services.AddSingleton<S3Api>();
        services.AddSingleton<Nimbus.Core.Services.IObjectStorage, S3ObjectStorage>();
    }

    static partial void UseS3(IApplicationBuilder app)
    {
        var api = app.ApplicationServices.GetRequiredService<S3Api>();
        app.ApplicationServices.GetRequiredService<S3Notifications>().Attach();
        app.Use(next => http => S3Api.Claims(http) ? api.HandleAsync(http) : next(http));
    }
}
