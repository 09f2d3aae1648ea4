namespace Nimbus.EndToEnd.Tests;

/// <summary>SQS driven by @aws-sdk/client-sqs and raw query-protocol posts (tests/clients/e2e/sqs.test.mjs, a node:test suite).</summary>
[Collection("nimbus")]
public sealed class MessagingClientTests(NimbusFixture fixture)
{
    [Fact]
    public Task Sqs_QueuesMessagesFifoDeadLettersErrorsAndQueryProtocol_Work() =>
        NodeClients.RunAsync(fixture.Nimbus, ["--test", "--test-reporter=spec", Path.Combine("e2e", "sqs.test.mjs")]);

    [Fact]
    public async Task Sqs_RestartAfterKill_KeepsMessagesInFlightDeadlinesReceiptsAndDeduplication()
    {
        var state = Path.Combine(Path.GetTempPath(), "nimbus-sqs-restart-" + Guid.NewGuid().ToString("N"));
        var env = new Dictionary<string, string>
        {
            ["NIMBUS_SQS_RESTART_NAME"] = "sqs-restart-" + Guid.NewGuid().ToString("N")[..8],
            ["NIMBUS_SQS_RESTART_FILE"] = state + ".json",
        };
        try
        {
            await using (var first = await NimbusProcess.StartAsync(state))
            {
                await NodeClients.RunAsync(first, [Path.Combine("restart", "sqs-phase1.mjs")], env);
                first.Kill();
            }

            await using var second = await NimbusProcess.StartAsync(state);
            await NodeClients.RunAsync(second, [Path.Combine("restart", "sqs-phase2.mjs")], env);
        }
        finally
        {
            File.Delete(state + ".json");
            try
            {
                Directory.Delete(state, recursive: true);
            }
            catch (IOException)
            {
                // Best effort.
            }
        }
    }
}
