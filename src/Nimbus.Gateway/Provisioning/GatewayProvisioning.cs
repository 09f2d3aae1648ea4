using Microsoft.Extensions.DependencyInjection;
using Nimbus.Core.Provisioning;

namespace Nimbus.Gateway.Provisioning;

/// <summary>Registers the CloudFormation provisioners of API Gateway's REST (v1) and HTTP (v2) resource types.</summary>
public static class GatewayProvisioning
{
    public static IServiceCollection AddGatewayProvisioners(this IServiceCollection services)
    {
        services.AddSingleton<GatewayCalls>();
        services.AddSingleton<IResourceProvisioner, HttpApiProvisioner>();
        services.AddSingleton<IResourceProvisioner, HttpIntegrationProvisioner>();
        services.AddSingleton<IResourceProvisioner, HttpRouteProvisioner>();
        services.AddSingleton<IResourceProvisioner, HttpStageProvisioner>();
        services.AddSingleton<IResourceProvisioner, HttpDeploymentProvisioner>();
        services.AddSingleton<IResourceProvisioner, RestApiProvisioner>();
        services.AddSingleton<IResourceProvisioner, RestResourceProvisioner>();
        services.AddSingleton<IResourceProvisioner, RestMethodProvisioner>();
        services.AddSingleton<IResourceProvisioner, RestDeploymentProvisioner>();
        services.AddSingleton<IResourceProvisioner, RestStageProvisioner>();
        return services;
    }
}
