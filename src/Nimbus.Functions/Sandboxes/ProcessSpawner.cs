using System.Collections.Concurrent;
using System.Diagnostics;

namespace Nimbus.Functions.Sandboxes;

/// <summary>Starts sandbox processes from one dedicated thread that lives as long as Nimbus.</summary>
/// <remarks>
/// bubblewrap's <c>--die-with-parent</c> is <c>PR_SET_PDEATHSIG</c>, which Linux ties to the <em>thread</em> that forked the
/// child, not to the process. Started from a thread-pool thread, a sandbox was SIGKILLed whenever the pool retired that
/// thread (idle threads exit after some seconds), often several at once — the runtime vanished between invocations, or
/// under an invocation, which the gateway answered with 500/502. Forking from a thread that never exits keeps the
/// intended meaning: the sandboxes die with Nimbus, and only then.
/// </remarks>
internal static class ProcessSpawner
{
    private static readonly BlockingCollection<(ProcessStartInfo Start, TaskCompletionSource<Process> Done)> Requests = [];

    static ProcessSpawner()
    {
        var thread = new Thread(Run) { IsBackground = true, Name = "Nimbus sandbox spawner" };
        thread.Start();
    }

    /// <summary>Starts <paramref name="start"/> on the spawner thread and waits for it (as <see cref="Process.Start(ProcessStartInfo)"/>).</summary>
    public static Process Start(ProcessStartInfo start)
    {
        var done = new TaskCompletionSource<Process>(TaskCreationOptions.RunContinuationsAsynchronously);
        Requests.Add((start, done));
        return done.Task.GetAwaiter().GetResult();
    }

    private static void Run()
    {
        foreach (var (start, done) in Requests.GetConsumingEnumerable())
        {
            try
            {
                done.SetResult(Process.Start(start) ?? throw new InvalidOperationException("The process did not start."));
            }
            catch (Exception e)
            {
                done.SetException(e);
            }
        }
    }
}
