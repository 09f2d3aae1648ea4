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

        SAM-style commands (-t/--template defaults to template.yaml; local commands prefer .nimbus/build/template.yaml):
          validate [-t TEMPLATE]                           parse, apply the SAM transform, report every error with its line
          build [-t TEMPLATE] [-b .nimbus/build] [FUNCTION]
                                                           copy code, npm ci/install, dotnet publish, make build-<Id>
          local invoke [FUNCTION] [-e EVENT.json | -e -] [-n ENV.json] [--parameter-overrides K=V ...]
                                                           run a function once in a sandbox, no stack needed
          local start-api [-p 3000] [--host 127.0.0.1] [-n ENV.json] [--parameter-overrides K=V ...]
                                                           serve the template's Api/HttpApi events, reload on code change
          local generate-event SERVICE EVENT [--OPTION VALUE]...
                                                           print a sample event (apigateway, sqs, sns, s3, dynamodb, cloudwatch)
          deploy [--stack-name NAME] [-t TEMPLATE] [--parameter-overrides K=V ...] [--capabilities CAP ...]
             [--s3-bucket BUCKET] [--no-execute-changeset] [--no-fail-on-empty-changeset] [--endpoint-url URL]
                                                           deploy through the CloudFormation API with a live progress view
          delete --stack-name NAME                         delete a stack and wait
          outputs --stack-name NAME                        print a stack's outputs

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
                "validate" => ValidateCommand.Run(parsed),
                "build" => await BuildCommand.RunAsync(parsed),
                "local" => await LocalCommand.RunAsync(parsed),
                "deploy" => await DeployCommand.RunAsync(parsed),
                "delete" => await DeleteCommand.RunAsync(parsed),
                "outputs" => await OutputsCommand.RunAsync(parsed),
                "help" or "--help" or "-h" or null => Help(),
                var other => Fail($"Unknown command '{other}'."),
            };
        }
        catch (CliException e)
        {
            return Fail(e.Message);
        }
        catch (Commands.Sam.AwsCallException e)
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
