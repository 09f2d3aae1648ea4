using System.Diagnostics;
using Nimbus.Functions.Sandboxes;

namespace Nimbus.Functions.Tests;

public sealed class ProcessTreeTests
{
    [Fact]
    public void Resident_OfTheTreesPids_MatchesTheFullWalk()
    {
        using var child = Process.Start(new ProcessStartInfo("sleep", "30") { UseShellExecute = false })!;
        try
        {
            var pids = new List<int>();
            var (rss, peak) = ProcessTree.Memory(Environment.ProcessId, pids);

            Assert.Contains(Environment.ProcessId, pids);
            Assert.Contains(child.Id, pids);
            Assert.True(rss > 0 && peak >= rss);

            // statm and status report the same resident pages; the test process allocates between the two reads.
            var resident = ProcessTree.Resident(pids);
            Assert.InRange(resident, rss / 2, rss * 2);
        }
        finally
        {
            child.Kill();
        }
    }

    [Fact]
    public void Resident_OfAGoneProcess_IsZero()
    {
        using var child = Process.Start(new ProcessStartInfo("true") { UseShellExecute = false })!;
        child.WaitForExit();

        Assert.Equal(0, ProcessTree.Resident([child.Id]));
    }
}
