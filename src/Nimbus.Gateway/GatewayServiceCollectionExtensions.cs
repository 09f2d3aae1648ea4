using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Nimbus.Gateway.Management;
using Nimbus.Gateway.Protection;
using Nimbus.Gateway.Serving;
using Nimbus.Gateway.WebSockets;
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
        services.AddSingleton(sp => new Mapping.MappedIntegration(
            sp.GetRequiredService<Nimbus.Core.Functions.IFunctionInvoker>(),
            sp.GetService<Nimbus.Core.Services.IAwsServiceCaller>(),
            new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false })));
        services.AddSingleton<InvokeDispatcher>();
        services.AddGatewayProtection();
        services.AddSingleton(WebSocketLimits.Aws);
        services.AddSingleton<WebSocketGateway>();
        services.AddSingleton<FunctionUrls.FunctionUrlServer>();
        Provisioning.GatewayProvisioning.AddGatewayProvisioners(services);
        return services;
    }

    /// <summary>Runs before the edge (with ASP.NET Core's WebSocket upgrade support, for WebSocket APIs): serves invoke URLs
    /// (<c>{apiId}.execute-api.localhost</c>, <c>/_api/{apiId}/…</c>) and Lambda function URLs (<c>{urlId}.lambda-url.{region}.localhost</c>,
    /// <c>/_lambda-url/{urlId}/…</c>, when Functions registers <see cref="Nimbus.Core.Functions.IFunctionUrls"/>).</summary>
    public static IApplicationBuilder UseNimbusGateway(this IApplicationBuilder app) =>
        app.UseWebSockets(new WebSocketOptions { KeepAliveInterval = TimeSpan.Zero })
            .UseMiddleware<GatewayMiddleware>()
            .UseMiddleware<FunctionUrls.FunctionUrlMiddleware>();

    /// <summary>Maps the management routes (<c>/restapis/…</c>, <c>/v2/apis/…</c>, <c>/apikeys</c>, <c>/usageplans</c>…).</summary>
    public static IEndpointRouteBuilder MapNimbusGateway(this IEndpointRouteBuilder endpoints)
    {
        HttpApisApi.Map(endpoints);
        RestApisApi.Map(endpoints);
        RestApisApi.MapModelsAndResponses(endpoints);
        TagsApi.Map(endpoints);
        endpoints.MapGatewayProtection();
        return endpoints;
    }
}
