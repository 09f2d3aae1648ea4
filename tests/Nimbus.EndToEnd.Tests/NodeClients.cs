using System.Diagnostics;
using System.Text;

namespace Nimbus.EndToEnd.Tests;

/// <summary>Runs the JavaScript clients (AWS SDK v3, aws-lambda-ric) against a Nimbus process.</summary>
internal static class NodeClients
{
    private static readonly SemaphoreSlim InstallGate = new(1, 1);
    private static bool _installed;

    /// <summary>Installs tests/clients from its lockfile once, if node_modules is missing.</summary>
    public static async Task EnsureInstalledAsync()
    {
        await InstallGate.WaitAsync();
        try
        {
            if (_installed || Directory.Exists(Path.Combine(RepoPaths.Clients, "node_modules", "@aws-sdk", "client-lambda")))
            {
                _installed = true;
                return;
            }

            var (code, output) = await RunAsync("npm", ["ci", "--no-audit", "--no-fund"], new Dictionary<string, string>(), TimeSpan.FromMinutes(10));
            Assert.True(code == 0, $"npm ci failed:\n{output}");
            _installed = true;
        }
        finally
        {
            InstallGate.Release();
        }
    }

    /// <summary>Runs a node script or test file and fails the test with its output when it exits non-zero.</summary>
    public static async Task RunAsync(NimbusProcess nimbus, string[] args, IDictionary<string, string>? extraEnv = null, TimeSpan? timeout = null)
    {
        await EnsureInstalledAsync();
        var env = new Dictionary<string, string>(extraEnv ?? new Dictionary<string, string>())
        {
            ["NIMBUS_ENDPOINT"] = nimbus.Endpoint,
            ["NIMBUS_STATE_DIR"] = nimbus.StateDirectory,
            ["NIMBUS_SANDBOX"] = NimbusProcess.HasBubblewrap ? "bubblewrap" : "process",
            ["AWS_ACCESS_KEY_ID"] = "test",
            ["AWS_SECRET_ACCESS_KEY"] = "test",
        };
        var (code, output) = await RunAsync("node", args, env, timeout ?? TimeSpan.FromMinutes(5));
        Assert.True(code == 0, $"node {string.Join(' ', args)} exited with {code}:\n{output}\n--- nimbus output ---\n{nimbus.Output}");
    }

    /// <summary>Runs node from the repository root (no Nimbus needed) and fails with its output on a non-zero exit.</summary>
    public static async Task RunInRepoAsync(string[] args, TimeSpan timeout)
    {
        var (code, output) = await RunAsync("node", args, new Dictionary<string, string>(), timeout, RepoPaths.Root);
        Assert.True(code == 0, $"node {string.Join(' ', args)} exited with {code}:\n{output}");
    }

    private static async Task<(int Code, string Output)> RunAsync(string file, string[] args, IDictionary<string, string> env, TimeSpan timeout, string? workingDirectory = null)
    {
        var start = new ProcessStartInfo(file)
        {
            WorkingDirectory = workingDirectory ?? RepoPaths.Clients,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in args)
        {
            start.ArgumentList.Add(a);
        }

        foreach (var (k, v) in env)
        {
            start.Environment[k] = v;
        }

        using var process = Process.Start(start)!;
        var output = new StringBuilder();
        process.OutputDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
        process.ErrorDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            return (-1, $"timed out after {timeout}\n{output}");
        }

        lock (output)
        {
            return (process.ExitCode, output.ToString());
        }
    }
}
