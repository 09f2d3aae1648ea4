using Microsoft.Extensions.DependencyInjection;
using Nimbus.Core.Provisioning;

namespace Nimbus.StepFunctions.Provisioning;

/// <summary>Registers the CloudFormation provisioners of Step Functions' resource types.</summary>
public static class StepFunctionsProvisioning
{
    public static IServiceCollection AddStepFunctionsProvisioners(this IServiceCollection services)
    {
        services.AddSingleton<IResourceProvisioner, StateMachineProvisioner>();
        services.AddSingleton<IResourceProvisioner, ActivityProvisioner>();
        return services;
    }
}
