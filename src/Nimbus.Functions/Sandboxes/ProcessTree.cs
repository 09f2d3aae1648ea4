using System.Globalization;

namespace Nimbus.Functions.Sandboxes;

/// <summary>Reads the memory of a sandbox's process tree from <c>/proc</c> (bubblewrap's own processes excluded).</summary>
internal static class ProcessTree
{
    /// <summary>Sum of <c>VmHWM</c> (peak) or <c>VmRSS</c> (current) over the tree, in bytes; 0 when unavailable.</summary>
    public static long MemoryBytes(int rootPid, bool peak)
    {
        var (rss, hwm) = Memory(rootPid);
        return peak ? hwm : rss;
    }

    /// <summary>Current (<c>VmRSS</c>) and peak (<c>VmHWM</c>) resident memory of the tree, in bytes.</summary>
    public static (long Rss, long Peak) Memory(int rootPid)
    {
        if (!OperatingSystem.IsLinux())
        {
            return (0, 0);
        }

        long total = 0, peakTotal = 0;
        var stack = new Stack<int>();
        stack.Push(rootPid);
        var guard = 0;
        while (stack.Count > 0 && guard++ < 256)
        {
            var pid = stack.Pop();
            try
            {
                var status = File.ReadAllText($"/proc/{pid}/status");
                if (!status.StartsWith("Name:\tbwrap", StringComparison.Ordinal))
                {
                    total += Field(status, "VmRSS:");
                    peakTotal += Field(status, "VmHWM:");
                }

                var children = File.ReadAllText($"/proc/{pid}/task/{pid}/children");
                foreach (var child in children.Split(' ', StringSplitOptions.RemoveEmptyEntries))
                {
                    stack.Push(int.Parse(child, CultureInfo.InvariantCulture));
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
            {
                // The process ended while we looked.
            }
        }

        return (total, peakTotal);
    }

    private static long Field(string status, string name)
    {
        var at = status.IndexOf(name, StringComparison.Ordinal);
        if (at < 0)
        {
            return 0;
        }

        var end = status.IndexOf('\n', at);
        var value = status[(at + name.Length)..(end < 0 ? status.Length : end)].Trim();
        var kb = value.Split(' ')[0];
        return long.TryParse(kb, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) ? v * 1024 : 0;
    }
}
