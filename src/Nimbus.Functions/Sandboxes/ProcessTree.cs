using System.Globalization;

namespace Nimbus.Functions.Sandboxes;

/// <summary>Reads the memory of a sandbox's process tree from <c>/proc</c> (bubblewrap's own processes excluded).</summary>
internal static class ProcessTree
{
    /// <summary>Current (<c>VmRSS</c>) and peak (<c>VmHWM</c>) resident memory of the tree, in bytes, collecting the
    /// tree's pids (bubblewrap's excluded) into <paramref name="pids"/> for <see cref="Resident"/> to re-read cheaply.</summary>
    public static (long Rss, long Peak) Memory(int rootPid, List<int> pids)
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
                    pids.Add(pid);
                }

                // Children are listed per thread: a process started from a worker thread is its thread's child.
                foreach (var task in Directory.EnumerateDirectories($"/proc/{pid}/task"))
                {
                    var children = File.ReadAllText(task + "/children");
                    foreach (var child in children.Split(' ', StringSplitOptions.RemoveEmptyEntries))
                    {
                        stack.Push(int.Parse(child, CultureInfo.InvariantCulture));
                    }
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
            {
                // The process ended while we looked.
            }
        }

        return (total, peakTotal);
    }

    /// <summary>Resident memory of the given processes, in bytes, from <c>/proc/PID/statm</c> (a few numbers): what the memory watchdog reads every 100 ms between full walks of the tree.</summary>
    public static long Resident(IReadOnlyList<int> pids)
    {
        long pages = 0;
        Span<byte> buffer = stackalloc byte[128];
        foreach (var pid in pids)
        {
            try
            {
                using var handle = File.OpenHandle($"/proc/{pid}/statm");
                var n = RandomAccess.Read(handle, buffer, 0);
                var text = buffer[..n];
                var sp = text.IndexOf((byte)' ');
                var rest = sp < 0 ? [] : text[(sp + 1)..];
                var end = rest.IndexOf((byte)' ');
                if (end > 0 && long.TryParse(rest[..end], NumberStyles.Integer, CultureInfo.InvariantCulture, out var resident))
                {
                    pages += resident;
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // The process ended while we looked.
            }
        }

        return pages * Environment.SystemPageSize;
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
