namespace Nimbus.Cli.Commands;
internal static class OutputsCommand { public static Task<int> RunAsync(Arguments args) => Task.FromResult(0); }
