namespace Nimbus.EndToEnd.Tests;

/// <summary>API Gateway driven by @aws-sdk/client-apigatewayv2 and client-api-gateway, invoked over HTTP (tests/clients/e2e/apigw.test.mjs).</summary>
[Collection("nimbus")]
public sealed class GatewayClientTests(NimbusFixture fixture)
{
    [Fact]
    public Task HttpAndRestApis_ManagementInvokeUrlsEventsAndResponses_Work() =>
        NodeClients.RunAsync(fixture.Nimbus, ["--test", "--test-reporter=spec", Path.Combine("e2e", "apigw.test.mjs")]);
}
