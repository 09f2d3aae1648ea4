using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Nimbus.Gateway.Management;
using Nimbus.Gateway.Serving;
using Nimbus.Storage.Sqlite;

namespace Nimbus.Gateway;

/// <summary>Registers API Gateway: the v1/v2 management APIs and the invoke-URL front door.</summary>
public static class GatewayServiceCollectionExtensions
{
    public static IServiceCollection AddNimbusGateway(this IServiceCollection services)
    {
        services.AddSingleton<IMigrationSource, GatewayMigrations>();
        services.AddSingleton<ApiStore>();
        services.AddSingleton(_ => new HttpProxyForwarder(new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false })));
        services.AddSingleton<InvokeDispatcher>();
        Provisioning.GatewayProvisioning.AddGatewayProvisioners(services);
        return services;
    }

    /// <summary>Runs before the edge: serves invoke URLs (<c>{apiId}.execute-api.localhost</c>, <c>/_api/{apiId}/…</c>).</summary>
    public static IApplicationBuilder UseNimbusGateway(this IApplicationBuilder app) => app.UseMiddleware<GatewayMiddleware>();

    /// <summary>Maps the management routes (<c>/restapis/…</c>, <c>/v2/apis/…</c>, <c>/apikeys</c>, <c>/usageplans</c>…).</summary>
    public static IEndpointRouteBuilder MapNimbusGateway(this IEndpointRouteBuilder endpoints)
    {
        HttpApisApi.Map(endpoints);
        RestApisApi.Map(endpoints);
        TagsApi.Map(endpoints);
        return endpoints;
    }
}
