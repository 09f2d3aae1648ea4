using Microsoft.Extensions.DependencyInjection;
using Nimbus.Core.Provisioning;

namespace Nimbus.Data.Provisioning;

/// <summary>Registers the CloudFormation provisioners of S3 and DynamoDB, and S3 as the <see cref="IObjectReader"/> of code packages and templates.</summary>
public static class DataProvisioning
{
    public static IServiceCollection AddDataProvisioners(this IServiceCollection services)
    {
        services.AddSingleton<S3Calls>();
        services.AddSingleton<IObjectReader>(sp => sp.GetRequiredService<S3Calls>());
        services.AddSingleton<IResourceProvisioner, TableProvisioner>();
        services.AddSingleton<IResourceProvisioner, BucketProvisioner>();
        return services;
    }
}
