using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;

namespace Nimbus.Bench;

/// <summary>
/// <c>startup</c>: process start to the first 200 from <c>/_nimbus/health</c> (polled every millisecond over fresh
/// loopback connections), the "ready in N ms" Nimbus prints itself, and VmRSS of the idle process after a pause.
/// Each run gets a fresh free port and an empty temporary state directory (so SQLite migrations are included).
/// </summary>
internal static class StartupCommand
{
    public static async Task<int> RunAsync(Options options)
    {
        var cli = Path.GetFullPath(options.Require("cli"));
        var count = options.Int("count", 5);
        var idle = TimeSpan.FromSeconds(options.Double("idle", 2));
        var ready = new List<double>();
        var selfReported = new List<double>();
        var rss = new List<double>();
        var hwm = new List<double>();
        for (var i = 0; i < count; i++)
        {
            var port = FreePort();
            var state = Directory.CreateTempSubdirectory("nimbus-bench-startup-");
            var start = new ProcessStartInfo { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
            if (cli.EndsWith(".dll", StringComparison.Ordinal))
            {
                start.FileName = "dotnet";
                start.ArgumentList.Add(cli);
            }
            else
            {
                start.FileName = cli;
            }

            foreach (var a in new[] { "up", "--port", port.ToString(CultureInfo.InvariantCulture), "--state-dir", state.FullName })
            {
                start.ArgumentList.Add(a);
            }

            var t0 = Stopwatch.GetTimestamp();
            using var process = Process.Start(start)!;
            var selfMs = new TaskCompletionSource<double>(TaskCreationOptions.RunContinuationsAsynchronously);
            process.OutputDataReceived += (_, e) =>
            {
                if (e.Data is { } line && line.StartsWith("Nimbus ready", StringComparison.Ordinal))
                {
                    var parts = line.Split(' ');
                    var ms = Array.LastIndexOf(parts, "ms");
                    selfMs.TrySetResult(ms > 0 && double.TryParse(parts[ms - 1], CultureInfo.InvariantCulture, out var v) ? v : double.NaN);
                }
            };
            process.ErrorDataReceived += (_, _) => { };
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            try
            {
                var healthy = await WaitHealthyAsync(port, process, TimeSpan.FromSeconds(30));
                var ms = Stopwatch.GetElapsedTime(t0).TotalMilliseconds;
                if (!healthy)
                {
                    throw new InvalidOperationException($"nimbus up did not become healthy (exit: {(process.HasExited ? process.ExitCode : "running")})");
                }

                ready.Add(ms);
                await Task.Delay(idle);
                var (vmRss, vmHwm) = Memory(process.Id);
                rss.Add(vmRss);
                hwm.Add(vmHwm);
                var self = await selfMs.Task.WaitAsync(TimeSpan.FromSeconds(5));
                selfReported.Add(self);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  run {i + 1}: healthy after {ms:F1} ms (Nimbus says ready in {self:F0} ms), idle VmRSS {vmRss:F1} MB (VmHWM {vmHwm:F1} MB)"));
            }
            finally
            {
                if (!process.HasExited)
                {
                    process.Kill(entireProcessTree: true);
                }

                await process.WaitForExitAsync();
                state.Delete(recursive: true);
            }
        }

        var result = new JsonObject
        {
            ["cli"] = cli,
            ["count"] = count,
            ["idle_s"] = idle.TotalSeconds,
            ["ready_ms"] = Results.Distribution(ready),
            ["self_reported_ready_ms"] = Results.Distribution(selfReported),
            ["idle_rss_mb"] = Results.Distribution(rss),
            ["idle_hwm_mb"] = Results.Distribution(hwm),
        };
        Results.Write(options, "startup", result);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"startup x{count}: start->healthy p50 {result["ready_ms"]!["p50"]} ms (max {result["ready_ms"]!["max"]}), idle VmRSS p50 {result["idle_rss_mb"]!["p50"]} MB (max {result["idle_rss_mb"]!["max"]}), load {Results.LoadAverage()}"));
        return 0;
    }

    /// <summary>VmRSS and VmHWM of a process, in MB.</summary>
    public static (double Rss, double Hwm) Memory(int pid)
    {
        double rss = 0, hwm = 0;
        foreach (var line in File.ReadAllLines($"/proc/{pid}/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                rss = Kb(line) / 1024.0;
            }
            else if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
            {
                hwm = Kb(line) / 1024.0;
            }
        }

        return (Results.Round(rss), Results.Round(hwm));
    }

    private static double Kb(string line) => double.Parse(line.Split(':')[1].Trim().Split(' ')[0], CultureInfo.InvariantCulture);

    private static int FreePort()
    {
        using var l = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        l.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)l.LocalEndPoint!).Port;
    }

    private static async Task<bool> WaitHealthyAsync(int port, Process process, TimeSpan timeout)
    {
        var endpoint = new Uri($"http://127.0.0.1:{port}");
        var deadline = Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
        while (Stopwatch.GetTimestamp() < deadline && !process.HasExited)
        {
            try
            {
                using var client = new RawHttp(endpoint);
                var r = await client.SendAsync("GET", "/_nimbus/health");
                if (r.Status == 200)
                {
                    return true;
                }
            }
            catch (Exception e) when (e is SocketException or IOException)
            {
                // Not listening yet.
            }

            await Task.Delay(1);
        }

        return false;
    }
}
