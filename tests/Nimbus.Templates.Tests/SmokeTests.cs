namespace Nimbus.Templates.Tests;

public class RegistrationTests
{
    [Fact]
    public void RegistersIntoAServiceCollection()
    {
        var services = new Microsoft.Extensions.DependencyInjection.ServiceCollection();
        Assert.Same(services, services.AddNimbusTemplates());
    }
}
