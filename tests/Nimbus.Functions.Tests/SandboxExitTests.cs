using System.Text;
using Nimbus.Core.Logs;
using Nimbus.Functions.Sandboxes;

namespace Nimbus.Functions.Tests;

/// <summary>A runtime that exits on its own, before or during an invocation, is reported as AWS reports it.</summary>
public sealed class SandboxExitTests : IDisposable
{
    private readonly TestState _state = new();

    public void Dispose() => _state.Dispose();

    [Fact]
    public async Task InvokeAsync_RuntimeAlreadyExited_ReportsItsExitStatus()
    {
        var code = Path.Combine(_state.Directory, "code");
        Directory.CreateDirectory(code);
        var bootstrap = Path.Combine(code, "bootstrap");
        await File.WriteAllTextAsync(bootstrap, "#!/bin/sh\necho dying >&2\nexit 3\n");
        File.SetUnixFileMode(bootstrap, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var launcher = _state.ProcessLauncher();
        var spec = TestState.Spec("crash", "provided.al2023", "h", code);
        await using var sandbox = new Sandbox(spec, launcher, new NullSink(), TimeProvider.System);

        // The race CI once hit: the runtime dies before the invocation is handed to the sandbox.
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (!sandbox.IsDead && waited.Elapsed < TimeSpan.FromSeconds(10))
        {
            await Task.Delay(10);
        }

        Assert.True(sandbox.IsDead);
        var work = new InvocationWork
        {
            RequestId = "req-1",
            Payload = "{}"u8.ToArray(),
            InvokedFunctionArn = "arn:aws:lambda:us-east-1:123456789012:function:crash",
            TraceId = "Root=1-00000000-000000000000000000000000",
        };
        var outcome = await sandbox.InvokeAsync(work, TimeSpan.FromSeconds(5));

        Assert.Equal(OutcomeKind.Exited, outcome.Kind);
        Assert.Equal("Runtime.ExitError", outcome.ErrorType);
        Assert.Contains("Runtime exited with error: exit status 3", Encoding.UTF8.GetString(outcome.Payload.Span), StringComparison.Ordinal);
    }

    private sealed class NullSink : ILogSink
    {
        public void Append(LogStreamRef stream, long timestampMs, string message)
        {
        }
    }
}
