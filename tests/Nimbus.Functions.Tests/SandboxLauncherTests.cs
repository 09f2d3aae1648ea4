using Nimbus.Functions.Sandboxes;

namespace Nimbus.Functions.Tests;

public sealed class SandboxLauncherTests : IDisposable
{
    private readonly TestState _state = new();

    public void Dispose() => _state.Dispose();

    [Theory]
    [InlineData(128, 1)]
    [InlineData(1769, 1)]
    [InlineData(1770, 2)]
    [InlineData(3008, 2)]
    [InlineData(10240, 6)]
    public void LambdaVcpus_MemorySize_AsLambdaAllocates(int memory, int vcpus)
    {
        Assert.Equal(vcpus, SandboxLauncher.LambdaVcpus(memory));
    }

    [Fact]
    public void Build_Nodejs_StartsNodeWithAwsFlagsAndAPoolSizedToItsVcpus()
    {
        Assert.NotNull(SandboxLauncher.FindExecutable("node")); // .ci/run installs it, as the e2e tests need it

        var launcher = _state.ProcessLauncher();
        var spec = TestState.Spec("fn", "nodejs20.x", "index.handler", _state.Directory, memorySize: 3008);

        var (start, error) = launcher.Build(spec, "127.0.0.1:9001", "stream");

        Assert.Null(error);
        var args = start!.ArgumentList;
        Assert.Contains("--expose-gc", args);
        Assert.Contains("--max-semi-space-size=150", args);
        Assert.Contains("--max-old-space-size=2708", args);
        Assert.Contains("--v8-pool-size=2", args);
    }
}
