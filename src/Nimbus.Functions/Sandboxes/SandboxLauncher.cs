using System.Diagnostics;
using Microsoft.Extensions.Logging;

namespace Nimbus.Functions.Sandboxes;

/// <summary>Builds the process that hosts a sandbox: under bubblewrap when available, else a plain child process.</summary>
/// <remarks>
/// Under bubblewrap the function sees its code read-only at <c>/var/task</c>, its merged layers at <c>/opt</c>, the
/// bootstraps at <c>/var/runtime</c>, a private <c>/tmp</c> and PID namespace, and only the system folders it needs —
/// never Nimbus's state directory or another function's code.
/// </remarks>
internal sealed partial class SandboxLauncher
{
    private readonly FunctionsOptions _options;
    private readonly Lazy<(string Executable, string Prefix)?> _python;

    public SandboxLauncher(FunctionsOptions options, ILogger<SandboxLauncher> logger)
    {
        _options = options;
        RuntimesDirectory = options.RuntimesDirectory ?? FindRuntimesDirectory();
        var bwrap = FindExecutable("bwrap");
        UseBubblewrap = options.Sandbox switch
        {
            "process" => false,
            "bubblewrap" => bwrap is not null ? true : throw new InvalidOperationException("Sandbox 'bubblewrap' was asked for, but bwrap is not installed."),
            _ => bwrap is not null,
        };
        BubblewrapPath = bwrap ?? "bwrap";
        if (!UseBubblewrap)
        {
            Log.NoBubblewrap(logger);
        }

        _python = new Lazy<(string, string)?>(ProbePython);
    }

    public bool UseBubblewrap { get; }

    public string BubblewrapPath { get; }

    public string RuntimesDirectory { get; }

    /// <summary>The command line of the runtime for <paramref name="spec"/>, or an error message when it cannot start.</summary>
    public (ProcessStartInfo? Start, string? Error) Build(SandboxSpec spec, string runtimeApi, string logStreamName)
    {
        var taskRoot = UseBubblewrap ? "/var/task" : spec.CodeDirectory;
        var runtimeDir = UseBubblewrap ? "/var/runtime" : RuntimesDirectory;
        var optDir = UseBubblewrap ? "/opt" : spec.OptDirectory ?? "/opt";

        string[] command;
        if (spec.Runtime.StartsWith("provided", StringComparison.Ordinal))
        {
            if (File.Exists(Path.Combine(spec.CodeDirectory, "bootstrap")))
            {
                command = [$"{taskRoot}/bootstrap"];
            }
            else if (spec.OptDirectory is not null && File.Exists(Path.Combine(spec.OptDirectory, "bootstrap")))
            {
                command = [$"{optDir}/bootstrap"];
            }
            else
            {
                return (null, "Couldn't find valid bootstrap(s): [/var/task/bootstrap /opt/bootstrap]");
            }
        }
        else if (spec.Runtime.StartsWith("nodejs", StringComparison.Ordinal))
        {
            var node = FindExecutable("node");
            if (node is null)
            {
                return (null, "Runtime nodejs is not installed on this Nimbus host (node not found on PATH)");
            }

            // As AWS's nodejs runtimes start node: heap sized from the function's memory (new space a tenth, each semi-space half
            // of that, old space the rest), gc exposed, 80 KB headers. V8's background pool (GC, compilation) sized to the
            // vCPUs Lambda gives that memory (one per 1,769 MB, at least one, at most six): node's default is four threads, and
            // fifty sandboxes on a small machine then run two hundred V8 worker threads (−10–25 % CPU per request
            // at 50 concurrent invocations on 2 cores, docs/benchmarks.md).
            var newSpace = spec.MemorySize / 10;
            command =
            [
                node, "--expose-gc", "--max-http-header-size", "81920",
                $"--max-semi-space-size={newSpace / 2}", $"--max-old-space-size={spec.MemorySize - newSpace}",
                $"--v8-pool-size={LambdaVcpus(spec.MemorySize)}",
                $"{runtimeDir}/node/bootstrap.mjs",
            ];
        }
        else if (spec.Runtime.StartsWith("python", StringComparison.Ordinal))
        {
            if (_python.Value is not { } python)
            {
                return (null, "Runtime python is not installed on this Nimbus host (python3 not found on PATH)");
            }

            command = [python.Executable, $"{runtimeDir}/python/bootstrap.py"];
        }
        else
        {
            return (null, $"Runtime {spec.Runtime} is not supported by Nimbus");
        }

        var env = SandboxEnvironment.Build(spec, runtimeApi, taskRoot, runtimeDir, optDir, logStreamName, _options.EndpointUrl);
        var start = new ProcessStartInfo
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = spec.CodeDirectory,
        };
        start.Environment.Clear();
        foreach (var (k, v) in env)
        {
            start.Environment[k] = v;
        }

        if (UseBubblewrap)
        {
            start.FileName = BubblewrapPath;
            foreach (var arg in BubblewrapArguments(spec))
            {
                start.ArgumentList.Add(arg);
            }
        }
        else
        {
            start.FileName = command[0];
            command = command[1..];
        }

        foreach (var arg in command)
        {
            start.ArgumentList.Add(arg);
        }

        return (start, null);
    }

    private List<string> BubblewrapArguments(SandboxSpec spec)
    {
        List<string> args =
        [
            "--ro-bind", "/usr", "/usr",
            "--ro-bind", "/etc", "/etc",
            "--ro-bind-try", "/lib", "/lib",
            "--ro-bind-try", "/lib64", "/lib64",
            "--ro-bind-try", "/bin", "/bin",
            "--ro-bind-try", "/sbin", "/sbin",
            "--ro-bind", spec.CodeDirectory, "/var/task",
            "--ro-bind", RuntimesDirectory, "/var/runtime",
            "--tmpfs", "/tmp",
            "--proc", "/proc",
            "--dev", "/dev",
            "--unshare-pid",
            "--unshare-ipc",
            "--die-with-parent",
            "--chdir", "/var/task",
        ];
        if (spec.OptDirectory is not null)
        {
            args.AddRange(["--ro-bind", spec.OptDirectory, "/opt"]);
        }
        else
        {
            args.AddRange(["--dir", "/opt"]);
        }

        if (spec.Runtime.StartsWith("python", StringComparison.Ordinal) && _python.Value is { } python && !python.Prefix.StartsWith("/usr", StringComparison.Ordinal))
        {
            args.AddRange(["--ro-bind", python.Prefix, python.Prefix]);
        }

        args.Add("--");
        return args;
    }

    private static (string, string)? ProbePython()
    {
        var python = FindExecutable("python3");
        if (python is null)
        {
            return null;
        }

        try
        {
            var probe = Process.Start(new ProcessStartInfo(python, ["-c", "import sys;print(sys.executable);print(sys.base_prefix)"])
            {
                RedirectStandardOutput = true,
                UseShellExecute = false,
            })!;
            var lines = probe.StandardOutput.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries);
            probe.WaitForExit();
            var executable = lines[0].Trim();
            var real = new FileInfo(executable).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? executable;
            return (real, lines[1].Trim());
        }
        catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception or IndexOutOfRangeException)
        {
            return null;
        }
    }

    /// <summary>The vCPUs Lambda allocates to a memory size: one at 1,769 MB, proportionally, at least one, at most six.</summary>
    internal static int LambdaVcpus(int memoryMb) => Math.Clamp((memoryMb + 1768) / 1769, 1, 6);

    internal static string? FindExecutable(string name)
    {
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "/usr/bin:/bin").Split(':'))
        {
            var candidate = Path.Combine(dir, name);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }

    private static string FindRuntimesDirectory()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            foreach (var name in (string[])["lambda-runtimes", "runtimes"])
            {
                var candidate = Path.Combine(dir.FullName, name);
                if (File.Exists(Path.Combine(candidate, "node", "bootstrap.mjs")))
                {
                    return candidate;
                }
            }
        }

        return Path.Combine(AppContext.BaseDirectory, "lambda-runtimes");
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 1001, Level = LogLevel.Warning, Message = "bubblewrap (bwrap) was not found: functions run as plain child processes without isolation. Install it with 'apt-get install bubblewrap'.")]
        public static partial void NoBubblewrap(ILogger logger);
    }
}
