using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Nimbus.Core.Targets;
using Nimbus.Core.Functions;
using Nimbus.Functions.Api;
using Nimbus.Functions.Code;
using Nimbus.Functions.Invocation;
using Nimbus.Functions.Registry;
using Nimbus.Functions.Sandboxes;
using Nimbus.Storage.Blobs;
using Nimbus.Storage.Sqlite;

namespace Nimbus.Functions;

/// <summary>Registers the Lambda module: registry, code store, sandboxes, invoker and the async queue.</summary>
public static class FunctionsServiceCollectionExtensions
{
    public static IServiceCollection AddNimbusFunctions(this IServiceCollection services, FunctionsOptions options)
    {
        options.Validate();
        services.AddSingleton(options);
        services.AddSingleton<IMigrationSource, FunctionsMigrations>();
        services.AddSingleton<FunctionRegistry>();
        services.AddSingleton(sp => new CodeStore(sp.GetRequiredService<BlobStore>(), options.StateDirectory));
        services.AddSingleton<SandboxLauncher>();
        services.AddSingleton<SandboxPools>();
        services.AddSingleton<ConcurrencyLimiter>();
        services.AddSingleton<AsyncInvocationQueue>();
        services.AddSingleton<FunctionInvoker>();
        services.AddSingleton<IFunctionInvoker>(sp => sp.GetRequiredService<FunctionInvoker>());
        services.AddSingleton<IArnTarget, LambdaArnTarget>();
        services.AddSingleton<IFunctionUrls, Urls.FunctionUrlIndex>();
        services.AddSingleton<EventSources.EventSourceMappingStore>();
        services.AddSingleton<EventSources.StreamCheckpoints>();
        services.AddSingleton<EventSources.EventSourceMappingWorker>();
        services.AddHostedService(sp => sp.GetRequiredService<EventSources.EventSourceMappingWorker>());
        services.TryAddSingleton<IArnTargets, ArnTargets>();
        services.AddHostedService<AsyncInvocationWorker>();
        Provisioning.FunctionsProvisioning.AddFunctionsProvisioners(services);
        return services;
    }

    public static IEndpointRouteBuilder MapNimbusFunctions(this IEndpointRouteBuilder app)
    {
        LambdaApi.Map(app);
        return app;
    }
}
