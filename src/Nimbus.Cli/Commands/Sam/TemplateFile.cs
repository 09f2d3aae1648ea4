using System.Text.Json.Nodes;
using Nimbus.Templates.Parsing;

namespace Nimbus.Cli.Commands.Sam;

/// <summary>A template read from disk: its text, its parsed document, the line of each node and the folder paths are relative to.</summary>
internal sealed class TemplateFile
{
    private static readonly string[] DefaultNames = ["template.yaml", "template.yml", "template.json"];

    private TemplateFile(string path, string text, JsonObject document)
    {
        FilePath = path;
        Text = text;
        Document = document;
        Lines = TemplateLines.Read(text);
    }

    public string FilePath { get; }

    public string Directory => Path.GetDirectoryName(FilePath)!;

    public string Text { get; }

    public JsonObject Document { get; }

    public TemplateLines Lines { get; }

    public JsonObject Resources => Document["Resources"] as JsonObject ?? [];

    /// <summary>The build output folder, as <c>.aws-sam/build</c> is to SAM CLI.</summary>
    public static string BuildDirectory(Arguments args) =>
        Path.GetFullPath(args.Get("build-dir") ?? Path.Combine(".nimbus", "build"));

    /// <summary>
    /// Finds the template as SAM CLI does: <c>--template</c>, else the built template when <paramref name="preferBuilt"/>
    /// and <c>nimbus build</c> has run, else template.yaml / template.yml / template.json in the current folder.
    /// </summary>
    public static string Locate(Arguments args, bool preferBuilt)
    {
        if ((args.Get("template") ?? args.Get("template-file")) is { } given)
        {
            var full = Path.GetFullPath(given);
            return File.Exists(full) ? full : throw new CliException($"Template file not found at {full}");
        }

        if (preferBuilt)
        {
            var built = Path.Combine(BuildDirectory(args), "template.yaml");
            if (File.Exists(built))
            {
                return built;
            }
        }

        foreach (var name in DefaultNames)
        {
            var candidate = Path.GetFullPath(name);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new CliException($"Template file not found at {Path.GetFullPath(DefaultNames[0])} (use --template / -t).");
    }

    public static TemplateFile Load(Arguments args, bool preferBuilt = true) => Load(Locate(args, preferBuilt));

    public static TemplateFile Load(string path)
    {
        var text = File.ReadAllText(path);
        try
        {
            return new TemplateFile(path, text, TemplateReader.Read(text));
        }
        catch (TemplateParseException e)
        {
            throw new CliException($"{path}:{e.Line}:{e.Column}: {e.Reason}");
        }
    }

    /// <summary>Resolves a path written in the template (CodeUri, ContentUri…) against the template's folder.</summary>
    public string Resolve(string relative) => Path.GetFullPath(Path.Combine(Directory, relative));

    /// <summary>The template's parameters with their defaults, overridden by <c>--parameter-overrides</c>.</summary>
    public Dictionary<string, string> ParameterValues(Arguments args)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        if (Document["Parameters"] is JsonObject parameters)
        {
            foreach (var (name, p) in parameters)
            {
                if (p?["Default"] is JsonValue d)
                {
                    values[name] = d.ToString();
                }
            }
        }

        foreach (var (k, v) in ParameterOverrides.Parse(args.All("parameter-overrides")))
        {
            values[k] = v;
        }

        return values;
    }

    /// <summary>True when a <c>CodeUri</c>/<c>ContentUri</c>-style value names a local path rather than S3.</summary>
    public static bool IsLocalPath(JsonNode? node) =>
        node is JsonValue v && v.TryGetValue<string>(out var s) && !s.StartsWith("s3://", StringComparison.Ordinal);
}
