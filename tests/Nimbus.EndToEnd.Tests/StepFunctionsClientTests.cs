namespace Nimbus.EndToEnd.Tests;

/// <summary>The Step Functions API driven by @aws-sdk/client-sfn (tests/clients/e2e/sfn.test.mjs, a node:test suite).</summary>
[Collection("nimbus")]
public sealed class StepFunctionsClientTests(NimbusFixture fixture)
{
    [Fact]
    public Task StateMachines_LambdaTasksCallbacksHistoryErrorsExpressAndJsonata_Work() =>
        NodeClients.RunAsync(fixture.Nimbus, ["--test", "--test-reporter=spec", Path.Combine("e2e", "sfn.test.mjs")]);

    [Fact]
    public Task ActivitiesVersionsNestedExecutionsAndMore_Work() =>
        NodeClients.RunAsync(fixture.Nimbus, ["--test", "--test-reporter=spec", Path.Combine("e2e", "sfn-more.test.mjs")]);

    [Fact]
    public Task ExecutionLogging_ToCloudWatchLogs_Works() =>
        NodeClients.RunAsync(fixture.Nimbus, ["--test", "--test-reporter=spec", Path.Combine("e2e", "sfn-logging.test.mjs")]);

    [Fact]
    public Task ServiceIntegrations_SqsSnsEventBridgeAndAwsSdk_Work() =>
        NodeClients.RunAsync(fixture.Nimbus, ["--test", "--test-reporter=spec", Path.Combine("e2e", "sfn-integrations.test.mjs")]);

    [Fact]
    public Task Redrive_RerunsOnlyTheFailedMapItems() =>
        NodeClients.RunAsync(fixture.Nimbus, ["--test", "--test-reporter=spec", Path.Combine("e2e", "sfn-redrive.test.mjs")]);
}
