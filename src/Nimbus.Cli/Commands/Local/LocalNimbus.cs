using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Nimbus.Cli.Commands.Sam;
using Nimbus.Server;

namespace Nimbus.Cli.Commands.Local;

/// <summary>
/// A private Nimbus inside the CLI process for the local commands: its own state folder (deleted at the end), a free
/// loopback port, and the template's functions created in it with their code folders mounted as they are (no copy),
/// so warm sandboxes are reused and a code change only needs the function's sandboxes replaced.
/// </summary>
internal sealed class LocalNimbus : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly string _state;

    private LocalNimbus(WebApplication app, string state, int port)
    {
        _app = app;
        _state = state;
        Port = port;
        Client = new AwsClient($"http://127.0.0.1:{port}", LocalTemplate.Region);
    }

    public int Port { get; }

    public AwsClient Client { get; }

    public static async Task<LocalNimbus> StartAsync(Arguments args)
    {
        var state = Path.Combine(Path.GetTempPath(), $"nimbus-local-{Environment.ProcessId}-{Guid.NewGuid():N}"[..48]);
        var options = NimbusOptions.FromEnvironment();
        options.Host = "127.0.0.1";
        options.Port = FreePort();
        options.StateDirectory = state;
        options.Sandbox = args.Get("sandbox") ?? options.Sandbox;
        options.LogLevel = args.Get("log-level") ?? (args.Has("debug") ? "Information" : "None");
        options.KeepAlive = args.Get("keep-alive") is { } k ? TimeSpan.FromSeconds(double.Parse(k, CultureInfo.InvariantCulture)) : options.KeepAlive;
        var app = NimbusServer.Build(options);
        await app.StartAsync();
        return new LocalNimbus(app, state, options.Port);
    }

    /// <summary>Creates (or replaces) a template function in this Nimbus under its logical id.</summary>
    public async Task CreateFunctionAsync(LocalFunction function, Dictionary<string, string> environment)
    {
        var p = function.Properties;
        var body = new JsonObject
        {
            ["FunctionName"] = function.LogicalId,
            ["Runtime"] = function.Runtime,
            ["Handler"] = function.Handler,
            ["Role"] = "arn:aws:iam::000000000000:role/nimbus-local",
            ["Code"] = new JsonObject { ["S3Bucket"] = "hot-reload", ["S3Key"] = function.CodeDirectory },
            ["Environment"] = new JsonObject { ["Variables"] = new JsonObject(environment.Select(kv => KeyValuePair.Create(kv.Key, (JsonNode?)kv.Value))) },
        };
        foreach (var name in (string[])["MemorySize", "Timeout", "Architectures", "EphemeralStorage", "LoggingConfig"])
        {
            if (p[name] is JsonValue or JsonObject or JsonArray && IsPlain(p[name]))
            {
                body[name] = p[name]!.DeepClone();
            }
        }

        try
        {
            await Client.RestAsync("lambda", HttpMethod.Delete, $"/2015-03-31/functions/{function.LogicalId}");
        }
        catch (AwsCallException e) when (e.Status == 404)
        {
            // First time.
        }

        await Client.RestAsync("lambda", HttpMethod.Post, "/2015-03-31/functions", body);
    }

    /// <summary>Replaces the function's sandboxes after a code change: the same folder again is a new code revision.</summary>
    public Task ReloadAsync(LocalFunction function) =>
        Client.RestAsync("lambda", HttpMethod.Put, $"/2015-03-31/functions/{function.LogicalId}/code",
            new JsonObject { ["S3Bucket"] = "hot-reload", ["S3Key"] = function.CodeDirectory });

    public string FunctionArn(string name) => $"arn:aws:lambda:{Client.Region}:000000000000:function:{name}";

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
        try
        {
            Directory.Delete(_state, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: a sandbox may still be releasing a file.
        }
    }

    private static bool IsPlain(JsonNode? node) => node switch
    {
        JsonObject o => !(o.Count == 1 && (o.First().Key == "Ref" || o.First().Key.StartsWith("Fn::", StringComparison.Ordinal))) && o.All(kv => IsPlain(kv.Value)),
        JsonArray a => a.All(IsPlain),
        _ => true,
    };

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
