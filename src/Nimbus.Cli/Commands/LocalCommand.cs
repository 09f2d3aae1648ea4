using Nimbus.Cli.Commands.Local;

namespace Nimbus.Cli.Commands;

/// <summary><c>nimbus local invoke | start-api | generate-event</c>.</summary>
internal static class LocalCommand
{
    public static async Task<int> RunAsync(Arguments args) =>
        args.Positional(1, "local sub-command (invoke, start-api, generate-event)") switch
        {
            "invoke" => await LocalInvokeCommand.RunAsync(args),
            "start-api" => await StartApiCommand.RunAsync(args),
            "generate-event" => GenerateEventCommand.Run(args),
            var other => throw new CliException($"Unknown local sub-command '{other}' (invoke, start-api, generate-event)."),
        };
}
