namespace Nimbus.EndToEnd.Tests;

/// <summary>Lambda function URLs: the config API through @aws-sdk/client-lambda and HTTP calls to the URLs (e2e/function-url.test.mjs).</summary>
[Collection("nimbus")]
public sealed class FunctionUrlClientTests(NimbusFixture fixture)
{
    [Fact]
    public Task FunctionUrls_ConfigApiEventsCorsAndIam_Work() =>
        NodeClients.RunAsync(fixture.Nimbus, ["--test", "--test-reporter=spec", Path.Combine("e2e", "function-url.test.mjs")]);
}
