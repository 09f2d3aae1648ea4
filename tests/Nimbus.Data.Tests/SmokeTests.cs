namespace Nimbus.Data.Tests;

public class RegistrationTests
{
    [Fact]
    public void RegistersIntoAServiceCollection()
    {
        var services = new Microsoft.Extensions.DependencyInjection.ServiceCollection();
        Assert.Same(services, services.AddNimbusData());
    }
}
