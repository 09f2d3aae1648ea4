using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Nimbus.Templates.Parsing;
using Nimbus.Templates.Sam;

namespace Nimbus.Templates.Conformance;

public sealed record ConformanceResult(int Passed, int Failed, int Skipped, IReadOnlyList<string> FailedCases);

/// <summary>
/// Runs the SAM translator's end-to-end corpus the way upstream's tests/translator/test_translator.py does:
/// every input/X.yaml is transformed (region ap-southeast-1, partition aws, parameter values {param1, param2}, the
/// harness's managed-policy map); a success case compares with output/X.json after deep_sort_lists (every list
/// sorted, so list order is ignored; numbers compare by value); an error_* case must fail with an
/// InvalidDocumentException whose message, followed by each cause's message joined by spaces, equals the expected
/// "errorMessage". Upstream leaves translate_* inputs out of the end-to-end set; so does this runner (reported as skipped).
/// </summary>
public static class SamConformanceRunner
{
    public static ConformanceResult Run(string directory, TextWriter output, bool verbose = false, string? only = null)
    {
        ArgumentNullException.ThrowIfNull(output);
        var inputDir = Path.Combine(directory, "input");
        var outputDir = Path.Combine(directory, "output");
        var inputs = Directory.GetFiles(inputDir, "*.yaml").Concat(Directory.GetFiles(inputDir, "*.json"))
            .OrderBy(p => p, StringComparer.Ordinal).ToList();
        int passed = 0, failed = 0, skipped = 0;
        var failures = new List<string>();
        foreach (var inputPath in inputs)
        {
            var name = Path.GetFileNameWithoutExtension(inputPath);
            if (only is not null && !name.Contains(only, StringComparison.Ordinal))
            {
                continue;
            }
            if (name.StartsWith("translate_", StringComparison.Ordinal))
            {
                skipped++;
                continue;
            }
            var expectedPath = Path.Combine(outputDir, name + ".json");
            if (!File.Exists(expectedPath))
            {
                skipped++;
                continue;
            }
            string? problem;
            try
            {
                problem = RunCase(name, File.ReadAllText(inputPath), File.ReadAllText(expectedPath), verbose);
            }
#pragma warning disable CA1031 // a crash in one case is that case's failure
            catch (Exception e)
#pragma warning restore CA1031
            {
                problem = $"crashed: {e.GetType().Name}: {e.Message}" + (verbose ? "\n" + e.StackTrace : "");
            }
            if (problem is null)
            {
                passed++;
            }
            else
            {
                failed++;
                failures.Add(name);
                output.WriteLine($"FAIL {name}: {problem}");
            }
        }
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{passed} passed, {failed} failed") + (skipped > 0 ? $" ({skipped} skipped)" : ""));
        return new ConformanceResult(passed, failed, skipped, failures);
    }

    /// <summary>Null when the case passes; otherwise a one-line reason.</summary>
    public static string? RunCase(string name, string inputText, string expectedText, bool verbose = false)
    {
        ArgumentNullException.ThrowIfNull(name);
        var expected = JsonNode.Parse(expectedText)!.AsObject();
        var isError = name.StartsWith("error_", StringComparison.Ordinal);
        JsonObject template;
        try
        {
            template = TemplateReader.Read(inputText);
        }
        catch (TemplateParseException e)
        {
            return "input unreadable: " + e.Message;
        }
        JsonObject actual;
        try
        {
            actual = SamTranslator.Transform(template, SamTranslatorOptions.ConformanceHarness);
        }
        catch (InvalidSamDocumentException e)
        {
            if (!isError)
            {
                return "unexpected error: " + e.FullMessage;
            }
            var want = expected["errorMessage"]?.GetValue<string>();
            return want == e.FullMessage ? null : $"error message differs\n    want: {want}\n    got:  {e.FullMessage}";
        }
        if (isError)
        {
            return "expected an error: " + expected["errorMessage"];
        }
        if (Environment.GetEnvironmentVariable("NIMBUS_SAM_DUMP") is { Length: > 0 } dumpDirectory)
        {
            File.WriteAllText(Path.Combine(dumpDirectory, name + ".json"), actual.ToJsonString());
        }

        var a = Canonical(actual);
        var b = Canonical(expected);
        if (a == b)
        {
            return null;
        }
        return "output differs: " + FirstDifference(actual, expected, "$", verbose);
    }

    /// <summary>deep_sort_lists then equality: a canonical string where every list is sorted.</summary>
    public static string Canonical(JsonNode? node)
    {
        var sb = new StringBuilder();
        WriteCanonical(sb, node);
        return sb.ToString();
    }

    private static void WriteCanonical(StringBuilder sb, JsonNode? node)
    {
        switch (node)
        {
            case null:
                sb.Append("null");
                break;
            case JsonObject obj:
                sb.Append('{');
                foreach (var (k, v) in obj.OrderBy(p => p.Key, StringComparer.Ordinal))
                {
                    sb.Append(JsonSerializer.Serialize(k)).Append(':');
                    WriteCanonical(sb, v);
                    sb.Append(',');
                }
                sb.Append('}');
                break;
            case JsonArray arr:
                sb.Append('[');
                foreach (var item in arr.Select(Canonical).OrderBy(s => s, StringComparer.Ordinal))
                {
                    sb.Append(item).Append(',');
                }
                sb.Append(']');
                break;
            case JsonValue v:
                switch (v.GetValueKind())
                {
                    case JsonValueKind.Number:
                        var d = double.Parse(v.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture);
                        sb.Append(d.ToString("R", CultureInfo.InvariantCulture));
                        break;
                    default:
                        sb.Append(v.ToJsonString());
                        break;
                }
                break;
        }
    }

    private static string FirstDifference(JsonNode? actual, JsonNode? expected, string path, bool verbose)
    {
        if (actual is JsonObject a && expected is JsonObject e)
        {
            foreach (var key in e.Select(p => p.Key))
            {
                if (!a.ContainsKey(key))
                {
                    return $"{path}.{key} missing";
                }
            }
            foreach (var key in a.Select(p => p.Key))
            {
                if (!e.ContainsKey(key))
                {
                    return $"{path}.{key} unexpected" + (verbose ? ": " + Trim(a[key]) : "");
                }
            }
            foreach (var (key, value) in e)
            {
                if (Canonical(a[key]) != Canonical(value))
                {
                    return FirstDifference(a[key], value, $"{path}.{key}", verbose);
                }
            }
        }
        if (actual is JsonArray aa && expected is JsonArray ea && aa.Count == ea.Count)
        {
            var sa = aa.OrderBy(Canonical, StringComparer.Ordinal).ToList();
            var se = ea.OrderBy(Canonical, StringComparer.Ordinal).ToList();
            for (var i = 0; i < sa.Count; i++)
            {
                if (Canonical(sa[i]) != Canonical(se[i]))
                {
                    return FirstDifference(sa[i], se[i], $"{path}[{i}]", verbose);
                }
            }
        }
        return $"{path}: got {Trim(actual)} want {Trim(expected)}";
    }

    private static string Trim(JsonNode? node)
    {
        var s = node?.ToJsonString() ?? "null";
        return s.Length > 300 ? s[..300] + "…" : s;
    }
}
