using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace Nimbus.Bench;

/// <summary><c>report</c>: the markdown tables of a results folder, and issue 2's targets side by side.</summary>
/// <remarks>Target rows use the file names bench/run.sh writes (invoke-c-echo-c1.json, invoke-loopback-c1.json…).</remarks>
internal static class ReportCommand
{
    public static int Run(Options options)
    {
        var dir = options.Require("dir");
        var files = Directory.GetFiles(dir, "*.json").Order(StringComparer.Ordinal)
            .Select(f => (Name: Path.GetFileNameWithoutExtension(f), Json: JsonNode.Parse(File.ReadAllText(f))!.AsObject()))
            .ToDictionary(x => x.Name, x => x.Json, StringComparer.Ordinal);
        var md = new StringBuilder();

        md.AppendLine("### Warm invokes").AppendLine()
          .AppendLine("| Run | Concurrency | Invokes/s | p50 ms | p90 ms | p99 ms | max ms | Errors | Load (1/5/15 min) |")
          .AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---|");
        foreach (var (_, j) in files.Where(f => (string?)f.Value["kind"] == "invoke"))
        {
            var l = j["latency_ms"]!;
            md.AppendLine(CultureInfo.InvariantCulture, $"| {j["label"]} | {j["concurrency"]} | {j["throughput"]} | {l["p50"]} | {l["p90"]} | {l["p99"]} | {l["max"]} | {j["errors"]} | {j["loadavg"]} |");
        }

        md.AppendLine().AppendLine("### Cold starts").AppendLine()
          .AppendLine("| Run | n | First invoke p50 (max) ms | Init Duration p50 ms | Duration p50 ms | Overhead = first − Init − Duration, p50 (max) ms | Bare runtime start p50 ms | Under bwrap p50 ms | First invoke − bare, p50 ms | Second invoke p50 ms | Errors | Load |")
          .AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|");
        foreach (var (_, j) in files.Where(f => (string?)f.Value["kind"] == "coldstart"))
        {
            md.AppendLine(CultureInfo.InvariantCulture,
                $"| {j["label"]} | {j["first_invoke_ms"]!["n"]} | {j["first_invoke_ms"]!["p50"]} ({j["first_invoke_ms"]!["max"]}) | {j["init_duration_ms"]!["p50"]} | {j["duration_ms"]!["p50"]} | " +
                $"{j["overhead_ms"]!["p50"]} ({j["overhead_ms"]!["max"]}) | {j["bare_first_invoke_ms"]?["p50"]} | {j["bwrap_first_invoke_ms"]?["p50"]} | {j["overhead_vs_bare_p50_ms"]} | {j["second_invoke_ms"]!["p50"]} | {j["errors"]} | {j["loadavg"]} |");
        }

        md.AppendLine().AppendLine("### Startup and idle memory").AppendLine()
          .AppendLine("| Run | n | Start → healthy p50 (max) ms | Self-reported ready p50 ms | Idle VmRSS p50 (max) MB | Load |")
          .AppendLine("|---|---:|---:|---:|---:|---|");
        foreach (var (_, j) in files.Where(f => (string?)f.Value["kind"] == "startup"))
        {
            md.AppendLine(CultureInfo.InvariantCulture,
                $"| {j["label"]} | {j["count"]} | {j["ready_ms"]!["p50"]} ({j["ready_ms"]!["max"]}) | {j["self_reported_ready_ms"]!["p50"]} | {j["idle_rss_mb"]!["p50"]} ({j["idle_rss_mb"]!["max"]}) | {j["loadavg"]} |");
        }

        md.AppendLine().AppendLine("### Targets (issue 2)").AppendLine()
          .AppendLine("| Target | Goal | Measured | Met? |")
          .AppendLine("|---|---|---|---|");
        var c1 = P50(files, "invoke-c-echo-c1");
        var loop = P50(files, "invoke-loopback-c1");
        if (c1 is { } a && loop is { } b)
        {
            md.AppendLine(CultureInfo.InvariantCulture, $"| Warm invoke overhead (c-echo p50 − loopback HTTP p50, c=1) | < 0.5 ms | {Results.F(a - b, 3)} ms ({Results.F(a, 3)} − {Results.F(b, 3)}) | {Met(a - b < 0.5)} |");
        }

        if (files.TryGetValue("invoke-c-echo-c10", out var t10))
        {
            var tp = (double)t10["throughput"]!;
            md.AppendLine(CultureInfo.InvariantCulture, $"| Throughput, 10 clients, compiled bootstrap | ≥ 5,000 invokes/s | {tp:F0} invokes/s | {Met(tp >= 5000)} |");
        }

        foreach (var (name, j) in files.Where(f => (string?)f.Value["kind"] == "coldstart"))
        {
            var o = (double)j["overhead_ms"]!["p50"]!;
            md.AppendLine(CultureInfo.InvariantCulture, $"| Cold-start overhead beyond the runtime's start ({j["label"]}), first − Init − Duration | < 10 ms | {Results.F(o)} ms p50 | {Met(o < 10)} |");
            if (j["overhead_vs_bare_p50_ms"] is { } vb)
            {
                md.AppendLine(CultureInfo.InvariantCulture, $"| Cold-start overhead ({j["label"]}), first invoke − bare runtime start | < 10 ms | {Results.F((double)vb)} ms p50 | {Met((double)vb < 10)} |");
            }
        }

        if (files.TryGetValue("startup", out var s))
        {
            var r = (double)s["ready_ms"]!["p50"]!;
            var m = (double)s["idle_rss_mb"]!["p50"]!;
            md.AppendLine(CultureInfo.InvariantCulture, $"| Start to ready (process start → first healthy response) | < 300 ms | {Results.F(r, 0)} ms p50 | {Met(r < 300)} |");
            md.AppendLine(CultureInfo.InvariantCulture, $"| Idle memory (VmRSS 2 s after ready) | < 60 MB | {Results.F(m, 1)} MB p50 | {Met(m < 60)} |");
        }

        Console.Write(md.ToString());
        return 0;
    }

    private static double? P50(Dictionary<string, JsonObject> files, string name) =>
        files.TryGetValue(name, out var j) ? (double?)j["latency_ms"]!["p50"] : null;

    private static string Met(bool ok) => ok ? "yes" : "**no**";
}
