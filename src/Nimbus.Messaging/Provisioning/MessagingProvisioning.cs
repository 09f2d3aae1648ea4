using Microsoft.Extensions.DependencyInjection;
using Nimbus.Core.Provisioning;

namespace Nimbus.Messaging.Provisioning;

/// <summary>Registers the CloudFormation provisioners of SQS, SNS, EventBridge and EventBridge Scheduler resource types.</summary>
public static class MessagingProvisioning
{
    public static IServiceCollection AddMessagingProvisioners(this IServiceCollection services)
    {
        services.AddSingleton<MessagingCalls>();
        services.AddSingleton<IResourceProvisioner, QueueProvisioner>();
        services.AddSingleton<IResourceProvisioner, QueuePolicyProvisioner>();
        services.AddSingleton<IResourceProvisioner, TopicProvisioner>();
        services.AddSingleton<IResourceProvisioner, SubscriptionProvisioner>();
        services.AddSingleton<IResourceProvisioner, TopicPolicyProvisioner>();
        services.AddSingleton<IResourceProvisioner, RuleProvisioner>();
        services.AddSingleton<IResourceProvisioner, EventBusProvisioner>();
        services.AddSingleton<IResourceProvisioner, ScheduleProvisioner>();
        services.AddSingleton<IResourceProvisioner, ScheduleGroupProvisioner>();
        return services;
    }
}
