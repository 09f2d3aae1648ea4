namespace Nimbus.EndToEnd.Tests;

/// <summary>CloudFormation driven by @aws-sdk/client-cloudformation (tests/clients/e2e/cloudformation.test.mjs, a node:test suite).</summary>
[Collection("nimbus")]
public sealed class CloudFormationClientTests(NimbusFixture fixture)
{
    [Fact]
    public Task Stacks_CreateUpdateRollbackDeleteChangeSetsAndExports_Work() =>
        NodeClients.RunAsync(fixture.Nimbus, ["--test", "--test-reporter=spec", Path.Combine("e2e", "cloudformation.test.mjs")]);
}
