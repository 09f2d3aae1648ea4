using System.Diagnostics;
using System.Text;

namespace Nimbus.EndToEnd.Tests;

/// <summary>Runs the built <c>nimbus</c> CLI as a user would: a working folder, arguments, optional stdin; captures both streams.</summary>
internal static class NimbusCli
{
    public sealed record Result(int ExitCode, string Stdout, string Stderr)
    {
        public override string ToString() => $"exit {ExitCode}\n--- stdout ---\n{Stdout}\n--- stderr ---\n{Stderr}";
    }

    /// <summary>The SDK the Lambda Node runtime ships, lent to local sandboxes (process mode) through NODE_PATH.</summary>
    public static string EnvVarsWithSdk(string folder)
    {
        var path = Path.Combine(folder, "env.json");
        var nodeModules = Path.Combine(RepoPaths.Clients, "node_modules").Replace("\\", "\\\\", StringComparison.Ordinal);
        File.WriteAllText(path, $$"""{"Parameters": {"NODE_PATH": "{{nodeModules}}"} }""");
        return path;
    }

    public static async Task<Result> RunAsync(string workingDirectory, string[] args, string? stdin = null, TimeSpan? timeout = null)
    {
        var start = Start(workingDirectory, args);
        start.RedirectStandardInput = stdin is not null;
        using var process = Process.Start(start)!;
        if (stdin is not null)
        {
            await process.StandardInput.WriteAsync(stdin);
            process.StandardInput.Close();
        }

        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromMinutes(3));
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"nimbus {string.Join(' ', args)} timed out:\n{await stdout}\n{await stderr}");
        }

        return new Result(process.ExitCode, await stdout, await stderr);
    }

    public static ProcessStartInfo Start(string workingDirectory, string[] args)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(RepoPaths.NimbusDll);
        foreach (var a in args)
        {
            start.ArgumentList.Add(a);
        }

        start.Environment["NO_COLOR"] = "1";
        return start;
    }

    /// <summary>A long-running command (<c>local start-api</c>) whose output is collected while it runs.</summary>
    public sealed class Background : IAsyncDisposable
    {
        private readonly Process _process;
        private readonly StringBuilder _output = new();

        public Background(string workingDirectory, string[] args)
        {
            _process = Process.Start(Start(workingDirectory, args))!;
            _process.OutputDataReceived += (_, e) => Append(e.Data);
            _process.ErrorDataReceived += (_, e) => Append(e.Data);
            _process.BeginOutputReadLine();
            _process.BeginErrorReadLine();
        }

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

        /// <summary>Waits until the output contains <paramref name="text"/> (polling the collected output).</summary>
        public async Task WaitForAsync(string text, TimeSpan timeout)
        {
            var deadline = DateTime.UtcNow + timeout;
            while (!Output.Contains(text, StringComparison.Ordinal))
            {
                if (_process.HasExited || DateTime.UtcNow > deadline)
                {
                    throw new InvalidOperationException($"'{text}' did not appear:\n{Output}");
                }

                await Task.Delay(50);
            }
        }

        public async ValueTask DisposeAsync()
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync();
            }

            _process.Dispose();
        }

        private void Append(string? line)
        {
            if (line is not null)
            {
                lock (_output)
                {
                    _output.AppendLine(line);
                }
            }
        }
    }
}
