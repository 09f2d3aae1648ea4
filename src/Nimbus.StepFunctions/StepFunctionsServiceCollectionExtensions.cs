using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Nimbus.Core.Protocols;
using Nimbus.Core.Targets;
using Nimbus.StepFunctions.Service;
using Nimbus.Storage.Sqlite;

namespace Nimbus.StepFunctions;

/// <summary>Registers the Step Functions service: its tables, the <c>AWSStepFunctions</c> API and the resumer of executions.</summary>
/// <remarks>Needs a <see cref="StateStore"/> and a <see cref="TimeProvider"/>; uses <c>IFunctionInvoker</c> for Lambda tasks and an
/// <see cref="Execution.IJsonataEvaluator"/> for JSONata states when they are registered.</remarks>
public static class StepFunctionsServiceCollectionExtensions
{
    public static IServiceCollection AddNimbusStepFunctions(this IServiceCollection services, Action<StepFunctionsOptions>? configure = null)
    {
        var options = new StepFunctionsOptions();
        configure?.Invoke(options);
        services.AddSingleton(options);
        services.AddSingleton<MockConfig>();
        services.AddSingleton<IMigrationSource, StepFunctionsMigrations>();
        services.AddSingleton<SfnStore>();
        services.AddSingleton<TaskTokens>();
        services.AddSingleton<ActivityQueues>();
        services.AddSingleton<MapRuns>();
        services.AddSingleton<ExecutionCoordinator>();
        services.AddSingleton<StepFunctionsApi>();
        services.AddSingleton<IJsonProtocolService>(sp => sp.GetRequiredService<StepFunctionsApi>());
        services.AddSingleton<IArnTarget, StateMachineArnTarget>();
        services.AddHostedService<StepFunctionsResumer>();
        Provisioning.StepFunctionsProvisioning.AddStepFunctionsProvisioners(services);
        return services;
    }
}
