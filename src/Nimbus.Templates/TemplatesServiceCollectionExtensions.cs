using Microsoft.Extensions.DependencyInjection;

namespace Nimbus.Templates;

/// <summary>Registers CloudFormation (stacks, change sets) with the SAM transform.</summary>
public static class TemplatesServiceCollectionExtensions
{
    public static IServiceCollection AddNimbusTemplates(this IServiceCollection services)
    {
        return services;
    }
}
