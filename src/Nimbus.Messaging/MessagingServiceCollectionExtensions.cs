using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace Nimbus.Messaging;

/// <summary>Registers the messaging services: SQS, SNS, EventBridge and EventBridge Scheduler. Each service registers itself in its own part.</summary>
public static partial class MessagingServiceCollectionExtensions
{
    public static IServiceCollection AddNimbusMessaging(this IServiceCollection services)
    {
        AddSqs(services);
        AddSns(services);
        AddEvents(services);
        AddScheduler(services);
        Provisioning.MessagingProvisioning.AddMessagingProvisioners(services);
        return services;
    }

    /// <summary>Runs before the edge: EventBridge Scheduler's restJson1 requests (signed for <c>scheduler</c>).</summary>
    public static IApplicationBuilder UseNimbusMessaging(this IApplicationBuilder app)
    {
        UseScheduler(app);
        return app;
    }

    static partial void AddSqs(IServiceCollection services);

    static partial void AddSns(IServiceCollection services);

    static partial void AddEvents(IServiceCollection services);

    static partial void AddScheduler(IServiceCollection services);

    static partial void UseScheduler(IApplicationBuilder app);
}
