namespace Nimbus.EndToEnd.Tests;

/// <summary>API Gateway WebSocket APIs, a powertools event-handler function behind REST and HTTP APIs, and
/// export/YAML import, and a SAM WebSocketApi deployed as a stack (tests/clients/e2e/apigw-ws.test.mjs,
/// apigw-powertools.test.mjs, apigw-export.test.mjs, sam-websocket.test.mjs).</summary>
[Collection("nimbus")]
public sealed class GatewayWebSocketClientTests(NimbusFixture fixture)
{
    [Fact]
    public Task WebSocketApi_ConnectMessagesDisconnectAndConnectionsApi_Work() =>
        NodeClients.RunAsync(fixture.Nimbus, ["--test", "--test-reporter=spec", Path.Combine("e2e", "apigw-ws.test.mjs")]);

    [Fact]
    public Task SamWebSocketApi_DeploysThroughCloudFormationAndServesRoutes() =>
        NodeClients.RunAsync(fixture.Nimbus, ["--test", "--test-reporter=spec", Path.Combine("e2e", "sam-websocket.test.mjs")]);

    [Fact]
    public Task PowertoolsEventHandler_BehindRestAndHttpApis_ParsesEventsAndAnswers() =>
        NodeClients.RunAsync(fixture.Nimbus, ["--test", "--test-reporter=spec", Path.Combine("e2e", "apigw-powertools.test.mjs")]);

    [Fact]
    public Task ExportApiGetExportAndYamlImport_RoundTrip() =>
        NodeClients.RunAsync(fixture.Nimbus, ["--test", "--test-reporter=spec", Path.Combine("e2e", "apigw-export.test.mjs")]);
}
