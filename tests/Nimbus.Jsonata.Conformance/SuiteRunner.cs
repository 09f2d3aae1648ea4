using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Nimbus.Jsonata.Conformance;

/// <summary>Runs every case of a directory laid out like the official JSONata test suite.</summary>
internal sealed class SuiteRunner
{
    private readonly string _root;
    private readonly string? _filter;
    private readonly Dictionary<string, JsonNode?> _datasets = new(StringComparer.Ordinal);

    public SuiteRunner(string root, string? filter)
    {
        _root = root;
        _filter = filter;
    }

    public int Passed { get; private set; }

    public int Failed { get; private set; }

    public void Run()
    {
        var groups = Path.Combine(_root, "groups");
        if (!Directory.Exists(groups))
        {
            return;
        }

        foreach (var file in Directory.GetFiles(groups, "*.json", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            var rel = Path.GetRelativePath(_root, file);
            if (_filter is not null && !rel.Contains(_filter, StringComparison.Ordinal))
            {
                continue;
            }

            JsonNode? doc;
            try
            {
                doc = LenientJson.Parse(File.ReadAllText(file));
            }
            catch (Exception ex) when (ex is JsonException or FormatException or IndexOutOfRangeException)
            {
                Report(rel, "unreadable case file: " + ex.Message);
                continue;
            }

            if (doc is JsonArray arr)
            {
                for (var i = 0; i < arr.Count; i++)
                {
                    RunCase($"{rel}[{i}]", Path.GetDirectoryName(file)!, arr[i] as JsonObject);
                }
            }
            else
            {
                RunCase(rel, Path.GetDirectoryName(file)!, doc as JsonObject);
            }
        }
    }

    private void Report(string name, string reason)
    {
        Failed++;
        Console.WriteLine($"FAIL {name}: {reason}");
    }

    private void RunCase(string name, string dir, JsonObject? testCase)
    {
        try
        {
            RunCaseCore(name, dir, testCase);
        }
#pragma warning disable CA1031 // a conformance report must survive harness crashes
        catch (Exception ex)
#pragma warning restore CA1031
        {
            Report(name, "harness crash " + ex.GetType().Name + ": " + ex.Message);
        }
    }

    private void RunCaseCore(string name, string dir, JsonObject? testCase)
    {
        if (testCase is null)
        {
            Report(name, "not an object");
            return;
        }

        string expr;
        if (testCase["expr"] is JsonValue e)
        {
            expr = e.GetValue<string>();
        }
        else if (testCase["expr-file"] is JsonValue ef)
        {
            expr = File.ReadAllText(Path.Combine(dir, ef.GetValue<string>()));
        }
        else
        {
            Report(name, "no expression");
            return;
        }

        JsonNode? input = null;
        if (testCase.ContainsKey("data"))
        {
            input = testCase["data"]?.DeepClone() ?? JsonataExpression.CreateJsonNull();
        }
        else if (testCase["dataset"] is JsonValue ds)
        {
            input = LoadDataset(ds.GetValue<string>())?.DeepClone();
        }

        var bindings = new Dictionary<string, JsonNode?>(StringComparer.Ordinal);
        if (testCase["bindings"] is JsonObject b)
        {
            foreach (var kv in b)
            {
                bindings[kv.Key] = kv.Value is null ? JsonataExpression.CreateJsonNull() : kv.Value.DeepClone();
            }
        }

        var options = new JsonataEvaluationOptions
        {
            MaxDepth = testCase["depth"] is JsonValue d ? (int)d.GetValue<double>() : 0,
            TimeLimit = TimeSpan.FromMilliseconds(testCase["timelimit"] is JsonValue t ? t.GetValue<double>() : 10000),
        };

        JsonNode? result;
        try
        {
            var compiled = JsonataExpression.Compile(expr);
            result = compiled.Evaluate(input, bindings, options);
        }
        catch (JsonataException ex)
        {
            CheckError(name, testCase, ex);
            return;
        }
#pragma warning disable CA1031 // a conformance report must survive engine crashes
        catch (Exception ex)
#pragma warning restore CA1031
        {
            Report(name, $"crash {ex.GetType().Name}: {ex.Message} {ex.StackTrace?.Split('\n').FirstOrDefault()?.Trim()}");
            return;
        }

        if (testCase["code"] is JsonValue code)
        {
            Report(name, $"expected error {code}, got {Show(result)}");
            return;
        }

        if (testCase["error"] is JsonObject err)
        {
            Report(name, $"expected error {err.ToJsonString()}, got {Show(result)}");
            return;
        }

        if (testCase["undefinedResult"] is JsonValue u && u.GetValue<bool>())
        {
            if (result is null)
            {
                Passed++;
            }
            else
            {
                Report(name, $"expected undefined, got {Show(result)}");
            }

            return;
        }

        if (!testCase.ContainsKey("result"))
        {
            Report(name, "case has no expectation");
            return;
        }

        var expected = testCase["result"];
        var unordered = testCase["unordered"] is JsonValue un && un.GetValue<bool>();
        if (result is null)
        {
            Report(name, $"expected {expected?.ToJsonString() ?? "null"}, got undefined");
            return;
        }

        if (JsonEquals(expected, result, unordered))
        {
            Passed++;
        }
        else
        {
            Report(name, $"expected {Truncate(expected?.ToJsonString() ?? "null")}, got {Show(result)}");
        }
    }

    private void CheckError(string name, JsonObject testCase, JsonataException ex)
    {
        if (testCase["code"] is JsonValue code)
        {
            if (code.GetValue<string>() == ex.Code)
            {
                Passed++;
            }
            else
            {
                Report(name, $"expected error {code}, got {ex.Code} ({ex.Message})");
            }

            return;
        }

        if (testCase["error"] is JsonObject err)
        {
            foreach (var kv in err)
            {
                var ok = kv.Key switch
                {
                    "code" => kv.Value?.GetValue<string>() == ex.Code,
                    "message" => kv.Value?.GetValue<string>() == ex.Message,
                    "token" => kv.Value?.GetValue<string>() == ex.Token,
                    "position" => (int?)kv.Value?.GetValue<double>() == ex.Position,
                    "value" => JsonEquals(kv.Value, ex.Value, false),
                    _ => true,
                };
                if (!ok)
                {
                    Report(name, $"error field {kv.Key}: expected {kv.Value?.ToJsonString()}, got {ex.Code} token={ex.Token} message={ex.Message}");
                    return;
                }
            }

            Passed++;
            return;
        }

        Report(name, $"unexpected error {ex.Code}: {ex.Message}");
    }

    private JsonNode? LoadDataset(string name)
    {
        if (!_datasets.TryGetValue(name, out var node))
        {
            var path = Path.Combine(_root, "datasets", name + ".json");
            node = File.Exists(path) ? LenientJson.Parse(File.ReadAllText(path)) : null;
            _datasets[name] = node;
        }

        return node;
    }

    private static string Show(JsonNode? node) => node is null ? "undefined" : Truncate(node.ToJsonString());

    private static string Truncate(string s) => s.Length > 300 ? s[..300] + "..." : s;

    internal static bool JsonEquals(JsonNode? a, JsonNode? b, bool unordered)
    {
        if (JsonataExpression.IsJsonNull(a))
        {
            a = null;
        }

        if (JsonataExpression.IsJsonNull(b))
        {
            b = null;
        }

        switch (a)
        {
            case null:
                return b is null;
            case JsonObject oa:
                {
                    if (b is not JsonObject ob || oa.Count != ob.Count)
                    {
                        return false;
                    }

                    foreach (var kv in oa)
                    {
                        if (!ob.TryGetPropertyValue(kv.Key, out var other) || !JsonEquals(kv.Value, other, false))
                        {
                            return false;
                        }
                    }

                    return true;
                }

            case JsonArray aa:
                {
                    if (b is not JsonArray ab || aa.Count != ab.Count)
                    {
                        return false;
                    }

                    if (unordered)
                    {
                        var used = new bool[ab.Count];
                        foreach (var item in aa)
                        {
                            var found = false;
                            for (var j = 0; j < ab.Count; j++)
                            {
                                if (!used[j] && JsonEquals(item, ab[j], false))
                                {
                                    used[j] = true;
                                    found = true;
                                    break;
                                }
                            }

                            if (!found)
                            {
                                return false;
                            }
                        }

                        return true;
                    }

                    for (var i = 0; i < aa.Count; i++)
                    {
                        if (!JsonEquals(aa[i], ab[i], false))
                        {
                            return false;
                        }
                    }

                    return true;
                }

            case JsonValue va:
                {
                    if (b is not JsonValue vb || va.GetValueKind() != vb.GetValueKind())
                    {
                        return false;
                    }

                    if (va.GetValueKind() == JsonValueKind.Number)
                    {
                        var da = double.Parse(va.ToJsonString(), CultureInfo.InvariantCulture);
                        var db = double.Parse(vb.ToJsonString(), CultureInfo.InvariantCulture);
                        return da == db || Math.Abs(da - db) <= 1e-13 * Math.Max(Math.Abs(da), Math.Abs(db));
                    }

                    return va.ToJsonString() == vb.ToJsonString() ||
                           (va.GetValueKind() == JsonValueKind.String && va.GetValue<string>() == vb.GetValue<string>());
                }

            default:
                return false;
        }
    }
}
