using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Nimbus.EndToEnd.Tests;

/// <summary>A real <c>nimbus up</c> process on a free port, started from the built CLI.</summary>
internal sealed class NimbusProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private NimbusProcess(Process process, string stateDirectory, int port)
    {
        _process = process;
        StateDirectory = stateDirectory;
        Port = port;
    }

    public string StateDirectory { get; }

    public int Port { get; }

    public string Endpoint => $"http://127.0.0.1:{Port}";

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    public static bool HasBubblewrap => File.Exists("/usr/bin/bwrap") || File.Exists("/bin/bwrap");

    public static async Task<NimbusProcess> StartAsync(string stateDirectory, int? port = null)
    {
        var p = port ?? FreePort();
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in (string[])[RepoPaths.NimbusDll, "up", "--port", p.ToString(System.Globalization.CultureInfo.InvariantCulture), "--state-dir", stateDirectory, "--log-level", "Warning", "--time-scale", "60"])
        {
            start.ArgumentList.Add(arg);
        }

        var process = Process.Start(start)!;
        var nimbus = new NimbusProcess(process, stateDirectory, p);
        process.OutputDataReceived += (_, e) => nimbus.Append(e.Data);
        process.ErrorDataReceived += (_, e) => nimbus.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"nimbus exited with {process.ExitCode}:\n{nimbus.Output}");
            }

            try
            {
                using var response = await http.GetAsync($"{nimbus.Endpoint}/_nimbus/health");
                if (response.IsSuccessStatusCode)
                {
                    return nimbus;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            catch (TaskCanceledException)
            {
                // Not answering yet.
            }

            await Task.Delay(50);
        }

        await nimbus.DisposeAsync();
        throw new TimeoutException($"nimbus did not become healthy:\n{nimbus.Output}");
    }

    /// <summary>Kills the process tree at once, as a crash would.</summary>
    public void Kill()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(10_000);
        }
    }

    public ValueTask DisposeAsync()
    {
        Kill();
        _process.Dispose();
        return ValueTask.CompletedTask;
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
