namespace Nimbus.Cli;

/// <summary>A parsed command line: positionals and <c>--name value</c> options (repeatable; flags have no value).</summary>
internal sealed class Arguments
{
    private static readonly HashSet<string> Flags =
    [
        "async", "follow", "log", "hot-reload", "help", "no-execute-changeset", "fail-on-empty-changeset", "no-fail-on-empty-changeset",
        "no-confirm-changeset", "force-upload", "no-progressbar", "no-watch", "no-cached", "use-container", "lint", "no-interactive",
    ];

    /// <summary>SAM CLI options that take several space-separated values (<c>--parameter-overrides A=1 B=2</c>).</summary>
    private static readonly HashSet<string> MultiValue = ["parameter-overrides", "capabilities", "tags"];

    /// <summary>SAM CLI's short options.</summary>
    private static readonly Dictionary<string, string> Short = new(StringComparer.Ordinal)
    {
        ["-t"] = "template", ["-e"] = "event", ["-n"] = "env-vars", ["-p"] = "port", ["-b"] = "build-dir", ["-s"] = "base-dir",
    };

    public List<string> Positionals { get; } = [];

    public Dictionary<string, List<string>> Options { get; } = new(StringComparer.Ordinal);

    public static Arguments Parse(string[] args)
    {
        var result = new Arguments();
        for (var i = 0; i < args.Length; i++)
        {
            var a = args[i];
            if (Short.TryGetValue(a, out var longName) && i + 1 < args.Length)
            {
                a = "--" + longName;
            }

            if (a.StartsWith("--", StringComparison.Ordinal) && a.Length > 2)
            {
                var name = a[2..];
                string value;
                var eq = name.IndexOf('=', StringComparison.Ordinal);
                if (eq > 0)
                {
                    value = name[(eq + 1)..];
                    name = name[..eq];
                }
                else if (Flags.Contains(name) || i + 1 >= args.Length)
                {
                    value = "true";
                }
                else
                {
                    value = args[++i];
                }

                if (!result.Options.TryGetValue(name, out var list))
                {
                    result.Options[name] = list = [];
                }

                list.Add(value);
                while (MultiValue.Contains(name) && eq <= 0 && i + 1 < args.Length && !args[i + 1].StartsWith('-'))
                {
                    list.Add(args[++i]);
                }
            }
            else
            {
                result.Positionals.Add(a);
            }
        }

        return result;
    }

    public string? Get(string name) => Options.TryGetValue(name, out var v) ? v[^1] : null;

    public IReadOnlyList<string> All(string name) => Options.TryGetValue(name, out var v) ? v : [];

    public bool Has(string name) => Options.ContainsKey(name);

    public string Positional(int index, string what) =>
        Positionals.Count > index ? Positionals[index] : throw new CliException($"Missing {what}.\n\n{CliApp.Usage}");
}
