using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Nimbus.Jsonata.Values;

namespace Nimbus.Jsonata.Bench;

/// <summary>
/// <c>--quick</c>: a bounded-time throughput measurement in the same units as <c>bench/jsonata-js/bench.mjs</c>
/// (evaluations/s and ms/evaluation after a warm-up), for <c>bench/jsonata.sh</c>.
/// </summary>
/// <remarks>
/// Writes the shared case definition (<c>jsonata-data.json</c>, <c>jsonata-cases.json</c>) to the output directory,
/// parses the data back with <see cref="JsonNode.Parse(string, JsonNodeOptions?, JsonDocumentOptions)"/> (the JavaScript
/// side uses <c>JSON.parse</c> of the same file) and measures two variants per expression:
/// <c>jsonnode</c> — the public <see cref="JsonataExpression.Evaluate(JsonNode?, IReadOnlyDictionary{string, JsonNode?}?)"/>,
/// which converts the input into the engine's value model on every call; <c>preconverted</c> — the input converted once
/// and evaluated through the internal entry point (the public API has no way to pass a pre-converted input), with the
/// result still converted back to a <see cref="JsonNode"/>.
/// </remarks>
internal static class QuickBench
{
    public static int Run(string[] args)
    {
        var outDir = "bench/out";
        var seconds = 3.0;
        var warmup = 1.0;
        string? jsonPath = null;
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--quick":
                    break;
                case "--out" when i + 1 < args.Length:
                    outDir = args[++i];
                    break;
                case "--seconds" when i + 1 < args.Length:
                    seconds = double.Parse(args[++i], CultureInfo.InvariantCulture);
                    break;
                case "--warmup" when i + 1 < args.Length:
                    warmup = double.Parse(args[++i], CultureInfo.InvariantCulture);
                    break;
                case "--json" when i + 1 < args.Length:
                    jsonPath = args[++i];
                    break;
                default:
                    Console.Error.WriteLine($"usage: --quick [--out DIR] [--seconds S] [--warmup S] [--json FILE] (unknown '{args[i]}')");
                    return 2;
            }
        }

        Directory.CreateDirectory(outDir);
        var dataPath = Path.Combine(outDir, "jsonata-data.json");
        File.WriteAllText(dataPath, Cases.CreateDocument().ToJsonString());
        var cases = new JsonArray();
        foreach (var (name, expression) in Cases.All)
        {
            cases.Add(new JsonObject { ["name"] = name, ["expression"] = expression });
        }

        File.WriteAllText(Path.Combine(outDir, "jsonata-cases.json"), cases.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));

        var document = JsonNode.Parse(File.ReadAllText(dataPath))!;
        var preconverted = ValueConverter.FromJsonNode(document);
        Console.WriteLine(FormattableString.Invariant(
            $"nimbus: .NET {Environment.Version}, {Environment.ProcessorCount} CPUs, server GC {System.Runtime.GCSettings.IsServerGC}, warm-up {warmup} s, measure {seconds} s per case"));

        var results = new JsonArray();
        foreach (var (name, expression) in Cases.All)
        {
            var compiled = JsonataExpression.Compile(expression);
            results.Add(Measure(name, expression, "jsonnode", () => compiled.Evaluate(document), warmup, seconds));
            results.Add(Measure(name, expression, "preconverted",
                () => ValueConverter.ToJsonNode(compiled.EvaluateInternal(preconverted, null, null)), warmup, seconds));
        }

        if (jsonPath is not null)
        {
            File.WriteAllText(jsonPath, results.ToJsonString());
        }

        return 0;
    }

    private static JsonObject Measure(string name, string expression, string variant, Func<JsonNode?> evaluate, double warmup, double seconds)
    {
        var first = Hash(evaluate());
        var warmupEnd = Stopwatch.GetTimestamp() + (long)(warmup * Stopwatch.Frequency);
        var warmupCount = 1;
        while (Stopwatch.GetTimestamp() < warmupEnd || warmupCount < 3)
        {
            evaluate();
            warmupCount++;
        }

        var samples = new List<double>();
        var start = Stopwatch.GetTimestamp();
        var end = start + (long)(seconds * Stopwatch.Frequency);
        JsonNode? last = null;
        var now = start;
        while (now < end || samples.Count < 5)
        {
            var before = now;
            last = evaluate();
            now = Stopwatch.GetTimestamp();
            samples.Add((now - before) * 1000.0 / Stopwatch.Frequency);
        }

        var elapsedMs = (now - start) * 1000.0 / Stopwatch.Frequency;
        var lastHash = Hash(last);
        if (lastHash != first)
        {
            throw new InvalidOperationException($"{name}/{variant}: result changed between evaluations");
        }

        samples.Sort();
        var result = new JsonObject
        {
            ["side"] = "nimbus",
            ["variant"] = variant,
            ["name"] = name,
            ["expression"] = expression,
            ["n"] = samples.Count,
            ["evalsPerSec"] = Math.Round(samples.Count / (elapsedMs / 1000.0), 1),
            ["meanMs"] = Math.Round(elapsedMs / samples.Count, 6),
            ["medianMs"] = Math.Round(samples[samples.Count / 2], 6),
            ["minMs"] = Math.Round(samples[0], 6),
            ["resultSha256"] = first,
        };
        Console.WriteLine(FormattableString.Invariant(
            $"nimbus {variant,-12} {name,-26} {result["evalsPerSec"],9} evals/s  mean {result["meanMs"],8} ms  median {result["medianMs"],8} ms  n={samples.Count}  result {first}"));
        return result;
    }

    /// <summary>First 16 hex digits of the SHA-256 of the result's JSON text (<c>undefined</c> for no result); bench.mjs does the same.</summary>
    private static string Hash(JsonNode? result)
    {
        var text = result is null ? "undefined" : result.ToJsonString();
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..16];
    }
}
