namespace Nimbus.EndToEnd.Tests;

/// <summary>API Gateway authorizers, API keys and usage plans, throttling and the stage cache, driven by
/// @aws-sdk/client-api-gateway / client-apigatewayv2 and fetch (tests/clients/e2e/apigw-auth.test.mjs).</summary>
[Collection("nimbus")]
public sealed class GatewayProtectionClientTests(NimbusFixture fixture)
{
    [Fact]
    public Task AuthorizersApiKeysUsagePlansThrottlingAndCaching_Work() =>
        NodeClients.RunAsync(fixture.Nimbus, ["--test", "--test-reporter=spec", Path.Combine("e2e", "apigw-auth.test.mjs")]);
}
