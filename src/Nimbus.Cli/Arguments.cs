namespace Nimbus.Cli;

/// <summary>A parsed command line: positionals and <c>--name value</c> options (repeatable; flags have no value).</summary>
internal sealed class Arguments
{
    private static readonly HashSet<string> Flags = ["async", "follow", "log", "hot-reload", "help"];

    public List<string> Positionals { get; } = [];

    public Dictionary<string, List<string>> Options { get; } = new(StringComparer.Ordinal);

    public static Arguments Parse(string[] args)
    {
        var result = new Arguments();
        for (var i = 0; i < args.Length; i++)
        {
            var a = args[i];
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
