using Microsoft.Extensions.DependencyInjection;
using Nimbus.Core.Provisioning;

namespace Nimbus.Functions.Provisioning;

/// <summary>Registers the CloudFormation provisioners of Lambda's resource types.</summary>
public static class FunctionsProvisioning
{
    public static IServiceCollection AddFunctionsProvisioners(this IServiceCollection services)
    {
        services.AddSingleton<LambdaCalls>();
        services.AddSingleton<IResourceProvisioner, FunctionProvisioner>();
        services.AddSingleton<IResourceProvisioner, VersionProvisioner>();
        services.AddSingleton<IResourceProvisioner, AliasProvisioner>();
        services.AddSingleton<IResourceProvisioner, EventSourceMappingProvisioner>();
        services.AddSingleton<IResourceProvisioner, LayerVersionProvisioner>();
        services.AddSingleton<IResourceProvisioner, EventInvokeConfigProvisioner>();
        services.AddSingleton<IResourceProvisioner, PermissionProvisioner>();
        services.AddSingleton<IResourceProvisioner, UrlProvisioner>();
        return services;
    }
}
