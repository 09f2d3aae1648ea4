namespace Nimbus.EndToEnd.Tests;

/// <summary>CloudWatch metrics and alarms driven by @aws-sdk/client-cloudwatch (tests/clients/e2e/cloudwatch.test.mjs, a node:test suite).</summary>
[Collection("nimbus")]
public sealed class CloudWatchClientTests(NimbusFixture fixture)
{
    [Fact]
    public Task MetricsAlarmsLambdaMetricsAndAlarmedGradualDeployments_Work() =>
        NodeClients.RunAsync(fixture.Nimbus, ["--test", "--test-reporter=spec", Path.Combine("e2e", "cloudwatch.test.mjs")]);
}
