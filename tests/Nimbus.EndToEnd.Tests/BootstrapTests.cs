namespace Nimbus.EndToEnd.Tests;

/// <summary>The shipped language bootstraps against a fake Runtime API (tests in runtimes/test, node:test).</summary>
public sealed class BootstrapTests
{
    [Fact]
    public async Task Bootstraps_FakeRuntimeApi_FollowAwsConventions()
    {
        await NodeClients.RunInRepoAsync(["--test", "--test-reporter=spec", "runtimes/test/"], TimeSpan.FromMinutes(5));
    }
}
