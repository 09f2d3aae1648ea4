using Microsoft.Extensions.DependencyInjection;
using Nimbus.Core.Messaging;
using Nimbus.Core.Protocols;
using Nimbus.Core.Targets;
using Nimbus.Messaging.Sqs;
using Nimbus.Messaging.Sqs.Protocol;
using Nimbus.Storage.Sqlite;

namespace Nimbus.Messaging;

/// <summary>SQS: one service core, its JSON 1.0 and query front ends, the consumer API and the ARN target.</summary>
public static partial class MessagingServiceCollectionExtensions
{
    static partial void AddSqs(IServiceCollection services)
    {
        services.AddSingleton<IMigrationSource, SqsMigrations>();
        services.AddSingleton<SqsStore>();
        services.AddSingleton<SqsService>();
        services.AddSingleton<IJsonProtocolService, SqsJsonApi>();
        services.AddSingleton<IQueryProtocolService, SqsQueryApi>();
        services.AddSingleton<IMessageQueues, SqsMessageQueues>();
        services.AddSingleton<IArnTarget, SqsArnTarget>();
    }
}
