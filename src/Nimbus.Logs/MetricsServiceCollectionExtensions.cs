using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Nimbus.Core.Metrics;
using Nimbus.Core.Protocols;
using Nimbus.Core.Provisioning;
using Nimbus.Logs.Metrics;
using Nimbus.Logs.Metrics.Alarms;
using Nimbus.Logs.Metrics.Api;
using Nimbus.Logs.Metrics.Provisioning;
using Nimbus.Logs.Metrics.Publishing;
using Nimbus.Logs.Metrics.Store;
using Nimbus.Storage.Sqlite;

namespace Nimbus.Logs;

/// <summary>Registers CloudWatch metrics and alarms: the store, the API, the alarm evaluator, the platform's
/// <see cref="IMetricSink"/> and <see cref="IAlarmStates"/>, and the <c>AWS::CloudWatch::Alarm</c> provisioner.</summary>
public static class MetricsServiceCollectionExtensions
{
    /// <remarks>Register after <c>AddNimbusTemplates</c>: the stack engine takes the last provisioner registered for a type,
    /// and Templates records <c>AWS::CloudWatch::Alarm</c> without behaviour when no service provisions it.</remarks>
    public static IServiceCollection AddNimbusMetrics(this IServiceCollection services, Action<MetricsOptions>? configure = null)
    {
        var options = new MetricsOptions();
        configure?.Invoke(options);
        services.AddSingleton(options);
        services.AddSingleton<IMigrationSource, MetricsMigrations>();
        services.AddSingleton<MetricStore>();
        services.AddSingleton<AlarmStore>();
        services.AddSingleton<MetricAggregator>();
        services.AddSingleton<IMetricSink>(sp => sp.GetRequiredService<MetricAggregator>());
        services.AddSingleton(sp => new AlarmTransitions(sp.GetRequiredService<AlarmStore>(), sp.GetRequiredService<TimeProvider>(), sp.GetService<Nimbus.Core.Targets.IArnTargets>()));
        services.AddSingleton<AlarmEvaluator>();
        services.AddSingleton<IHostedService>(sp => sp.GetRequiredService<AlarmEvaluator>());
        services.AddSingleton<AlarmService>();
        services.AddSingleton<IAlarmStates>(sp => sp.GetRequiredService<AlarmService>());
        services.AddSingleton<IJsonProtocolService, CloudWatchApi>();
        services.AddSingleton<IResourceProvisioner, AlarmProvisioner>();
        return services;
    }
}
