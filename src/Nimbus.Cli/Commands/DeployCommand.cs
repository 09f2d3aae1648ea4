namespace Nimbus.Cli.Commands;
internal static class DeployCommand { public static Task<int> RunAsync(Arguments args) => Task.FromResult(0); }
