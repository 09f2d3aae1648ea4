namespace Nimbus.Cli.Commands;
internal static class DeleteCommand { public static Task<int> RunAsync(Arguments args) => Task.FromResult(0); }
