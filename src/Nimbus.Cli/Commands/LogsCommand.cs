using System.Globalization;
using System.Text.Json.Nodes;

namespace Nimbus.Cli.Commands;

/// <summary><c>nimbus logs NAME [--follow]</c>: prints a function's log events across its streams, oldest first.</summary>
internal static class LogsCommand
{
    public static async Task<int> RunAsync(Arguments args)
    {
        var name = args.Positional(1, "function name");
        using var endpoint = new Endpoint(args);
        var group = name.StartsWith('/') ? name : $"/aws/lambda/{name}";
        string? token = null;
        var follow = args.Has("follow");
        using var stop = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            stop.Cancel();
        };

        do
        {
            var body = new JsonObject { ["logGroupName"] = group };
            if (token is not null)
            {
                body["nextToken"] = token;
            }

            JsonNode page;
            try
            {
                page = await endpoint.JsonTargetAsync("Logs_20140328.FilterLogEvents", body);
            }
            catch (CliException e) when (e.Message.Contains("ResourceNotFoundException", StringComparison.Ordinal) && follow)
            {
                await Delay(stop.Token);
                continue;
            }

            foreach (var e in page["events"]!.AsArray())
            {
                var ts = DateTimeOffset.FromUnixTimeMilliseconds(e!["timestamp"]!.GetValue<long>()).ToString("yyyy-MM-dd HH:mm:ss.fff", CultureInfo.InvariantCulture);
                Console.WriteLine($"{Output.Dim(ts)} {e["message"]}");
                token = e["eventId"]!.GetValue<string>().TrimStart('0') is { Length: > 0 } id ? id : "0";
            }

            if (page["nextToken"] is { } next)
            {
                token = next.GetValue<string>();
                continue;
            }

            if (follow)
            {
                await Delay(stop.Token);
            }
        }
        while (follow && !stop.IsCancellationRequested);

        return 0;
    }

    private static async Task Delay(CancellationToken token)
    {
        try
        {
            await Task.Delay(500, token);
        }
        catch (OperationCanceledException)
        {
            // Ctrl+C.
        }
    }
}
