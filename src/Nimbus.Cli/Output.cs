namespace Nimbus.Cli;

/// <summary>Terminal output: aligned tables and colours on a terminal, plain tab-separated text when piped.</summary>
internal static class Output
{
    public static bool Color { get; } = !Console.IsOutputRedirected && Environment.GetEnvironmentVariable("NO_COLOR") is null;

    public static void Table(IReadOnlyList<string> headers, IEnumerable<IReadOnlyList<string>> rows)
    {
        var all = rows.ToList();
        if (!Color)
        {
            foreach (var row in all)
            {
                Console.WriteLine(string.Join('\t', row));
            }

            return;
        }

        var widths = headers.Select((h, i) => Math.Max(h.Length, all.Count == 0 ? 0 : all.Max(r => r[i].Length))).ToArray();
        Console.WriteLine("\u001b[1m" + string.Join("  ", headers.Select((h, i) => h.PadRight(widths[i]))) + "\u001b[0m");
        foreach (var row in all)
        {
            Console.WriteLine(string.Join("  ", row.Select((c, i) => c.PadRight(widths[i]))));
        }
    }

    public static string Dim(string text) => Color ? $"\u001b[2m{text}\u001b[0m" : text;

    public static string Red(string text) => Color ? $"\u001b[31m{text}\u001b[0m" : text;

    public static string Green(string text) => Color ? $"\u001b[32m{text}\u001b[0m" : text;
}
