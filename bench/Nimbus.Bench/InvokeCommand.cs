using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace Nimbus.Bench;

/// <summary>
/// <c>invoke</c>: closed-loop load. N workers, each with its own keep-alive connection, send the same sync invoke
/// back to back. A warm-up phase (every worker completes a few invokes, so every sandbox the concurrency needs is
/// started) precedes the measured phase; only the measured phase is reported.
/// </summary>
internal static class InvokeCommand
{
    public static async Task<int> RunAsync(Options options)
    {
        var endpoint = new Uri(options.Require("endpoint"));
        var function = options.Require("function");
        var concurrency = options.Int("concurrency", 1);
        var duration = TimeSpan.FromSeconds(options.Double("duration", 10));
        var warmup = TimeSpan.FromSeconds(options.Double("warmup", 1));
        var payload = Encoding.UTF8.GetBytes(options.Get("payload") ?? """{"hello":"world"}""");
        var tail = options.Flag("tail");
        var path = options.Get("path") ?? $"/2015-03-31/functions/{Uri.EscapeDataString(function)}/invocations";

        var clients = Enumerable.Range(0, concurrency).Select(_ => new RawHttp(endpoint)).ToArray();
        KeyValuePair<string, string>[] headers = tail ? [new("X-Amz-Log-Type", "Tail")] : [];
        var request = clients[0].BuildRequest("POST", path, payload, headers);

        // Warm-up: at least 3 invokes per worker and at least the warm-up time (capped at 120 s for slow cold starts).
        var warmStart = Stopwatch.GetTimestamp();
        var warmErrors = 0;
        await Task.WhenAll(clients.Select(async c =>
        {
            for (var i = 0; i < 3 || Stopwatch.GetElapsedTime(warmStart) < warmup; i++)
            {
                var r = await c.SendAsync(request, capture: false);
                if (r.Status != 200 || r.FunctionError)
                {
                    Interlocked.Increment(ref warmErrors);
                }

                if (Stopwatch.GetElapsedTime(warmStart) > TimeSpan.FromSeconds(120))
                {
                    break;
                }
            }
        }));
        var warmupMs = Stopwatch.GetElapsedTime(warmStart).TotalMilliseconds;

        var latencies = new List<long>[concurrency];
        var reportDurations = new List<double>[concurrency];
        var errors = 0;
        string? firstError = null;
        var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
        var start = Stopwatch.GetTimestamp();
        var stopAt = start + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        await Task.WhenAll(clients.Select((c, w) => Task.Run(async () =>
        {
            var mine = latencies[w] = new List<long>(64 * 1024);
            var durations = reportDurations[w] = [];
            while (Stopwatch.GetTimestamp() < stopAt)
            {
                var t0 = Stopwatch.GetTimestamp();
                RawResponse r;
                try
                {
                    r = await c.SendAsync(request, capture: tail);
                }
                catch (Exception e) when (e is IOException or System.Net.Sockets.SocketException)
                {
                    Interlocked.Increment(ref errors);
                    firstError ??= e.Message;
                    continue;
                }

                mine.Add(Stopwatch.GetTimestamp() - t0);
                if (r.Status != 200 || r.FunctionError)
                {
                    Interlocked.Increment(ref errors);
                    firstError ??= $"HTTP {r.Status}{(r.FunctionError ? " (function error)" : "")}";
                }

                if (tail && r.Headers is not null && r.Headers.TryGetValue("X-Amz-Log-Result", out var log)
                    && ReportLine.Parse(log) is { } report)
                {
                    durations.Add(report.DurationMs);
                }
            }
        })));
        var elapsed = Stopwatch.GetElapsedTime(start).TotalSeconds;
        var cpu = (Process.GetCurrentProcess().TotalProcessorTime - cpuBefore).TotalSeconds;
        foreach (var c in clients)
        {
            c.Dispose();
        }

        var all = latencies.SelectMany(l => l).Select(Results.Ms).ToArray();
        var dist = Results.Distribution(all);
        var throughput = all.Length / elapsed;
        var result = new JsonObject
        {
            ["endpoint"] = endpoint.ToString(),
            ["function"] = function,
            ["concurrency"] = concurrency,
            ["duration_s"] = Results.Round(elapsed),
            ["warmup_ms"] = Results.Round(warmupMs),
            ["warmup_errors"] = warmErrors,
            ["invokes"] = all.Length,
            ["throughput"] = Math.Round(throughput, 1),
            ["latency_ms"] = dist,
            ["errors"] = errors,
            ["first_error"] = firstError,
            ["client_cpu_s"] = Results.Round(cpu),
        };
        if (tail)
        {
            result["report_duration_ms"] = Results.Distribution(reportDurations.SelectMany(d => d));
        }

        Results.Write(options, "invoke", result);
        var ci = CultureInfo.InvariantCulture;
        Console.WriteLine(string.Create(ci, $"{options.Get("label") ?? function} c={concurrency}: {throughput:F1} invokes/s over {elapsed:F1} s  " +
            $"p50 {dist["p50"]} ms  p90 {dist["p90"]} ms  p99 {dist["p99"]} ms  max {dist["max"]} ms  errors {errors}  " +
            $"(warm-up {warmupMs:F0} ms, client CPU {cpu:F1} s, load {Results.LoadAverage()})"));
        if (tail)
        {
            var d = (JsonObject)result["report_duration_ms"]!;
            Console.WriteLine(string.Create(ci, $"  REPORT Duration: p50 {d["p50"]} ms  p90 {d["p90"]} ms  p99 {d["p99"]} ms (n={d["n"]})"));
        }

        if (firstError is not null)
        {
            Console.WriteLine($"  first error: {firstError}");
        }

        return 0;
    }
}

/// <summary>The figures of a Lambda <c>REPORT</c> log line.</summary>
internal sealed record ReportLine(double DurationMs, double? InitDurationMs)
{
    /// <summary>Parses the REPORT line out of a base64 <c>X-Amz-Log-Result</c> tail.</summary>
    public static ReportLine? Parse(string base64Tail)
    {
        string text;
        try
        {
            text = Encoding.UTF8.GetString(Convert.FromBase64String(base64Tail));
        }
        catch (FormatException)
        {
            return null;
        }

        var line = text.Split('\n').LastOrDefault(l => l.StartsWith("REPORT ", StringComparison.Ordinal));
        if (line is null)
        {
            return null;
        }

        double? duration = null, init = null;
        foreach (var field in line.Split('\t'))
        {
            var f = field.Trim();
            if (f.StartsWith("Duration: ", StringComparison.Ordinal))
            {
                duration = Number(f["Duration: ".Length..]);
            }
            else if (f.StartsWith("Init Duration: ", StringComparison.Ordinal))
            {
                init = Number(f["Init Duration: ".Length..]);
            }
        }

        return duration is { } d ? new ReportLine(d, init) : null;
    }

    private static double Number(string s) => double.Parse(s.Replace(" ms", "", StringComparison.Ordinal), CultureInfo.InvariantCulture);
}
