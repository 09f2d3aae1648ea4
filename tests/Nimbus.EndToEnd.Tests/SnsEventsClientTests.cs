namespace Nimbus.EndToEnd.Tests;

/// <summary>SNS and EventBridge driven by @aws-sdk/client-sns and @aws-sdk/client-eventbridge (tests/clients/e2e/sns-events.test.mjs).</summary>
[Collection("nimbus")]
public sealed class SnsEventsClientTests(NimbusFixture fixture)
{
    [Fact]
    public Task TopicsSubscriptionsFiltersRulesAndPutEvents_DeliverToHttpSubscribers() =>
        NodeClients.RunAsync(fixture.Nimbus, ["--test", "--test-reporter=spec", Path.Combine("e2e", "sns-events.test.mjs")]);
}
