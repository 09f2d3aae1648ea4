using System.Diagnostics;
using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Nimbus.Server;

namespace Nimbus.Cli.Commands;

/// <summary><c>nimbus up</c>: starts the server in the foreground until Ctrl+C.</summary>
internal static class UpCommand
{
    public static async Task<int> RunAsync(Arguments args)
    {
        var started = Stopwatch.GetTimestamp();
        var options = NimbusOptions.FromEnvironment();
        options.Host = args.Get("host") ?? options.Host;
        options.Port = args.Get("port") is { } p ? int.Parse(p, CultureInfo.InvariantCulture) : options.Port;
        options.StateDirectory = args.Get("state-dir") ?? options.StateDirectory;
        options.Sandbox = args.Get("sandbox") ?? options.Sandbox;
        options.KeepAlive = args.Get("keep-alive") is { } k ? TimeSpan.FromSeconds(double.Parse(k, CultureInfo.InvariantCulture)) : options.KeepAlive;
        options.AccountConcurrency = args.Get("account-concurrency") is { } c ? int.Parse(c, CultureInfo.InvariantCulture) : options.AccountConcurrency;
        options.LogLevel = args.Get("log-level") ?? options.LogLevel;
        options.SfnMockConfig = args.Get("sfn-mock-config") ?? options.SfnMockConfig;
        options.TimeScale = args.Get("time-scale") is { } t ? double.Parse(t, CultureInfo.InvariantCulture) : options.TimeScale;

        var app = NimbusServer.Build(options);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault() ?? $"http://{options.Host}:{options.Port}";
        var ms = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        Console.WriteLine($"Nimbus ready on {address} (state: {Path.GetFullPath(options.StateDirectory)}) in {ms.ToString("F0", CultureInfo.InvariantCulture)} ms");
        await app.WaitForShutdownAsync();
        await app.DisposeAsync();
        return 0;
    }
}
