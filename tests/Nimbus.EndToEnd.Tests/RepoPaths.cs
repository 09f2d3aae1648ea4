namespace Nimbus.EndToEnd.Tests;

/// <summary>Locates the repository, the built <c>nimbus</c> CLI and the JavaScript clients.</summary>
internal static class RepoPaths
{
    public static string Root { get; } = FindRoot();

    public static string Clients => Path.Combine(Root, "tests", "clients");

    /// <summary>The CLI built in the same configuration as these tests.</summary>
    public static string NimbusDll
    {
        get
        {
            var configuration = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Release" : "Debug";
            return Path.Combine(Root, "src", "Nimbus.Cli", "bin", configuration, "net10.0", "nimbus.dll");
        }
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Nimbus.slnx")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Cannot find the repository root (Nimbus.slnx).");
    }
}
