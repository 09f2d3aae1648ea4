using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace Nimbus.Data;

/// <summary>Registers the data services: S3 and DynamoDB (with streams). Each service registers itself in its own part.</summary>
public static partial class DataServiceCollectionExtensions
{
    public static IServiceCollection AddNimbusData(this IServiceCollection services)
    {
        AddS3(services);
        AddDynamoDb(services);
        Provisioning.DataProvisioning.AddDataProvisioners(services);
        return services;
    }

    /// <summary>Runs before the edge: S3's REST-XML requests (signed for <c>s3</c>, or addressed to <c>{bucket}.s3.localhost</c>).</summary>
    public static IApplicationBuilder UseNimbusData(this IApplicationBuilder app)
    {
        UseS3(app);
        return app;
    }

    static partial void AddS3(IServiceCollection services);

    static partial void UseS3(IApplicationBuilder app);

    static partial void AddDynamoDb(IServiceCollection services);
}
