using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Nimbus.Core.Protocols;
using Nimbus.Core.Provisioning;
using Nimbus.Storage.Sqlite;
using Nimbus.Templates.Api;
using Nimbus.Templates.Stacks;
using Nimbus.Templates.Stacks.Recorded;

namespace Nimbus.Templates;

/// <summary>Registers CloudFormation (stacks, change sets) with the SAM transform.</summary>
/// <remarks>Resource types are provisioned by the <see cref="IResourceProvisioner"/>s the services register; the AWS-only types
/// (IAM, log groups, alarms, CodeDeploy…) are recorded here.</remarks>
public static class TemplatesServiceCollectionExtensions
{
    public static IServiceCollection AddNimbusTemplates(this IServiceCollection services, Action<TemplatesOptions>? configure = null)
    {
        var options = new TemplatesOptions();
        configure?.Invoke(options);
        services.AddSingleton(options);
        services.AddSingleton<CodeDeploy.DeploymentTracker>();
        services.AddSingleton<IJsonProtocolService, CodeDeploy.CodeDeployApi>();
        services.AddSingleton(sp => sp.GetService<Nimbus.Core.Functions.IFunctionInvoker>() is { } invoker
            ? new CodeDeploy.GradualDeployments(sp.GetRequiredService<CodeDeploy.DeploymentTracker>(), invoker, options, sp.GetRequiredService<TimeProvider>(),
                sp.GetService<Nimbus.Core.Metrics.IAlarmStates>())
            : null!);
        services.AddSingleton<IMigrationSource, StacksMigrations>();
        services.AddSingleton<StackStore>();
        services.AddSingleton<ArtifactResolver>();
        services.AddSingleton<TemplatePreparer>();
        services.AddSingleton<ProvisionerRegistry>();
        services.AddSingleton(sp => new StackEngine(
            sp.GetRequiredService<StackStore>(), sp.GetRequiredService<ProvisionerRegistry>(), sp.GetRequiredService<TemplatePreparer>(),
            sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<Microsoft.Extensions.Logging.ILogger<StackEngine>>(), sp.GetService<IObjectReader>(),
            sp.GetService<CodeDeploy.GradualDeployments>()));
        services.AddSingleton<IResourceProvisioner, NestedStackProvisioner>();
        services.AddSingleton<IQueryProtocolService, CloudFormationApi>();
        services.AddSingleton<IHostedService, StackRecovery>();
        foreach (var recorded in RecordedProvisioner.All())
        {
            services.AddSingleton(recorded);
        }

        return services;
    }
}
