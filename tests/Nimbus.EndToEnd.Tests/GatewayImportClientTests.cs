namespace Nimbus.EndToEnd.Tests;

/// <summary>ImportRestApi/PutRestApi driven by @aws-sdk/client-api-gateway (tests/clients/e2e/apigw-import.test.mjs).</summary>
[Collection("nimbus")]
public sealed class GatewayImportClientTests(NimbusFixture fixture)
{
    [Fact]
    public Task ImportRestApi_PutRestApi_DeployServeAndExportRoundTrip_Work() =>
        NodeClients.RunAsync(fixture.Nimbus, ["--test", "--test-reporter=spec", Path.Combine("e2e", "apigw-import.test.mjs")]);
}
