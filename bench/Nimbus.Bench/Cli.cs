using System.Globalization;

namespace Nimbus.Bench;

internal sealed class UsageException(string message) : Exception(message);

/// <summary>Sub-command dispatch and <c>--name value</c> options.</summary>
internal static class Cli
{
    public const string Usage = """
        nimbus-bench <command> [options]   (every command accepts --json FILE and --label TEXT)

          invoke    --endpoint URL --function NAME --concurrency N --duration S [--payload JSON] [--warmup S] [--tail]
                    Warm sync invokes from N keep-alive connections. Prints invokes/s, p50/p90/p99/max ms, errors.
                    --tail also asks for X-Amz-Log-Type: Tail and reports the REPORT Duration percentiles.
          coldstart --endpoint URL --runtime RT --code DIR --handler H --count N [--runtimes DIR] [--baseline true|false]
                    Creates N fresh functions (hot-reload code folder), times each first invoke, parses REPORT
                    Init Duration / Duration from the log tail, deletes the function. Also times the same runtime
                    started bare (no Nimbus, no bubblewrap) against an in-harness Runtime API, and under bwrap.
          startup   --cli PATH [--count N] [--idle S]
                    Starts `PATH up` on a free port N times: ms to the first 200 from /_nimbus/health, VmRSS after S s.
          dynamodb  --endpoint URL [--clients N] [--duration S] [--pid SERVER_PID]
                    PutItem, GetItem and Query ops/s, p50/p99 from N keep-alive connections (raw JSON 1.0 requests);
                    with --pid also the server's CPU time per operation.
          echo-server --port P
                    Kestrel on 127.0.0.1:P answering every POST with its body: the loopback HTTP baseline.
          report    --dir DIR
                    Prints the markdown table of every *.json result in DIR.
        """;

    public static async Task<int> RunAsync(string[] args)
    {
        if (args.Length == 0 || args[0] is "-h" or "--help" or "help")
        {
            Console.WriteLine(Usage);
            return 0;
        }

        var options = Options.Parse(args.AsSpan(1));
        return args[0] switch
        {
            "invoke" => await InvokeCommand.RunAsync(options),
            "coldstart" => await ColdStartCommand.RunAsync(options),
            "startup" => await StartupCommand.RunAsync(options),
            "dynamodb" => await DynamoDbCommand.RunAsync(options),
            "echo-server" => await EchoServer.RunAsync(options),
            "report" => ReportCommand.Run(options),
            _ => throw new UsageException($"Unknown command '{args[0]}'."),
        };
    }
}

internal sealed class Options
{
    private readonly Dictionary<string, string> _values = new(StringComparer.Ordinal);

    public static Options Parse(ReadOnlySpan<string> args)
    {
        var o = new Options();
        for (var i = 0; i < args.Length; i++)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal))
            {
                throw new UsageException($"Unexpected argument '{args[i]}'.");
            }

            var name = args[i][2..];
            if (i + 1 < args.Length && !args[i + 1].StartsWith("--", StringComparison.Ordinal))
            {
                o._values[name] = args[++i];
            }
            else
            {
                o._values[name] = "true";
            }
        }

        return o;
    }

    public string? Get(string name) => _values.TryGetValue(name, out var v) ? v : null;

    public string Require(string name) => Get(name) ?? throw new UsageException($"Missing --{name}.");

    public int Int(string name, int fallback) => Get(name) is { } v ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;

    public double Double(string name, double fallback) => Get(name) is { } v ? double.Parse(v, CultureInfo.InvariantCulture) : fallback;

    public bool Flag(string name, bool fallback = false) => Get(name) is { } v ? v is "true" or "1" or "yes" : fallback;
}
