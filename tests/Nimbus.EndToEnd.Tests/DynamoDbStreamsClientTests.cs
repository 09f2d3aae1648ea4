namespace Nimbus.EndToEnd.Tests;

/// <summary>DynamoDB Streams and stream → Lambda mappings driven by @aws-sdk/client-dynamodb, -dynamodb-streams and -lambda
/// (tests/clients/e2e/dynamodb-streams.test.mjs), and a kill -9 restart between writes (tests/clients/restart/ddbstream-phase*.mjs).</summary>
[Collection("nimbus")]
public sealed class DynamoDbStreamsClientTests(NimbusFixture fixture)
{
    [Fact]
    public Task StreamsApiAndLambdaMappings_Work() =>
        NodeClients.RunAsync(fixture.Nimbus, ["--test", "--test-reporter=spec", Path.Combine("e2e", "dynamodb-streams.test.mjs")]);

    [Fact]
    public async Task StreamMapping_RestartAfterKill_LosesNoChangeAndRedeliversNothing()
    {
        var state = Path.Combine(Path.GetTempPath(), "nimbus-ddbstream-restart-" + Guid.NewGuid().ToString("N"));
        var env = new Dictionary<string, string> { ["NIMBUS_DDBSTREAM_RESTART_FILE"] = state + ".json" };
        try
        {
            await using (var first = await NimbusProcess.StartAsync(state))
            {
                await NodeClients.RunAsync(first, [Path.Combine("restart", "ddbstream-phase1.mjs")], env);
                first.Kill();
            }

            await using var second = await NimbusProcess.StartAsync(state);
            await NodeClients.RunAsync(second, [Path.Combine("restart", "ddbstream-phase2.mjs")], env);
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
