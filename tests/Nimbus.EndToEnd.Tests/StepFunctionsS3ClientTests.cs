namespace Nimbus.EndToEnd.Tests;

/// <summary>Distributed Map ItemReader/ResultWriter and aws-sdk:s3 tasks (tests/clients/e2e/sfn-s3.test.mjs) through client-sfn and client-s3.</summary>
[Collection("nimbus")]
public sealed class StepFunctionsS3ClientTests(NimbusFixture fixture)
{
    [Fact]
    public Task DistributedMap_ReadsItemsFromS3AndWritesResultsToS3() =>
        NodeClients.RunAsync(fixture.Nimbus, ["--test", "--test-reporter=spec", Path.Combine("e2e", "sfn-s3.test.mjs")]);
}
