using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Nimbus.Bench;

/// <summary>Percentiles and the JSON result files every command writes.</summary>
internal static class Results
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    /// <summary>Nearest-rank percentile of an ascending array (0 when empty).</summary>
    public static double Percentile(double[] sorted, double p)
    {
        if (sorted.Length == 0)
        {
            return 0;
        }

        var rank = (int)Math.Ceiling(p / 100.0 * sorted.Length);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Length - 1)];
    }

    public static JsonObject Distribution(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return new JsonObject
        {
            ["n"] = sorted.Length,
            ["min"] = Round(sorted.Length == 0 ? 0 : sorted[0]),
            ["p50"] = Round(Percentile(sorted, 50)),
            ["p90"] = Round(Percentile(sorted, 90)),
            ["p99"] = Round(Percentile(sorted, 99)),
            ["max"] = Round(sorted.Length == 0 ? 0 : sorted[^1]),
            ["mean"] = Round(sorted.Length == 0 ? 0 : sorted.Average()),
        };
    }

    public static double Round(double v) => Math.Round(v, 3);

    public static double Ms(long ticks) => ticks * 1000.0 / Stopwatch.Frequency;

    /// <summary>Adds the common fields (kind, label, when, load, command line) and writes <c>--json</c> if given.</summary>
    public static void Write(Options options, string kind, JsonObject result)
    {
        result["kind"] = kind;
        result["label"] = options.Get("label") ?? kind;
        result["date"] = DateTimeOffset.UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
        result["loadavg"] = LoadAverage();
        result["command"] = "nimbus-bench " + string.Join(' ', Environment.GetCommandLineArgs().Skip(1).Select(Quote));
        if (options.Get("json") is { } path)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
            File.WriteAllText(path, result.ToJsonString(Indented));
        }
    }

    public static string LoadAverage()
    {
        try
        {
            return string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
        }
        catch (IOException)
        {
            return "?";
        }
    }

    public static string F(double v, int decimals = 2) => v.ToString("F" + decimals.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);

    private static string Quote(string s) => s.Length > 0 && s.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or '/' or ':' or '=' or ',')
        ? s
        : "'" + s.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
}
