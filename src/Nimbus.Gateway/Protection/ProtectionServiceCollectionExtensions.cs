using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Nimbus.Gateway.Management;
using Nimbus.Storage.Sqlite;

namespace Nimbus.Gateway.Protection;

/// <summary>Registers the gateway's protection pipeline (authorizers, throttling, API keys, usage plans, caching) and its
/// management routes.</summary>
internal static class ProtectionServiceCollectionExtensions
{
    public static IServiceCollection AddGatewayProtection(this IServiceCollection services)
    {
        services.AddSingleton<IMigrationSource, ProtectionMigrations>();
        services.AddSingleton<UsagePlanStore>();
        services.AddSingleton<AuthorizerCache>();
        services.AddSingleton<ResponseCache>();
        services.AddSingleton<Throttles>();
        services.AddSingleton(sp => new JwtValidator(new HttpClient { Timeout = TimeSpan.FromSeconds(5) }, sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<LambdaAuthorizers>();
        services.AddSingleton<AuthorizerTester>();
        services.AddSingleton<ProtectionPipeline>();
        return services;
    }

    public static IEndpointRouteBuilder MapGatewayProtection(this IEndpointRouteBuilder endpoints)
    {
        RestApisApi.MapProtection(endpoints);
        HttpApisApi.MapProtection(endpoints);
        ApiKeysApi.Map(endpoints);
        return endpoints;
    }
}
