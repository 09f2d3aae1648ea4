using Nimbus.Cli.Commands;

namespace Nimbus.Cli;

/// <summary>The <c>nimbus</c> command: dispatches to a sub-command and maps failures to exit codes.</summary>
internal static class CliApp
{
    public const string Usage = """
        Usage: nimbus <command> [options]

          up [--port 4566] [--host 127.0.0.1] [--state-dir ./.nimbus] [--sandbox auto|bubblewrap|process]
             [--keep-alive SECONDS] [--log-level Warning] [--time-scale 1]
             [--sfn-mock-config FILE]                     start Nimbus
          functions create NAME --runtime RUNTIME --handler HANDLER --code DIR|ZIP
             [--memory MB] [--timeout S] [--env KEY=VALUE]... [--layer ARN]... [--hot-reload]
          functions list | get NAME | delete NAME
          invoke NAME [--payload JSON|@FILE] [--async] [--qualifier Q] [--log]
          logs NAME [--follow]

        Client commands talk to --endpoint, NIMBUS_ENDPOINT or http://127.0.0.1:4566.
        """;

    public static async Task<int> RunAsync(string[] args)
    {
        var parsed = Arguments.Parse(args);
        try
        {
            return parsed.Positionals.FirstOrDefault() switch
            {
                "up" => await UpCommand.RunAsync(parsed),
                "functions" => await FunctionsCommand.RunAsync(parsed),
                "invoke" => await InvokeCommand.RunAsync(parsed),
                "logs" => await LogsCommand.RunAsync(parsed),
                "help" or "--help" or "-h" or null => Help(),
                var other => Fail($"Unknown command '{other}'."),
            };
        }
        catch (CliException e)
        {
            return Fail(e.Message);
        }
        catch (HttpRequestException e)
        {
            return Fail($"Cannot reach Nimbus at {Endpoint.Url(parsed)}: {e.Message}. Start it with 'nimbus up'.");
        }
    }

    private static int Help()
    {
        Console.WriteLine(Usage);
        return 0;
    }

    private static int Fail(string message)
    {
        Console.Error.WriteLine(Output.Color ? $"\u001b[31merror:\u001b[0m {message}" : $"error: {message}");
        return 1;
    }
}
