namespace Nimbus.EndToEnd.Tests;

/// <summary>EventBridge Scheduler driven by @aws-sdk/client-scheduler (tests/clients/e2e/scheduler*.test.mjs, node:test suites).</summary>
[Collection("nimbus")]
public sealed class SchedulerClientTests(NimbusFixture fixture)
{
    [Fact]
    public Task GroupsSchedulesErrorsAndRealFirings_Work() =>
        NodeClients.RunAsync(fixture.Nimbus, ["--test", "--test-reporter=spec", Path.Combine("e2e", "scheduler.test.mjs")]);

    [Fact]
    public Task SamScheduleV2AndSchedulerResources_DeployFireAndDelete() =>
        NodeClients.RunAsync(fixture.Nimbus, ["--test", "--test-reporter=spec", Path.Combine("e2e", "scheduler-stack.test.mjs")]);
}
