namespace Nimbus.EndToEnd.Tests;

/// <summary>SQS driven by @aws-sdk/client-sqs and raw query-protocol posts (tests/clients/e2e/sqs.test.mjs, a node:test suite).</summary>
[Collection("nimbus")]
public sealed class MessagingClientTests(NimbusFixture fixture)
{
    [Fact]
    public Task Sqs_QueuesMessagesFifoDeadLettersErrorsAndQueryProtocol_Work() =>
        NodeClients.RunAsync(fixture.Nimbus, ["--test", "--test-reporter=spec", Path.Combine("e2e", "sqs.test.mjs")]);
}
