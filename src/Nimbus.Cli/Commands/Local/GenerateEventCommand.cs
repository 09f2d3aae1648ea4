using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Nimbus.Cli.Commands.Local;

/// <summary><c>nimbus local generate-event SERVICE EVENT [--option value]…</c>: prints a sample event as SAM CLI does.</summary>
internal static partial class GenerateEventCommand
{
    public static int Run(Arguments args)
    {
        var service = args.Positionals.Count > 2 ? args.Positionals[2] : null;
        var name = args.Positionals.Count > 3 ? args.Positionals[3] : null;
        if (service is null || name is null || args.Has("help"))
        {
            Console.WriteLine("Usage: nimbus local generate-event SERVICE EVENT [--OPTION VALUE]...\n");
            foreach (var e in SampleEvents.All)
            {
                Console.WriteLine($"  {e.Service} {e.Name,-18} {e.Help}");
                Console.WriteLine($"      {string.Join(' ', e.Options.Select(o => $"[--{o.Name} {Quote(o.Default)}]"))}");
            }

            return service is null ? 0 : 1;
        }

        var sample = SampleEvents.Find(service, name)
            ?? throw new CliException($"No event '{name}' for service '{service}'. Known: {string.Join(", ", SampleEvents.All.Select(e => e.Service + " " + e.Name))}.");
        var known = sample.Options.Select(o => o.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var option in args.Options.Keys.Where(k => k is not "endpoint" && !known.Contains(k)))
        {
            throw new CliException($"generate-event {sample.Service} {sample.Name} has no option --{option}; it takes {string.Join(", ", known.Select(k => "--" + k))}.");
        }

        Console.WriteLine(Render(sample, args.Options.ToDictionary(kv => kv.Key, kv => kv.Value[^1], StringComparer.Ordinal)));
        return 0;
    }

    /// <summary>Renders a sample with option values (defaults otherwise) and returns indented JSON.</summary>
    public static string Render(SampleEvent sample, IReadOnlyDictionary<string, string> values)
    {
        var raw = new Dictionary<string, string>(StringComparer.Ordinal);
        var dicts = new Dictionary<string, JsonNode?>(StringComparer.Ordinal);
        foreach (var option in sample.Options)
        {
            var value = values.TryGetValue(option.Name, out var v) ? v : option.Default;
            var key = option.Name.Replace('-', '_');
            if (option.Md5Child is { } child)
            {
                raw[child] = Convert.ToHexStringLower(MD5.HashData(Encoding.UTF8.GetBytes(value)));
            }

            switch (option.Encoding)
            {
                case "base64":
                    raw[key] = Convert.ToBase64String(Encoding.UTF8.GetBytes(value));
                    break;
                case "url":
                    raw[key] = UrlQuote(value);
                    break;
                case "dict":
                    try
                    {
                        dicts[key] = JsonNode.Parse(value);
                    }
                    catch (JsonException e)
                    {
                        throw new CliException($"--{option.Name} must be a JSON object: {e.Message}");
                    }

                    break;
                default:
                    raw[key] = value;
                    break;
            }
        }

        // Values go into JSON strings: escape them as JSON string content (SAM CLI inserts raw text, which breaks on quotes).
        var text = Placeholder().Replace(sample.Template, m =>
        {
            var name = m.Groups[1].Value;
            if (dicts.ContainsKey(name))
            {
                return m.Value;
            }

            return raw.TryGetValue(name, out var value) ? JsonEncodedText.Encode(value, JavaScriptEncoder.UnsafeRelaxedJsonEscaping).ToString() : "";
        });
        var node = JsonNode.Parse(text)!;
        foreach (var (key, dict) in dicts)
        {
            ReplaceDictPlaceholder(node, "{{{" + key + "}}}", dict);
        }

        return node.ToJsonString(new JsonSerializerOptions { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
    }

    private static void ReplaceDictPlaceholder(JsonNode node, string marker, JsonNode? value)
    {
        if (node is not JsonObject o)
        {
            return;
        }

        foreach (var (k, child) in o.ToList())
        {
            if (child is JsonValue v && v.TryGetValue<string>(out var s) && s == marker)
            {
                o[k] = value?.DeepClone();
            }
            else if (child is not null)
            {
                ReplaceDictPlaceholder(child, marker, value);
            }
        }
    }

    /// <summary>Python's <c>urllib.parse.quote</c> (safe characters: letters, digits, <c>_.-~/</c>).</summary>
    private static string UrlQuote(string value)
    {
        var sb = new StringBuilder();
        foreach (var b in Encoding.UTF8.GetBytes(value))
        {
            var c = (char)b;
            if (char.IsAsciiLetterOrDigit(c) || c is '_' or '.' or '-' or '~' or '/')
            {
                sb.Append(c);
            }
            else
            {
                sb.Append('%').Append(b.ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
            }
        }

        return sb.ToString();
    }

    private static string Quote(string s) => s.Contains(' ', StringComparison.Ordinal) || s.Contains('"', StringComparison.Ordinal) ? $"'{s}'" : s;

    [GeneratedRegex(@"\{\{\{?([A-Za-z0-9_]+)\}?\}\}")]
    private static partial Regex Placeholder();
}
