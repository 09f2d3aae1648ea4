using Microsoft.Extensions.DependencyInjection;

namespace Nimbus.Messaging;

/// <summary>Registers the messaging services: SQS, SNS and EventBridge. Each service registers itself in its own part.</summary>
public static partial class MessagingServiceCollectionExtensions
{
    public static IServiceCollection AddNimbusMessaging(this IServiceCollection services)
    {
        AddSqs(services);
        AddSns(services);
        AddEvents(services);
        Provisioning.MessagingProvisioning.AddMessagingProvisioners(services);
        return services;
    }

    static partial void AddSqs(IServiceCollection services);

    static partial void AddSns(IServiceCollection services);

    static partial void AddEvents(IServiceCollection services);
}
