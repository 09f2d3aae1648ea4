namespace Nimbus.EndToEnd.Tests;

/// <summary>The Lambda API driven by @aws-sdk/client-lambda (each file is a node:test suite in tests/clients/e2e).</summary>
[Collection("nimbus")]
public sealed class LambdaClientTests(NimbusFixture fixture)
{
    [Fact]
    public Task ControlPlane_SdkClient_Works() => Run("lambda-api.test.mjs");

    [Fact]
    public Task Invoke_SyncAsyncDryRunTail_Works() => Run("lambda-invoke.test.mjs");

    [Fact]
    public Task FunctionErrors_TimeoutCrashInitFailure_HaveAwsShapes() => Run("lambda-errors.test.mjs");

    [Fact]
    public Task VersionsAndAliases_WeightedAlias_SplitsTraffic() => Run("lambda-versions.test.mjs");

    [Fact]
    public Task AsyncInvoke_RetriesAndDestinations_FollowEventInvokeConfig() => Run("lambda-async.test.mjs");

    [Fact]
    public Task SqsEventSourceMappingsAndSqsDestinations_Work() => Run("lambda-sqs.test.mjs");

    [Fact]
    public Task SnsSubscriptionsAndEventBridgeTargets_InvokeFunctions() => Run("lambda-events.test.mjs");

    [Fact]
    public Task Layers_MergedAtOpt_InOrder() => Run("lambda-layers.test.mjs");

    [Fact]
    public Task Concurrency_Reserved_Throttles() => Run("lambda-concurrency.test.mjs");

    [Fact]
    public Task Runtimes_PythonShellAndAwsLambdaRic_Work() => Run("lambda-runtimes.test.mjs");

    [Fact]
    public Task Isolation_Bubblewrap_HidesOtherCodeAndState() => Run("lambda-isolation.test.mjs");

    private Task Run(string file) => NodeClients.RunAsync(fixture.Nimbus, ["--test", "--test-reporter=spec", Path.Combine("e2e", file)]);
}
