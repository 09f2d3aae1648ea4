namespace Nimbus.EndToEnd.Tests;

/// <summary>API Gateway mapping templates, non-proxy integrations, models/validators, gateway responses and HTTP API
/// parameter mapping, driven by the SDK v3 clients and fetch (tests/clients/e2e/apigw-mapping.test.mjs).</summary>
[Collection("nimbus")]
public sealed class GatewayMappingClientTests(NimbusFixture fixture)
{
    [Fact]
    public Task MappingTemplatesValidationAndGatewayResponses_Work() =>
        NodeClients.RunAsync(fixture.Nimbus, ["--test", "--test-reporter=spec", Path.Combine("e2e", "apigw-mapping.test.mjs")]);
}
