using System.Diagnostics;
using Nimbus.Functions.Sandboxes;

namespace Nimbus.Functions.Tests;

/// <summary>Sandboxes run under bubblewrap's <c>--die-with-parent</c> (PR_SET_PDEATHSIG), which Linux ties to the forking
/// <em>thread</em>: a process started from a thread that then exits is killed. <see cref="ProcessSpawner"/> forks from a
/// thread that never exits.</summary>
public sealed class ProcessSpawnerTests
{
    private static ProcessStartInfo SleepWithParentDeathSignal() => new("setpriv", ["--pdeathsig", "KILL", "--", "sleep", "30"]);

    private static Process StartOnShortLivedThread(Func<ProcessStartInfo, Process> start)
    {
        Process? process = null;
        var thread = new Thread(() =>
        {
            process = start(SleepWithParentDeathSignal());
            Thread.Sleep(300); // setpriv arms the signal after the fork: exit only once it has.
        });
        thread.Start();
        thread.Join();
        return process!;
    }

    [Fact]
    public async Task Start_FromAThreadThatExits_TheProcessLivesOn()
    {
        if (!OperatingSystem.IsLinux() || !File.Exists("/usr/bin/setpriv"))
        {
            return;
        }

        // The premise: started directly from a thread that exits, the parent-death signal kills the child.
        using var direct = StartOnShortLivedThread(s => Process.Start(s)!);
        await direct.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(137, direct.ExitCode);

        using var spawned = StartOnShortLivedThread(ProcessSpawner.Start);
        try
        {
            await Task.Delay(500);
            Assert.False(spawned.HasExited, "the process died with the thread that asked for it");
        }
        finally
        {
            spawned.Kill();
        }
    }
}
